import type { Request, RequestHandler, Response } from 'express';
import type { ResolvedConfig } from '../core/config/resolved';
import type { EmailVerificationMode } from '../core/config/types';
import { AuthError } from '../core/errors';
import { AuthEventNames, type AuthEventBus, type AuthEventInput } from '../core/events';
import { clearTokenCookies, noStore, setTokenCookies } from '../core/http/cookies';
import { linkBaseUrl } from '../core/http/cors';
import { requestContext, wantsBearer } from '../core/http/request-context';
import { createAuthMiddleware } from '../core/middleware';
import type { KeyedMutex } from '../core/mutex';
import type { PasswordService } from '../core/passwords/password-service';
import { SessionManager, type IssuedSession } from '../core/sessions/session-manager';
import type { TokenService } from '../core/tokens/token-service';
import { MailDispatcher } from '../mail/mail-dispatcher';
import type { ISessionStore } from '../stores/session';
import type { BaseUser, IUserStore } from '../stores/user';
import type { RouterOptions } from './options';

/** What one AuthConfigurator builds once and every router and middleware shares. */
export interface AuthCore {
  config: ResolvedConfig;
  users: IUserStore;
  tokens: TokenService;
  passwords: PasswordService;
  sessionStore: ISessionStore;
  bus: AuthEventBus | undefined;
  /** Serialises consumption of one-time tokens, keyed by token hash, across all routers. */
  oneTime: KeyedMutex;
}

/** Everything a feature's routes need, built once per router. */
export interface RouterContext extends AuthCore {
  options: RouterOptions;
  sessions: SessionManager;
  mail: MailDispatcher;
  /** Authenticates the request (sets req.user) or answers 401/403. */
  requireAuth: RequestHandler;
  /** The rate limiter, when configured, for sensitive routes. */
  sensitive: RequestHandler[];
  publish(event: string, req: Request, input?: AuthEventInput): void;
  /** Base URL for links in mails; throws MAIL_NOT_CONFIGURED when there is none. */
  linkBase(req: Request): string;
  /** The first factor succeeded: apply policy, start the session, deliver tokens. */
  completeSignIn(user: BaseUser, req: Request, res: Response): Promise<void>;
  /** Sends a session's tokens as cookies, or in the body for `X-Auth-Strategy: bearer`. */
  deliver(req: Request, res: Response, issued: IssuedSession, status?: number): void;
  /**
   * Runs work after the answer has gone out, logging (never throwing) its failure. Used where
   * the answer must not depend on whether an account exists.
   */
  afterResponse(label: string, work: () => Promise<void>): void;
  /** Effective email verification mode (runtime settings win over config). */
  emailVerificationMode(): Promise<EmailVerificationMode>;
}

/** Assembles the per-router context from the shared core. */
export function createRouterContext(core: AuthCore, options: RouterOptions): RouterContext {
  const { config } = core;
  const bus = options.eventBus ?? core.bus;
  const sessions = new SessionManager(config, core.tokens, core.sessionStore, bus);
  const allowedOrigins = new Set((options.cors?.origins ?? []).map((o) => o.replace(/\/+$/, '')));

  const publish: RouterContext['publish'] = (event, req, input = {}) =>
    bus?.publish(event, { ip: req.ip, ...input });

  const deliver: RouterContext['deliver'] = (req, res, issued, status = 200) => {
    noStore(res);
    if (wantsBearer(req)) {
      res.status(status).json({ success: true, ...issued.tokens });
      return;
    }
    setTokenCookies(res, issued.tokens, config, issued.session.userId);
    res.status(status).json({ success: true });
  };

  const emailVerificationMode = async (): Promise<EmailVerificationMode> => {
    const runtime = options.settingsStore ? await options.settingsStore.getSettings() : undefined;
    return runtime?.emailVerificationMode ?? config.emailVerificationMode;
  };

  return {
    ...core,
    bus,
    options,
    sessions,
    mail: new MailDispatcher(config),
    requireAuth: createAuthMiddleware(config, {
      sessionStore: core.sessionStore,
      checkSessionOnRequest: config.checkSessionOnRequest,
    }),
    sensitive: options.rateLimiter ? [options.rateLimiter] : [],
    publish,
    deliver,
    emailVerificationMode,
    afterResponse(label, work) {
      work().catch((err: unknown) => config.logger.error(label, err));
    },
    linkBase(req) {
      const base = linkBaseUrl(req, allowedOrigins, config.email.siteUrl);
      if (!base) {
        throw new AuthError(
          'Links cannot be built: set email.siteUrl or cors.origins',
          'MAIL_NOT_CONFIGURED',
          501,
        );
      }
      return base;
    },
    async completeSignIn(user, req, res) {
      assertEmailVerified(user, await emailVerificationMode());
      const issued = await sessions.issue(user, requestContext(req));
      publish(AuthEventNames.AUTH_LOGIN_SUCCESS, req, {
        userId: user.id,
        sessionId: issued.session.sessionHandle,
        data: { provider: user.loginProvider ?? 'local' },
      });
      deliver(req, res, issued);
    },
  };
}

/** Clears token cookies and answers with the error (a refresh that cannot succeed). */
export function failAndClear(res: Response, config: ResolvedConfig, err: AuthError): never {
  clearTokenCookies(res, config);
  throw err;
}

function assertEmailVerified(user: BaseUser, mode: EmailVerificationMode): void {
  if (mode === 'none' || user.isEmailVerified) return;
  if (mode === 'strict') {
    throw new AuthError('Email address is not verified', 'EMAIL_NOT_VERIFIED', 403);
  }
  const deadline = user.emailVerificationDeadline;
  if (deadline && new Date(deadline).getTime() <= Date.now()) {
    throw new AuthError(
      'The grace period to verify your email address is over; verify it to sign in',
      'EMAIL_VERIFICATION_REQUIRED',
      403,
    );
  }
}
