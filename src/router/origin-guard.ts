import type { Router } from 'express';
import type { ResolvedConfig } from '../core/config/resolved';
import { readCookie } from '../core/http/cookies';
import { isUnsafeMethod } from '../core/http/csrf';
import { createOriginCheck } from '../core/http/origin-check';
import { bearerToken, wantsBearer } from '../core/http/request-context';

/**
 * First-factor sign-ins that answer with session cookies. A forged one signs the victim's
 * browser in to the attacker's account (login CSRF), so it is refused before any work is done.
 */
const COOKIE_SIGN_INS = [
  '/login',
  '/register',
  '/magic-link/verify',
  '/sms/verify',
  '/2fa/verify',
  '/2fa/verify-setup',
  '/link-verify',
];

/**
 * The provider's page POSTs the OAuth answer cross-site (response_mode=form_post) by design; the
 * state and PKCE verifier in the flow cookie protect that request instead.
 */
const CROSS_SITE_BY_DESIGN = /^\/oauth\/[^/]+\/callback\/?$/i;

/**
 * Registers the origin check on the auth router, before any feature:
 * - every unsafe request that carries a session cookie (refresh, logout and the protected
 *   routes, which `requireAuth` checks again with the same rule);
 * - the cookie-mode sign-ins above, which carry no session yet.
 * Bearer mode is exempt: a foreign page cannot add `Authorization` or `X-Auth-Strategy` without
 * passing a CORS preflight, and tokens in the body are no use to a page that cannot read them.
 */
export function registerOriginGuard(
  router: Router,
  config: ResolvedConfig,
  corsOrigins: ReadonlySet<string>,
): void {
  if (!config.originCheck.enabled) return;
  const check = createOriginCheck(config, corsOrigins);
  const { accessName, refreshName } = config.cookies;
  const bearerMode = (req: Parameters<typeof bearerToken>[0]) =>
    bearerToken(req) !== undefined || wantsBearer(req);

  router.use(function keywardSessionOriginGuard(req, res, next) {
    if (!isUnsafeMethod(req.method) || bearerMode(req) || CROSS_SITE_BY_DESIGN.test(req.path)) {
      next();
      return;
    }
    const session = readCookie(req, res, accessName) ?? readCookie(req, res, refreshName);
    if (session !== undefined) check(req); // throws: Express hands it to the error handler
    next();
  });

  // Matched by Express like the routes themselves (case, trailing slash).
  router.post(COOKIE_SIGN_INS, function keywardSignInOriginGuard(req, _res, next) {
    if (!bearerMode(req)) check(req);
    next();
  });
}
