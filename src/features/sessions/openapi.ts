import { z } from 'zod';
import {
  SIGNED_IN_ERRORS,
  SIGNED_IN_READ,
  SIGNED_IN_WRITE,
  mergeErrors,
  successBody,
  type ApiOperation,
} from '../../core/openapi/operation';
import type { AuthApiFeatures } from '../../router/api-features';
import { sessionStarted } from '../../router/sign-in-answers';
import { refreshBody } from './schemas';

const TAG = 'Sessions';

/** One device as GET /sessions shows it (see `toDeviceView`). */
export const deviceView = z.object({
  sessionHandle: z.string(),
  current: z.boolean(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastActiveAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime(),
});

const REFRESH_ERRORS = [
  'REFRESH_TOKEN_MISSING',
  'INVALID_REFRESH_TOKEN',
  'REFRESH_TOKEN_REUSED',
  'SESSION_REVOKED',
  'SESSION_EXPIRED',
  'USER_NOT_FOUND',
] as const;

/** The spec of refresh, logout, cleanup and the user's own devices. */
export function sessionOperations(features: AuthApiFeatures): ApiOperation[] {
  const ops: ApiOperation[] = [
    {
      method: 'post',
      path: '/refresh',
      tag: TAG,
      summary: 'Rotate the refresh token and get a new access token',
      description:
        'Browsers send the refresh cookie (and the CSRF header); bearer clients send `refreshToken` in the body.',
      security: [[], ['cookieAuth', 'csrfHeader']],
      body: refreshBody,
      responses: { 200: { description: 'New tokens.', body: sessionStarted } },
      errors: { 401: REFRESH_ERRORS },
    },
    {
      method: 'post',
      path: '/logout',
      tag: TAG,
      summary: 'Sign out: end this session and clear its cookies',
      security: [[], ...SIGNED_IN_WRITE],
      responses: { 200: { description: 'Signed out.', body: successBody } },
    },
  ];
  if (features.sessionCleanup) {
    ops.push({
      method: 'post',
      path: '/sessions/cleanup',
      tag: TAG,
      summary: 'Delete expired sessions (for a scheduled job)',
      description: 'Needs `Authorization: Bearer <sessionCleanupSecret>` when that option is set.',
      responses: {
        200: {
          description: 'How many were deleted.',
          body: z.object({ success: z.literal(true), deleted: z.number().int() }),
        },
      },
      errors: { 401: ['UNAUTHORIZED'] },
    });
  }
  const ownSessionErrors = mergeErrors(SIGNED_IN_ERRORS);
  ops.push(
    {
      method: 'get',
      path: '/sessions',
      tag: TAG,
      summary: 'List my signed-in devices',
      security: SIGNED_IN_READ,
      responses: {
        200: {
          description: 'Most recently active first.',
          body: z.object({ sessions: z.array(deviceView) }),
        },
      },
      errors: ownSessionErrors,
    },
    {
      method: 'delete',
      path: '/sessions/:sessionHandle',
      tag: TAG,
      summary: 'Sign out one of my devices',
      security: SIGNED_IN_WRITE,
      responses: { 200: { description: 'Signed out.', body: successBody } },
      errors: mergeErrors(ownSessionErrors, { 404: ['SESSION_NOT_FOUND'] }),
    },
    {
      method: 'post',
      path: '/sessions/revoke-others',
      tag: TAG,
      summary: 'Sign out every other device',
      security: SIGNED_IN_WRITE,
      responses: {
        200: {
          description: 'How many sessions ended.',
          body: z.object({ success: z.literal(true), revoked: z.number().int() }),
        },
      },
      errors: ownSessionErrors,
    },
  );
  return ops;
}
