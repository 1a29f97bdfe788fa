import { RedisScript } from './scripts';

/**
 * Saves a key: claims its prefix with SET NX first, so of any number of concurrent saves with
 * one prefix (from any number of processes) exactly one gets it; then the hash and the two
 * listing indexes (sorted sets scored by createdAt).
 * KEYS: key hash, prefix → id, all keys, the owner's keys (only for a key with a userId).
 * ARGV: id, createdAt ms, field/value pairs. Returns 1, or 0 for a taken id, -1 for a taken prefix.
 */
export const SAVE_API_KEY = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if not redis.call('SET', KEYS[2], ARGV[1], 'NX') then return -1 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
if KEYS[4] then redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1]) end
return 1
`);

/**
 * Deletes a key, its prefix (if it still names this key), its index entries and its usage log
 * in one step, so no listing or log write sees half a key.
 * KEYS: key hash, prefix → id, all keys, usage list, the owner's keys (if any). ARGV: id.
 * Returns 1, or 0 when the key was already gone.
 */
export const DELETE_API_KEY = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('ZREM', KEYS[3], ARGV[1])
if KEYS[5] then redis.call('ZREM', KEYS[5], ARGV[1]) end
return 1
`);

/**
 * Prepends an audit entry to a capped list (LPUSH + LTRIM: the newest ARGV[2] are kept). With
 * KEYS[2] (the key's hash), writes only while the key exists, so a request finishing after a
 * delete leaves no orphaned log behind.
 * KEYS: the list, the key hash (for entries of a known key). ARGV: entry JSON, max entries.
 */
export const LOG_API_KEY_USAGE = new RedisScript(`
if KEYS[2] and redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
return 1
`);

/** Ids of a sorted set, highest score (newest) first. KEYS: the set. ARGV: start, stop. */
export const NEWEST_IDS = new RedisScript(`
return redis.call('ZREVRANGE', KEYS[1], ARGV[1], ARGV[2])
`);

/** A slice of a list. KEYS: the list. ARGV: start, stop. */
export const LIST_SLICE = new RedisScript(`
return redis.call('LRANGE', KEYS[1], ARGV[1], ARGV[2])
`);
