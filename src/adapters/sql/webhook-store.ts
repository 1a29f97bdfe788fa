import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import { pageOf, webhookWants } from '../../stores/event-match';
import type { InboundVerify } from '../../stores/inbound-verify';
import type {
  IWebhookStore,
  ListDeliveriesOptions,
  WebhookAttemptOutcome,
  WebhookConfig,
  WebhookDelivery,
  WebhookDeliveryStatus,
} from '../../stores/webhook';
import { fromFlag, fromJson, requireMillis, toFlag, toJson, toMillis } from './codec';
import { ignoringDuplicates, type SqlContext } from './dialect';
import { classifySqlError } from './errors';
import type { WebhookDeliveriesTable, WebhooksTable } from './schema';

/** Rows per INSERT when enqueuing: well under every dialect's limit on bound parameters. */
const ENQUEUE_CHUNK = 100;

function toHookRow(hook: WebhookConfig): Insertable<WebhooksTable> {
  return {
    id: hook.id,
    url: hook.url,
    events: toJson(hook.events),
    secret: hook.secret ?? null,
    max_retries: hook.maxRetries ?? null,
    retry_delay_ms: hook.retryDelayMs ?? null,
    tenant_id: hook.tenantId ?? null,
    is_active: toFlag(hook.isActive ?? true),
    created_at: toMillis(hook.createdAt) ?? Date.now(),
    provider: hook.provider ?? null,
    allowed_actions: hook.allowedActions === undefined ? null : toJson(hook.allowedActions),
    js_script: hook.jsScript ?? null,
    verify: hook.verify === undefined ? null : toJson(hook.verify),
  };
}

/** A row as a webhook: NULL columns are left out; `isActive` is always set. */
function toHook(row: Selectable<WebhooksTable>): WebhookConfig {
  const hook: WebhookConfig = {
    id: row.id,
    url: row.url,
    events: fromJson<string[]>(row.events) ?? [],
    isActive: fromFlag(row.is_active),
    createdAt: requireMillis(row.created_at),
  };
  if (row.secret !== null) hook.secret = row.secret;
  if (row.max_retries !== null) hook.maxRetries = Number(row.max_retries);
  if (row.retry_delay_ms !== null) hook.retryDelayMs = Number(row.retry_delay_ms);
  if (row.tenant_id !== null) hook.tenantId = row.tenant_id;
  if (row.provider !== null) hook.provider = row.provider;
  const allowedActions = fromJson<string[]>(row.allowed_actions);
  if (allowedActions !== undefined) hook.allowedActions = allowedActions;
  if (row.js_script !== null) hook.jsScript = row.js_script;
  const verify = fromJson<InboundVerify>(row.verify);
  if (verify !== undefined) hook.verify = verify;
  return hook;
}

/**
 * The columns a patch changes. Only keys present in the patch count; one present with the
 * value undefined clears an optional field (as spreading it over the record does in memory).
 * `id` and `createdAt` are never changed.
 */
function toHookPatch(patch: Partial<WebhookConfig>): Updateable<WebhooksTable> {
  const has = (key: keyof WebhookConfig) => Object.prototype.hasOwnProperty.call(patch, key);
  const set: Updateable<WebhooksTable> = {};
  if (patch.url !== undefined) set.url = patch.url;
  if (patch.events !== undefined) set.events = toJson(patch.events);
  if (has('secret')) set.secret = patch.secret ?? null;
  if (has('maxRetries')) set.max_retries = patch.maxRetries ?? null;
  if (has('retryDelayMs')) set.retry_delay_ms = patch.retryDelayMs ?? null;
  if (has('tenantId')) set.tenant_id = patch.tenantId ?? null;
  if (has('isActive')) set.is_active = toFlag(patch.isActive ?? true);
  if (has('provider')) set.provider = patch.provider ?? null;
  if (has('allowedActions')) {
    set.allowed_actions = patch.allowedActions === undefined ? null : toJson(patch.allowedActions);
  }
  if (has('jsScript')) set.js_script = patch.jsScript ?? null;
  if (has('verify')) set.verify = patch.verify === undefined ? null : toJson(patch.verify);
  return set;
}

