import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { InboundVerify } from '../../stores/inbound-verify';
import type { WebhookConfig, WebhookDelivery, WebhookDeliveryStatus } from '../../stores/webhook';

/** A webhook as the admin API shows it: its signing secret masked, absent values as `null`. */
export interface AdminWebhook {
  id: string;
  /**
   * `outgoing`: keyward POSTs events to `url`. `inbound`: a provider POSTs to
   * `/tools/webhook/:provider` and `jsScript` turns its requests into events.
   */
  direction: 'inbound' | 'outgoing';
  /** Outgoing webhooks: where events are sent; `""` for inbound ones. */
  url: string;
  /** Event names, prefixes ending in `.*`, or `"*"` for every event. */
  events: string[];
  /** The one tenant whose events it receives; `null` for every tenant's. */
  tenantId: string | null;
  isActive: boolean;
  /** `"***"` when deliveries are signed, `null` when not: the secret itself is never shown. */
  secret: '***' | null;
  hasSecret: boolean;
  /** `null`: the delivery worker's default. */
  maxRetries: number | null;
  retryDelayMs: number | null;
  createdAt: Date | null;
  /** Inbound: the `:provider` of `/tools/webhook/:provider`; `null` for outgoing webhooks. */
  provider: string | null;
  /** Inbound: how requests are verified (`standard` unless set); `null` for outgoing webhooks. */
  verify: InboundVerify | null;
  /** Inbound: the actions the script may call, when also enabled globally. */
  allowedActions: string[];
  /** Inbound: the script; an admin wrote it, so it is shown (it holds no secret by design). */
  jsScript: string | null;
}

/** One delivery of an event to a webhook, without the body it sends. */
export interface AdminWebhookDelivery {
  id: string;
  webhookId: string;
  /** The event log entry delivered. */
  eventId: string;
  event: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When a pending delivery is next tried; `null` once delivered or dead. */
  nextAttemptAt: Date | null;
  /** The HTTP status of the last attempt, when the receiver answered. */
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Field by field, so a store's extra columns never leak into answers. */
export function toAdminWebhook(hook: WebhookConfig): AdminWebhook {
  const signed = typeof hook.secret === 'string' && hook.secret !== '';
  // SQL stores hand absent values back as null.
  const inbound = typeof hook.provider === 'string' && hook.provider !== '';
  return {
    id: hook.id,
    direction: inbound ? 'inbound' : 'outgoing',
    url: hook.url,
    events: [...hook.events],
    tenantId: hook.tenantId ?? null,
    isActive: hook.isActive !== false,
    secret: signed ? '***' : null,
    hasSecret: signed,
    maxRetries: hook.maxRetries ?? null,
    retryDelayMs: hook.retryDelayMs ?? null,
    createdAt: hook.createdAt ?? null,
    provider: inbound ? hook.provider! : null,
    verify: inbound ? (hook.verify ?? 'standard') : null,
    allowedActions: Array.isArray(hook.allowedActions) ? [...hook.allowedActions] : [],
    jsScript: typeof hook.jsScript === 'string' ? hook.jsScript : null,
  };
}

/** The payload stays out: it can be large, and the Events view shows what happened already. */
export function toAdminDelivery(delivery: WebhookDelivery): AdminWebhookDelivery {
  return {
    id: delivery.id,
    webhookId: delivery.webhookId,
    eventId: delivery.eventId,
    event: delivery.event,
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt : null,
    lastStatus: delivery.lastStatus ?? null,
    lastError: delivery.lastError ?? null,
    createdAt: delivery.createdAt,
    updatedAt: delivery.updatedAt,
  };
}

/**
 * A signing secret in the Standard Webhooks format: `whsec_` and 32 random bytes in standard
 * base64, which is what receivers' verification libraries decode (base64url would not decode).
 */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** A webhook id: `wh_` and 24 hex digits. */
export function generateWebhookId(): string {
  return `wh_${randomBytes(12).toString('hex')}`;
}

/** `"*"`, an event name, or a prefix ending in `.*` (`identity.auth.*`). */
const EVENT_PATTERN = /^(?:\*|[A-Za-z0-9_:-]+(?:\.[A-Za-z0-9_:-]+)*(?:\.\*)?)$/;

const events = z
  .array(
    z
      .string()
      .trim()
      .max(120)
      .regex(EVENT_PATTERN, 'must be "*", an event name or a prefix ending in ".*"'),
  )
  .min(1)
  .max(50)
  .transform((list) => [...new Set(list)]);

const fields = {
  url: z.string().trim().min(1).max(2048),
  events,
  // Shorter secrets could be guessed; whitespace would not survive every configuration file.
  secret: z
    .string()
    .min(16)
    .max(256)
    .regex(/^[\x21-\x7e]+$/, 'must be printable characters without spaces'),
  tenantId: z.string().trim().min(1).max(200),
  isActive: z.boolean(),
  maxRetries: z.number().int().min(0).max(10),
  retryDelayMs: z.number().int().min(100).max(3_600_000),
};

/**
 * `POST /webhooks` without a `provider`: an outgoing webhook. The id and `createdAt` are the
 * server's: in the body they are ignored.
 */
export const createWebhookBody = z.object({
  url: fields.url,
  events: fields.events.optional(),
  secret: fields.secret.optional(),
  tenantId: fields.tenantId.optional(),
  isActive: fields.isActive.optional(),
  maxRetries: fields.maxRetries.optional(),
  retryDelayMs: fields.retryDelayMs.optional(),
});

/** `PATCH /webhooks/:id`: any of the fields, at least one. */
export const patchWebhookBody = createWebhookBody
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'give at least one field to change');

/** `?status=` of a delivery listing. */
export const deliveriesQuery = z.object({
  status: z.enum(['pending', 'delivered', 'dead']).optional(),
});
