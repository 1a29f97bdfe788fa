import type { Router } from 'express';
import type { AuthLogger } from '../core/config/types';
import { noStore } from '../core/http/cookies';
import type { ISessionStore } from '../stores/session';
import type { IUserStore } from '../stores/user';

/** How long each store has to answer the health probe. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 2000;

/**
 * How long a probe's result answers later requests. The route is public, so without this a
 * flood of requests would be a flood of store reads; a monitor polling every few seconds never
 * sees a stale answer.
 */
export const DEFAULT_HEALTH_CACHE_MS = 1000;

/** Looked up and never found: a read that proves the store answers, and touches no real row. */
const PROBE_ID = 'keyward-health-probe';

type Probe = { ok: true } | { ok: false; store: 'user' | 'session' };

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/**
 * GET /health: 200 `{ status: 'ok' }` when the user and session stores answer a cheap read in
 * time, else 503 `{ error, code: 'STORE_UNAVAILABLE', status: 'unavailable', store }` (the
 * shape of every error answer, plus the two fields monitors read). The cause goes to
 * the logger (once per outage), never into the answer, which anyone may fetch.
 */
export function registerHealthRoute(
  router: Router,
  stores: { users: IUserStore; sessionStore: () => ISessionStore },
  logger: AuthLogger,
  { timeoutMs = DEFAULT_HEALTH_TIMEOUT_MS, cacheMs = DEFAULT_HEALTH_CACHE_MS } = {},
): void {
  let inFlight: Promise<Probe> | undefined;
  let last: { at: number; result: Probe } | undefined;
  let wasDown = false;

  const probe = async (): Promise<Probe> => {
    const check = async (store: 'user' | 'session', read: () => Promise<unknown>) => {
      try {
        await withTimeout(Promise.resolve().then(read), timeoutMs);
        return undefined;
      } catch (err) {
        if (!wasDown) logger.error(`health: the ${store} store did not answer`, err);
        return store;
      }
    };
    const [user, session] = await Promise.all([
      check('user', () => stores.users.findById(PROBE_ID)),
      check('session', () => stores.sessionStore().getSession(PROBE_ID)),
    ]);
    const down = user ?? session;
    wasDown = down !== undefined;
    const result: Probe = down === undefined ? { ok: true } : { ok: false, store: down };
    last = { at: Date.now(), result };
    return result;
  };

  const current = (): Promise<Probe> => {
    if (last && Date.now() - last.at < cacheMs) return Promise.resolve(last.result);
    // Probes from several load balancers at once share one round of store reads.
    inFlight ??= probe().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  router.get('/health', function keywardHealth(_req, res, next) {
    current().then((result) => {
      noStore(res);
      if (result.ok) res.json({ status: 'ok' });
      else {
        res.status(503).json({
          error: 'A store is not answering',
          code: 'STORE_UNAVAILABLE',
          status: 'unavailable',
          store: result.store,
        });
      }
    }, next);
  });
}
