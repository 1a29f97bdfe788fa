import express, { type Router } from 'express';
import { AuthConfigError, AuthError } from '../../core/errors';
import { createErrorMiddleware } from '../../core/http/error-middleware';
import { jsonApiHeaders } from '../../core/http/security-headers';
import { noStore } from '../../core/http/cookies';
import type { AuthTools } from '../auth-tools';
import { providerProblems } from '../inbound/providers';
import { registerNotifyRoute, registerTelemetryRoutes } from './event-routes';
import type { ToolsRouterOptions } from './options';
import { registerStreamRoute } from './stream-route';
import { mountApiDocs } from '../../core/openapi/docs-routes';
import { docsEnabled } from '../../core/openapi/options';
import { buildOpenApiSpec } from './openapi';
import { registerWebhookRoute } from './webhook-route';

/** Problems of the inbound webhook options, all at once. */
function webhookProblems(tools: AuthTools, options: ToolsRouterOptions): string[] {
  const lookup = (options.webhookStore ?? tools.webhookStore)?.findByProvider !== undefined;
  const problems: string[] = [];
  if (!options.providers && !lookup) {
    problems.push(
      'createToolsRouter: webhook is on but no provider can be found: pass `providers` or a `webhookStore` with findByProvider',
    );
  }
  if (!options.onWebhook && !lookup) {
    problems.push(
      'createToolsRouter: webhook is on with nothing to run: pass `onWebhook`, or a `webhookStore` with findByProvider for scripts',
    );
  }
  problems.push(
    ...providerProblems(options.providers ?? {}, lookup).map((p) => `createToolsRouter: ${p}`),
  );
  const ttl = options.replayTtlMs;
  if (ttl !== undefined && !(Number.isFinite(ttl) && ttl > 0))
    problems.push('createToolsRouter: replayTtlMs must be a positive number');
  return problems;
}

/**
 * The tools' HTTP endpoints: `POST /track/:eventName`, `GET /telemetry`, `POST /notify/:target`,
 * `GET /stream` and `POST /webhook/:provider` (off unless `webhook: true`), each switched off
 * with its option. Mount it with
 * `app.use('/tools', createToolsRouter(tools, { authMiddleware: auth.middleware() }))`.
 */
export function createToolsRouter(tools: AuthTools, options: ToolsRouterOptions = {}): Router {
  const telemetry = options.telemetry !== false;
  const notify = options.notify !== false;
  const stream = options.stream ?? tools.sse !== undefined;
  const webhook = options.webhook === true;
  if (webhook) {
    const problems = webhookProblems(tools, options);
    if (problems.length > 0) throw new AuthConfigError(problems);
  }
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
  // Before the auth middleware: the document names endpoints, never data.
  if (docsEnabled(options.swagger)) {
    mountApiDocs(router, {
      title: 'keyward tools API',
      spec: () =>
        buildOpenApiSpec(
          { telemetry, notify, stream, webhook, docs: true },
          options.swaggerBasePath ?? '/tools',
        ),
      swaggerUiDist: options.swaggerUiDist,
    });
  }
  // Before the JSON parser (the signature covers the raw bytes) and before the auth middleware.
  if (webhook) registerWebhookRoute(router, tools, options);
  router.use(express.json({ limit: options.bodyLimit ?? '16kb' }));
  if (options.authMiddleware) router.use(options.authMiddleware);
  if (telemetry) registerTelemetryRoutes(router, tools, options);
  if (notify) registerNotifyRoute(router, tools, options);
  if (stream) registerStreamRoute(router, tools, options);
  router.use(function toolsNotFound(_req, _res, next) {
    next(new AuthError('No such tools endpoint', 'NOT_FOUND', 404));
  });
  router.use(createErrorMiddleware(tools.logger));
  return router;
}
