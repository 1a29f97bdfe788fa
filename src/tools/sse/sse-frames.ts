import type { LoggedEvent } from '../../stores/event-log';

/**
 * The bytes of the SSE wire format. Each frame is built once, as a Buffer, and the same Buffer is
 * written to every stream that takes it: a fan-out to thousands of streams encodes nothing twice.
 */

/** What a stream carries of a log entry: everything but the fields below. */
export type WireEntry = Omit<LoggedEvent, 'ip'>;

/**
 * A stream shows its user events about them, but some of those were caused by someone else: a
 * failed sign-in from an attacker's address, an administrator changing their roles. So the
 * client address (`ip`) never leaves the server, and neither does the operator named in the
 * admin audit events' `data.actor`. The log, webhooks and telemetry keep both.
 */
export function wireEntry(entry: LoggedEvent): WireEntry {
  const wire: LoggedEvent = { ...entry };
  delete wire.ip;
  if (entry.event.startsWith('identity.admin.') && entry.data && 'actor' in entry.data) {
    const data = { ...entry.data };
    delete data.actor;
    wire.data = data;
  }
  return wire;
}

/**
 * A field value on one line. Log ids and event names are single-line by construction, but an
 * app's own `track('…')` name is not checked: a line break there would forge a second frame.
 */
function oneLine(value: string): string {
  return value.replace(/[\r\n]/g, '');
}

/** `id:`, `event:` and one `data:` line (JSON never contains a raw line break). */
export function entryFrame(entry: LoggedEvent): Buffer {
  return Buffer.from(
    `id: ${oneLine(entry.id)}\nevent: ${oneLine(entry.event)}\ndata: ${JSON.stringify(wireEntry(entry))}\n\n`,
  );
}

/**
 * A message of the stream itself (revoked, expired, truncated): no `id:`, so the client's
 * last event id stays that of the last log entry it received and a resume starts there.
 */
export function controlFrame(event: string, data: Record<string, unknown>): Buffer {
  return Buffer.from(`event: ${event}\ndata: ${JSON.stringify({ event, ...data })}\n\n`);
}

/** How long the browser waits before reconnecting. */
export function retryFrame(retryMs: number): Buffer {
  return Buffer.from(`retry: ${retryMs}\n\n`);
}

/** A comment line: clients ignore it, proxies see traffic and keep the connection. */
export const HEARTBEAT_FRAME = Buffer.from(': heartbeat\n\n');
