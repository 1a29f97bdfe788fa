import type { Router } from 'express';
import { z } from 'zod';
import { AuthError } from '../../core/errors';
import { asyncHandler } from '../../core/http/async-handler';
import { parseBody } from '../../core/http/validate';
import type { TelemetryFilter } from '../../stores/event-log';
import type { AuthTools } from '../auth-tools';
import { isTopic, tenantOfTopic } from '../sse/topics';
import { assertPermitted, callerOf, confineTenant, forbidden } from './access';
import type { ToolsRouterOptions } from './options';

/** Event names the tools accept (and inbound webhooks may produce). */
export const EVENT_NAME = /^[A-Za-z0-9_.:-]{1,120}$/;
const ID = z.string().min(1).max(200);

/** POST /track/:eventName. */
export const trackBody = z.strictObject({
  data: z.record(z.string(), z.unknown()).optional(),
  userId: ID.optional(),
  sessionId: ID.optional(),
  tenantId: ID.optional(),
});

/** POST /notify/:target. */
export const notifyBody = z.strictObject({
  data: z.record(z.string(), z.unknown()).default({}),
  type: z.string().regex(EVENT_NAME, 'letters, digits and . _ : - only').optional(),
  tenantId: ID.optional(),
});

/** GET /telemetry: the filters. */
export const telemetryQuery = z.strictObject({
  event: z.string().max(120).optional(),
  userId: ID.optional(),
  tenantId: ID.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).optional(),
});

function checkEventName(name: string): string {
  if (!EVENT_NAME.test(name)) {
    throw new AuthError(
      'Event names use letters, digits and . _ : - (at most 120)',
      'VALIDATION_ERROR',
      400,
    );
  }
  return name;
}

/** `POST /track/:eventName` and `GET /telemetry`. */
export function registerTelemetryRoutes(
  router: Router,
  tools: AuthTools,
  options: ToolsRouterOptions,
): void {
  router.post(
    '/track/:eventName',
    asyncHandler(async (req, res) => {
      const event = checkEventName(String(req.params.eventName));
      const caller = callerOf(req, options);
      await assertPermitted(req, caller, options, 'track', event);
      // keyward's own names are facts about accounts: only a global administrator may forge one.
      if (event.startsWith('identity.') && (!caller.isAdmin || caller.tenantId !== undefined))
        throw forbidden();
      const body = parseBody(req, trackBody);
      const tenantId = confineTenant(caller, body.tenantId);
      const entry = await tools.track(event, body.data, {
        ...(body.userId !== undefined && { userId: body.userId }),
        ...(body.sessionId !== undefined && { sessionId: body.sessionId }),
        ...(tenantId !== undefined && { tenantId }),
        ...(req.ip !== undefined && { ip: req.ip }),
      });
      res.status(202).json({ ok: true, id: entry.id });
    }),
  );

  router.get(
    '/telemetry',
    asyncHandler(async (req, res) => {
      const caller = callerOf(req, options);
      await assertPermitted(req, caller, options, 'telemetry', '*');
      const parsed = telemetryQuery.safeParse(req.query);
      if (!parsed.success) {
        throw new AuthError(
          'Invalid query: ' +
            parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          'VALIDATION_ERROR',
          400,
        );
      }
      const q = parsed.data;
      const filter: TelemetryFilter = { limit: q.limit ?? 100, offset: q.offset ?? 0 };
      if (q.event !== undefined) filter.event = q.event;
      if (q.userId !== undefined) filter.userId = q.userId;
      const tenantId = confineTenant(caller, q.tenantId);
      if (tenantId !== undefined) filter.tenantId = tenantId;
      if (q.from !== undefined) filter.from = new Date(q.from);
      if (q.to !== undefined) filter.to = new Date(q.to);
      const events = await tools.query(filter);
      res.json({ events, limit: filter.limit, offset: filter.offset });
    }),
  );
}

/** `POST /notify/:target`. */
export function registerNotifyRoute(
  router: Router,
  tools: AuthTools,
  options: ToolsRouterOptions,
): void {
  router.post(
    '/notify/:target',
    asyncHandler(async (req, res) => {
      const target = String(req.params.target);
      if (!isTopic(target)) {
        throw new AuthError(
          'Unknown topic: use global, tenant:{id}, tenant:{id}:role:{role}, tenant:{id}:group:{group}, user:{id}, session:{id} or custom:{namespace}',
          'VALIDATION_ERROR',
          400,
        );
      }
      const caller = callerOf(req, options);
      await assertPermitted(req, caller, options, 'notify', target);
      const body = parseBody(req, notifyBody);
      const topicTenant = tenantOfTopic(target);
      if (caller.tenantId !== undefined && (target === 'global' || target.startsWith('custom:')))
        throw forbidden();
      if (topicTenant !== undefined && body.tenantId !== undefined && body.tenantId !== topicTenant)
        throw forbidden();
      // A notification is stamped with its tenant, so it reaches that tenant's streams only.
      const tenantId = confineTenant(caller, topicTenant ?? body.tenantId);
      const entry = await tools.notify(target, body.data, {
        ...(body.type !== undefined && { type: body.type }),
        ...(tenantId !== undefined && { tenantId }),
      });
      res.status(202).json({ ok: true, id: entry.id });
    }),
  );
}
