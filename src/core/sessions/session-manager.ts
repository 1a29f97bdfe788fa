import type { ISessionStore, SessionInfo } from '../../stores/session';
import type { BaseUser } from '../../stores/user';
import type { ResolvedConfig } from '../config/resolved';
import { AuthError } from '../errors';
import { AuthEventNames, type AuthEventBus } from '../events';
import { generateToken, hashToken, hmac } from '../secrets';
import type { RefreshTokenPayload, TokenPair } from '../tokens/claims';
import { withoutReservedClaims, type TokenService } from '../tokens/token-service';
import type { RevocationList } from './revocation-list';
import type { RevocationRecorder } from './revocations';

/** Where ended sessions are recorded, so their access tokens are refused at once. */
export interface SessionRevocations extends RevocationRecorder {
  readonly list: RevocationList;
}

/**
 * Where one-time ids are spent (the two-factor store's `markUsed`): atomic, first call wins,
 * kept until they expire. Spends the refresh token of a pair made outside any session.
 */
export interface SpentIds {
  markUsed(id: string, expiresAt: Date): Promise<boolean>;
}

/** Who is asking: recorded on the session and in events. */
export interface RequestContext {
  ip?: string;
  userAgent?: string;
  tenantId?: string;
}

/** A session and the tokens that carry it. */
export interface IssuedSession {
  tokens: TokenPair;
  session: SessionInfo;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
/** Whole seconds, so a successor token re-derived later has exactly the same `iat`. */
const nowToTheSecond = () => new Date(Math.floor(Date.now() / 1000) * 1000);

/**
 * Issues, rotates and revokes sessions. Refresh tokens rotate on every use; the session keeps
 * the hash of the current token and of the one it replaced. Presenting the replaced token again
 * means two parties hold the same session: the session is revoked. A token's successor is
 * derived (HMAC of its id), so a grace-period retry gets the very same successor, never a branch.
 */
export class SessionManager {
  constructor(
    private readonly config: ResolvedConfig,
    private readonly tokens: TokenService,
    private readonly store: ISessionStore,
    private readonly bus: AuthEventBus | undefined,
    private readonly revocations?: SessionRevocations,
    private readonly spentIds?: SpentIds,
  ) {}

  /** Starts a session for a user who has fully authenticated. */
  async issue(user: BaseUser, ctx: RequestContext): Promise<IssuedSession> {
    const jti = generateToken();
    const now = this.signInInstant(user.id);
    const session = await this.store.createSession({
      userId: user.id,
      tenantId: ctx.tenantId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.refreshTtlSeconds * 1000),
      lastActiveAt: now,
      userAgent: ctx.userAgent,
      ipAddress: ctx.ip,
      refreshTokenHash: hashToken(jti),
      previousRefreshTokenHash: null,
      rotatedAt: now,
    });
    const tokens = await this.pairFor(user, session, jti);
    this.publish(AuthEventNames.SESSION_CREATED, session, ctx);
    return { tokens, session };
  }

