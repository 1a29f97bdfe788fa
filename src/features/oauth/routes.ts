import express, { type Router } from 'express';
import { AuthConfigError, AuthError } from '../../core/errors';
import { asyncHandler } from '../../core/http/async-handler';
import { noStore } from '../../core/http/cookies';
import type { RouterContext } from '../../router/context';
import type { OAuthRouterOptions } from './options';
import { createOAuthCallback, type OAuthProvider } from './callback';
import { FlowCookie } from './flow-cookie';
import { mountFlowStarter, type FlowStarter } from './flow-start';
import { RedirectPolicy } from './redirects';
import type { BaseOAuthStrategy } from './strategy';

/** The strategies the router options enable, by name; two with one name are a setup error. */
export function oauthStrategiesOf(options: OAuthRouterOptions): Map<string, BaseOAuthStrategy> {
  const all = [options.googleStrategy, options.githubStrategy, ...(options.oauthStrategies ?? [])];
  const byName = new Map<string, BaseOAuthStrategy>();
  for (const strategy of all) {
    if (!strategy) continue;
    if (byName.has(strategy.name)) {
      throw new AuthConfigError([`two OAuth strategies are named '${strategy.name}'`]);
    }
    byName.set(strategy.name, strategy);
  }
  return byName;
}

/**
 * OAuth 2.0 / OpenID Connect sign-in: `GET /oauth/:name` sends the browser to the provider,
 * `GET|POST /oauth/:name/callback` brings it back signed in (or to the 2FA, conflict or error
 * page). Mounted when the router options give at least one strategy; needs `email.siteUrl`.
 */
export function registerOAuthRoutes(
  router: Router,
  ctx: RouterContext,
  options: OAuthRouterOptions,
): void {
  const strategies = oauthStrategiesOf(options);
  if (strategies.size === 0) return;
  if (ctx.config.siteUrls.length === 0) {
    throw new AuthConfigError([
      'OAuth sign-in needs email.siteUrl: the callback redirects the browser back to the site',
    ]);
  }
  const redirects = new RedirectPolicy(ctx.config.siteUrls, ctx.options.cors?.origins ?? []);
  const callback = createOAuthCallback(ctx, redirects);
  const providers = new Map<string, OAuthProvider & { start: FlowStarter }>();
  for (const [name, strategy] of strategies) {
    const cookie = new FlowCookie(ctx.config.oauthFlowKey, strategy.settings);
    const start: FlowStarter = async function startOAuthFlow(res, origin, returnToValue) {
      const returnTo = redirects.checkReturnTo(returnToValue, origin);
      // The site is chosen now, while the request can still say which it comes from, and rides
      // in the signed flow cookie: the provider's redirect back carries no Origin of ours.
      const site = redirects.siteFor(origin, returnTo);
      const { url, secrets } = await strategy.createAuthorizationRequest();
      cookie.set(res, { ...secrets, site, ...(returnTo ? { returnTo } : {}) });
      noStore(res);
      return url;
    };
    providers.set(name, { strategy, cookie, start });
  }
  // Only once every check above has passed: a router that failed to build mounts nothing.
  // strategy.getAuthorizationUrl(res) then starts a flow through this very code.
  for (const [name, provider] of providers) {
    mountFlowStarter(strategies.get(name)!, provider.start);
  }

  const providerOf = (name: unknown) => {
    const provider = typeof name === 'string' ? providers.get(name) : undefined;
    if (!provider) throw new AuthError('Unknown sign-in provider', 'NOT_FOUND', 404);
    return provider;
  };

  router.get(
    '/oauth/:name',
    ...ctx.sensitive,
    ctx.limit('oauth'),
    asyncHandler(async (req, res) => {
      const { start } = providerOf(req.params.name);
      const url = await start(res, req.get('origin'), req.query['returnTo']);
      res.redirect(302, url.href);
    }),
  );

  const handle = asyncHandler(async (req, res) => {
    await callback(providerOf(req.params.name), req, res);
  });
  router.get('/oauth/:name/callback', ...ctx.sensitive, handle);
  // response_mode=form_post: the provider's page POSTs the response as a form.
  router.post(
    '/oauth/:name/callback',
    ...ctx.sensitive,
    express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }),
    handle,
  );
}
