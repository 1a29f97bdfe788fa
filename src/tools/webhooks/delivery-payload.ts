import { createHash } from 'node:crypto';
import type { LoggedEvent } from '../../stores/event-log';
import type { WebhookConfig, WebhookDelivery } from '../../stores/webhook';

/**
 * The delivery id of (event, webhook): the same on every instance and after a restart, so an
 * event enqueued twice is one delivery, and a receiver can drop duplicates by `webhook-id`.
 */
export function deliveryId(eventId: string, webhookId: string): string {
  return (
    'msg_' + createHash('sha256').update(`${eventId}\n${webhookId}`).digest('hex').slice(0, 32)
  );
}

/**
 * The JSON body: the event as the reference's receivers read it (`event`, `timestamp`, `userId`,
 * `tenantId`, `data`…), plus `type` and `id` for Standard Webhooks consumers.
 */
export function deliveryBody(entry: LoggedEvent): string {
  const event: Partial<LoggedEvent> = { ...entry };
  delete event.topic;
  return JSON.stringify({ type: entry.event, ...event });
}

/** A new pending delivery of `entry` to `hook`, due now. */
export function newDelivery(entry: LoggedEvent, hook: WebhookConfig, now: Date): WebhookDelivery {
  return {
    id: deliveryId(entry.id, hook.id),
    webhookId: hook.id,
    eventId: entry.id,
    event: entry.event,
    payload: deliveryBody(entry),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  };
}
