import type { Response } from 'express';
import { AuthError } from '../../core/errors';

/**
 * Starts one sign-in as `GET /oauth/:name` does: checks `returnTo`, picks the site, creates the
 * state, PKCE verifier and nonce, sets the flow cookie on `res`, and returns the provider URL.
 */
export type FlowStarter = (
  res: Response,
  origin: string | undefined,
  returnTo: unknown,
) => Promise<URL>;

/**
 * The flow starter of each mounted strategy, set by the router that mounts it. `null` marks a
 * strategy mounted by more than one router: their callbacks may read flow cookies under other
 * keys and allow other redirects, so none is picked silently.
 */
const starters = new WeakMap<object, FlowStarter | null>();

/** Called by the router for every strategy it mounts. */
export function mountFlowStarter(strategy: object, starter: FlowStarter): void {
  starters.set(strategy, starters.has(strategy) ? null : starter);
}

/** The flow starter of the one router that mounted `strategy`; throws with the fix otherwise. */
export function flowStarterOf(strategy: object, name: string): FlowStarter {
  const starter = starters.get(strategy);
  if (starter) return starter;
  throw new AuthError(
    starter === null
      ? `OAuth strategy '${name}' is mounted by more than one router, so getAuthorizationUrl ` +
          'cannot tell whose callback will finish the sign-in: give each router its own instance'
      : `OAuth strategy '${name}' is not mounted: pass it to auth.router() (googleStrategy, ` +
          'githubStrategy or oauthStrategies) before calling getAuthorizationUrl',
    'OAUTH_STRATEGY_NOT_MOUNTED',
    500,
  );
}
