// The event tools' part of the panel seed: webhooks with a delivery history, and a month of
// events in the log, so the Webhooks, Events and Overview tabs have something real to show.
import { AuthEventNames, type BaseUser, type WebhookConfig, type WebhookDelivery } from 'keyward';
import type { AdminStores } from './admin-stores';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** What the browser tests look for in the seeded event tools. */
export interface EventToolsSeed {
  /** Newest first, as the admin lists them. */
  webhooks: WebhookConfig[];
  /** The webhook with deliveries (billing), and one of its dead deliveries. */
  billingHookId: string;
  deadDeliveryId: string;
  /** How many events of each name the log holds. */
  counts: Record<string, number>;
}

/** A small deterministic generator, so every run (and screenshot) sees the same month. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const HOOKS: Array<Omit<WebhookConfig, 'createdAt'> & { createdAgo: number }> = [
  {
    id: 'wh_legacy0sync0000000000a1',
    url: 'https://legacy.example.net/hook',
    events: ['identity.session.*'],
    isActive: false,
    createdAgo: 120 * DAY,
  },
  {
    id: 'wh_audit00ingest00000000b2',
    url: 'https://audit.example.org/ingest?source=keyward',
    events: ['*'],
    secret: 'whsec_' + Buffer.alloc(32, 2).toString('base64'),
    createdAgo: 60 * DAY,
  },
  {
    id: 'wh_crm00acme00000000000c3',
    url: 'https://crm.acme.example/hooks/identity',
    events: ['identity.user.created', 'identity.user.deleted'],
    secret: 'whsec_' + Buffer.alloc(32, 3).toString('base64'),
    createdAgo: 30 * DAY,
  },
  {
    id: 'wh_billing00000000000000d4',
    url: 'https://billing.example.com/webhooks/keyward',
    events: [
      'identity.user.*',
      'identity.auth.login.success',
      'identity.session.revoked',
      'identity.tenant.*',
    ],
    secret: 'whsec_' + Buffer.alloc(32, 4).toString('base64'),
    maxRetries: 5,
    createdAgo: 14 * DAY,
  },
];

async function seedDeliveries(stores: AdminStores, hookId: string, now: number): Promise<string> {
  const store = stores.webhookStore;
  const plan: Array<{ event: string; outcome: 'delivered' | 'dead' | 'pending'; ago: number }> = [
    { event: 'identity.user.created', outcome: 'delivered', ago: 3 * DAY },
    { event: 'identity.auth.login.success', outcome: 'delivered', ago: 2 * DAY },
    { event: 'identity.user.2fa.enabled', outcome: 'dead', ago: 30 * 60 * MINUTE },
    { event: 'identity.auth.login.success', outcome: 'delivered', ago: 20 * 60 * MINUTE },
    { event: 'identity.session.revoked', outcome: 'dead', ago: 5 * 60 * MINUTE },
    { event: 'identity.user.created', outcome: 'delivered', ago: 90 * MINUTE },
    { event: 'identity.auth.login.success', outcome: 'pending', ago: 4 * MINUTE },
  ];
  const deliveries: WebhookDelivery[] = plan.map((p, i) => {
    const at = new Date(now - p.ago);
    return {
      id: `dl_billing_${String(i + 1).padStart(2, '0')}`,
      webhookId: hookId,
      eventId: String(1000 + i).padStart(16, '0'),
      event: p.event,
      payload: JSON.stringify({ type: p.event }),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
      updatedAt: at,
    };
  });
  await store.enqueueDeliveries(deliveries);
  for (const [i, p] of plan.entries()) {
    const id = deliveries[i]!.id;
    const at = new Date(now - p.ago + MINUTE);
    if (p.outcome === 'delivered') {
      await store.recordAttempt(id, { status: 'delivered', httpStatus: 200, at });
    } else if (p.outcome === 'dead') {
      for (let n = 0; n < 5; n++) {
        const error = 'HTTP 503 Service Unavailable';
        await store.recordAttempt(id, {
          status: 'pending',
          httpStatus: 503,
          error,
          nextAttemptAt: at,
          at,
        });
      }
      await store.recordAttempt(id, {
        status: 'dead',
        httpStatus: 503,
        error: 'HTTP 503 Service Unavailable',
        at,
      });
    } else {
      await store.recordAttempt(id, {
        status: 'pending',
        error: 'Timed out after 10 s',
        nextAttemptAt: new Date(now + 2 * MINUTE),
        at,
      });
    }
  }
  return deliveries[4]!.id;
}

/** Per day: sign-ins, failures, sign-ups, 2FA, and the webhook deliveries they caused. */
async function seedLog(
  stores: AdminStores,
  users: BaseUser[],
  tenantIds: string[],
  now: number,
  extra: Array<{ event: string; data: Record<string, unknown> }>,
): Promise<Record<string, number>> {
  const next = random(7);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]!;
  const planned: Array<{ event: string; at: number; data?: Record<string, unknown> }> = [];
  for (let day = 29; day >= 0; day--) {
    const weekday = new Date(now - day * DAY).getUTCDay();
    const busy = weekday === 0 || weekday === 6 ? 0.45 : 1;
    const perDay: Array<[string, number]> = [
      [AuthEventNames.AUTH_LOGIN_SUCCESS, Math.round((24 + next() * 22) * busy)],
      [AuthEventNames.AUTH_LOGIN_FAILED, Math.round(next() * 6 * busy) + (day === 9 ? 23 : 0)],
      [AuthEventNames.USER_CREATED, Math.round(next() * 5 * busy)],
      [AuthEventNames.USER_2FA_ENABLED, Math.round(next() * 2.4)],
      [AuthEventNames.SESSION_REVOKED, Math.round(next() * 4)],
      [AuthEventNames.WEBHOOK_DELIVERY_SUCCEEDED, Math.round((10 + next() * 12) * busy)],
      [AuthEventNames.WEBHOOK_DELIVERY_FAILED, Math.round(next() * 3) + (day === 4 ? 9 : 0)],
      [AuthEventNames.WEBHOOK_DELIVERY_DEAD, day === 4 || day === 1 ? 1 : 0],
    ];
    // The day's events spread over its hours; today's only over the hours gone by, ending a
    // minute ago so that the `extra` events are the newest.
    const dayStart = now - (now % DAY) - day * DAY;
    const span = day === 0 ? Math.max(0, (now % DAY) - 2 * MINUTE) : DAY - MINUTE;
    for (const [event, count] of perDay) {
      for (let n = 0; n < count; n++) {
        planned.push({ event, at: dayStart + Math.floor(next() * span) });
      }
    }
  }
  extra.forEach((e, i) => planned.push({ ...e, at: now - (extra.length - i) * 1000 }));
  planned.sort((a, b) => a.at - b.at);

  const counts: Record<string, number> = {};
  for (const p of planned) {
    const user = pick(users);
    const webhook = p.event.startsWith('identity.webhook.');
    await stores.eventLog.append({
      event: p.event,
      timestamp: new Date(p.at).toISOString(),
      ...(!webhook && { userId: user.id, ip: `203.0.113.${Math.floor(next() * 200) + 10}` }),
      ...(!webhook && next() < 0.6 && { tenantId: pick(tenantIds) }),
      data:
        p.data ??
        (webhook
          ? { webhookId: HOOKS[3]!.id, deliveryId: `dl_${Math.floor(next() * 1e6)}`, attempts: 1 }
          : p.event === AuthEventNames.AUTH_LOGIN_SUCCESS
            ? { provider: pick(['local', 'local', 'magic-link', 'google']) }
            : {}),
    });
    counts[p.event] = (counts[p.event] ?? 0) + 1;
  }
  return counts;
}

/**
 * Fills the webhook store and the event log. `extra` events are appended last (the newest), such
 * as one whose data is named like an HTML payload.
 */
export async function seedEventTools(
  stores: AdminStores,
  users: BaseUser[],
  tenantIds: string[],
  now: number,
  extra: Array<{ event: string; data: Record<string, unknown> }> = [],
): Promise<EventToolsSeed> {
  const webhooks: WebhookConfig[] = [];
  for (const { createdAgo, ...hook } of HOOKS) {
    const config: WebhookConfig = {
      ...hook,
      createdAt: new Date(now - createdAgo),
      ...(hook.id.startsWith('wh_crm') && { tenantId: tenantIds[0]! }),
    };
    await stores.webhookStore.add(config);
    webhooks.unshift(config);
  }
  const billingHookId = HOOKS[3]!.id;
  const deadDeliveryId = await seedDeliveries(stores, billingHookId, now);
  const counts = await seedLog(stores, users, tenantIds, now, extra);
  return { webhooks, billingHookId, deadDeliveryId, counts };
}