  /**
   * Exchanges a refresh token for a new pair. `loadUser` fetches the current user record so
   * the access token carries fresh claims (and a deleted user cannot refresh).
   */
  async refresh(
    refreshToken: string,
    ctx: RequestContext,
    loadUser: (id: string) => Promise<BaseUser | null>,
  ): Promise<IssuedSession> {
    const claims = this.tokens.verifyRefreshToken(refreshToken, this.config.source);
    if (claims.sid === '') return this.startFromStandalonePair(claims, ctx, loadUser);
    const presented = hashToken(claims.jti);
    const successorJti = this.successorOf(claims.jti);

    let session = await this.liveSession(claims.sid, claims.sub);
    await this.assertWithinLifetime(session, ctx);
    if (session.refreshTokenHash === presented) {
      const rotatedAt = nowToTheSecond();
      const rotation = {
        refreshTokenHash: hashToken(successorJti),
        previousRefreshTokenHash: presented,
        rotatedAt,
        lastActiveAt: rotatedAt,
        expiresAt: new Date(rotatedAt.getTime() + this.config.refreshTtlSeconds * 1000),
      };
      if (await this.store.rotateRefreshToken(session.sessionHandle, presented, rotation)) {
        session = { ...session, ...rotation };
        this.publish(AuthEventNames.SESSION_ROTATED, session, ctx);
      } else {
        // Lost a race with a concurrent refresh of this token: judge it as a re-presentation.
        session = await this.liveSession(claims.sid, claims.sub);
        if (!this.withinGrace(session, presented, successorJti)) {
          return this.reuseDetected(session, ctx);
        }
      }
    } else if (!this.withinGrace(session, presented, successorJti)) {
      return this.reuseDetected(session, ctx);
    }

    const user = await loadUser(session.userId);
    if (!user) {
      await this.revoke(session.sessionHandle, 'user_deleted', ctx);
      throw new AuthError('Session is no longer valid', 'SESSION_REVOKED', 401);
    }
    return { tokens: await this.pairFor(user, session, successorJti), session };
  }

  /**
   * The first refresh of a pair made by `generateTokenPair()` outside any session: the token is
   * spent (its hash marked used until it expires, so it works once, on every instance sharing
   * the store) and a real session starts, which rotates from then on.
   */
  private async startFromStandalonePair(
    claims: RefreshTokenPayload,
    ctx: RequestContext,
    loadUser: (id: string) => Promise<BaseUser | null>,
  ): Promise<IssuedSession> {
    if (!this.spentIds) {
      throw new AuthError('Invalid or expired refresh token', 'INVALID_REFRESH_TOKEN', 401);
    }
    // Ended access (logout everywhere, password reset) ends the standalone pair too.
    if (this.revocations?.list.refuses({ sub: claims.sub, iat: claims.iat })) {
      throw new AuthError('Session is no longer valid', 'SESSION_REVOKED', 401);
    }
    const first = await this.spentIds.markUsed(
      `refresh:${hashToken(claims.jti)}`,
      new Date(claims.exp * 1000),
    );
    if (!first) {
      throw new AuthError('Refresh token was already used', 'REFRESH_TOKEN_REUSED', 401);
    }
    const user = await loadUser(claims.sub);
    if (!user) throw new AuthError('Session is no longer valid', 'SESSION_REVOKED', 401);
    return this.issue(user, ctx);
  }

  /**
   * Ends one session. Its access tokens are refused from now on: here at once, on the other
   * instances through the revocation feed.
   */
  async revoke(sessionHandle: string, reason: string, ctx: RequestContext = {}): Promise<void> {
    const session = await this.store.getSession(sessionHandle);
    await this.store.revokeSession(sessionHandle);
    await this.revocations?.revoke({
      kind: 'session',
      sessionId: sessionHandle,
      userId: session?.userId,
      at: new Date(),
    });
    if (session) this.publish(AuthEventNames.SESSION_REVOKED, session, ctx, { reason });
  }

  /**
   * Ends every session of a user (password reset, account deletion): every access token of the
   * user whose session signed in until now is refused from now on.
   */
  async revokeAll(userId: string, reason: string, ctx: RequestContext = {}): Promise<void> {
    await this.store.revokeAllSessionsForUser(userId);
    await this.revocations?.revoke({ kind: 'user', userId, at: new Date() });
    this.bus?.publish(AuthEventNames.SESSION_REVOKED, {
      userId,
      ip: ctx.ip,
      tenantId: ctx.tenantId,
      data: { reason, allSessions: true },
    });
  }

  /** The session behind a refresh token, if it still exists; never throws. */
  async sessionOfRefreshToken(refreshToken: string): Promise<SessionInfo | null> {
    try {
      const claims = this.tokens.verifyRefreshToken(refreshToken, this.config.source, {
        ignoreExpiration: true,
      });
      const session = await this.store.getSession(claims.sid);
      return session?.userId === claims.sub ? session : null;
    } catch {
      return null;
    }
  }

