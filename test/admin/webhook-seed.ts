// Shared by the webhook suites of the admin API: a public URL to register, registration through
// the API, and deliveries seeded through the store's own queue methods.
import type { WebhookDelivery } from 'keyward';
import type { AdminFixture } from './api-setup';

/** A public address (no DNS needed): registration accepts it without allowPrivateNetworks. */
export const PUBLIC_URL = 'https://93.184.215.14/hooks/keyward';
const MINUTE = 60_000;

/** Fields of a webhook in every answer; the secret is one of them, always masked. */
export const WEBHOOK_FIELDS = [
  'allowedActions',
  'createdAt',
  'direction',
  'events',
  'hasSecret',
  'id',
  'isActive',
  'jsScript',
  'maxRetries',
  'provider',
  'retryDelayMs',
  'secret',
  'tenantId',
  'url',
  'verify',
];

/** The ids of a listing in an answer. */
export const idsIn = (list: unknown) => (list as Array<{ id: string }>).map((item) => item.id);

/** Registers a webhook (at {@link PUBLIC_URL} unless `body.url` says otherwise) through the API. */
export async function register(fx: AdminFixture, body: Record<string, unknown> = {}) {
  const res = await fx.api.post('/webhooks').send({ url: PUBLIC_URL, ...body });
  expect(res.status).toBe(201);
  return res.body as { webhook: { id: string } & Record<string, unknown>; secret?: string };
}

/** A pending delivery of `webhookId`, the `n`th of ten minutes, as the worker would enqueue it. */
function delivery(
  webhookId: string,
  n: number,
  overrides: Partial<WebhookDelivery> = {},
): WebhookDelivery {
  const at = new Date(Date.now() - (10 - n) * MINUTE);
  return {
    id: `dl_${webhookId}_${n}`,
    webhookId,
    eventId: String(n).padStart(16, '0'),
    event: 'identity.user.created',
    payload: JSON.stringify({ type: 'identity.user.created', n }),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: at,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** Three deliveries of `hookId` (delivered, dead, pending, oldest first) and one of `otherId`. */
export async function seedDeliveries(fx: AdminFixture, hookId: string, otherId: string) {
  const store = fx.webhookStore;
  await store.enqueueDeliveries([
    delivery(hookId, 1),
    delivery(hookId, 2, { event: 'identity.auth.login.failed' }),
    delivery(hookId, 3),
    delivery(otherId, 4),
  ]);
  const at = new Date();
  await store.recordAttempt(`dl_${hookId}_1`, { status: 'delivered', httpStatus: 204, at });
  for (const httpStatus of [500, 502]) {
    await store.recordAttempt(`dl_${hookId}_2`, {
      status: 'pending',
      httpStatus,
      error: `HTTP ${httpStatus}`,
      nextAttemptAt: at,
      at,
    });
  }
  await store.recordAttempt(`dl_${hookId}_2`, {
    status: 'dead',
    httpStatus: 503,
    error: 'HTTP 503',
    at,
  });
  await store.recordAttempt(`dl_${otherId}_4`, { status: 'dead', error: 'timeout', at });
}
