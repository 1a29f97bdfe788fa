import type { AuthEventPayload } from '../core/events';
import type { IEventLog, LoggedEvent } from '../stores/event-log';
import type { CheckContext } from './runner';
import { fail, nonce, sameValue, show } from './support';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** What `append` takes. */
export type NewEntry = AuthEventPayload & { topic?: string };

/**
 * Entries the checks date before this are the kit's own (no real log holds events from 1999),
 * so `prune` at this instant removes them and nothing else. Checks that do not need current
 * timestamps use such dates and prune afterwards: the log cannot delete single entries, and a
 * shared log should not keep what the kit wrote.
 */
export const ANCIENT_END = Date.UTC(2000, 0, 1);

/** An instant in 1999, `offsetMs` after its start (less than a year). */
export const ancient = (offsetMs: number): Date => new Date(Date.UTC(1999, 0, 1) + offsetMs);

/** Prunes the kit's ancient entries after the check. */
export function pruneAncientAfter(log: IEventLog, ctx: CheckContext): void {
  ctx.defer(() => log.prune(new Date(ANCIENT_END)));
}

/** A fresh event-name family (`kw.conformance.<random>`), so no other run's entries match. */
export const family = (): string => `kw.conformance.${nonce()}`;

/** An event as the bus publishes it, dated `at`. */
export function newEntry(event: string, at: Date, fields: Partial<NewEntry> = {}): NewEntry {
  return { event, timestamp: at.toISOString(), ...fields };
}

/**
 * Appends copies of `entries` one after another (so ids follow the order given) and resolves to
 * what the checks expect back: each entry as given, with the id the log returned.
 */
export async function appendAll(log: IEventLog, entries: NewEntry[]): Promise<LoggedEvent[]> {
  const logged: LoggedEvent[] = [];
  for (const entry of entries) logged.push(await appendOne(log, entry));
  return logged;
}

/** Appends a copy of `entry`; resolves to `entry` with the id the log gave it. */
export async function appendOne(log: IEventLog, entry: NewEntry): Promise<LoggedEvent> {
  const returned = await log.append(structuredClone(entry));
  if (typeof returned?.id !== 'string' || returned.id === '') {
    fail(`append must resolve to the entry with a non-empty string id, got ${show(returned)}`);
  }
  return { ...entry, id: returned.id };
}

/** The ids of a list of entries, failing clearly when it is not an array. */
export function idsOf(entries: unknown, what: string): string[] {
  if (!Array.isArray(entries)) fail(`${what}: expected an array, got ${show(entries)}`);
  return entries.map((e: LoggedEvent) => e?.id);
}

/**
 * `actual` must be `expected` entry by entry: the same ids in the same order, `timestamp` the
 * same ISO string, `data` the same JSON, and absent fields absent (not null).
 */
export function expectEntries(actual: unknown, expected: LoggedEvent[], what: string): void {
  const ids = idsOf(actual, what);
  if (
    !sameValue(
      ids,
      expected.map((e) => e.id),
    )
  ) {
    fail(`${what}: expected ids ${show(expected.map((e) => e.id))}, got ${show(ids)}`);
  }
  (actual as LoggedEvent[]).forEach((got, i) => expectEntry(got, expected[i]!, `${what}[${i}]`));
}

export function expectEntry(actual: LoggedEvent, expected: LoggedEvent, what: string): void {
  const got: Record<string, unknown> = { ...actual };
  const want: Record<string, unknown> = { ...expected };
  for (const field of new Set([...Object.keys(want), ...Object.keys(got)])) {
    if (!sameValue(got[field], want[field])) {
      fail(`${what}: ${field} expected ${show(want[field])}, got ${show(got[field])}`);
    }
  }
}
