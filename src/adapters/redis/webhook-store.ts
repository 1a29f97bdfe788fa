import { pageOf, webhookWants } from '../../stores/event-match';
import type {
  IWebhookStore,
  ListDeliveriesOptions,
  WebhookAttemptOutcome,
  WebhookConfig,
  WebhookDelivery,
} from '../../stores/webhook';
import { millis } from './api-key-codec';
import { NEWEST_IDS } from './api-key-scripts';
import { DEFAULT_KEY_PREFIX, inBatches, type RedisKeyOptions, type RedisLike } from './client';
import { guarded } from './errors';
import {
  decodeDelivery,
  decodeWebhook,
  encodeDelivery,
  encodeWebhook,
  wellFormed,
} from './webhook-codec';
import {
  CLAIM_DUE,
  ENQUEUE_DELIVERIES,
  HASH_FIELDS,
  HASH_VALUES,
  RECORD_ATTEMPT,
  REMOVE_WEBHOOK,
  REQUEUE_DELIVERY,
  SAVE_WEBHOOK,
  UPDATE_WEBHOOK,
} from './webhook-scripts';

/** Deliveries written or read per round trip. */
const BATCH = 200;
/** Tries of an update's compare-and-set before giving up (each loses only to another write). */
const UPDATE_TRIES = 10;

const asStrings = (reply: unknown): string[] => (Array.isArray(reply) ? reply.map(String) : []);

/**
 * Webhooks and their delivery queue in Redis, every optional method included. Layout (under the
 * key prefix):
 * - `webhooks`: a hash of webhook id → JSON; `webhooks-created`: its ids scored by createdAt,
 *   for `listAll`. `findByEvent` reads the whole registry and filters here (it is small);
 * - `webhook-deliveries`: a hash of delivery id → JSON (enqueued with HSETNX, so enqueuing twice
 *   is harmless);
 * - `webhook-deliveries-due`: the pending deliveries scored by their next attempt. Claims lease
 *   from it in one script, so two instances never take the same delivery;
 * - `webhook-deliveries:<webhookId>`: a webhook's delivery ids scored by createdAt, for listing
 *   and for `remove`, which deletes them with the webhook in one script.
 * Deliveries are kept until their webhook is removed. Every method rejects with
 * STORE_UNAVAILABLE (503) when Redis cannot be reached.
 */
export class RedisWebhookStore implements Required<IWebhookStore> {
  private readonly prefix: string;

