import { randomBytes } from 'node:crypto';

/** One signed-in device. */
export interface SessionInfo {
  /** Opaque, unguessable identifier; carried in tokens as `sid`. */
  sessionHandle: string;
  userId: string;
  tenantId?: string;
  createdAt: Date;
  expiresAt: Date;
  lastActiveAt?: Date;
  userAgent?: string;
  ipAddress?: string;
  data?: Record<string, unknown>;
  /** SHA-256 of the refresh token currently valid for this session. */
  refreshTokenHash?: string | null;
  /** SHA-256 of the token it replaced: presenting it again is a theft signal. */
  previousRefreshTokenHash?: string | null;
  /** When the current refresh token was issued. */
  rotatedAt?: Date | null;
}

/** The refresh state a rotation writes, all at once. */
export interface RefreshRotation {
  refreshTokenHash: string;
  previousRefreshTokenHash: string;
  rotatedAt: Date;
  lastActiveAt: Date;
  /** Sessions slide: each rotation extends them by the refresh-token lifetime. */
  expiresAt: Date;
}

/** Device-aware sessions: one record per sign-in, listed and revoked individually. */
export interface ISessionStore {
  createSession(info: Omit<SessionInfo, 'sessionHandle'>): Promise<SessionInfo>;
  getSession(sessionHandle: string): Promise<SessionInfo | null>;
  getSessionsForUser(userId: string, tenantId?: string): Promise<SessionInfo[]>;
  updateSessionLastActive(sessionHandle: string): Promise<void>;
  revokeSession(sessionHandle: string): Promise<void>;
  revokeAllSessionsForUser(userId: string, tenantId?: string): Promise<void>;
  /**
   * Compare-and-set: apply `next` only if the session's current refresh hash is still
   * `expectedHash`; resolve true when this call won. Concurrent refreshes rely on it to never
   * fork a session (a database does `UPDATE … WHERE refresh_token_hash = $expected`).
   */
  rotateRefreshToken(
    sessionHandle: string,
    expectedHash: string,
    next: RefreshRotation,
  ): Promise<boolean>;
  /** Purges sessions past `expiresAt`; enables POST /sessions/cleanup. Returns the count. */
  deleteExpiredSessions?(): Promise<number>;
  /** Admin listing. */
  getAllSessions?(options?: {
    limit?: number;
    offset?: number;
    filter?: string;
  }): Promise<SessionInfo[]>;
}

/**
 * A new session handle for a store to assign: 192 random bits, base64url (unguessable, and safe
 * inside a token, a Redis key or a URL). Shared by keyward's own session stores.
 */
export function newSessionHandle(): string {
  return randomBytes(24).toString('base64url');
}
