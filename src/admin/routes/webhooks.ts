import type { Request, Response, Router } from 'express';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { assertDeliverableUrl } from '../../core/net/public-address';
import type { IWebhookStore, WebhookConfig } from '../../stores/webhook';
import { INBOUND_ONLY_FIELDS } from './inbound-webhook-input';
import { requireFeature, type AdminContext } from '../context';
import {
  fetchPage,
  parseInput,
  parsePaging,
  parseQuery,
  pathParam,
  requireJsonBody,
} from '../input';
import { registerInbound, patchInbound } from './inbound-webhooks';
import {
  createWebhookBody,
  deliveriesQuery,
  generateWebhookId,
  generateWebhookSecret,
  patchWebhookBody,
  toAdminDelivery,
  toAdminWebhook,
} from './webhook-input';

type FindWebhook = (id: string) => Promise<WebhookConfig | null>;

/** A registration naming a provider is an inbound webhook. */
function isInboundRequest(req: Request): boolean {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null && Object.hasOwn(body, 'provider');
}

/** An outgoing webhook has no script: asking to set one is a mistake worth a clear answer. */
function refuseInboundFields(req: Request): void {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return;
  const found = [...INBOUND_ONLY_FIELDS, 'provider'].filter((f) => Object.hasOwn(body, f));
  if (found.length > 0) {
    throw new AuthError(
      `${found.join(', ')}: only inbound webhooks have these; register one with a provider`,
      'INVALID_INPUT',
      400,
    );
  }
}

/** The store's `findById`, or 404 FEATURE_NOT_ENABLED when it has none. */
function lookup(store: IWebhookStore): FindWebhook {
  return requireFeature(store.findById?.bind(store), 'webhook lookup');
}

async function findWebhookOr404(find: FindWebhook, id: string): Promise<WebhookConfig> {
  const hook = await find(id);
  if (!hook) throw new AuthError('Webhook not found', 'WEBHOOK_NOT_FOUND', 404);
  return hook;
}

/**
 * Where a webhook sends, for events: scheme and host only, since receivers often carry an
 * access token in the path or query, and events travel on (to other webhooks, to streams).
 */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}

/**
 * GET/POST /webhooks, PATCH/DELETE /webhooks/:id, GET /webhooks/:id/deliveries and
 * POST /webhooks/:id/deliveries/:deliveryId/replay. Registration refuses URLs that reach
 * non-public addresses (unless allowed); the delivery worker checks again when it connects.
 */
