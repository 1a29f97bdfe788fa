import type { WebhookConfig, WebhookDelivery, WebhookDeliveryStatus } from '../../stores/webhook';
import { millis } from './api-key-codec';

/** A webhook as its JSON in the registry hash: `createdAt` as Unix ms, the rest as it is. */
export function encodeWebhook(config: WebhookConfig): string {
  const { createdAt, ...rest } = config;
  return JSON.stringify(createdAt === undefined ? rest : { ...rest, createdAt: millis(createdAt) });
}

/** A webhook from its JSON; undefined fields were never written, so they read back as absent. */
export function decodeWebhook(json: string): WebhookConfig {
  const stored = JSON.parse(json) as Omit<WebhookConfig, 'createdAt'> & { createdAt?: number };
  const { createdAt, ...rest } = stored;
  return createdAt === undefined ? rest : { ...rest, createdAt: new Date(createdAt) };
}

/**
 * A delivery as its JSON in the deliveries hash. The scripts that lease and record attempts
 * edit it with Redis's cjson, which prints numbers with 14 significant digits (so the times are
 * decimal strings of Unix ms, and only small numbers are numbers) and refuses a lone surrogate
 * escape (so text is made well-formed first: a lone surrogate could not be sent as UTF-8 anyway).
 */
interface StoredDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  event: string;
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
  updatedAt: string;
  lastStatus?: number;
  lastError?: string;
}

/** A delivery's JSON, in the form the scripts can edit. */
export function encodeDelivery(delivery: WebhookDelivery): string {
  const stored: StoredDelivery = {
    id: delivery.id,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
    event: delivery.event,
    payload: wellFormed(delivery.payload),
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: String(millis(delivery.nextAttemptAt)),
    createdAt: String(millis(delivery.createdAt)),
    updatedAt: String(millis(delivery.updatedAt)),
  };
  if (delivery.lastStatus !== undefined) stored.lastStatus = delivery.lastStatus;
  if (delivery.lastError !== undefined) stored.lastError = wellFormed(delivery.lastError);
  return JSON.stringify(stored);
}

/** Text with each lone surrogate replaced by U+FFFD, as encoding it to UTF-8 would. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A delivery from its JSON (as written here or edited by a script). */
export function decodeDelivery(json: string): WebhookDelivery {
  const stored = JSON.parse(json) as StoredDelivery;
  const delivery: WebhookDelivery = {
    id: String(stored.id),
    webhookId: String(stored.webhookId),
    eventId: String(stored.eventId),
    event: String(stored.event),
    payload: String(stored.payload),
    status: stored.status,
    attempts: Number(stored.attempts),
    nextAttemptAt: new Date(Number(stored.nextAttemptAt)),
    createdAt: new Date(Number(stored.createdAt)),
    updatedAt: new Date(Number(stored.updatedAt)),
  };
  // cjson writes a field it decoded as JSON null back as null: treat it as absent.
  if (stored.lastStatus !== undefined && stored.lastStatus !== null) {
    delivery.lastStatus = Number(stored.lastStatus);
  }
  if (stored.lastError !== undefined && stored.lastError !== null) {
    delivery.lastError = String(stored.lastError);
  }
  return delivery;
}
