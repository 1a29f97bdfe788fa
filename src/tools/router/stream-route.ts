import type { Router } from 'express';
import { AuthError } from '../../core/errors';
import { asyncHandler } from '../../core/http/async-handler';
import type { AuthTools } from '../auth-tools';
import { deriveTopics } from '../sse/topics';
import { callerOf } from './access';
import type { ToolsRouterOptions } from './options';

/** The roles claim as a list: `roles: [...]` and/or `role: '...'`. */
function rolesOf(user: Express.User): string[] {
  const roles = Array.isArray(user.roles)
    ? user.roles.filter((r): r is string => typeof r === 'string')
    : [];
  if (typeof user.role === 'string') roles.push(user.role);
  return [...new Set(roles)];
}

/** `GET /stream`: the caller's SSE stream, on the topics their verified token gives them. */
export function registerStreamRoute(
  router: Router,
  tools: AuthTools,
  options: ToolsRouterOptions,
): void {
  router.get(
    '/stream',
    asyncHandler(async (req, res) => {
      const sse = tools.sse;
      if (!sse) throw new AuthError('Streams are not enabled', 'FEATURE_NOT_ENABLED', 404);
      const caller = callerOf(req, options);
      const granted = options.streamTopics ? await options.streamTopics(caller.user, req) : [];
      const identity = {
        userId: caller.user.sub,
        roles: rolesOf(caller.user),
        ...(caller.user.sid !== undefined && { sessionId: caller.user.sid }),
        ...(caller.tenantId !== undefined && { tenantId: caller.tenantId }),
      };
      await sse.open(req, res, {
        ...identity,
        topics: deriveTopics(identity, granted),
        ...(typeof caller.user.exp === 'number' && { expiresAt: new Date(caller.user.exp * 1000) }),
      });
    }),
  );
}
