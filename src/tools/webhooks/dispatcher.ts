import type { AuthLogger } from '../../core/config/types';
import { AuthEventNames } from '../../core/events';
import type { IEventLog, LoggedEvent } from '../../stores/event-log';
import { InMemoryWebhookStore } from '../../stores/in-memory/in-memory-webhook-store';
import type { IWebhookStore, WebhookConfig, WebhookDelivery } from '../../stores/webhook';
import { retryDelay } from './backoff';
import type { WebhookDeliveryOptions } from './delivery-options';
import { newDelivery } from './delivery-payload';
import type { WebhookSender } from './webhook-sender';

/** The queue half of a webhook store. */
type DeliveryQueue = Required<
  Pick<IWebhookStore, 'enqueueDeliveries' | 'claimDueDeliveries' | 'recordAttempt'>
>;

/** Dependencies of the dispatcher. */
export interface DispatcherDeps {
  log: IEventLog;
  store: IWebhookStore;
  sender: WebhookSender;
  logger: AuthLogger;
  options: WebhookDeliveryOptions;
  /** Records the dispatcher's own outcome events (succeeded, failed, dead) on the log. */
  record: (event: string, data: Record<string, unknown>) => Promise<unknown>;
}

/** The reader name under which the dispatcher keeps its place in the log. */
export const DISPATCH_CURSOR = 'webhooks';
const SCAN_BATCH = 200;

/** The dispatcher's own events: never delivered to webhooks (a failing hook would feed itself). */
const OWN_EVENTS = 'identity.webhook.';

function hasQueue(store: IWebhookStore): store is IWebhookStore & DeliveryQueue {
  return (
    typeof store.enqueueDeliveries === 'function' &&
    typeof store.claimDueDeliveries === 'function' &&
    typeof store.recordAttempt === 'function'
  );
}

/**
 * Delivers the log to webhooks, at least once. Two steps, both restartable: the log is walked
 * from a shared cursor and each (event, webhook) pair becomes a delivery with a deterministic id
 * (enqueuing it again is harmless); then due deliveries are claimed with a lease, attempted, and
 * recorded as delivered, pending (with back-off) or dead. A process that dies anywhere leaves
 * either an unadvanced cursor or a leased delivery, which the next process (or instance) takes up.
 */
