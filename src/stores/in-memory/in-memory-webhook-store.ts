import { pageOf, webhookWants } from '../event-match';
import type {
  IWebhookStore,
  ListDeliveriesOptions,
  WebhookAttemptOutcome,
  WebhookConfig,
  WebhookDelivery,
} from '../webhook';

/**
 * Webhooks and their delivery queue in process memory. A restart loses pending deliveries; give
 * the SQL or Redis store in production.
 */
export class InMemoryWebhookStore implements IWebhookStore {
  private readonly hooks = new Map<string, WebhookConfig>();
  private readonly deliveries = new Map<string, WebhookDelivery>();

  async findByEvent(event: string, tenantId?: string): Promise<WebhookConfig[]> {
    return [...this.hooks.values()].filter((h) => webhookWants(h, event, tenantId)).map(clone);
  }

  async findByProvider(provider: string): Promise<WebhookConfig | null> {
    const hook = [...this.hooks.values()].find(
      (h) => h.provider === provider && h.isActive !== false,
    );
    return hook ? clone(hook) : null;
  }

  async listAll(limit?: number, offset?: number): Promise<WebhookConfig[]> {
    const page = pageOf({ limit, offset });
    return [...this.hooks.values()]
      .sort(newestFirst)
      .slice(page.offset, page.offset + page.limit)
      .map(clone);
  }

  async findById(id: string): Promise<WebhookConfig | null> {
    const hook = this.hooks.get(id);
    return hook ? clone(hook) : null;
  }

  async add(config: WebhookConfig): Promise<void> {
    this.hooks.set(config.id, clone({ ...config, createdAt: config.createdAt ?? new Date() }));
  }

  async update(id: string, patch: Partial<Omit<WebhookConfig, 'id' | 'createdAt'>>): Promise<void> {
    const hook = this.hooks.get(id);
    if (!hook) return;
    const next = { ...hook, ...clone(patch), id: hook.id };
    if (hook.createdAt) next.createdAt = hook.createdAt;
    this.hooks.set(id, next);
  }

  async remove(id: string): Promise<void> {
    this.hooks.delete(id);
    for (const [key, delivery] of this.deliveries) {
      if (delivery.webhookId === id) this.deliveries.delete(key);
    }
  }

  async enqueueDeliveries(deliveries: WebhookDelivery[]): Promise<void> {
    for (const delivery of deliveries) {
      if (!this.deliveries.has(delivery.id)) this.deliveries.set(delivery.id, clone(delivery));
    }
  }

  async claimDueDeliveries(now: Date, limit: number, leaseMs: number): Promise<WebhookDelivery[]> {
    const due = [...this.deliveries.values()]
      .filter((d) => d.status === 'pending' && d.nextAttemptAt.getTime() <= now.getTime())
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
      .slice(0, limit);
    for (const delivery of due) {
      delivery.nextAttemptAt = new Date(now.getTime() + leaseMs);
      delivery.updatedAt = now;
    }
    return due.map(clone);
  }

  async recordAttempt(id: string, outcome: WebhookAttemptOutcome): Promise<void> {
    const delivery = this.deliveries.get(id);
    if (!delivery) return;
    delivery.attempts += 1;
    delivery.status = outcome.status;
    delivery.updatedAt = outcome.at;
    if (outcome.httpStatus !== undefined) delivery.lastStatus = outcome.httpStatus;
    if (outcome.status === 'pending') delivery.nextAttemptAt = outcome.nextAttemptAt;
    if (outcome.status === 'delivered') delete delivery.lastError;
    else delivery.lastError = outcome.error;
  }

  async findDelivery(id: string): Promise<WebhookDelivery | null> {
    const delivery = this.deliveries.get(id);
    return delivery ? clone(delivery) : null;
  }

  async listDeliveries(
    webhookId: string,
    options: ListDeliveriesOptions = {},
  ): Promise<WebhookDelivery[]> {
    const page = pageOf(options);
    return [...this.deliveries.values()]
      .filter((d) => d.webhookId === webhookId && (!options.status || d.status === options.status))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id))
      .slice(page.offset, page.offset + page.limit)
      .map(clone);
  }

  async requeueDelivery(id: string, at: Date): Promise<void> {
    const delivery = this.deliveries.get(id);
    if (!delivery) return;
    delivery.status = 'pending';
    delivery.attempts = 0;
    delivery.nextAttemptAt = at;
    delivery.updatedAt = at;
  }
}

function newestFirst(a: WebhookConfig, b: WebhookConfig): number {
  return (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0) || b.id.localeCompare(a.id);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
