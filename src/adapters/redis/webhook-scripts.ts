import { RedisScript } from './scripts';

/** Stores a webhook (replacing one with its id). KEYS: registry hash, created index. ARGV: id, createdAt ms, JSON. */
export const SAVE_WEBHOOK = new RedisScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
`);

/**
 * Compare-and-set of a webhook's JSON: writes only while the stored JSON is the one the caller
 * read and changed, so two concurrent updates cannot undo each other, and an update racing a
 * remove cannot bring the webhook back. KEYS: registry hash. ARGV: id, JSON read, new JSON.
 * Returns 1 when written, 0 when the JSON changed meanwhile, -1 when the webhook is gone.
 */
export const UPDATE_WEBHOOK = new RedisScript(`
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return -1 end
if current ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`);

/**
 * Removes a webhook and every delivery it has, in one step, so no claim takes a delivery of a
 * webhook that is gone. KEYS: registry hash, created index, deliveries hash, due set, the
 * webhook's deliveries. ARGV: id.
 */
export const REMOVE_WEBHOOK = new RedisScript(`
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
local ids = redis.call('ZRANGE', KEYS[5], 0, -1)
for i = 1, #ids, 1000 do
  local last = math.min(i + 999, #ids)
  redis.call('HDEL', KEYS[3], unpack(ids, i, last))
  redis.call('ZREM', KEYS[4], unpack(ids, i, last))
end
redis.call('DEL', KEYS[5])
return #ids
`);

/** Every value of a hash. KEYS: the hash. */
export const HASH_VALUES = new RedisScript(`
return redis.call('HVALS', KEYS[1])
`);

/** The values of the given fields, false for a missing one. KEYS: the hash. ARGV: fields. */
export const HASH_FIELDS = new RedisScript(`
if #ARGV == 0 then return {} end
return redis.call('HMGET', KEYS[1], unpack(ARGV))
`);

/**
 * Adds deliveries of one webhook; one whose id is stored already is left as it is (HSETNX).
 * KEYS: deliveries hash, due set, the webhook's deliveries. ARGV: per delivery four values:
 * id, createdAt ms, JSON, due time ms ('' unless pending). Returns how many were added.
 */
export const ENQUEUE_DELIVERIES = new RedisScript(`
local added = 0
for i = 1, #ARGV, 4 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 2]) == 1 then
    redis.call('ZADD', KEYS[3], ARGV[i + 1], ARGV[i])
    if ARGV[i + 3] ~= '' then redis.call('ZADD', KEYS[2], ARGV[i + 3], ARGV[i]) end
    added = added + 1
  end
end
return added
`);

/**
 * Leases the pending deliveries due at ARGV[1], oldest due first, at most ARGV[2]: each one's
 * score and nextAttemptAt move to ARGV[3] (now + lease). Redis runs a script alone, so of two
 * instances claiming at once, each delivery goes to one. A member whose delivery is gone or not
 * pending (or cannot be read) leaves the due set instead. KEYS: deliveries hash, due set.
 * Returns the leased deliveries' JSON.
 */
export const CLAIM_DUE = new RedisScript(`
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, id in ipairs(ids) do
  local json = redis.call('HGET', KEYS[1], id)
  local ok, d = false, nil
  if json then ok, d = pcall(cjson.decode, json) end
  if ok and type(d) == 'table' and d.status == 'pending' then
    d.nextAttemptAt = ARGV[3]
    d.updatedAt = ARGV[1]
    json = cjson.encode(d)
    redis.call('HSET', KEYS[1], id, json)
    redis.call('ZADD', KEYS[2], ARGV[3], id)
    out[#out + 1] = json
  else
    redis.call('ZREM', KEYS[2], id)
  end
end
return out
`);

/**
 * Records an attempt: attempts + 1, the outcome's status, time, HTTP status and error; a pending
 * outcome is due again at its time, any other leaves the due set.
 * KEYS: deliveries hash, due set. ARGV: id, status, at ms, HTTP status ('' for none), error,
 * next attempt ms (pending only). Returns 1, or 0 when the delivery is gone.
 */
export const RECORD_ATTEMPT = new RedisScript(`
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return 0 end
local d = cjson.decode(json)
d.attempts = (tonumber(d.attempts) or 0) + 1
d.status = ARGV[2]
d.updatedAt = ARGV[3]
if ARGV[4] ~= '' then d.lastStatus = tonumber(ARGV[4]) end
if ARGV[2] == 'delivered' then d.lastError = nil else d.lastError = ARGV[5] end
if ARGV[2] == 'pending' then
  d.nextAttemptAt = ARGV[6]
  redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
else
  redis.call('ZREM', KEYS[2], ARGV[1])
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(d))
return 1
`);

/**
 * Makes a delivery pending again with its attempts at 0, due at ARGV[2] (a replay).
 * KEYS: deliveries hash, due set. ARGV: id, at ms. Returns 1, or 0 when the delivery is gone.
 */
export const REQUEUE_DELIVERY = new RedisScript(`
local json = redis.call('HGET', KEYS[1], ARGV[1])
if not json then return 0 end
local d = cjson.decode(json)
d.status = 'pending'
d.attempts = 0
d.nextAttemptAt = ARGV[2]
d.updatedAt = ARGV[2]
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(d))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
`);
