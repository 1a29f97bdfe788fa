import { createHash } from 'node:crypto';
import type { RedisLike } from './client';

/**
 * A Lua script run by digest (EVALSHA), falling back to EVAL when the server does not know it:
 * the script cache is empty after a restart, a failover or SCRIPT FLUSH, so NOSCRIPT can come
 * at any time. EVAL caches the script again, so the next call is an EVALSHA hit.
 */
export class RedisScript {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(
    client: RedisLike,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
        return client.eval(this.source, keys.length, ...keys, ...args);
      }
      throw err;
    }
  }
}

/*
 * Redis does not roll a script back when a command in it fails: the writes before the failure
 * stay. So each script writes the user's index first, where a failure leaves at most a stale
 * handle (pruned on the next listing), and the session hash last.
 */

/**
 * Raises a key's expiry to `at` (Unix ms) and never lowers it, so an index (a user's set of
 * sessions) outlives the longest entry it lists. Uses the server clock (TIME), the same clock
 * PEXPIREAT is judged by; a time already past is ignored, which would delete the whole index.
 */
const EXTEND_TO = `
local function extend_to(key, at)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if at <= now then return end
  local ttl = redis.call('PTTL', key)
  if ttl == -2 then return end
  if ttl == -1 or now + ttl < at then redis.call('PEXPIREAT', key, at) end
end
`;

/**
 * Writes a session in the order the note above asks for: the handle into the user's set
 * (KEYS[2], its expiry raised to `at`), then the session hash (KEYS[1]) from the field/value
 * pairs in ARGV[first..], expiring at `at`. Shared by creation and rotation, so both keep it.
 */
const WRITE_SESSION = `${EXTEND_TO}
local function write_session(at, handle, first)
  redis.call('SADD', KEYS[2], handle)
  extend_to(KEYS[2], at)
  redis.call('HSET', KEYS[1], unpack(ARGV, first))
  redis.call('PEXPIREAT', KEYS[1], at)
end
`;

/**
 * Creates a session: its hash with an expiry at `expiresAt`, and its handle in the user's set,
 * in one step. Atomic on purpose: a listing that ran between two separate writes would see a
 * handle without a hash, prune it as stale, and leave a session that revoke-all cannot find.
 * KEYS: session hash, user set. ARGV: expiresAt ms, handle, field/value pairs.
 * Returns 0 (writes nothing) if the handle is taken, which 192 random bits make theoretical.
 */
export const CREATE_SESSION = new RedisScript(`${WRITE_SESSION}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
write_session(tonumber(ARGV[1]), ARGV[2], 3)
return 1
`);

/**
 * The compare-and-set behind refresh-token rotation: writes every field of the rotation and the
 * new expiry only if the stored refresh hash is still the expected one. Redis runs a script
 * alone, so of N concurrent rotations from one token exactly one sees its hash and wins.
 * KEYS: session hash, user set. ARGV: expected hash (encoded), expiresAt ms, handle, pairs.
 * Returns 1 when this call won, 0 otherwise (including a session that no longer exists).
 */
export const ROTATE_REFRESH_TOKEN = new RedisScript(`${WRITE_SESSION}
if redis.call('HGET', KEYS[1], 'refreshTokenHash') ~= ARGV[1] then return 0 end
-- Re-adding the handle is free and repairs an index that lost it (an eviction, say).
write_session(tonumber(ARGV[2]), ARGV[3], 4)
return 1
`);

/**
 * Sets one field only if the session still exists: a plain HSET on a key that just expired
 * would create a fragment of a session with no expiry at all.
 * KEYS: session hash. ARGV: field, value.
 */
export const SET_IF_EXISTS = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`);

/**
 * One hit on a fixed-window counter: INCR, and start the window's expiry on the first hit.
 * As one script, hits from any number of processes are serialized and none is lost, and the
 * counter can never be left without an expiry (which would block the key for ever).
 * KEYS: counter. ARGV: window ms. Returns { count, ms until the window ends }.
 */
export const RATE_LIMIT_HIT = new RedisScript(`
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`);

/**
 * Records a TOTP time step if it is greater than the stored one: compare and raise in one
 * script, so of concurrent calls with the same step (from any number of processes) one wins.
 * KEYS: the user's step. ARGV: step (an integer). Returns 1 when stored, 0 when refused.
 */
export const RAISE_TOTP_STEP = new RedisScript(`
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
`);

/**
 * Replaces a set's members in one step, so no reader sees it empty or half filled. SADD gets
 * the members in slices (Lua's unpack has a stack limit).
 * KEYS: the set. ARGV: the new members (none empties the set).
 */
export const REPLACE_SET = new RedisScript(`
redis.call('DEL', KEYS[1])
for i = 1, #ARGV, 1000 do
  redis.call('SADD', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
return #ARGV
`);

/**
 * Stores a new SMS code unless the stored one is still within its resend time. The hash
 * `code` (hash, or '' once spent), `exp` (ms), `att` (attempts), `resend` (ms).
 * KEYS: the user's SMS hash. ARGV: now ms, code hash, expires ms, resend ms.
 * Returns 1 when stored, 0 when throttled. The key expires once both times have passed.
 */
export const SAVE_SMS_CODE = new RedisScript(`
local resend = tonumber(redis.call('HGET', KEYS[1], 'resend'))
if resend and resend > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'code', ARGV[2], 'exp', ARGV[3], 'att', 0, 'resend', ARGV[4])
local keep = math.max(tonumber(ARGV[3]), tonumber(ARGV[4])) - tonumber(ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.max(1, keep))
return 1
`);

/**
 * Counts one attempt at a live SMS code (stored, unspent, unexpired, under the limit) and
 * returns its hash; returns false (nil) otherwise.
 * KEYS: the user's SMS hash. ARGV: now ms, max attempts.
 */
export const CLAIM_SMS_ATTEMPT = new RedisScript(`
local v = redis.call('HMGET', KEYS[1], 'code', 'exp', 'att')
if not v[1] or v[1] == '' then return false end
if tonumber(v[2]) <= tonumber(ARGV[1]) then return false end
if tonumber(v[3]) >= tonumber(ARGV[2]) then return false end
redis.call('HINCRBY', KEYS[1], 'att', 1)
return v[1]
`);

/**
 * Spends the SMS code if its hash is the given one. KEYS: the user's SMS hash. ARGV: hash.
 * Returns 1 the first time, 0 otherwise.
 */
export const CONSUME_SMS_CODE = new RedisScript(`
local code = redis.call('HGET', KEYS[1], 'code')
if not code or code == '' or code ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'code', '')
return 1
`);
