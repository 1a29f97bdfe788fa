import type { ISessionStore, SessionInfo } from '../../stores/session';

/** One signed-in device as its owner sees it: where and when, never token material. */
export interface DeviceView {
  sessionHandle: string;
  /** True for the session of the access token that asked. */
  current: boolean;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastActiveAt: Date | null;
  expiresAt: Date;
}

/** Built field by field, so a field added to SessionInfo (a hash, app data) never leaks here. */
export function toDeviceView(session: SessionInfo, currentHandle: string): DeviceView {
  return {
    sessionHandle: session.sessionHandle,
    current: session.sessionHandle === currentHandle,
    userAgent: session.userAgent ?? null,
    ip: session.ipAddress ?? null,
    createdAt: session.createdAt,
    lastActiveAt: session.lastActiveAt ?? null,
    expiresAt: session.expiresAt,
  };
}

const lastSeen = (s: SessionInfo) => (s.lastActiveAt ?? s.createdAt).getTime();

/**
 * The user's sessions that can still be refreshed, most recently active first. Every tenant's:
 * they are all the same person's devices. Expired rows are left out because some stores keep
 * them until a cleanup runs (SQL, in-memory) while others drop them themselves (Redis).
 */
export async function liveSessionsOf(
  store: ISessionStore,
  userId: string,
  now = Date.now(),
): Promise<SessionInfo[]> {
  const sessions = await store.getSessionsForUser(userId);
  return sessions
    .filter((s) => s.userId === userId && s.expiresAt.getTime() > now)
    .sort((a, b) => lastSeen(b) - lastSeen(a));
}
