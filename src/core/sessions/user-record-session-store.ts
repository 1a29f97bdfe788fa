import { randomBytes } from 'node:crypto';
import type { ISessionStore, RefreshRotation, SessionInfo } from '../../stores/session';
import type { IUserStore } from '../../stores/user';
import { KeyedMutex } from '../mutex';

/** The session as serialised into `BaseUser.refreshToken`. */
interface StoredState {
  v: 1;
  sid: string;
  hash: string | null;
  prev: string | null;
  rotatedAt: string | null;
  createdAt: string;
  expiresAt: string;
  lastActiveAt?: string;
  userAgent?: string;
  ipAddress?: string;
  tenantId?: string;
}

/**
 * Sessions kept on the user record (`refreshToken` / `refreshTokenExpiry`) for apps that
 * configure no session store: one session per user, so a new sign-in ends the previous one.
 * Rotation is serialised per user in this process; run several processes with a real session
 * store, whose compare-and-set makes rotation atomic everywhere.
 */
export class UserRecordSessionStore implements ISessionStore {
  private readonly mutex = new KeyedMutex();

  constructor(private readonly users: IUserStore) {}

  async createSession(info: Omit<SessionInfo, 'sessionHandle'>): Promise<SessionInfo> {
    const sid = `${randomBytes(18).toString('base64url')}.${Buffer.from(info.userId).toString('base64url')}`;
    const session: SessionInfo = { ...info, sessionHandle: sid };
    await this.users.updateRefreshToken(info.userId, serialise(session), info.expiresAt);
    return session;
  }

  async getSession(sessionHandle: string): Promise<SessionInfo | null> {
    const userId = userIdOf(sessionHandle);
    if (userId === null) return null;
    const session = await this.load(userId);
    return session?.sessionHandle === sessionHandle ? session : null;
  }

  async getSessionsForUser(userId: string, tenantId?: string): Promise<SessionInfo[]> {
    const session = await this.load(userId);
    return session && (tenantId === undefined || session.tenantId === tenantId) ? [session] : [];
  }

  async updateSessionLastActive(sessionHandle: string): Promise<void> {
    await this.update(sessionHandle, () => ({ lastActiveAt: new Date() }));
  }

  async revokeSession(sessionHandle: string): Promise<void> {
    const userId = userIdOf(sessionHandle);
    if (userId === null) return;
    await this.mutex.run(userId, async () => {
      const session = await this.load(userId);
      if (session?.sessionHandle === sessionHandle) {
        await this.users.updateRefreshToken(userId, null, null);
      }
    });
  }

  async revokeAllSessionsForUser(userId: string): Promise<void> {
    await this.mutex.run(userId, () => this.users.updateRefreshToken(userId, null, null));
  }

  async rotateRefreshToken(sessionHandle: string, expectedHash: string, next: RefreshRotation) {
    return this.update(sessionHandle, (s) => (s.refreshTokenHash === expectedHash ? next : null));
  }

  private async update(
    sessionHandle: string,
    change: (s: SessionInfo) => Partial<SessionInfo> | null,
  ): Promise<boolean> {
    const userId = userIdOf(sessionHandle);
    if (userId === null) return false;
    return this.mutex.run(userId, async () => {
      const session = await this.load(userId);
      if (session?.sessionHandle !== sessionHandle) return false;
      const patch = change(session);
      if (!patch) return false;
      const updated = { ...session, ...patch };
      await this.users.updateRefreshToken(userId, serialise(updated), updated.expiresAt);
      return true;
    });
  }

  private async load(userId: string): Promise<SessionInfo | null> {
    const user = await this.users.findById(userId);
    if (!user?.refreshToken) return null;
    return deserialise(user.id, user.refreshToken);
  }
}

function userIdOf(sessionHandle: string): string | null {
  const dot = sessionHandle.indexOf('.');
  return dot < 0 ? null : Buffer.from(sessionHandle.slice(dot + 1), 'base64url').toString('utf8');
}

function serialise(s: SessionInfo): string {
  const state: StoredState = {
    v: 1,
    sid: s.sessionHandle,
    hash: s.refreshTokenHash ?? null,
    prev: s.previousRefreshTokenHash ?? null,
    rotatedAt: s.rotatedAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    lastActiveAt: s.lastActiveAt?.toISOString(),
    userAgent: s.userAgent,
    ipAddress: s.ipAddress,
    tenantId: s.tenantId,
  };
  return JSON.stringify(state);
}

function deserialise(userId: string, raw: string): SessionInfo | null {
  let state: StoredState;
  try {
    state = JSON.parse(raw) as StoredState;
  } catch {
    return null; // a value written by another library: no keyward session
  }
  if (state?.v !== 1) return null;
  return {
    sessionHandle: state.sid,
    userId,
    tenantId: state.tenantId,
    createdAt: new Date(state.createdAt),
    expiresAt: new Date(state.expiresAt),
    lastActiveAt: state.lastActiveAt ? new Date(state.lastActiveAt) : undefined,
    userAgent: state.userAgent,
    ipAddress: state.ipAddress,
    refreshTokenHash: state.hash,
    previousRefreshTokenHash: state.prev,
    rotatedAt: state.rotatedAt ? new Date(state.rotatedAt) : null,
  };
}
