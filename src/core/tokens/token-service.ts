import type { Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { isResolvedConfig, resolveConfig } from '../config/resolve';
import type { ResolvedConfig } from '../config/resolved';
import type { AuthConfig } from '../config/types';
import { AuthError } from '../errors';
import {
  clearTokenCookies as clearCookies,
  readCookie,
  setCsrfCookie,
  setTokenCookies as setCookies,
} from '../http/cookies';
import { generateToken } from '../secrets';
import { VerifiedTokenCache } from './verified-token-cache';
import {
  RESERVED_CLAIMS,
  TEMP_TOKEN_AUDIENCE,
  TEMP_TOKEN_TTL_SECONDS,
  type TempTokenPayload,
  type TempTokenPurpose,
  type AccessTokenPayload,
  type RefreshTokenPayload,
  type TokenPair,
} from './claims';

/** The only algorithm keyward signs with and the only one it accepts. */
const ALGORITHM = 'HS256';
const VERIFY_OPTIONS: jwt.VerifyOptions & { complete?: false } = { algorithms: [ALGORITHM] };

const resolvedCache = new WeakMap<AuthConfig, ResolvedConfig>();

/** Accepts either form so the reference-style `service.method(token, config)` calls keep working. */
function asResolved(config: AuthConfig | ResolvedConfig): ResolvedConfig {
  if (isResolvedConfig(config)) return config;
  let resolved = resolvedCache.get(config);
  if (!resolved) {
    resolved = resolveConfig(config);
    resolvedCache.set(config, resolved);
  }
  return resolved;
}

/** The cookies keyward writes, by the names an app without prefixes would see. */
export type TokenCookieName = 'accessToken' | 'refreshToken' | 'csrf-token';

/** Result of checking an access token. */
export type AccessCheck =
  | { ok: true; payload: AccessTokenPayload }
  | { ok: false; code: 'TOKEN_EXPIRED' | 'INVALID_TOKEN' };

/**
 * Signs and verifies keyward's JWTs. Keys are `KeyObject`s made once from the config, the
 * algorithm is pinned to HS256 on both sides, and every token carries a `typ` claim so a
 * refresh or temporary token can never be used as an access token.
 */
export class TokenService {
  private readonly config: ResolvedConfig | undefined;
  private readonly verified: VerifiedTokenCache | undefined;

  constructor(config?: AuthConfig | ResolvedConfig) {
    this.config = config ? asResolved(config) : undefined;
    this.verified = config ? new VerifiedTokenCache() : undefined;
  }

  /** Signs an access token for `claims` (must include `sub`). */
  signAccessToken(claims: Record<string, unknown> & { sub: string }, config?: AuthConfig): string {
    const c = this.pick(config);
    const payload: Record<string, unknown> = { ...claims, typ: 'access' };
    return jwt.sign(payload, c.accessKey, { algorithm: ALGORITHM, expiresIn: c.accessTtlSeconds });
  }

  /** Signs a refresh token; `iat`/`exp` are explicit so a successor can be re-derived exactly. */
  signRefreshToken(claims: Omit<RefreshTokenPayload, 'typ'>, config?: AuthConfig): string {
    const c = this.pick(config);
    return jwt.sign({ ...claims, typ: 'refresh' }, c.refreshKey, { algorithm: ALGORITHM });
  }

  /**
   * Makes a pair outside of any session, for custom sign-in routes. Its refresh token verifies
   * with {@link verifyRefreshToken}; POST /refresh accepts it once (the token's hash is marked
   * spent until it expires) and starts a session, which rotates from then on.
   */
  generateTokenPair(
    payload: Record<string, unknown> & { sub: string },
    config?: AuthConfig,
  ): TokenPair {
    const c = this.pick(config);
    const now = Math.floor(Date.now() / 1000);
    return {
      accessToken: this.signAccessToken(payload, config),
      refreshToken: this.signRefreshToken(
        {
          sub: payload.sub,
          sid: '',
          jti: generateToken(),
          iat: now,
          exp: now + c.refreshTtlSeconds,
        },
        config,
      ),
    };
  }

  /** Verifies an access token; tells expired apart from invalid. */
  checkAccessToken(token: string, config?: AuthConfig): AccessCheck {
    // The cache belongs to this service's own key; a call with another config skips it.
    const cache = config ? undefined : this.verified;
    const cached = cache?.get(token, Math.floor(Date.now() / 1000));
    if (cached) return { ok: true, payload: cached };
    const c = this.pick(config);
    try {
      const payload = jwt.verify(token, c.accessKey, VERIFY_OPTIONS) as AccessTokenPayload;
      if (payload.typ !== 'access' || typeof payload.sub !== 'string') {
        return { ok: false, code: 'INVALID_TOKEN' };
      }
      cache?.set(token, payload);
      return { ok: true, payload };
    } catch (err) {
      return {
        ok: false,
        code: err instanceof jwt.TokenExpiredError ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN',
      };
    }
  }

  /** The access token's claims, or null when it is not a valid, current access token. */
  verifyAccessToken(token: string, config?: AuthConfig): AccessTokenPayload | null {
    const result = this.checkAccessToken(token, config);
    return result.ok ? result.payload : null;
  }

  /**
   * Signs a 5-minute temporary token for a user who passed the first factor: a challenge to
   * answer with one of `methods`, or (`purpose: 'enrol'`) the enrolment of one of them.
   */
  signTempToken(
    userId: string,
    methods: string[],
    config?: AuthConfig,
    purpose: TempTokenPurpose = 'challenge',
  ): string {
    const c = this.pick(config);
    return jwt.sign(
      { sub: userId, jti: generateToken(16), methods, pur: purpose, typ: 'temp-2fa' },
      c.accessKey,
      { algorithm: ALGORITHM, expiresIn: TEMP_TOKEN_TTL_SECONDS, audience: TEMP_TOKEN_AUDIENCE },
    );
  }

  /** A temporary token's claims; throws 401 TEMP_TOKEN_EXPIRED or INVALID_TEMP_TOKEN. */
  verifyTempToken(token: string, config?: AuthConfig): TempTokenPayload {
    const c = this.pick(config);
    let payload: TempTokenPayload;
    try {
      payload = jwt.verify(token, c.accessKey, {
        ...VERIFY_OPTIONS,
        audience: TEMP_TOKEN_AUDIENCE,
      }) as TempTokenPayload;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) {
        throw new AuthError(
          'The sign-in attempt expired; sign in again',
          'TEMP_TOKEN_EXPIRED',
          401,
        );
      }
      throw new AuthError('Invalid temporary token', 'INVALID_TEMP_TOKEN', 401);
    }
    if (
      payload.typ !== 'temp-2fa' ||
      typeof payload.sub !== 'string' ||
      !payload.jti ||
      (payload.pur !== 'challenge' && payload.pur !== 'enrol') ||
      !Array.isArray(payload.methods)
    ) {
      throw new AuthError('Invalid temporary token', 'INVALID_TEMP_TOKEN', 401);
    }
    return payload;
  }

  /** The refresh token's claims; throws INVALID_REFRESH_TOKEN otherwise. */
  verifyRefreshToken(
    token: string,
    config?: AuthConfig,
    options: { ignoreExpiration?: boolean } = {},
  ): RefreshTokenPayload {
    const c = this.pick(config);
    let payload: RefreshTokenPayload;
    try {
      payload = jwt.verify(token, c.refreshKey, {
        ...VERIFY_OPTIONS,
        ignoreExpiration: options.ignoreExpiration === true,
      }) as RefreshTokenPayload;
    } catch {
      throw new AuthError('Invalid or expired refresh token', 'INVALID_REFRESH_TOKEN', 401);
    }
    // An empty `sid` is a pair made by generateTokenPair() outside any session; the refresh
    // endpoint spends it once and starts a session.
    if (
      payload.typ !== 'refresh' ||
      typeof payload.sid !== 'string' ||
      !payload.jti ||
      typeof payload.sub !== 'string'
    ) {
      throw new AuthError('Invalid or expired refresh token', 'INVALID_REFRESH_TOKEN', 401);
    }
    return payload;
  }

  /**
   * Delivers a pair as the router does: the same cookie names (with the `__Host-`/`__Secure-`
   * prefixes of `cookieOptions.hostPrefix`), paths, flags and, with `csrf.enabled`, the csrf
   * cookie bound to the access token's user. For custom sign-in routes.
   */
  setTokenCookies(res: Response, tokens: TokenPair, config?: AuthConfig): void {
    const c = this.pick(config);
    const checked = this.checkAccessToken(tokens.accessToken, config);
    // The csrf token is bound to the user, so a pair whose access token does not verify (a
    // pair of another app, a typo) is a programming error, told at once rather than at use.
    if (!checked.ok) throw new TypeError('setTokenCookies: the access token does not verify');
    setCookies(res, tokens, c, checked.payload.sub);
  }

  /** Removes exactly the cookies {@link setTokenCookies} (and the router) set. */
  clearTokenCookies(res: Response, config?: AuthConfig): void {
    clearCookies(res, this.pick(config));
  }

  /**
   * A token cookie's value, or null. `name` is the unprefixed name (`'accessToken'` by
   * default); the configured prefixes are applied, so the call is the same with `hostPrefix`.
   */
  extractTokenFromCookie(
    req: Request,
    name: TokenCookieName = 'accessToken',
    config?: AuthConfig,
  ): string | null {
    const { cookies } = this.pick(config);
    const actual =
      name === 'refreshToken'
        ? cookies.refreshName
        : name === 'csrf-token'
          ? cookies.csrfName
          : cookies.accessName;
    return readCookie(req, undefined, actual) ?? null;
  }

  /**
   * Sets a fresh csrf cookie for `userId` (the double-submit token, bound to the user) and
   * returns its value, e.g. for a page that signed in before `csrf.enabled` was switched on.
   */
  initCsrfToken(res: Response, userId: string, config?: AuthConfig): string {
    return setCsrfCookie(res, this.pick(config), userId);
  }

  /** A random token of `bytes` bytes (default 32), base64url: for your own one-time tokens. */
  generateSecureToken(bytes = 32): string {
    if (!Number.isInteger(bytes) || bytes < 16 || bytes > 1024) {
      throw new RangeError('generateSecureToken: bytes must be an integer from 16 to 1024');
    }
    return generateToken(bytes);
  }

  private pick(config?: AuthConfig): ResolvedConfig {
    if (config) return asResolved(config);
    if (this.config) return this.config;
    throw new TypeError('TokenService needs a config: pass it to the constructor or to the call');
  }
}

/** Removes claims keyward owns from app-supplied extra claims. */
export function withoutReservedClaims(extra: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...extra };
  for (const claim of RESERVED_CLAIMS) delete copy[claim];
  return copy;
}
