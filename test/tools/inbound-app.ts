import { createHmac, randomUUID } from 'node:crypto';
import express from 'express';
import { Webhook } from 'standardwebhooks';
import {
  AuthConfigurator,
  AuthEventBus,
  AuthTools,
  InMemoryUserStore,
  buildOpenApiSpec,
  createToolsRouter,
  type AuthLogger,
  type InboundWebhookHandler,
  type ToolsRouterOptions,
} from 'keyward';
import { ACCESS_SECRET, REFRESH_SECRET } from '../helpers/app';
import { recordResponses, type SpecDocument } from '../helpers/openapi-check';

/** A router that serves no spec is checked against the spec of every endpoint. */
export const everyToolsEndpoint = () =>
  buildOpenApiSpec({ telemetry: true, notify: true, stream: true, webhook: true }) as SpecDocument;

export const GITHUB_SECRET = 'gh-secret-0123456789';
export const STRIPE_SECRET = 'whsec_stripe_0123456789';
export const STANDARD_SECRET =
  'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
export const HMAC_SECRET = 'generic-secret-0123456789';

/** Headers that sign `raw` as GitHub does. */
export function githubHeaders(
  raw: string,
  secret = GITHUB_SECRET,
  delivery: string = randomUUID(),
) {
  return {
    'content-type': 'application/json',
    'x-github-delivery': delivery,
    'x-hub-signature-256': 'sha256=' + createHmac('sha256', secret).update(raw).digest('hex'),
  };
}

/** Headers that sign `raw` as Stripe does, at `at` (unix seconds). */
export function stripeHeaders(
  raw: string,
  secret = STRIPE_SECRET,
  at = Math.floor(Date.now() / 1000),
) {
  const v1 = createHmac('sha256', secret).update(`${at}.${raw}`).digest('hex');
  return { 'content-type': 'application/json', 'stripe-signature': `t=${at},v1=${v1}` };
}

/** Standard Webhooks headers for `raw`. */
export function standardHeaders(
  raw: string,
  secret = STANDARD_SECRET,
  id: string = `msg_${randomUUID()}`,
  at = new Date(),
) {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, raw),
  };
}

/** The generic provider's header: `sha512=<base64>`. */
export function hmacHeaders(raw: string, secret = HMAC_SECRET, delivery: string = randomUUID()) {
  return {
    'content-type': 'application/json',
    'x-delivery': delivery,
    'x-signature': 'sha512=' + createHmac('sha512', secret).update(raw).digest('base64'),
  };
}

/** The four kinds, each under its own provider name. */
export const PROVIDERS: NonNullable<ToolsRouterOptions['providers']> = {
  github: { verify: 'github', secret: GITHUB_SECRET },
  stripe: { verify: 'stripe', secret: STRIPE_SECRET },
  standard: { verify: 'standard', secret: STANDARD_SECRET },
  custom: {
    verify: {
      kind: 'hmac',
      header: 'X-Signature',
      algorithm: 'sha512',
      encoding: 'base64',
      prefix: 'sha512=',
      deliveryIdHeader: 'X-Delivery',
    },
    secret: HMAC_SECRET,
  },
};

/** A logger that keeps what it is told, for assertions. */
export function recordingLogger() {
  const lines: Array<{ level: 'error' | 'warn'; message: string; detail: unknown }> = [];
  const logger: AuthLogger = {
    error: (message, detail) => lines.push({ level: 'error', message, detail }),
    warn: (message, detail) => lines.push({ level: 'warn', message, detail }),
  };
  return { lines, logger };
}

/** An app with the tools router at /tools (sign-in required for everything but webhooks). */
export function inboundApp(options: Partial<ToolsRouterOptions> = {}) {
  const bus = new AuthEventBus();
  const auth = new AuthConfigurator(
    { accessTokenSecret: ACCESS_SECRET, refreshTokenSecret: REFRESH_SECRET },
    new InMemoryUserStore(),
    { eventBus: bus },
  );
  const { lines, logger } = recordingLogger();
  const tools = new AuthTools(bus, { logger });
  const app = express();
  // Every answer under /tools is checked against the router's OpenAPI document.
  app.use(recordResponses(app, '/tools', everyToolsEndpoint));
  app.use(
    '/tools',
    createToolsRouter(tools, {
      authMiddleware: auth.middleware(),
      webhook: true,
      providers: PROVIDERS,
      ...options,
    }),
  );
  const adminToken = `Bearer ${auth.tokenService.signAccessToken({ sub: 'root', role: 'admin' })}`;
  return { app, tools, logged: lines, adminToken };
}

/**
 * A test file's app factory: each app's handler records its calls and turns every body into
 * `inbound.received`; the app made last is closed after each test.
 */
export function recordingApps(): (
  options?: Parameters<typeof inboundApp>[0],
) => ReturnType<typeof inboundApp> & { calls: Array<{ provider: string; body: unknown }> } {
  let built: ReturnType<typeof inboundApp> | undefined;
  afterEach(async () => {
    await built?.tools.close();
    built = undefined;
  });
  return (options = {}) => {
    const calls: Array<{ provider: string; body: unknown }> = [];
    const onWebhook: InboundWebhookHandler = (provider, body) => {
      calls.push({ provider, body });
      return { event: 'inbound.received', data: { provider, body } };
    };
    built = inboundApp({ onWebhook, ...options });
    return { ...built, calls };
  };
}
