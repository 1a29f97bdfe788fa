import type { z } from 'zod';
import type { AuthErrorCode } from '../core/errors';
import { successBody, type ApiOperation } from '../core/openapi/operation';
import type { AdminFeatures } from './routes/ping';

// What the lists of admin operations (openapi-*-operations.ts) share.

/** `buildAdminOpenApiSpec`'s first argument: which parts of the admin API to document. */
export type AdminSpecFeatures = Partial<AdminFeatures> & {
  /** A session store, even one that cannot list: DELETE /sessions/{handle}. */
  sessionStore?: boolean;
  /** An API key store, even one that cannot list: create, revoke and delete keys. */
  apiKeyStore?: boolean;
  /** A webhook store, even one that cannot list: create, change and delete webhooks. */
  webhookStore?: boolean;
  /** GET /openapi.json and /docs themselves. */
  docs?: boolean;
};

/** One admin operation, with the feature flag it needs (tag and security are added when built). */
export type Op = Omit<ApiOperation, 'tag' | 'security'> & {
  when?: Exclude<keyof AdminSpecFeatures, 'docs'>;
};

/** A 200 answer with `body` (default `{ success: true }`). */
export const ok = (body: z.ZodType = successBody, description = 'Done.') => ({
  200: { description, body },
});
export const notFound = (...codes: AuthErrorCode[]) => ({ 404: codes });
