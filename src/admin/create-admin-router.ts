import express, { type Express, type Router } from 'express';
import { jsonApiHeaders } from '../core/http/security-headers';
import { AuthError } from '../core/errors';
import { createErrorMiddleware } from '../core/http/error-middleware';
import { noStore } from '../core/http/cookies';
import type { BaseUser, IUserStore } from '../stores/user';
import { createAdminContext, type AdminContext } from './context';
import { createAdminGuard } from './guard';
import { resolveAdminOptions, type AdminRouterOptions } from './options';
import { mountAdminPanel } from './panel/mount';
import { adaptUserStore } from './reference-stores';
import { registerApiKeyRoutes } from './routes/api-keys';
import { registerEventRoutes } from './routes/events';
import { registerPingRoute } from './routes/ping';
import { adminSpecFeaturesOf, buildAdminOpenApiSpec } from './openapi';
import { mountApiDocs } from '../core/openapi/docs-routes';
import { docsEnabled, type ApiDocsOptions } from '../core/openapi/options';
import { registerRoleRoutes } from './routes/roles';
import { registerSessionRoutes } from './routes/sessions';
import { registerSettingsRoutes } from './routes/settings';
import { registerTenantRoutes } from './routes/tenants';
import { registerUserRelationRoutes } from './routes/user-relations';
import { registerUserRoutes } from './routes/users';
import { registerWebhookScriptRoutes } from './routes/webhook-scripts';
import { registerWebhookRoutes } from './routes/webhooks';

/** What `createAdminRouter()` returns: mount it with `app.use('/admin', router)`. */
export type AdminRouter = Express;

/** The API's parts in mount order; each new part also gets its flag in routes/ping.ts. */
const API_PARTS: Array<(api: Router, ctx: AdminContext) => void> = [
  registerPingRoute,
  registerUserRoutes,
  registerUserRelationRoutes,
  registerSessionRoutes,
  registerRoleRoutes,
  registerTenantRoutes,
  registerSettingsRoutes,
  registerApiKeyRoutes,
  registerWebhookScriptRoutes,
  registerWebhookRoutes,
  registerEventRoutes,
];

/** The JSON API under /api: no caching, the guard first, a JSON 404 for unknown paths. */
function buildApi(ctx: AdminContext, docs: ApiDocsOptions): Router {
  const api = express.Router();
  api.use(function adminNoStore(_req, res, next) {
    noStore(res);
    next();
  });
  api.use(jsonApiHeaders);
  // Before the guard: the document names endpoints, never data, and the page needs no secret
  // to load (its "Try it out" calls send the admin bearer).
  if (docsEnabled(docs.swagger)) {
    mountApiDocs(api, {
      title: 'keyward admin API',
      spec: () => buildAdminOpenApiSpec(adminSpecFeaturesOf(ctx), docs.swaggerBasePath ?? '/admin'),
      swaggerUiDist: docs.swaggerUiDist,
    });
  }
  api.use(express.json({ limit: ctx.options.bodyLimit }));
  api.use(createAdminGuard(ctx));
  for (const register of API_PARTS) register(api, ctx);
  api.use(function adminApiNotFound(_req, _res, next) {
    next(new AuthError('No such admin endpoint', 'NOT_FOUND', 404));
  });
  return api;
}

/**
 * The admin router: a REST API under `/api` guarded by the admin secret (or your `authorize`
 * hook), and the web panel at `/` (unless `panel: false`). Mount it wherever you like:
 * `app.use('/admin', createAdminRouter(userStore, { adminSecret, sessionStore, … }))`.
 */
export function createAdminRouter<U extends BaseUser = BaseUser>(
  userStore: IUserStore<U>,
  options: AdminRouterOptions,
): AdminRouter {
  const resolved = resolveAdminOptions(options); // throws AuthConfigError at setup
  // A reference-shaped user store (listUsers(limit, offset)) is adapted once, here.
  const ctx = createAdminContext(adaptUserStore(userStore), resolved);
  // A sub-application, like the auth router: it inherits the host app's settings (trust proxy,
  // which the rate limit's client IP depends on) and brings its own parser and error exit.
  const app = express();
  app.disable('x-powered-by');
  app.use('/api', buildApi(ctx, options));
  // Static files that need no secret; every call they make goes to /api above.
  if (resolved.panel) mountAdminPanel(app);
  app.use(createErrorMiddleware(resolved.logger));
  return app;
}
