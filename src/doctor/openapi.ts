import { z } from 'zod';
import type { ApiOperation } from '../core/openapi/operation';

/** The spec of GET /health (mounted unless `health: false`). */
export function healthOperations(): ApiOperation[] {
  return [
    {
      method: 'get',
      path: '/health',
      tag: 'Health',
      summary: 'Whether the user and session stores answer',
      description:
        'For load balancers and monitors. A 503 names the store (`user` or `session`) that did not answer in time; the cause is logged, never answered.',
      responses: {
        200: { description: 'Both stores answered.', body: z.object({ status: z.literal('ok') }) },
      },
      errors: { 503: ['STORE_UNAVAILABLE'] },
    },
  ];
}