export function registerWebhookRoutes(api: Router, ctx: AdminContext): void {
  const hooks = () => requireFeature(ctx.stores.webhookStore, 'webhooks');
  const urlOptions = { allowPrivateNetworks: ctx.options.allowPrivateNetworks };
  const audit = (
    event: string,
    req: Request,
    res: Response,
    hook: WebhookConfig,
    data: Record<string, unknown> = {},
  ) => {
    // SQL stores hand an absent tenant back as null: only a real one scopes the event.
    ctx.publish(event, req, res, {
      ...(typeof hook.tenantId === 'string' && { tenantId: hook.tenantId }),
      data: { webhookId: hook.id, ...data },
    });
  };

  api.get(
    '/webhooks',
    asyncHandler(async (req, res) => {
      const store = hooks();
      const listAll = requireFeature(store.listAll?.bind(store), 'webhook listing');
      const paging = parsePaging(req);
      const { rows, hasMore } = await fetchPage(paging, (page) => listAll(page.limit, page.offset));
      const { limit, offset } = paging;
      res.json({ webhooks: rows.map(toAdminWebhook), limit, offset, hasMore });
    }),
  );

  // The only answer that carries a secret, and only one keyward made: it is not shown again.
  // A body with a `provider` registers an inbound webhook instead (the reference's shape).
  api.post(
    '/webhooks',
    asyncHandler(async (req, res) => {
      const store = hooks();
      const add = requireFeature(store.add?.bind(store), 'webhook registration');
      if (isInboundRequest(req)) {
        const { hook, generated } = await registerInbound(req, store, add);
        audit(AuthEventNames.ADMIN_WEBHOOK_CREATED, req, res, hook, {
          provider: hook.provider,
          allowedActions: hook.allowedActions,
        });
        res.status(201).json({
          webhook: toAdminWebhook(hook),
          ...(generated !== undefined && { secret: generated }),
        });
        return;
      }
      const body = parseInput(req, createWebhookBody);
      const url = await assertDeliverableUrl(body.url, urlOptions);
      const generated = body.secret === undefined ? generateWebhookSecret() : undefined;
      const hook: WebhookConfig = {
        id: generateWebhookId(),
        url: url.href,
        events: body.events ?? ['*'],
        secret: body.secret ?? generated,
        isActive: body.isActive ?? true,
        createdAt: new Date(),
        ...(body.tenantId !== undefined && { tenantId: body.tenantId }),
        ...(body.maxRetries !== undefined && { maxRetries: body.maxRetries }),
        ...(body.retryDelayMs !== undefined && { retryDelayMs: body.retryDelayMs }),
      };
      await add(hook);
      audit(AuthEventNames.ADMIN_WEBHOOK_CREATED, req, res, hook, {
        url: originOf(hook.url),
        events: hook.events,
      });
      res.status(201).json({
        webhook: toAdminWebhook(hook),
        ...(generated !== undefined && { secret: generated }),
      });
    }),
  );

  api.patch(
    '/webhooks/:id',
    asyncHandler(async (req, res) => {
      const store = hooks();
      const update = requireFeature(store.update?.bind(store), 'webhook changes');
      const find = lookup(store);
      const hook = await findWebhookOr404(find, pathParam(req, 'id'));
      let patch: Partial<WebhookConfig>;
      if (typeof hook.provider === 'string' && hook.provider !== '') {
        patch = await patchInbound(req, store, hook);
      } else {
        refuseInboundFields(req);
        const outgoing = parseInput(req, patchWebhookBody);
        if (outgoing.url !== undefined) {
          outgoing.url = (await assertDeliverableUrl(outgoing.url, urlOptions)).href;
        }
        patch = outgoing;
      }
      await update(hook.id, patch);
      const updated = (await find(hook.id)) ?? { ...hook, ...patch };
      // Which fields changed, never their values: one of them may be the secret.
      audit(AuthEventNames.ADMIN_WEBHOOK_UPDATED, req, res, updated, {
        changes: Object.keys(patch),
      });
      res.json({ success: true, webhook: toAdminWebhook(updated) });
    }),
  );

  api.delete(
    '/webhooks/:id',
    asyncHandler(async (req, res) => {
      const store = hooks();
      const remove = requireFeature(store.remove?.bind(store), 'webhook deletion');
      const hook = await findWebhookOr404(lookup(store), pathParam(req, 'id'));
      await remove(hook.id);
      audit(AuthEventNames.ADMIN_WEBHOOK_DELETED, req, res, hook, { url: originOf(hook.url) });
      res.json({ success: true });
    }),
  );

  api.get(
    '/webhooks/:id/deliveries',
    asyncHandler(async (req, res) => {
      const store = hooks();
      const list = requireFeature(store.listDeliveries?.bind(store), 'webhook deliveries');
      const { status } = parseQuery(req, deliveriesQuery);
      const paging = parsePaging(req);
      const hook = await findWebhookOr404(lookup(store), pathParam(req, 'id'));
      const { rows, hasMore } = await fetchPage(paging, ({ limit, offset }) =>
        list(hook.id, { limit, offset, ...(status !== undefined && { status }) }),
      );
      const { limit, offset } = paging;
      res.json({ deliveries: rows.map(toAdminDelivery), limit, offset, hasMore });
    }),
  );

  // A JSON body (`{}`) is required: a cross-site form cannot send one, so a cookie-trusting
  // authorize hook cannot be made to replay deliveries by another site.
  api.post(
    '/webhooks/:id/deliveries/:deliveryId/replay',
    asyncHandler(async (req, res) => {
      const store = hooks();
      const find = requireFeature(store.findDelivery?.bind(store), 'webhook replay');
      const requeue = requireFeature(store.requeueDelivery?.bind(store), 'webhook replay');
      requireJsonBody(req);
      const hook = await findWebhookOr404(lookup(store), pathParam(req, 'id'));
      const delivery = await find(pathParam(req, 'deliveryId'));
      // Another webhook's delivery is as unknown here as one that does not exist.
      if (!delivery || delivery.webhookId !== hook.id) {
        throw new AuthError('Delivery not found', 'WEBHOOK_DELIVERY_NOT_FOUND', 404);
      }
      if (delivery.status === 'pending') {
        // Resetting a pending delivery could race the worker holding it and send it twice.
        throw new AuthError(
          'The delivery is still pending: the worker will try it again by itself',
          'WEBHOOK_DELIVERY_PENDING',
          409,
        );
      }
      await requeue(delivery.id, new Date());
      audit(AuthEventNames.ADMIN_WEBHOOK_REPLAYED, req, res, hook, {
        deliveryId: delivery.id,
        event: delivery.event,
        previousStatus: delivery.status,
      });
      const requeued = (await find(delivery.id)) ?? delivery;
      res.json({ success: true, delivery: toAdminDelivery(requeued) });
    }),
  );
}
