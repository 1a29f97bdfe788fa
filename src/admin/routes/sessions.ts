import type { Router } from 'express';
import { AuthError } from '../../core/errors';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import type { SessionInfo } from '../../stores/session';
import { requireFeature, type AdminContext } from '../context';
import { fetchPage, parsePaging, pathParam } from '../input';

/** A session as the admin API shows it: never its refresh-token hashes or app data. */
export interface AdminSession {
  sessionHandle: string;
  userId: string;
  tenantId: string | null;
  createdAt: Date;
  expiresAt: Date;
  lastActiveAt: Date | null;
  userAgent: string | null;
  ipAddress: string | null;
}

function toAdminSession(s: SessionInfo): AdminSession {
  return {
    sessionHandle: s.sessionHandle,
    userId: s.userId,
    tenantId: s.tenantId ?? null,
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
    lastActiveAt: s.lastActiveAt ?? null,
    userAgent: s.userAgent ?? null,
    ipAddress: s.ipAddress ?? null,
  };
}

/** GET /sessions (paged by the store) and DELETE /sessions/:handle. */
export function registerSessionRoutes(api: Router, ctx: AdminContext): void {
  const sessions = () => requireFeature(ctx.stores.sessionStore, 'sessions');

  api.get(
    '/sessions',
    asyncHandler(async (req, res) => {
      const store = sessions();
      const list = requireFeature(store.getAllSessions?.bind(store), 'session listing');
      const paging = parsePaging(req);
      const { rows, hasMore } = await fetchPage(paging, list);
      const { limit, offset } = paging;
      res.json({ sessions: rows.map(toAdminSession), limit, offset, hasMore });
    }),
  );

  api.delete(
    '/sessions/:handle',
    asyncHandler(async (req, res) => {
      const store = sessions();
      const session = await store.getSession(pathParam(req, 'handle'));
      if (!session) throw new AuthError('Session not found', 'SESSION_NOT_FOUND', 404);
      await store.revokeSession(session.sessionHandle);
      const event = {
        userId: session.userId,
        sessionId: session.sessionHandle,
        ...(session.tenantId ? { tenantId: session.tenantId } : {}),
      };
      ctx.publish(AuthEventNames.SESSION_REVOKED, req, res, {
        ...event,
        data: { reason: 'admin' },
      });
      ctx.publish(AuthEventNames.ADMIN_SESSION_REVOKED, req, res, event);
      res.json({ success: true });
    }),
  );
}
