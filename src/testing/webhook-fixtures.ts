import { randomBytes } from 'node:crypto';
import type { IWebhookStore, WebhookConfig, WebhookDelivery } from '../stores/webhook';
import { hasMethod, type CheckContext } from './runner';
import { TRICKY_TEXT, fail, isDate, msDate, nonce, sameValue, show } from './support';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A fresh event-name family, so only this check's webhooks subscribe to its events. */
export const family = (): string => `kw.conformance.${nonce()}`;

/** A tenant no other run uses. */
export const freshTenant = (): string => `kw-conformance-tenant-${nonce()}`;

/** `.invalid` never resolves: a webhook the kit leaves behind can deliver nowhere. */
const hookUrl = (): string => `https://hooks.kw-conformance.invalid/${nonce()}?a=1&b=%27x%27`;

/** Every field set, with text stores tend to mangle in the script. */
export function fullHook(overrides: Partial<WebhookConfig> = {}): WebhookConfig {
  return {
    id: `kw-conformance-hook-${nonce()}`,
    url: hookUrl(),
    events: [`${family()}.created`, `${family()}.auth.*`],
    secret: `whsec_${randomBytes(24).toString('base64')}`,
    maxRetries: 5,
    retryDelayMs: 2_500,
    tenantId: freshTenant(),
    isActive: true,
    createdAt: msDate(-HOUR),
    provider: `kw-conformance-provider-${nonce()}`,
    allowedActions: ['updateMetadata', 'assignRole'],
    jsScript: `return { action: 'noop', note: ${JSON.stringify(TRICKY_TEXT)} };`,
    ...overrides,
  };
}

/** Only the fields WebhookConfig requires. */
export function minimalHook(overrides: Partial<WebhookConfig> = {}): WebhookConfig {
  return {
    id: `kw-conformance-hook-${nonce()}`,
    url: hookUrl(),
    events: [`${family()}.any`],
    ...overrides,
  };
}

/** Adds a copy of `hook` and removes it after the check (deactivates it without `remove`). */
export async function addHook(
  store: IWebhookStore,
  ctx: CheckContext,
  hook: WebhookConfig,
): Promise<WebhookConfig> {
  ctx.defer(() =>
    hasMethod(store, 'remove')
      ? store.remove!(hook.id)
      : store.update?.(hook.id, { isActive: false }),
  );
  await store.add!(structuredClone(hook));
  return hook;
}

/** Adds the hooks one after another. */
export async function addHooks(
  store: IWebhookStore,
  ctx: CheckContext,
  hooks: WebhookConfig[],
): Promise<WebhookConfig[]> {
  for (const hook of hooks) await addHook(store, ctx, hook);
  return hooks;
}

/** The ids of a list, failing clearly when it is not an array. */
export function idsOf(list: unknown, what: string): string[] {
  if (!Array.isArray(list)) fail(`${what}: expected an array, got ${show(list)}`);
  return list.map((item: { id?: string }) => item?.id as string);
}

/** Only the ids of `mine`, in the order listed: the store may hold other runs' webhooks. */
export function mineOnly(ids: string[], mine: { id: string }[]): string[] {
  const wanted = new Set(mine.map((h) => h.id));
  return ids.filter((id) => wanted.has(id));
}

/** Field by field; `createdAt` a Date; an absent `isActive` may come back as `true`. */
export function expectHook(
  actual: WebhookConfig | null | undefined,
  expected: WebhookConfig,
  what: string,
): void {
  if (typeof actual !== 'object' || actual === null) {
    fail(`${what}: expected the webhook ${show(expected.id)}, got ${show(actual)}`);
  }
  if (!isDate(actual.createdAt)) {
    fail(`${what}: createdAt expected a Date, got ${show(actual.createdAt)}`);
  }
  const got: Record<string, unknown> = { ...actual };
  if (expected.isActive === undefined && got.isActive === true) delete got.isActive;
  expectFields(got, { ...expected }, what);
}

/** A delivery of `hook` (pending, no attempts), due at `due`. */
export function delivery(
  hook: WebhookConfig,
  due: Date,
  overrides: Partial<WebhookDelivery> = {},
): WebhookDelivery {
  const event = `${family()}.delivered`;
  return {
    id: `kw-conformance-delivery-${nonce()}`,
    webhookId: hook.id,
    eventId: `kw-conformance-event-${nonce()}`,
    event,
    payload: JSON.stringify({ type: event, data: { note: TRICKY_TEXT, n: [1, 2.5] } }),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: due,
    createdAt: msDate(-HOUR),
    updatedAt: msDate(-HOUR),
    ...overrides,
  };
}

const DELIVERY_DATES = ['nextAttemptAt', 'createdAt', 'updatedAt'] as const;

/** Field by field, every date a Date, absent fields absent (not null). */
export function expectDelivery(
  actual: WebhookDelivery | null | undefined,
  expected: WebhookDelivery,
  what: string,
): void {
  if (typeof actual !== 'object' || actual === null) {
    fail(`${what}: expected the delivery ${show(expected.id)}, got ${show(actual)}`);
  }
  for (const field of DELIVERY_DATES) {
    if (!isDate(actual[field]))
      fail(`${what}: ${field} expected a Date, got ${show(actual[field])}`);
  }
  expectFields({ ...actual }, { ...expected }, what);
}

function expectFields(got: Record<string, unknown>, want: Record<string, unknown>, what: string) {
  for (const field of new Set([...Object.keys(want), ...Object.keys(got)])) {
    if (!sameValue(got[field], want[field])) {
      fail(`${what}: ${field} expected ${show(want[field])}, got ${show(got[field])}`);
    }
  }
}

/**
 * Instants in 1995 for the delivery queue: a claim at such a `now` takes only deliveries due
 * then, so the kit never leases an application's real deliveries on a shared store. Each check
 * takes its own day.
 */
export const queueDay = (n: number): number => Date.UTC(1995, 0, 1) + n * DAY;
