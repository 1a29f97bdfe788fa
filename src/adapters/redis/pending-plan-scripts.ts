import { RedisScript } from './scripts';

/*
 * The email index is one sorted set whose members are `<email> NUL <githubId>`, all with score
 * 0, so ZRANGEBYLEX finds an email's plans. One key rather than a set per email: a save must
 * take the plan out of its old email's entry, and with a key per email that key would only be
 * known after reading the hash, outside the script (a script must be given every key it
 * touches). A NUL inside an email could make another address's members fall in the range; the
 * store drops any plan whose stored email is not the one asked for.
 */
const SEP = `local SEP = string.char(0)`;

/**
 * Replaces a plan: its old index member goes, the hash is written afresh (so a field the new plan
 * lacks does not survive) and the new member is added, in one step.
 * KEYS: plan hash, email index. ARGV: githubId, email ('' for none), field/value pairs.
 */
export const SAVE_PENDING_PLAN = new RedisScript(`${SEP}
local old = redis.call('HGET', KEYS[1], 'email')
if old then redis.call('ZREM', KEYS[2], old .. SEP .. ARGV[1]) end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
if ARGV[2] ~= '' then redis.call('ZADD', KEYS[2], 0, ARGV[2] .. SEP .. ARGV[1]) end
return 1
`);

/** Removes a plan and its index member. KEYS: plan hash, email index. ARGV: githubId. */
export const REMOVE_PENDING_PLAN = new RedisScript(`${SEP}
local old = redis.call('HGET', KEYS[1], 'email')
if old then redis.call('ZREM', KEYS[2], old .. SEP .. ARGV[1]) end
redis.call('DEL', KEYS[1])
return 1
`);

/** The GitHub ids indexed under an email. KEYS: email index. ARGV: email. */
export const PENDING_PLAN_IDS_BY_EMAIL = new RedisScript(`${SEP}
local members = redis.call('ZRANGEBYLEX', KEYS[1], '[' .. ARGV[1] .. SEP, '(' .. ARGV[1] .. string.char(1))
local ids = {}
for i, member in ipairs(members) do ids[i] = string.sub(member, #ARGV[1] + 2) end
return ids
`);
