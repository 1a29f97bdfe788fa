import { AuthConfigError } from '../errors';
import type { ISessionStore } from '../../stores/session';

/** The methods the router and the middleware call on every session store. */
const REQUIRED = [
  'createSession',
  'getSession',
  'getSessionsForUser',
  'updateSessionLastActive',
  'revokeSession',
  'revokeAllSessionsForUser',
  'rotateRefreshToken',
] as const;

/**
 * Refuses, at start-up, a session store that lacks a method keyward calls, naming the fix. A
 * store written for the reference SDK has no `rotateRefreshToken`: without this check it signs
 * users in and then answers the first refresh with a 500. Rotation cannot be adapted from the
 * other methods, since reuse detection needs the swap of old and new token to be atomic.
 */
export function assertSessionStore(store: ISessionStore | undefined, where: string): void {
  if (store === undefined) return;
  const missing = REQUIRED.filter(
    (name) => typeof (store as unknown as Record<string, unknown>)[name] !== 'function',
  );
  if (missing.length === 0) return;
  const problems = [`${where}: the session store has no ${missing.join(', ')}`];
  if (missing.includes('rotateRefreshToken')) {
    problems.push(
      'add rotateRefreshToken(sessionHandle, expectedHash, next): a compare-and-set that applies ' +
        '`next` only while the stored refresh hash is still `expectedHash` and resolves whether it ' +
        'did (docs/stores.md, docs/migrating.md)',
    );
  }
  throw new AuthConfigError(problems);
}
