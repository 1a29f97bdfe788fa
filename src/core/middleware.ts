import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ISessionStore } from '../stores/session';
import { asResolvedConfig } from './config/resolve';
import type { ResolvedConfig } from './config/resolved';
import type { AuthConfig } from './config/types';
import { AuthConfigError, AuthError } from './errors';
import { readCookie } from './http/cookies';
import { assertCsrf, isUnsafeMethod } from './http/csrf';
import { sendAuthError } from './http/error-middleware';
import { createOriginCheck } from './http/origin-check';
import { bearerToken } from './http/request-context';
import type { AccessTokenPayload } from './tokens/claims';
import { TokenService } from './tokens/token-service';

/** Options of {@link createAuthMiddleware}. */
export interface AuthMiddlewareOptions {
  /** Needed for `checkSessionOnRequest`. A function is read on each request (late wiring). */
  sessionStore?: ISessionStore | (() => ISessionStore | undefined);
  /** Overrides `AuthConfig.checkSessionOnRequest`. */
  checkSessionOnRequest?: boolean;
  /**
   * Origins trusted besides `email.siteUrl` and `csrf.trustedOrigins` (the router passes its
   * `cors.origins`). Read on each request, so origins added later count.
   */
  trustedOrigins?: ReadonlySet<string>;
}

const MISSING = new AuthError('Authentication required', 'UNAUTHORIZED', 401);
const EXPIRED = new AuthError('Access token expired', 'TOKEN_EXPIRED', 401);
const INVALID = new AuthError('Invalid access token', 'INVALID_TOKEN', 401);
const REVOKED = new AuthError('Session is no longer valid', 'SESSION_REVOKED', 401);

/** Finds and verifies the request's access token; throws the AuthError to answer with. */
export type AccessAuthenticator = (req: Request, res: Response) => AccessTokenPayload;

/**
 * Builds the synchronous part of authentication: bearer header first, then the access cookie;
 * pinned-algorithm verification; for cookie-authenticated unsafe methods the origin check (on by
 * default) and the double-submit token (with `csrf.enabled`).
 */
export function createAccessAuthenticator(
  config: ResolvedConfig,
  trustedOrigins?: ReadonlySet<string>,
): AccessAuthenticator {
  const tokens = new TokenService(config);
  const cookieName = config.cookies.accessName;
  const checkOrigin = createOriginCheck(config, trustedOrigins);
  return function authenticateAccess(req, res) {
    const fromHeader = bearerToken(req);
    const token = fromHeader ?? readCookie(req, res, cookieName);
    if (!token) throw MISSING;
    const result = tokens.checkAccessToken(token);
    if (!result.ok) throw result.code === 'TOKEN_EXPIRED' ? EXPIRED : INVALID;
    // A foreign page cannot add an Authorization header, so only cookies need these checks.
    if (!fromHeader && isUnsafeMethod(req.method)) {
      checkOrigin(req);
      if (config.csrfEnabled) assertCsrf(req, res, config, result.payload.sub);
    }
    return result.payload;
  };
}

/**
 * Protects routes: sets `req.user` to the access token's claims or answers 401/403 with
 * `{ error, code }`. Everything is prepared here, once; a request costs one HMAC check.
 */
export function createAuthMiddleware(
  config: AuthConfig | ResolvedConfig,
  options: AuthMiddlewareOptions = {},
): RequestHandler {
  const resolved = asResolvedConfig(config);
  const authenticate = createAccessAuthenticator(resolved, options.trustedOrigins);
  const checkSession = options.checkSessionOnRequest ?? resolved.checkSessionOnRequest;
  const storeOf =
    typeof options.sessionStore === 'function'
      ? options.sessionStore
      : () => options.sessionStore as ISessionStore | undefined;
  if (checkSession && options.sessionStore === undefined) {
    throw new AuthConfigError([
      'checkSessionOnRequest needs a sessionStore (pass it to the AuthConfigurator)',
    ]);
  }

  if (!checkSession) {
    return function authMiddleware(req: Request, res: Response, next: NextFunction) {
      try {
        req.user = authenticate(req, res);
      } catch (err) {
        sendAuthError(res, err as AuthError);
        return;
      }
      next();
    };
  }

  return function authMiddlewareWithSessionCheck(req: Request, res: Response, next: NextFunction) {
    let payload: AccessTokenPayload;
    try {
      payload = authenticate(req, res);
    } catch (err) {
      sendAuthError(res, err as AuthError);
      return;
    }
    sessionIsLive(storeOf(), payload).then(
      (live) => {
        if (!live) return sendAuthError(res, REVOKED);
        req.user = payload;
        next();
      },
      // A store failure (e.g. STORE_UNAVAILABLE) is answered here: the app's own error handler
      // may not speak JSON.
      (err: unknown) => (err instanceof AuthError ? sendAuthError(res, err) : next(err)),
    );
  };
}

async function sessionIsLive(store: ISessionStore | undefined, payload: AccessTokenPayload) {
  if (!store || !payload.sid) return false;
  const session = await store.getSession(payload.sid);
  if (!session || session.userId !== payload.sub || session.expiresAt.getTime() <= Date.now()) {
    return false;
  }
  await store.updateSessionLastActive(payload.sid);
  return true;
}