function toDeliveryRow(delivery: WebhookDelivery): Insertable<WebhookDeliveriesTable> {
  return {
    id: delivery.id,
    webhook_id: delivery.webhookId,
    event_id: delivery.eventId,
    event: delivery.event,
    payload: delivery.payload,
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: delivery.nextAttemptAt.getTime(),
    last_status: delivery.lastStatus ?? null,
    last_error: delivery.lastError ?? null,
    created_at: delivery.createdAt.getTime(),
    updated_at: delivery.updatedAt.getTime(),
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  const delivery: WebhookDelivery = {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    event: row.event,
    payload: row.payload,
    status: row.status as WebhookDeliveryStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: requireMillis(row.next_attempt_at),
    createdAt: requireMillis(row.created_at),
    updatedAt: requireMillis(row.updated_at),
  };
  if (row.last_status !== null) delivery.lastStatus = Number(row.last_status);
  if (row.last_error !== null) delivery.lastError = row.last_error;
  return delivery;
}

/** The columns an attempt changes (`attempts` is incremented in the statement itself). */
function toAttemptSet(outcome: WebhookAttemptOutcome): Updateable<WebhookDeliveriesTable> {
  const set: Updateable<WebhookDeliveriesTable> = {
    status: outcome.status,
    updated_at: outcome.at.getTime(),
    last_error: outcome.status === 'delivered' ? null : outcome.error,
  };
  if (outcome.httpStatus !== undefined) set.last_status = outcome.httpStatus;
  if (outcome.status === 'pending') set.next_attempt_at = outcome.nextAttemptAt.getTime();
  return set;
}

/**
 * {@link IWebhookStore} with every optional method (migration 0007; `verify` 0008): the registry
 * and the delivery queue on the same database as the event log. `findByEvent` reads the active
 * webhooks of the tenant (and the global ones) and matches their patterns here, with the same
 * rule as every other store. Claims are safe across instances: on PostgreSQL and MySQL/MariaDB
 * (10.6+) they lock the rows they take with `FOR UPDATE SKIP LOCKED`, so two instances claiming
 * at once take different deliveries; on SQLite the transaction alone does, as writers run one
 * at a time.
 */
export class SqlWebhookStore implements Required<IWebhookStore> {
  constructor(private readonly ctx: SqlContext) {}

  async findByEvent(event: string, tenantId?: string): Promise<WebhookConfig[]> {
    const rows = await this.ctx.db
      .selectFrom('webhooks')
      .selectAll()
      .where('is_active', '=', 1)
      .where((eb) =>
        tenantId === undefined
          ? eb('tenant_id', 'is', null)
          : eb.or([eb('tenant_id', 'is', null), eb('tenant_id', '=', tenantId)]),
      )
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toHook).filter((hook) => webhookWants(hook, event, tenantId));
  }

  /** The oldest active webhook of the provider. */
  async findByProvider(provider: string): Promise<WebhookConfig | null> {
    const row = await this.ctx.db
      .selectFrom('webhooks')
      .selectAll()
      .where('provider', '=', provider)
      .where('is_active', '=', 1)
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    return row ? toHook(row) : null;
  }

  async listAll(limit?: number, offset?: number): Promise<WebhookConfig[]> {
    const page = pageOf({ limit, offset });
    const rows = await this.ctx.db
      .selectFrom('webhooks')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return rows.map(toHook);
  }

  async findById(id: string): Promise<WebhookConfig | null> {
    const row = await this.ctx.db
      .selectFrom('webhooks')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toHook(row) : null;
  }

  /** Rejects when the id is taken (ids are the caller's to make unique). */
  async add(config: WebhookConfig): Promise<void> {
    try {
      await this.ctx.db.insertInto('webhooks').values(toHookRow(config)).execute();
    } catch (err) {
      if (classifySqlError(err) !== 'duplicate') throw err;
      throw new Error(`Webhook ${config.id} not added: the id is taken`, { cause: err });
    }
  }

  async update(id: string, patch: Partial<Omit<WebhookConfig, 'id' | 'createdAt'>>): Promise<void> {
    const set = toHookPatch(patch);
    if (Object.keys(set).length === 0) return;
    await this.ctx.db.updateTable('webhooks').set(set).where('id', '=', id).execute();
  }

  /** The webhook and its deliveries, in one transaction. */
  async remove(id: string): Promise<void> {
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
      await trx.deleteFrom('webhooks').where('id', '=', id).execute();
    });
  }

  async enqueueDeliveries(deliveries: WebhookDelivery[]): Promise<void> {
    for (let i = 0; i < deliveries.length; i += ENQUEUE_CHUNK) {
      const rows = deliveries.slice(i, i + ENQUEUE_CHUNK).map(toDeliveryRow);
      const insert = this.ctx.db.insertInto('webhook_deliveries').values(rows);
      await ignoringDuplicates(this.ctx, insert, 'id').execute();
    }
  }

  async claimDueDeliveries(now: Date, limit: number, leaseMs: number): Promise<WebhookDelivery[]> {
    const take = Math.max(0, Math.floor(limit));
    if (take === 0) return [];
    const at = now.getTime();
    const leasedUntil = at + leaseMs;
    const { dialect } = this.ctx;
    // READ COMMITTED on MySQL: its default REPEATABLE READ would also lock the gaps between the
    // rows read, blocking enqueues for as long as the claim runs.
    const transaction =
      dialect === 'mysql'
        ? this.ctx.db.transaction().setIsolationLevel('read committed')
        : this.ctx.db.transaction();
    return transaction.execute(async (trx) => {
      const rows = await trx
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', at)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(take)
        .$call((q) => (dialect === 'sqlite' ? q : q.forUpdate().skipLocked()))
        .execute();
      if (rows.length === 0) return [];
      await trx
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: leasedUntil, updated_at: at })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      return rows.map((row) => ({
        ...toDelivery(row),
        nextAttemptAt: new Date(leasedUntil),
        updatedAt: new Date(at),
      }));
    });
  }

  async recordAttempt(id: string, outcome: WebhookAttemptOutcome): Promise<void> {
    await this.ctx.db
      .updateTable('webhook_deliveries')
      .set(toAttemptSet(outcome))
      .set({ attempts: sql<number>`attempts + 1` })
      .where('id', '=', id)
      .execute();
  }

  async findDelivery(id: string): Promise<WebhookDelivery | null> {
    const row = await this.ctx.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toDelivery(row) : null;
  }

  async listDeliveries(
    webhookId: string,
    options: ListDeliveriesOptions = {},
  ): Promise<WebhookDelivery[]> {
    const { limit, offset } = pageOf(options);
    const { status } = options;
    const rows = await this.ctx.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .$call((q) => (status === undefined ? q : q.where('status', '=', status)))
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toDelivery);
  }

  async requeueDelivery(id: string, at: Date): Promise<void> {
    await this.ctx.db
      .updateTable('webhook_deliveries')
      .set({
        status: 'pending',
        attempts: 0,
        next_attempt_at: at.getTime(),
        updated_at: at.getTime(),
      })
      .where('id', '=', id)
      .execute();
  }
}
