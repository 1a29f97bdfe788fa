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
import type { RevocationList } from './sessions/revocation-list';
import type { AccessTokenPayload } from './tokens/claims';
import { TokenService } from './tokens/token-service';

/** Options of {@link createAuthMiddleware}. */
export interface AuthMiddlewareOptions {
  /**
   * The session store to check each request against. A store object given here (or as the
   * second argument itself, the reference's `createAuthMiddleware(config, sessionStore)`) turns
   * the check on unless `checkSessionOnRequest: false` says otherwise. A function is read on each
   * request (late wiring) and only serves `checkSessionOnRequest`.
   */
  sessionStore?: ISessionStore | (() => ISessionStore | undefined);
  /**
   * Overrides `AuthConfig.checkSessionOnRequest`. Default: on when a store object is given,
   * else the config's.
   */
  checkSessionOnRequest?: boolean;
  /**
   * Origins trusted besides `email.siteUrl` and `csrf.trustedOrigins` (the router passes its
   * `cors.origins`). Read on each request, so origins added later count.
   */
  trustedOrigins?: ReadonlySet<string>;
  /**
   * The revocations to refuse (the AuthConfigurator passes its own). Without it, a standalone
   * middleware cannot know of logouts and only `checkSessionOnRequest` refuses ended sessions.
   */
  revocations?: RevocationSource;
}

/** What the middleware reads of an instance's revocations. */
export interface RevocationSource {
  readonly list: RevocationList;
  /** False until the start-up load has finished; requests wait for it once. */
  readonly ready: boolean;
  start(): Promise<void>;
}

const MISSING = new AuthError('Authentication required', 'UNAUTHORIZED', 401);
const EXPIRED = new AuthError('Access token expired', 'TOKEN_EXPIRED', 401);
const INVALID = new AuthError('Invalid access token', 'INVALID_TOKEN', 401);
const REVOKED = new AuthError('Session is no longer valid', 'SESSION_REVOKED', 401);
const LIFETIME_OVER = new AuthError(
  'Session has reached its maximum lifetime; sign in again',
  'SESSION_EXPIRED',
  401,
);

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
 * `{ error, code }`. Everything is prepared here, once; a request costs one HMAC check (or a
 * cache hit) and, by default, a look-up in the in-memory revocation list: no store read.
 */
export function createAuthMiddleware(
  config: AuthConfig | ResolvedConfig,
  optionsOrSessionStore: AuthMiddlewareOptions | ISessionStore = {},
): RequestHandler {
  const resolved = asResolvedConfig(config);
  const options = middlewareOptions(optionsOrSessionStore, resolved);
  const authenticate = createAccessAuthenticator(resolved, options.trustedOrigins);
  // A store handed over as an object is there to be checked: ignoring it would silently drop
  // revocation for an app that relied on it.
  const checkSession =
    options.checkSessionOnRequest ??
    (isSessionStore(options.sessionStore) || resolved.checkSessionOnRequest);
  const storeOf =
    typeof options.sessionStore === 'function'
      ? options.sessionStore
      : () => options.sessionStore as ISessionStore | undefined;
  if (checkSession && options.sessionStore === undefined) {
    throw new AuthConfigError([
      'checkSessionOnRequest needs a sessionStore (pass it to the AuthConfigurator)',
    ]);
  }
  const revocations = options.revocations;
  const list = revocations?.list;
  const maxLifetime = resolved.sessionMaxLifetimeSeconds;

  /** Throws when the token's session has ended: revoked, or past its absolute lifetime. */
  function assertNotEnded(payload: AccessTokenPayload): void {
    if (list?.refuses(payload)) throw REVOKED;
    if (payload.auth_time !== undefined && Date.now() / 1000 - payload.auth_time >= maxLifetime) {
      throw LIFETIME_OVER;
    }
  }

  /** Authenticates and checks revocation; throws the AuthError to answer with. */
  function admit(req: Request, res: Response): AccessTokenPayload {
    const payload = authenticate(req, res);
    assertNotEnded(payload);
    return payload;
  }

  const fail = (res: Response, next: NextFunction, err: unknown) =>
    err instanceof AuthError ? sendAuthError(res, err) : next(err);

  /**
   * The first requests after start-up wait for the revocations of the last access-token
   * lifetime to load, so a fresh instance does not accept a token revoked just before it began.
   */
  function afterLoad(req: Request, res: Response, next: NextFunction, then: () => void): void {
    revocations!.start().then(
      () => {
        try {
          assertNotEnded(req.user!);
        } catch (err) {
          fail(res, next, err);
          return;
        }
        then();
      },
      (err: unknown) => fail(res, next, err),
    );
  }

  if (!checkSession) {
    return function authMiddleware(req: Request, res: Response, next: NextFunction) {
      try {
        req.user = admit(req, res);
      } catch (err) {
        sendAuthError(res, err as AuthError);
        return;
      }
      if (revocations !== undefined && !revocations.ready) {
        afterLoad(req, res, next, next);
        return;
      }
      next();
    };
  }

  // The strict mode: also reads the session from the store on every request.
  return function authMiddlewareWithSessionCheck(req: Request, res: Response, next: NextFunction) {
    let payload: AccessTokenPayload;
    try {
      payload = admit(req, res);
    } catch (err) {
      sendAuthError(res, err as AuthError);
      return;
    }
    const checkStore = () =>
      sessionIsLive(storeOf(), payload).then(
        (live) => {
          if (!live) return sendAuthError(res, REVOKED);
          req.user = payload;
          next();
        },
        // A store failure (e.g. STORE_UNAVAILABLE) is answered here: the app's own error
        // handler may not speak JSON.
        (err: unknown) => fail(res, next, err),
      );
    if (revocations !== undefined && !revocations.ready) {
      req.user = payload;
      afterLoad(req, res, next, () => void checkStore());
      return;
    }
    void checkStore();
  };
}
const MIDDLEWARE_OPTION_KEYS = new Set([
  'sessionStore',
  'checkSessionOnRequest',
  'trustedOrigins',
  'revocations',
]);

function isSessionStore(value: unknown): value is ISessionStore {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<ISessionStore>).getSession === 'function'
  );
}

/**
 * The options, from either shape; an option keyward does not know is told through the logger
 * (an error under `strictConfig`), like an unknown config key.
 */
function middlewareOptions(
  given: AuthMiddlewareOptions | ISessionStore,
  config: ResolvedConfig,
): AuthMiddlewareOptions {
  if (isSessionStore(given)) return { sessionStore: given };
  const unknown = Object.keys(given).filter((key) => !MIDDLEWARE_OPTION_KEYS.has(key));
  if (unknown.length > 0) {
    const message = `createAuthMiddleware: unknown option(s) ${unknown.map((k) => `'${k}'`).join(', ')} (keyward ignores them)`;
    if (config.source.strictConfig === true) throw new AuthConfigError([message]);
    config.logger.warn(message);
  }
  return given;
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
