import type { Request } from 'express';
import type { AuthLogger } from '../../core/config/types';
import type { IEventLog } from '../../stores/event-log';
import { controlFrame, entryFrame } from './sse-frames';
import type { SseStream } from './sse-stream';
import { streamReceives } from './topics';

/**
 * The log is read at most this many pages (of `resumeLimit` entries) deep: the log holds every
 * user's events, so one stream's share of a page may be small, but a client asking to resume
 * from the beginning of a month-long log must not make the server read all of it.
 */
const MAX_RESUME_PAGES = 10;

/** Longer than any id a log gives; anything else is not an id worth a query. */
const MAX_ID_LENGTH = 200;

/**
 * The id a reconnecting client last received: the `Last-Event-ID` header the browser's
 * EventSource sends, or a `lastEventId` query parameter (a new EventSource, opened after a
 * token refresh, cannot set headers).
 */
export function lastEventIdOf(req: Request): string | undefined {
  const header = req.get('Last-Event-ID');
  const query = req.query.lastEventId;
  const value = header !== undefined && header !== '' ? header : query;
  if (typeof value !== 'string') return undefined;
  const id = value.trim();
  // eslint-disable-next-line no-control-regex
  if (id === '' || id.length > MAX_ID_LENGTH || /[\u0000-\u001f\u007f]/.test(id)) return undefined;
  return id;
}

/**
 * Replays the entries after `afterId` that the stream receives, oldest first, then releases the
 * live entries held meanwhile, leaving out those the replay already sent. The stream was
 * registered (holding live entries) before the log was read, so an entry appended at any moment
 * arrives exactly once: through the replay, the held live entries, or both and then deduplicated.
 */
export async function replayMissed(
  stream: SseStream,
  afterId: string,
  log: IEventLog,
  limit: number,
  logger: AuthLogger,
): Promise<void> {
  const replayed = new Set<string>();
  let cursor = afterId;
  let truncated = false;
  try {
    pages: for (let page = 0; ; page += 1) {
      if (page === MAX_RESUME_PAGES) {
        truncated = true;
        break;
      }
      const entries = await log.readAfter(cursor, limit);
      if (stream.closed) return;
      for (const entry of entries) {
        // A page read again (its cursor was pruned meanwhile) must not send anything twice.
        if (replayed.has(entry.id)) continue;
        if (!streamReceives(entry, stream.topics, stream.tenantId)) continue;
        if (replayed.size === limit) {
          truncated = true;
          break pages;
        }
        replayed.add(entry.id);
        stream.write(entryFrame(entry));
        if (stream.closed) return;
      }
      const last = entries[entries.length - 1];
      if (entries.length < limit || last === undefined) break;
      cursor = last.id;
    }
  } catch (err) {
    // Without the log the stream cannot promise what it missed; ending it makes the browser
    // retry the same resume after `retry:`, instead of silently continuing with a gap.
    logger.error('event stream: reading the event log to resume failed', err);
    stream.end();
    return;
  }
  if (truncated) {
    // The client missed more than a resume replays: it should reload its state from the API.
    stream.write(controlFrame('stream.truncated', { replayed: replayed.size }));
  }
  stream.releaseLive(replayed);
}
