import { RedisScript } from './scripts';

/**
 * Appends an event. The stream gives the id (`<server ms>-<seq>`), so ids are unique and ordered
 * however many instances append. An event whose own time is more than the slack older than its
 * id goes into the late index too (see RedisEventLog): the one kind of entry a `to` bound or a
 * prune by id would otherwise miss.
 * KEYS: stream, late index. ARGV: time ms ('' when unknown), event JSON, max length (0: none),
 * slack ms. Returns the new id.
 */
export const APPEND_EVENT = new RedisScript(`
local id
if tonumber(ARGV[3]) > 0 then
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 't', ARGV[1], 'e', ARGV[2])
else
  id = redis.call('XADD', KEYS[1], '*', 't', ARGV[1], 'e', ARGV[2])
end
local t = tonumber(ARGV[1])
if t and t < tonumber(string.match(id, '^(%d+)-')) - tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[2], t, id)
end
return id
`);

/** Oldest first. KEYS: stream. ARGV: start, end (either may be exclusive, `(id`), count. */
export const STREAM_RANGE = new RedisScript(`
return redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', ARGV[3])
`);

/** Newest first. KEYS: stream. ARGV: end, start (either may be exclusive, `(id`), count. */
export const STREAM_REVRANGE = new RedisScript(`
return redis.call('XREVRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', ARGV[3])
`);

/**
 * Ids of the late index whose event time is in [ARGV[1], ARGV[2]] (`-inf`/`+inf` allowed).
 * KEYS: late index.
 */
export const LATE_IDS = new RedisScript(`
return redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2])
`);

/**
 * The entries of the given ids, in the order given; an id whose entry is gone (trimmed by the
 * maximum length) is dropped from the late index, so it does not linger there.
 * KEYS: stream, late index. ARGV: ids.
 */
export const ENTRIES_BY_ID = new RedisScript(`
local out = {}
for _, id in ipairs(ARGV) do
  local found = redis.call('XRANGE', KEYS[1], id, id)
  if found[1] then out[#out + 1] = found[1] else redis.call('ZREM', KEYS[2], id) end
end
return out
`);

/** Drops entries with ids below ARGV[1] (XTRIM MINID); returns how many. KEYS: stream. */
export const TRIM_BEFORE = new RedisScript(`
return redis.call('XTRIM', KEYS[1], 'MINID', ARGV[1])
`);

/**
 * Deletes late entries whose event time is before ARGV[1], at most ARGV[2] of them, and their
 * index members. KEYS: stream, late index. Returns { entries deleted, members removed }.
 */
export const PRUNE_LATE = new RedisScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1], 'LIMIT', 0, ARGV[2])
if #ids == 0 then return { 0, 0 } end
local deleted = redis.call('XDEL', KEYS[1], unpack(ids))
redis.call('ZREM', KEYS[2], unpack(ids))
return { deleted, #ids }
`);

/** Deletes the given entries; returns how many existed. KEYS: stream. ARGV: ids. */
export const DELETE_ENTRIES = new RedisScript(`
if #ARGV == 0 then return 0 end
return redis.call('XDEL', KEYS[1], unpack(ARGV))
`);

/** Sets one field of a hash. KEYS: the hash. ARGV: field, value. */
export const SET_FIELD = new RedisScript(`
return redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
`);
