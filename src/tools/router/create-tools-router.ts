import express, { type Router } from 'express';
import { AuthConfigError, AuthError } from '../../core/errors';
import { createErrorMiddleware } from '../../core/http/error-middleware';
import { jsonApiHeaders } from '../../core/http/security-headers';
import { noStore } from '../../core/http/cookies';
import type { AuthTools } from '../auth-tools';
import { registerNotifyRoute, registerTelemetryRoutes } from './event-routes';
import type { ToolsRouterOptions } from './options';
import { registerStreamRoute } from './stream-route';

/**
 * The tools' HTTP endpoints: `POST /track/:eventName`, `GET /telemetry`, `POST /notify/:target`
 * and `GET /stream`, each switched off with its option. Mount it with
 * `app.use('/tools', createToolsRouter(tools, { authMiddleware: auth.middleware() }))`.
 */
export function createToolsRouter(tools: AuthTools, options: ToolsRouterOptions = {}): Router {
  const telemetry = options.telemetry !== false;
  const notify = options.notify !== false;
  const stream = options.stream ?? tools.sse !== undefined;
  if (stream && !tools.sse) {
    throw new AuthConfigError([
      'createToolsRouter: stream is on but the AuthTools were created without `sse: true`',
    ]);
  }
  if ((telemetry || notify || stream) && !options.authMiddleware) {
    throw new AuthConfigError([
      'createToolsRouter: pass `authMiddleware: auth.middleware()` (or switch telemetry, notify and stream off); the endpoints never run unauthenticated',
    ]);
  }
  const router = express.Router();
  router.use(function toolsHeaders(_req, res, next) {
    noStore(res);
    next();
  });
  router.use(jsonApiHeaders);
  router.use(express.json({ limit: options.bodyLimit ?? '16kb' }));
  if (options.authMiddleware) router.use(options.authMiddleware);
  if (telemetry) registerTelemetryRoutes(router, tools, options);
  if (notify) registerNotifyRoute(router, tools, options);
  if (stream) registerStreamRoute(router, tools, options);
  // Inbound webhooks (`POST /webhook/:provider`) register here when they arrive.
  router.use(function toolsNotFound(_req, _res, next) {
    next(new AuthError('No such tools endpoint', 'NOT_FOUND', 404));
  });
  router.use(createErrorMiddleware(tools.logger));
  return router;
}
