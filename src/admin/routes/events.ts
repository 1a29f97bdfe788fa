import type { Router } from 'express';
import { z } from 'zod';
import { asyncHandler } from '../../core/http/async-handler';
import type { LoggedEvent, TelemetryFilter } from '../../stores/event-log';
import { requireFeature, type AdminContext } from '../context';
import { fetchPage, parsePaging, parseQuery } from '../input';
import { computeOverview } from './overview';

/** An entry of the event log as the admin API shows it, absent fields as `null`. */
export interface AdminEvent {
  id: string;
  event: string;
  timestamp: string;
  userId: string | null;
  tenantId: string | null;
  sessionId: string | null;
  ip: string | null;
  /** The stream topic of a notification (`tools.notify`); `null` for events. */
  topic: string | null;
  data: Record<string, unknown>;
}

function toAdminEvent(entry: LoggedEvent): AdminEvent {
  return {
    id: entry.id,
    event: entry.event,
    timestamp: entry.timestamp,
    userId: entry.userId ?? null,
    tenantId: entry.tenantId ?? null,
    sessionId: entry.sessionId ?? null,
    ip: entry.ip ?? null,
    topic: entry.topic ?? null,
    data: entry.data ?? {},
  };
}

const ID = z.string().max(200);

/** A moment, or a whole UTC day (`YYYY-MM-DD`): `from` its first millisecond, `to` its last. */
const bound = (edge: 'start' | 'end') =>
  z
    .union([z.iso.datetime({ offset: true }), z.iso.date()])
    .transform((value) =>
      value.length === 10
        ? new Date(`${value}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`)
        : new Date(value),
    );

/** GET /events: filters of the listing. */
export const eventsQuery = z
  .object({
    event: z
      .string()
      .max(121)
      .regex(/^[A-Za-z0-9_.:-]*\*?$/, 'must be an event name, or a prefix ending in "*"'),
    userId: ID,
    tenantId: ID,
    from: bound('start'),
    to: bound('end'),
  })
  .partial()
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: 'must not be after to',
    path: ['from'],
  });

/** GET /overview: the window in days, and a tenant. */
export const overviewQuery = z.object({
  days: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(1).max(90))
    .optional(),
  tenantId: ID.optional(),
});

/** GET /events (the log, newest first, filtered and paged) and GET /overview (the charts). */
export function registerEventRoutes(api: Router, ctx: AdminContext): void {
  const log = () => requireFeature(ctx.stores.eventLog, 'event log');

  api.get(
    '/events',
    asyncHandler(async (req, res) => {
      const eventLog = log();
      const query = parseQuery(req, eventsQuery);
      const paging = parsePaging(req);
      const filter: TelemetryFilter = {};
      if (query.event !== undefined) filter.event = query.event;
      if (query.userId !== undefined) filter.userId = query.userId;
      if (query.tenantId !== undefined) filter.tenantId = query.tenantId;
      if (query.from !== undefined) filter.from = query.from;
      if (query.to !== undefined) filter.to = query.to;
      const { rows, hasMore } = await fetchPage(paging, ({ limit, offset }) =>
        eventLog.query({ ...filter, limit, offset }),
      );
      const { limit, offset } = paging;
      res.json({ events: rows.map(toAdminEvent), limit, offset, hasMore });
    }),
  );

  api.get(
    '/overview',
    asyncHandler(async (req, res) => {
      const eventLog = log();
      const { days, tenantId } = parseQuery(req, overviewQuery);
      res.json(await computeOverview(eventLog, days ?? 14, tenantId));
    }),
  );
}
