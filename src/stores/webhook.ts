import type { InboundVerify } from './inbound-verify';

/**
 * An outgoing webhook registration, in the reference's shape. keyward signs every delivery that
 * has a `secret` (Standard Webhooks headers and `X-Webhook-Signature`).
 */
export interface WebhookConfig {
  id: string;
  /** Where deliveries are POSTed; must resolve to a public address unless private ones are allowed. */
  url: string;
  /** Event names to deliver, `"*"` for all, or prefixes ending in `.*` (`identity.auth.*`). */
  events: string[];
  /** Signing secret; absent means unsigned deliveries (not recommended). */
  secret?: string;
  /** Attempts after the first before the delivery is dead-lettered. Default 3. */
  maxRetries?: number;
  /** Delay before the first retry; doubles each retry, with jitter. Default 1000 ms. */
  retryDelayMs?: number;
  /** Only events of this tenant; absent means every tenant's events (a global webhook). */
  tenantId?: string;
  /** Inactive webhooks receive nothing. Default true. */
  isActive?: boolean;
  createdAt?: Date;
  /**
   * Inbound webhooks: the `:provider` of `POST /tools/webhook/:provider`. For an inbound
   * webhook, `secret` is the key its requests are signed with, by the scheme `verify` names.
   */
  provider?: string;
  /**
   * Inbound webhooks: how requests are verified. Default `standard` (Standard Webhooks). The
   * router's `providers` option, when it names this provider, takes precedence.
   */
  verify?: InboundVerify;
  /** Inbound webhooks: the actions the script may call (also enabled globally, in the settings). */
  allowedActions?: string[];
  /** Inbound webhooks: the script run on the request body. */
  jsScript?: string;
}

/** Where a delivery stands. `dead` means every attempt failed; an admin may replay it. */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'dead';

/** One event to one webhook, with its attempts. Its id is the `webhook-id` header, stable across retries. */
export interface WebhookDelivery {
  /** Deterministic per (event, webhook), so enqueuing twice is harmless. */
  id: string;
  webhookId: string;
  /** The event log entry delivered. */
  eventId: string;
  event: string;
  /** The JSON body sent, fixed at enqueue time so every attempt sends the same bytes. */
  payload: string;
  status: WebhookDeliveryStatus;
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt is due (pending deliveries). */
  nextAttemptAt: Date;
  /** HTTP status of the last attempt, when the receiver answered. */
  lastStatus?: number;
  /** Why the last attempt failed (a status, a timeout, a refused address). */
  lastError?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** What one attempt did, as `recordAttempt` stores it. */
export type WebhookAttemptOutcome =
  | { status: 'delivered'; httpStatus: number; at: Date }
  | { status: 'pending'; nextAttemptAt: Date; httpStatus?: number; error: string; at: Date }
  | { status: 'dead'; httpStatus?: number; error: string; at: Date };

/** Paging and filtering of a webhook's deliveries. */
export interface ListDeliveriesOptions {
  status?: WebhookDeliveryStatus;
  limit?: number;
  offset?: number;
}

/**
 * The webhook registry (the reference needs `findByEvent` only), the admin's CRUD (`listAll`,
 * `add`, `update`, `remove`) and the durable delivery queue (the `*Delivery*` methods). A store
 * without the queue methods still works: deliveries then wait in process memory and a crash
 * loses them.
 */
export interface IWebhookStore {
  /** Active webhooks subscribed to `event` (exactly, by prefix, or `"*"`) that are global or of `tenantId`. */
  findByEvent(event: string, tenantId?: string): Promise<WebhookConfig[]>;
  /** The active inbound webhook of a provider (`POST /tools/webhook/:provider`), or null. */
  findByProvider?(provider: string): Promise<WebhookConfig | null>;
  /** Newest first. */
  listAll?(limit?: number, offset?: number): Promise<WebhookConfig[]>;
  findById?(id: string): Promise<WebhookConfig | null>;
  add?(config: WebhookConfig): Promise<void>;
  /** Changes the given fields (one given as undefined is cleared); `id` and `createdAt` stay. */
  update?(id: string, patch: Partial<Omit<WebhookConfig, 'id' | 'createdAt'>>): Promise<void>;
  /** Removes the webhook and its deliveries. */
  remove?(id: string): Promise<void>;

  /** Adds deliveries; one whose id exists already is left as it is. */
  enqueueDeliveries?(deliveries: WebhookDelivery[]): Promise<void>;
  /**
   * Pending deliveries due at `now`, oldest due first, at most `limit`; each one returned is
   * leased (its `nextAttemptAt` moved to `now + leaseMs`) so another instance does not take it
   * too. A crashed worker's lease runs out and the delivery is due again.
   */
  claimDueDeliveries?(now: Date, limit: number, leaseMs: number): Promise<WebhookDelivery[]>;
  /** Records an attempt: `attempts` + 1, then the outcome's status, times and error. */
  recordAttempt?(id: string, outcome: WebhookAttemptOutcome): Promise<void>;
  findDelivery?(id: string): Promise<WebhookDelivery | null>;
  /** A webhook's deliveries, newest first. */
  listDeliveries?(webhookId: string, options?: ListDeliveriesOptions): Promise<WebhookDelivery[]>;
  /** Makes a delivery pending again, due at `at`, with its attempts reset to 0 (a replay). */
  requeueDelivery?(id: string, at: Date): Promise<void>;
}
