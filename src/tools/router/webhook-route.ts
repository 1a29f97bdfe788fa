import { createHash } from 'node:crypto';
import express, { type Request, type Router } from 'express';
import { AuthError } from '../../core/errors';
import { asyncHandler } from '../../core/http/async-handler';
import type { WebhookConfig } from '../../stores/webhook';
import type { AuthTools } from '../auth-tools';
import { ActionRegistry } from '../../core/scripting/action-registry';
import { judgeResult } from '../inbound/inbound-result';
import {
  PROVIDER_NAME,
  secretsOf,
  verifierFor,
  type InboundProviderConfig,
} from '../inbound/providers';
import { InMemoryReplayStore } from '../inbound/replay';
import { runWebhookScript } from '../../core/scripting/sandbox';
import type { ToolsRouterOptions } from './options';

const HOUR_MS = 3_600_000;
const DEFAULT_TOLERANCE_SECONDS = 300;

const UNKNOWN_PROVIDER = () =>
  new AuthError('No inbound webhook for this provider', 'WEBHOOK_PROVIDER_UNKNOWN', 404);
const BAD_SIGNATURE = () =>
  new AuthError('Webhook signature is missing or invalid', 'WEBHOOK_SIGNATURE_INVALID', 401);

/** The body as JSON, parsed only after its signature was checked on the exact bytes. */
function parseJson(raw: Buffer): unknown {
  try {
    if (raw.length === 0) throw new Error('empty');
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new AuthError('Request body is not valid JSON', 'INVALID_JSON', 400);
  }
}

/** The ids a settings store holds, whatever else it holds. */
function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** A result that could not be produced: logged already; the provider is answered 200. */
const FAILED = Symbol('failed');

/**
 * `POST /webhook/:provider`: inbound webhooks. It runs before the auth middleware (providers do
 * not sign in; their signature is the authentication) with its own raw body parser, so the
 * signature is checked on the bytes received. Order: provider → signature → JSON → delivery id
 * (a repeat is acknowledged and not run) → `onWebhook` or the stored script → the event.
 * Deliveries run at most once: the id is claimed before anything runs, so a failure is logged
 * and acknowledged rather than retried.
 */
export function registerWebhookRoute(
  router: Router,
  tools: AuthTools,
  options: ToolsRouterOptions,
): void {
  const store = options.webhookStore ?? tools.webhookStore;
  const registry = options.actions ?? ActionRegistry.default;
  const replay = options.replayStore ?? new InMemoryReplayStore();
  const replayTtlMs = options.replayTtlMs ?? 72 * HOUR_MS;
  const identityProviders = new Set(options.identityEventProviders ?? []);
  const providers = options.providers ?? {};
  const logger = tools.logger;

  /** The script path: the stored webhook's script with the actions governance permits. */
  async function runStoredScript(name: string, hook: WebhookConfig, body: unknown) {
    if (hook.jsScript === undefined || hook.jsScript.trim() === '') return null;
    const settings = options.settingsStore ? await options.settingsStore.getSettings() : {};
    const actions = registry.buildContext(
      stringList(settings.enabledWebhookActions),
      stringList(hook.allowedActions),
    );
    try {
      const run = await runWebhookScript(
        hook.jsScript,
        { body, actions },
        { ...(options.sandbox !== undefined && { limits: options.sandbox }) },
      );
      if (run.error === undefined) return run.result;
      logger.error(`inbound webhook ${name}: the script failed`, run.error);
    } catch (err) {
      logger.error(`inbound webhook ${name}: the script could not run`, err);
    }
    return FAILED;
  }

  /** `onWebhook`, else the stored script; an AuthError of your handler is its answer. */
  async function produce(
    name: string,
    hook: WebhookConfig | null,
    body: unknown,
    req: Request,
  ): Promise<unknown> {
    if (options.onWebhook) {
      try {
        return await options.onWebhook(name, body, req);
      } catch (err) {
        if (err instanceof AuthError) throw err;
        logger.error(`inbound webhook ${name}: onWebhook failed`, err);
        return FAILED;
      }
    }
    return hook ? runStoredScript(name, hook, body) : null;
  }

  router.post(
    '/webhook/:provider',
    // Every content type: providers send JSON under several, and the bytes must stay untouched.
    express.raw({ type: () => true, limit: options.webhookBodyLimit ?? '1mb' }),
    asyncHandler(async (req, res) => {
      const name = String(req.params.provider);
      if (!PROVIDER_NAME.test(name)) throw UNKNOWN_PROVIDER();
      const declared: InboundProviderConfig | undefined = Object.hasOwn(providers, name)
        ? providers[name]
        : undefined;
      const hook = store?.findByProvider ? await store.findByProvider(name) : null;
      if (!declared && !hook) throw UNKNOWN_PROVIDER();

      const verify = declared?.verify ?? hook?.verify ?? 'standard';
      const secrets = secretsOf(declared?.secret ?? hook?.secret);
      if (verify !== 'none' && secrets.length === 0) {
        logger.warn(`inbound webhook ${name}: no secret, so every request is refused`);
        throw BAD_SIGNATURE();
      }
      const verifier = verifierFor(verify);
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verified = verifier.verify({
        raw,
        headers: req.headers,
        secrets,
        toleranceSeconds: declared?.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
        now: new Date(),
      });
      if (!verified) throw BAD_SIGNATURE();
      const body = parseJson(raw);

      const deliveryId = verifier.deliveryId(req.headers, body);
      if (deliveryId !== undefined) {
        // Hashed: a fixed-size key whatever the provider sends, namespaced by provider.
        const digest = createHash('sha256').update(deliveryId, 'utf8').digest('hex');
        const first = await replay.markUsed(
          `keyward:inbound:${name}:${digest}`,
          new Date(Date.now() + replayTtlMs),
        );
        if (!first) {
          res.json({ ok: true, duplicate: true });
          return;
        }
      }

      const result = await produce(name, hook, body, req);
      if (result === FAILED) {
        res.json({ ok: true });
        return;
      }
      const verdict = judgeResult(result, {
        identityEvents: identityProviders.has(name),
        pinnedTenant: declared?.tenantId ?? hook?.tenantId,
      });
      if (verdict.kind === 'refuse') {
        logger.warn(`inbound webhook ${name}: result refused: ${verdict.reason}`);
        res.json({ ok: true });
        return;
      }
      if (verdict.kind === 'ignore') {
        res.json({ ok: true });
        return;
      }
      await tools.track(verdict.event, verdict.data, {
        ...(verdict.tenantId !== undefined && { tenantId: verdict.tenantId }),
      });
      res.json({ ok: true, event: verdict.event });
    }),
  );
}