export class WebhookDispatcher {
  private readonly queue: DeliveryQueue;
  /** Webhooks seen when enqueuing, for stores without `findById` (the reference's minimal store). */
  private readonly seen = new Map<string, WebhookConfig>();
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: DispatcherDeps) {
    this.queue = hasQueue(deps.store) ? deps.store : new InMemoryWebhookStore();
    if (!hasQueue(deps.store)) {
      deps.logger.warn(
        'webhook store has no delivery queue methods: pending deliveries live in process memory and a restart loses them',
      );
    }
    this.concurrency = deps.options.concurrency ?? 8;
    this.pollIntervalMs = deps.options.pollIntervalMs ?? 1_000;
    // Long enough for a claimed delivery to wait for a free worker (one attempt at most) and be
    // attempted; a crashed process's deliveries are due again after it.
    this.leaseMs = 2 * (deps.options.timeoutMs ?? 10_000) + 5_000;
  }

  start(): void {
    this.timer = setInterval(() => this.nudge(), this.pollIntervalMs);
    this.timer.unref();
    this.nudge();
  }

  /** Runs a pass soon; passes never overlap, and a nudge during one runs another after it. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pump().finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    this.deps.sender.close();
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.enqueueFromLog();
        await this.deliverDue();
      } catch (err) {
        this.deps.logger.error('webhook dispatch failed; retrying on the next poll', err);
      }
    } while (this.again && !this.stopped);
  }

  /** Turns new log entries into deliveries, then moves the cursor past them. */
  private async enqueueFromLog(): Promise<void> {
    const { log, store } = this.deps;
    for (;;) {
      const cursor = await log.getCursor(DISPATCH_CURSOR);
      const entries = await log.readAfter(cursor, SCAN_BATCH);
      if (entries.length === 0) return;
      const now = new Date();
      const deliveries: WebhookDelivery[] = [];
      for (const entry of entries) {
        if (entry.topic !== undefined || entry.event.startsWith(OWN_EVENTS)) continue;
        for (const hook of await store.findByEvent(entry.event, entry.tenantId)) {
          if (!predates(entry, hook)) continue;
          this.seen.set(hook.id, hook);
          deliveries.push(newDelivery(entry, hook, now));
        }
      }
      if (deliveries.length > 0) await this.queue.enqueueDeliveries(deliveries);
      await log.setCursor(DISPATCH_CURSOR, entries[entries.length - 1]!.id);
      if (entries.length < SCAN_BATCH || this.stopped) return;
    }
  }

  /**
   * Attempts due deliveries with `concurrency` workers. Workers take from a shared batch and
   * claim the next batch as soon as it runs dry, so one slow receiver holds one worker, not the
   * whole batch.
   */
  private async deliverDue(): Promise<void> {
    const batch: WebhookDelivery[] = [];
    let exhausted = false;
    let claiming: Promise<void> | undefined;
    const claim = async () => {
      const due = await this.queue.claimDueDeliveries(new Date(), this.concurrency, this.leaseMs);
      if (due.length < this.concurrency) exhausted = true;
      batch.push(...due);
    };
    const next = async (): Promise<WebhookDelivery | undefined> => {
      while (batch.length === 0 && !exhausted && !this.stopped) {
        claiming ??= claim().finally(() => {
          claiming = undefined;
        });
        await claiming;
      }
      return batch.shift();
    };
    const worker = async () => {
      for (let delivery = await next(); delivery; delivery = await next())
        await this.attempt(delivery);
    };
    await Promise.all(Array.from({ length: this.concurrency }, worker));
  }

  private async hook(id: string): Promise<WebhookConfig | null> {
    if (this.deps.store.findById) return this.deps.store.findById(id);
    return this.seen.get(id) ?? null;
  }

  /** One attempt of one delivery, and its record. */
  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const hook = await this.hook(delivery.webhookId);
    const attempts = delivery.attempts + 1;
    const now = () => new Date();
    if (!hook || hook.isActive === false) {
      const error = hook ? 'webhook is inactive' : 'webhook no longer exists';
      await this.queue.recordAttempt(delivery.id, { status: 'dead', error, at: now() });
      await this.report(AuthEventNames.WEBHOOK_DELIVERY_DEAD, delivery, attempts, error);
      return;
    }
    const result = await this.deps.sender.attempt(hook, delivery.id, delivery.payload);
    if (result.ok) {
      await this.queue.recordAttempt(delivery.id, {
        status: 'delivered',
        httpStatus: result.status,
        at: now(),
      });
      await this.report(
        AuthEventNames.WEBHOOK_DELIVERY_SUCCEEDED,
        delivery,
        attempts,
        undefined,
        result.status,
      );
      return;
    }
    const failure = {
      error: result.error,
      at: now(),
      ...(result.status !== undefined && { httpStatus: result.status }),
    };
    if (attempts > (hook.maxRetries ?? 3)) {
      await this.queue.recordAttempt(delivery.id, { status: 'dead', ...failure });
      await this.report(
        AuthEventNames.WEBHOOK_DELIVERY_DEAD,
        delivery,
        attempts,
        result.error,
        result.status,
      );
      return;
    }
    const nextAttemptAt = new Date(Date.now() + retryDelay(hook.retryDelayMs ?? 1_000, attempts));
    await this.queue.recordAttempt(delivery.id, { status: 'pending', nextAttemptAt, ...failure });
    await this.report(
      AuthEventNames.WEBHOOK_DELIVERY_FAILED,
      delivery,
      attempts,
      result.error,
      result.status,
    );
  }

  private async report(
    event: string,
    delivery: WebhookDelivery,
    attempts: number,
    error?: string,
    status?: number,
  ): Promise<void> {
    const data: Record<string, unknown> = {
      webhookId: delivery.webhookId,
      deliveryId: delivery.id,
      event: delivery.event,
      attempts,
    };
    if (status !== undefined) data.status = status;
    if (error !== undefined) data.error = error;
    await this.deps
      .record(event, data)
      .catch((err) => this.deps.logger.error('could not log a webhook outcome', err));
  }
}

/** A webhook receives only events from its own lifetime, never the history before it. */
function predates(entry: LoggedEvent, hook: WebhookConfig): boolean {
  if (!hook.createdAt) return true;
  return Date.parse(entry.timestamp) >= new Date(hook.createdAt).getTime() - 1_000;
}
