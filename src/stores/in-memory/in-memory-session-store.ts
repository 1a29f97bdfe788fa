import {
  newSessionHandle,
  type ISessionStore,
  type RefreshRotation,
  type SessionInfo,
} from '../session';

/** Device-aware sessions in process memory, with an atomic refresh rotation. */
export class InMemorySessionStore implements ISessionStore {
  private readonly sessions = new Map<string, SessionInfo>();

  async createSession(info: Omit<SessionInfo, 'sessionHandle'>): Promise<SessionInfo> {
    const session: SessionInfo = { ...structuredClone(info), sessionHandle: newSessionHandle() };
    this.sessions.set(session.sessionHandle, session);
    return structuredClone(session);
  }
  async getSession(sessionHandle: string) {
    const session = this.sessions.get(sessionHandle);
    return session ? structuredClone(session) : null;
  }
  async getSessionsForUser(userId: string, tenantId?: string) {
    return this.matching(userId, tenantId).map((s) => structuredClone(s));
  }
  async updateSessionLastActive(sessionHandle: string) {
    const session = this.sessions.get(sessionHandle);
    if (session) session.lastActiveAt = new Date();
  }
  async revokeSession(sessionHandle: string) {
    this.sessions.delete(sessionHandle);
  }
  async revokeAllSessionsForUser(userId: string, tenantId?: string) {
    for (const s of this.matching(userId, tenantId)) this.sessions.delete(s.sessionHandle);
  }
  async rotateRefreshToken(sessionHandle: string, expectedHash: string, next: RefreshRotation) {
    // Check and write happen in one synchronous step, so no other call can interleave.
    const session = this.sessions.get(sessionHandle);
    if (!session || session.refreshTokenHash !== expectedHash) return false;
    Object.assign(session, structuredClone(next));
    return true;
  }
  async deleteExpiredSessions() {
    const now = Date.now();
    let deleted = 0;
    for (const [handle, s] of this.sessions) {
      if (s.expiresAt.getTime() <= now) {
        this.sessions.delete(handle);
        deleted++;
      }
    }
    return deleted;
  }
  async getAllSessions(options: { limit?: number; offset?: number; filter?: string } = {}) {
    const { limit = 50, offset = 0, filter } = options;
    const all = [...this.sessions.values()].filter(
      (s) => !filter || s.userId.includes(filter) || (s.ipAddress ?? '').includes(filter),
    );
    return all.slice(offset, offset + limit).map((s) => structuredClone(s));
  }

  private matching(userId: string, tenantId?: string): SessionInfo[] {
    return [...this.sessions.values()].filter(
      (s) => s.userId === userId && (tenantId === undefined || s.tenantId === tenantId),
    );
  }
}
