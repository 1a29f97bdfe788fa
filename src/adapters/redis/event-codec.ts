import type { AuthEventPayload } from '../../core/events';
import type { LoggedEvent } from '../../stores/event-log';

/** One stream entry as XRANGE returns it: the id, and the entry's fields (`t`, `e`). */
export interface RawStreamEntry {
  id: string;
  /** The event's own time in Unix ms; NaN when its timestamp does not parse. */
  time: number;
  /** The event as JSON, without its id (the stream id is the id). */
  json: string | undefined;
}

/**
 * How an event is written to the stream: `t` is its timestamp in Unix ms (so scripts can compare
 * it without parsing JSON; empty when it does not parse), `e` the event as JSON. The id is left
 * out: the stream id is the id.
 */
export function encodeEvent(event: AuthEventPayload & { topic?: string; id?: string }): {
  time: string;
  json: string;
} {
  const rest: AuthEventPayload & { topic?: string; id?: string } = { ...event };
  delete rest.id;
  const time = Date.parse(event.timestamp);
  return { time: Number.isFinite(time) ? String(time) : '', json: JSON.stringify(rest) };
}

/** Stream entries from an XRANGE / XREVRANGE reply; anything not shaped like one is dropped. */
export function parseStreamReply(reply: unknown): RawStreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const entries: RawStreamEntry[] = [];
  for (const item of reply as unknown[]) {
    if (!Array.isArray(item) || typeof item[0] !== 'string' || !Array.isArray(item[1])) continue;
    const fields = item[1] as unknown[];
    let time = Number.NaN;
    let json: string | undefined;
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const value = fields[i + 1];
      if (fields[i] === 't' && typeof value === 'string' && value !== '') time = Number(value);
      if (fields[i] === 'e' && typeof value === 'string') json = value;
    }
    entries.push({ id: item[0], time, json });
  }
  return entries;
}

/** The logged event an entry holds, or undefined when its JSON is missing or not an event. */
export function decodeEntry(entry: RawStreamEntry): LoggedEvent | undefined {
  if (entry.json === undefined) return undefined;
  const event = parseEvent(entry.json);
  return event ? { ...event, id: entry.id } : undefined;
}

/**
 * A logged event from JSON (a stream entry's `e`, a broadcast message), or undefined when the
 * text is not JSON or lacks an event's `event` and `timestamp`.
 */
export function parseLoggedEvent(text: string): LoggedEvent | undefined {
  const event = parseEvent(text);
  return event && typeof (event as { id?: unknown }).id === 'string'
    ? (event as LoggedEvent)
    : undefined;
}

function parseEvent(text: string): (AuthEventPayload & { topic?: string }) | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const candidate = value as Partial<AuthEventPayload>;
  if (typeof candidate.event !== 'string' || typeof candidate.timestamp !== 'string') {
    return undefined;
  }
  return value as AuthEventPayload & { topic?: string };
}

/** Orders two stream ids as Redis does (negative: `a` first), for ids sorted outside Redis. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = splitId(a);
  const [bMs, bSeq] = splitId(b);
  return aMs === bMs ? Math.sign(aSeq - bSeq) : Math.sign(aMs - bMs);
}

function splitId(id: string): [number, number] {
  const dash = id.indexOf('-');
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

/** The largest value either part of a stream id may take. */
const MAX_PART = 18_446_744_073_709_551_615n;

/**
 * Whether `id` can be the exclusive start of XRANGE: `<ms>-<seq>`, both parts within 64 bits,
 * and not the largest id (nothing comes after it, and Redis refuses it as an exclusive start).
 */
export function isStreamId(id: string): boolean {
  const match = /^(\d{1,20})-(\d{1,20})$/.exec(id);
  if (!match) return false;
  const ms = BigInt(match[1]!);
  const seq = BigInt(match[2]!);
  return ms <= MAX_PART && seq <= MAX_PART && !(ms === MAX_PART && seq === MAX_PART);
}
