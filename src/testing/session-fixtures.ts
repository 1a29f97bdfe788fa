import type { ISessionStore, SessionInfo } from '../stores/session';
import type { CheckContext } from './runner';
import {
  expectDate,
  expectEqual,
  expectTrue,
  fail,
  fakeHash,
  isAbsent,
  isDate,
  secondDate,
  show,
  trickyJson,
} from './support';

export type NewSession = Omit<SessionInfo, 'sessionHandle'>;

/** A session with every field set, dates in whole seconds as keyward writes them. */
export function fullSession(userId: string, tenantId?: string): NewSession {
  return {
    userId,
    ...(tenantId === undefined ? {} : { tenantId }),
    createdAt: secondDate(-600),
    expiresAt: secondDate(7 * 86_400),
    lastActiveAt: secondDate(-3_600),
    userAgent: `Mozilla/5.0 (X11; "quoted"; O'Brien) 100%_ \\ ünïcødé 🔐`,
    ipAddress: '2001:db8::ff00:42:8329',
    data: trickyJson(),
    refreshTokenHash: fakeHash(),
    previousRefreshTokenHash: fakeHash(),
    rotatedAt: secondDate(-60),
  };
}

/** Creates a session, checks the handle, and revokes it after the check. */
export async function createSession(
  store: ISessionStore,
  ctx: CheckContext,
  info: NewSession,
): Promise<SessionInfo> {
  const session = await store.createSession(info);
  const handle = session?.sessionHandle;
  if (typeof handle !== 'string' || handle.length < 16) {
    fail(
      `createSession must return a sessionHandle of at least 16 characters, got ${show(handle)}`,
    );
  }
  ctx.defer(() => store.revokeSession(handle));
  return session;
}

/**
 * Every field of `expected` must be on `actual`: dates as Date objects at the same instant,
 * `data` deeply equal, null or undefined as absent, everything else strictly equal.
 */
export function expectSession(
  actual: SessionInfo | null,
  expected: Partial<SessionInfo>,
  what: string,
): void {
  if (actual === null || typeof actual !== 'object')
    fail(`${what}: expected a session, got ${show(actual)}`);
  const record = actual as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(expected)) {
    const got = record[field];
    if (isDate(value)) expectDate(got, value, `${what}: ${field}`);
    else if (isAbsent(value))
      expectTrue(isAbsent(got), `${what}: ${field} expected absent, got ${show(got)}`);
    else expectEqual(got, value, `${what}: ${field}`);
  }
}