  constructor(
    private readonly client: RedisLike,
    options: RedisKeyOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  findByEvent(event: string, tenantId?: string): Promise<WebhookConfig[]> {
    return guarded(async () =>
      (await this.allWebhooks()).filter((hook) => webhookWants(hook, event, tenantId)),
    );
  }

  /** The oldest active webhook of the provider, so the answer does not depend on hash order. */
  findByProvider(provider: string): Promise<WebhookConfig | null> {
    return guarded(async () => {
      const hooks = (await this.allWebhooks()).filter(
        (hook) => hook.provider === provider && hook.isActive !== false,
      );
      hooks.sort(
        (a, b) =>
          (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || a.id.localeCompare(b.id),
      );
      return hooks[0] ?? null;
    });
  }

  /** Newest first by createdAt (ties: id descending, as ZREVRANGE orders equal scores). */
  listAll(limit?: number, offset?: number): Promise<WebhookConfig[]> {
    return guarded(async () => {
      const page = pageOf({ limit, offset });
      if (page.limit === 0) return [];
      const ids = asStrings(
        await NEWEST_IDS.run(
          this.client,
          [this.createdKey()],
          [page.offset, page.offset + page.limit - 1],
        ),
      );
      return (await this.fields(this.webhooksKey(), ids)).map(decodeWebhook);
    });
  }

  findById(id: string): Promise<WebhookConfig | null> {
    return guarded(async () => {
      const json = await this.client.hget(this.webhooksKey(), id);
      return json === null ? null : decodeWebhook(json);
    });
  }

  add(config: WebhookConfig): Promise<void> {
    return guarded(async () => {
      const hook = { ...config, createdAt: config.createdAt ?? new Date() };
      await SAVE_WEBHOOK.run(
        this.client,
        [this.webhooksKey(), this.createdKey()],
        [hook.id, millis(hook.createdAt), encodeWebhook(hook)],
      );
    });
  }

  /** Read, change, compare-and-set: retried when another write came in between. */
  update(id: string, patch: Partial<Omit<WebhookConfig, 'id' | 'createdAt'>>): Promise<void> {
    return guarded(async () => {
      for (let attempt = 0; attempt < UPDATE_TRIES; attempt++) {
        const current = await this.client.hget(this.webhooksKey(), id);
        if (current === null) return;
        const hook = decodeWebhook(current);
        const next: WebhookConfig = { ...hook, ...patch, id: hook.id };
        if (hook.createdAt) next.createdAt = hook.createdAt;
        else delete next.createdAt;
        const reply = await UPDATE_WEBHOOK.run(
          this.client,
          [this.webhooksKey()],
          [id, current, encodeWebhook(next)],
        );
        if (Number(reply) !== 0) return;
      }
      throw new Error(`webhook ${id} kept changing during its update`);
    });
  }

  remove(id: string): Promise<void> {
    return guarded(async () => {
      await REMOVE_WEBHOOK.run(
        this.client,
        [
          this.webhooksKey(),
          this.createdKey(),
          this.deliveriesKey(),
          this.dueKey(),
          this.webhookDeliveriesKey(id),
        ],
        [id],
      );
    });
  }

  enqueueDeliveries(deliveries: WebhookDelivery[]): Promise<void> {
    return guarded(async () => {
      const byWebhook = new Map<string, WebhookDelivery[]>();
      for (const delivery of deliveries) {
        const list = byWebhook.get(delivery.webhookId) ?? [];
        list.push(delivery);
        byWebhook.set(delivery.webhookId, list);
      }
      for (const [webhookId, list] of byWebhook) {
        const keys = [this.deliveriesKey(), this.dueKey(), this.webhookDeliveriesKey(webhookId)];
        for (let i = 0; i < list.length; i += BATCH) {
          const args = list
            .slice(i, i + BATCH)
            .flatMap((d) => [
              d.id,
              millis(d.createdAt),
              encodeDelivery(d),
              d.status === 'pending' ? millis(d.nextAttemptAt) : '',
            ]);
          await ENQUEUE_DELIVERIES.run(this.client, keys, args);
        }
      }
    });
  }

  claimDueDeliveries(now: Date, limit: number, leaseMs: number): Promise<WebhookDelivery[]> {
    return guarded(async () => {
      const count = Math.floor(limit);
      if (!(count > 0)) return [];
      const at = millis(now);
      const reply = await CLAIM_DUE.run(
        this.client,
        [this.deliveriesKey(), this.dueKey()],
        [at, count, at + Math.max(0, Math.floor(leaseMs))],
      );
      return asStrings(reply).map(decodeDelivery);
    });
  }

  recordAttempt(id: string, outcome: WebhookAttemptOutcome): Promise<void> {
    return guarded(async () => {
      await RECORD_ATTEMPT.run(
        this.client,
        [this.deliveriesKey(), this.dueKey()],
        [
          id,
          outcome.status,
          millis(outcome.at),
          outcome.httpStatus ?? '',
          outcome.status === 'delivered' ? '' : wellFormed(outcome.error),
          outcome.status === 'pending' ? millis(outcome.nextAttemptAt) : '',
        ],
      );
    });
  }

  findDelivery(id: string): Promise<WebhookDelivery | null> {
    return guarded(async () => {
      const json = await this.client.hget(this.deliveriesKey(), id);
      return json === null ? null : decodeDelivery(json);
    });
  }

  /**
   * Newest first by createdAt (ties: id descending). Without `status`, one page of the index is
   * read; with it, the index is walked in batches until the page is full.
   */
  listDeliveries(
    webhookId: string,
    options: ListDeliveriesOptions = {},
  ): Promise<WebhookDelivery[]> {
    return guarded(async () => {
      const { limit, offset } = pageOf(options);
      if (limit === 0) return [];
      const index = [this.webhookDeliveriesKey(webhookId)];
      if (options.status === undefined) {
        const ids = asStrings(
          await NEWEST_IDS.run(this.client, index, [offset, offset + limit - 1]),
        );
        return (await this.fields(this.deliveriesKey(), ids)).map(decodeDelivery);
      }
      const found: WebhookDelivery[] = [];
      for (let start = 0; found.length < offset + limit; start += BATCH) {
        const ids = asStrings(await NEWEST_IDS.run(this.client, index, [start, start + BATCH - 1]));
        const batch = (await this.fields(this.deliveriesKey(), ids)).map(decodeDelivery);
        found.push(...batch.filter((d) => d.status === options.status));
        if (ids.length < BATCH) break;
      }
      return found.slice(offset, offset + limit);
    });
  }

  requeueDelivery(id: string, at: Date): Promise<void> {
    return guarded(async () => {
      await REQUEUE_DELIVERY.run(
        this.client,
        [this.deliveriesKey(), this.dueKey()],
        [id, millis(at)],
      );
    });
  }

  private async allWebhooks(): Promise<WebhookConfig[]> {
    return asStrings(await HASH_VALUES.run(this.client, [this.webhooksKey()], [])).map(
      decodeWebhook,
    );
  }

  /** The values of `ids` in a hash, in order; ids whose field is gone are left out. */
  private async fields(hash: string, ids: readonly string[]): Promise<string[]> {
    const values = await inBatches(ids, BATCH, async (batch) => {
      const reply = await HASH_FIELDS.run(this.client, [hash], batch);
      return Array.isArray(reply) ? (reply as unknown[]) : [];
    });
    return values.filter((v): v is string => typeof v === 'string');
  }

  private webhooksKey(): string {
    return `${this.prefix}webhooks`;
  }
  private createdKey(): string {
    return `${this.prefix}webhooks-created`;
  }
  private deliveriesKey(): string {
    return `${this.prefix}webhook-deliveries`;
  }
  private dueKey(): string {
    return `${this.prefix}webhook-deliveries-due`;
  }
  private webhookDeliveriesKey(webhookId: string): string {
    return `${this.prefix}webhook-deliveries:${webhookId}`;
  }
}
