import { buildOpenApiDocument, type OpenApiDocument } from '../core/openapi/document';
import { docsOperations } from '../core/openapi/docs-routes';
import { mergeErrors, type ApiOperation } from '../core/openapi/operation';
import type { AdminContext } from './context';
import { ACCOUNT_OPERATIONS } from './openapi-account-operations';
import { INTEGRATION_OPERATIONS } from './openapi-integration-operations';
import type { AdminSpecFeatures } from './openapi-operation';
import { adminFeatures } from './routes/ping';

export type { AdminSpecFeatures } from './openapi-operation';

const ADMIN = [['adminBearer']] as const;

/** Every admin operation by tag, in the order the document lists them. */
const OPERATIONS = { ...ACCOUNT_OPERATIONS, ...INTEGRATION_OPERATIONS };

/** What the admin guard and every admin route may answer besides their own errors. */
const ADMIN_ERRORS = {
  400: ['INVALID_INPUT'],
  401: ['ADMIN_UNAUTHORIZED'],
  403: ['FORBIDDEN', 'CSRF_ORIGIN_MISMATCH'],
  429: ['RATE_LIMITED'],
  // A store that lacks the method a route needs.
  404: ['FEATURE_NOT_ENABLED'],
  501: ['NOT_SUPPORTED'],
} as const;

/**
 * The admin API's OpenAPI 3.1 document: the parts `features` enable, under `basePath` (where the
 * admin router is mounted, default `/admin`; the API is at `{basePath}/api`).
 */
export function buildAdminOpenApiSpec(
  features: AdminSpecFeatures = {},
  basePath = '/admin',
): OpenApiDocument {
  const operations: ApiOperation[] = [];
  for (const [tag, ops] of Object.entries(OPERATIONS)) {
    for (const { when, ...op } of ops) {
      if (when && !features[when]) continue;
      const errors = mergeErrors(ADMIN_ERRORS, op.errors);
      operations.push({ ...op, tag, security: ADMIN.map((a) => [...a]), errors });
    }
  }
  if (features.docs) operations.push(...docsOperations());
  return buildOpenApiDocument(
    {
      title: 'keyward admin API',
      description: 'The admin panel’s API. Errors answer `{ error, code }`.',
      basePath: `${basePath.replace(/\/+$/, '')}/api`,
    },
    operations,
  );
}

/** What a router's stores enable, for the document it serves. */
export function adminSpecFeaturesOf(ctx: AdminContext): AdminSpecFeatures {
  const { sessionStore, apiKeyStore, webhookStore } = ctx.stores;
  return {
    ...adminFeatures(ctx),
    sessionStore: sessionStore !== undefined,
    apiKeyStore: apiKeyStore !== undefined,
    webhookStore: webhookStore !== undefined,
    docs: true,
  };
}
