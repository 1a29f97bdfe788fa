/**
 * NOT keyward, and no SDK's code: a small model, written for this benchmark only, of the API key
 * design the reference SDK documents (keys stored as bcrypt hashes, the presented key
 * bcrypt-compared on every request), to show what that design costs per request beside
 * keyward's `createApiKeyMiddleware` (one SHA-256).
 *
 * bcryptjs at cost 10. The model gives that design its best case: the presented key's prefix
 * picks the one stored hash to compare, so there is one bcrypt compare per request and never a
 * scan over every key. Revocation, expiry, scopes and failure limits are left out; they would
 * only add to its cost.
 *
 * The compare is bcryptjs's synchronous one. bcryptjs is plain JavaScript: its asynchronous
 * compare does the same work on the same thread, in slices of up to 100 ms, so the server's
 * throughput is the same either way. But with 50 connections the asynchronous compares advance
 * side by side and finish together, about 50 every 5 s, which a 10 s run can only count as 50
 * or 100; one at a time, they finish at an even pace that autocannon can count.
 */
import type { RequestHandler } from 'express';
import bcrypt from 'bcryptjs';

export const BCRYPT_MODEL_COST = 10;

/** The same shape as keyward's keys (`ak_` + 48 hex), looked up by their first 11 characters. */
const PREFIX_LENGTH = 11;

export interface BcryptApiKeyModel {
  middleware: RequestHandler;
  /** Compares done so far and the time they took, in ms (for the cost of one). */
  stats(): { compares: number; compareMs: number };
}

/** A middleware accepting `rawKey` in `X-Api-Key`, its bcrypt hash in a map by prefix. */
export async function bcryptApiKeyModel(rawKey: string): Promise<BcryptApiKeyModel> {
  const hashes = new Map<string, string>([
    [rawKey.slice(0, PREFIX_LENGTH), await bcrypt.hash(rawKey, BCRYPT_MODEL_COST)],
  ]);
  let compares = 0;
  let compareMs = 0;
  const middleware: RequestHandler = (req, res, next) => {
    const header = req.headers['x-api-key'];
    const presented = typeof header === 'string' ? header.trim() : '';
    const hash = hashes.get(presented.slice(0, PREFIX_LENGTH));
    const started = performance.now();
    const ok = hash !== undefined && bcrypt.compareSync(presented, hash);
    if (hash !== undefined) {
      compares++;
      compareMs += performance.now() - started;
    }
    if (ok) next();
    else res.status(401).json({ error: 'Invalid API key', code: 'API_KEY_INVALID' });
  };
  return { middleware, stats: () => ({ compares, compareMs }) };
}