  /**
   * A new session's start, in whole seconds: now, or the next second when the user's sessions
   * were all revoked within this one (its tokens would fall under that cutoff otherwise).
   */
  private signInInstant(userId: string): Date {
    const second = this.revocations?.list.signInSecondFor(userId) ?? Math.floor(Date.now() / 1000);
    return new Date(second * 1000);
  }

  /** A session past `sessionMaxLifetime` ends here, however recently it was refreshed. */
  private async assertWithinLifetime(session: SessionInfo, ctx: RequestContext): Promise<void> {
    const endsAt = session.createdAt.getTime() + this.config.sessionMaxLifetimeSeconds * 1000;
    if (Date.now() < endsAt) return;
    await this.store.revokeSession(session.sessionHandle);
    await this.revocations?.revoke({
      kind: 'session',
      sessionId: session.sessionHandle,
      userId: session.userId,
      at: new Date(),
    });
    this.publish(AuthEventNames.SESSION_EXPIRED, session, ctx, { reason: 'max_lifetime' });
    throw new AuthError(
      'Session has reached its maximum lifetime; sign in again',
      'SESSION_EXPIRED',
      401,
    );
  }

  private async liveSession(sid: string, userId: string): Promise<SessionInfo> {
    const session = await this.store.getSession(sid);
    if (!session || session.userId !== userId || session.expiresAt.getTime() <= Date.now()) {
      throw new AuthError('Session is no longer valid', 'SESSION_REVOKED', 401);
    }
    return session;
  }

  /**
   * A re-presented token is answered (with its successor) only when it is the token rotated
   * away last, its successor is still the current token, and the grace window is open.
   */
  private withinGrace(session: SessionInfo, presented: string, successorJti: string): boolean {
    const grace = this.config.refreshReuseGraceSeconds;
    if (grace <= 0 || !session.rotatedAt) return false;
    return (
      session.previousRefreshTokenHash === presented &&
      session.refreshTokenHash === hashToken(successorJti) &&
      Date.now() - session.rotatedAt.getTime() <= grace * 1000
    );
  }

  private async reuseDetected(session: SessionInfo, ctx: RequestContext): Promise<never> {
    await this.revoke(session.sessionHandle, 'refresh_token_reuse', ctx);
    throw new AuthError(
      'Refresh token was already used; the session has been revoked',
      'REFRESH_TOKEN_REUSED',
      401,
    );
  }

  private successorOf(jti: string): string {
    return hmac(this.config.rotationKey, jti);
  }

  private async pairFor(user: BaseUser, session: SessionInfo, jti: string): Promise<TokenPair> {
    const issuedAt = session.rotatedAt ?? session.createdAt;
    const extra = this.config.buildTokenPayload
      ? withoutReservedClaims(await this.config.buildTokenPayload(user))
      : {};
    return {
      accessToken: this.tokens.signAccessToken({
        email: user.email,
        role: user.role ?? null,
        loginProvider: user.loginProvider ?? 'local',
        isEmailVerified: user.isEmailVerified ?? false,
        isTotpEnabled: user.isTotpEnabled ?? false,
        ...extra,
        sub: user.id,
        sid: session.sessionHandle,
        // The session began with the sign-in, so its start is when the user last proved who
        // they are; refreshed tokens keep it (recent-authentication checks read it).
        auth_time: seconds(session.createdAt),
      }),
      refreshToken: this.tokens.signRefreshToken({
        sub: user.id,
        sid: session.sessionHandle,
        jti,
        iat: seconds(issuedAt),
        exp: seconds(session.expiresAt),
      }),
    };
  }

  private publish(
    event: string,
    session: SessionInfo,
    ctx: RequestContext,
    data?: Record<string, unknown>,
  ): void {
    this.bus?.publish(event, {
      userId: session.userId,
      tenantId: session.tenantId ?? ctx.tenantId,
      sessionId: session.sessionHandle,
      ip: ctx.ip,
      data,
    });
  }
}
