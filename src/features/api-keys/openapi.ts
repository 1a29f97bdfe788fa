import { z } from 'zod';
import {
  RECENT_AUTH_ERRORS,
  SIGNED_IN_ERRORS,
  SIGNED_IN_READ,
  SIGNED_IN_WRITE,
  mergeErrors,
  type ApiOperation,
} from '../../core/openapi/operation';
import type { AuthApiFeatures } from '../../router/api-features';
import { ownKeyBody } from './key-input';

const TAG = 'API keys';

/** A key as the HTTP answers show it (see `toApiKeyView`): never its hash. */
export const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  keyPrefix: z.string(),
  serviceId: z.string().nullable(),
  scopes: z.array(z.string()),
  allowedIps: z.array(z.string()),
  isActive: z.boolean(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  userId: z.string().nullable(),
});

/** The spec of the self-service /api-keys routes. */
export function apiKeyOperations(features: AuthApiFeatures): ApiOperation[] {
  if (!features.apiKeys) return [];
  return [
    {
      method: 'get',
      path: '/api-keys',
      tag: TAG,
      summary: 'My API keys',
      security: SIGNED_IN_READ,
      responses: {
        200: { description: 'My keys.', body: z.object({ apiKeys: z.array(apiKeyView) }) },
      },
      errors: SIGNED_IN_ERRORS,
    },
    {
      method: 'post',
      path: '/api-keys',
      tag: TAG,
      summary: 'Create an API key (the raw key is shown once)',
      security: SIGNED_IN_WRITE,
      body: ownKeyBody,
      responses: {
        201: {
          description: 'Created.',
          body: z.object({ rawKey: z.string(), apiKey: apiKeyView }),
        },
      },
      errors: mergeErrors(SIGNED_IN_ERRORS, RECENT_AUTH_ERRORS, {
        400: ['INVALID_INPUT'],
        409: ['API_KEY_LIMIT_REACHED'],
      }),
    },
    {
      method: 'delete',
      path: '/api-keys/:id',
      tag: TAG,
      summary: 'Revoke one of my API keys',
      security: SIGNED_IN_WRITE,
      responses: {
        200: {
          description: 'Revoked.',
          body: z.object({ success: z.literal(true), apiKey: apiKeyView }),
        },
      },
      errors: mergeErrors(SIGNED_IN_ERRORS, { 404: ['API_KEY_NOT_FOUND'] }),
    },
  ];
}
