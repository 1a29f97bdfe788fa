import { z } from 'zod';
import { buildOpenApiDocument, type OpenApiDocument } from '../core/openapi/document';
import { docsOperations } from '../core/openapi/docs-routes';
import type { AuthErrorCode } from '../core/errors';
import type { ApiOperation } from '../core/openapi/operation';
import { mergeErrors, successBody } from '../core/openapi/operation';
import type { AdminContext } from './context';
import {
  apiKey,
  delivery,
  dryRun,
  linkedAccount,
  loggedEvent,
  overview,
  page,
  paging,
  ping,
  role,
  session,
  tenant,
  usageEntry,
  user,
  userTenants,
  webhook,
  webhookActions,
} from './openapi-schemas';
import { adminFeatures, type AdminFeatures } from './routes/ping';
import { createKeyBody } from './routes/api-keys';
import { eventsQuery, overviewQuery } from './routes/events';
import { createRoleBody } from './routes/roles';
import { settingsBody } from './routes/settings';
import { createTenantBody, memberBody } from './routes/tenants';
import { assignRoleBody } from './routes/user-relations';
import { createInboundBody, dryRunBody, patchInboundBody } from './routes/inbound-webhook-input';
import { createWebhookBody, deliveriesQuery, patchWebhookBody } from './routes/webhook-input';

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

const ADMIN = [['adminBearer']] as const;
type Op = Omit<ApiOperation, 'tag' | 'security'> & {
  when?: Exclude<keyof AdminSpecFeatures, 'docs'>;
};

const ok = (body: z.ZodType = successBody, description = 'Done.') => ({
  200: { description, body },
});
const notFound = (...codes: AuthErrorCode[]) => ({ 404: codes });

/** Every admin operation, with the feature flag it needs. */
const OPERATIONS: Record<string, Op[]> = {
  Admin: [
    {
      method: 'get',
      path: '/ping',
      summary: 'Check the credentials and list the features',
      responses: ok(ping, 'The features.'),
    },
  ],
  Users: [
    {
      when: 'users',
      method: 'get',
      path: '/users',
      summary: 'List users',
      query: paging,
      responses: ok(page('users', user), 'A page.'),
    },
    {
      method: 'get',
      path: '/users/:id',
      summary: 'One user',
      responses: ok(user, 'The user itself (the reference SDK’s shape).'),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      when: 'deleteUser',
      method: 'delete',
      path: '/users/:id',
      summary: 'Delete a user and their data',
      responses: ok(),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      method: 'delete',
      path: '/users/:id/sessions',
      summary: 'Sign a user out everywhere',
      responses: ok(),
      errors: notFound('USER_NOT_FOUND'),
    },
  ],
  Relations: [
    {
      when: 'roles',
      method: 'get',
      path: '/users/:id/roles',
      summary: 'A user’s roles',
      responses: ok(z.object({ roles: z.array(z.string()) }), 'Roles.'),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      when: 'roles',
      method: 'post',
      path: '/users/:id/roles',
      summary: 'Give a user a role',
      body: assignRoleBody,
      responses: ok(),
      errors: notFound('USER_NOT_FOUND', 'ROLE_NOT_FOUND'),
    },
    {
      when: 'roles',
      method: 'delete',
      path: '/users/:id/roles/:role',
      summary: 'Take a role from a user',
      responses: ok(),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      when: 'metadata',
      method: 'get',
      path: '/users/:id/metadata',
      summary: 'A user’s metadata',
      responses: ok(z.record(z.string(), z.unknown()), 'The metadata object itself.'),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      when: 'metadata',
      method: 'put',
      path: '/users/:id/metadata',
      summary: 'Replace a user’s metadata (a flat JSON object)',
      body: z.record(z.string(), z.unknown()),
      responses: ok(
        z.object({ success: z.literal(true), metadata: z.record(z.string(), z.unknown()) }),
      ),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      when: 'linkedAccounts',
      method: 'get',
      path: '/users/:id/linked-accounts',
      summary: 'A user’s linked accounts',
      responses: ok(z.object({ linkedAccounts: z.array(linkedAccount) })),
      errors: notFound('USER_NOT_FOUND'),
    },
    {
      when: 'tenants',
      method: 'get',
      path: '/users/:id/tenants',
      summary: 'A user’s tenants',
      responses: ok(userTenants),
      errors: notFound('USER_NOT_FOUND'),
    },
  ],
  Sessions: [
    {
      when: 'sessions',
      method: 'get',
      path: '/sessions',
      summary: 'List sessions',
      query: paging,
      responses: ok(page('sessions', session), 'A page.'),
    },
    {
      when: 'sessionStore',
      method: 'delete',
      path: '/sessions/:handle',
      summary: 'End a session',
      responses: ok(),
      errors: notFound('SESSION_NOT_FOUND'),
    },
  ],
  Roles: [
    {
      when: 'roles',
      method: 'get',
      path: '/roles',
      summary: 'List roles',
      responses: ok(z.object({ roles: z.array(role) })),
    },
    {
      when: 'roles',
      method: 'post',
      path: '/roles',
      summary: 'Create a role',
      body: createRoleBody,
      responses: { 201: { description: 'Created.', body: successBody } },
    },
    {
      when: 'roles',
      method: 'delete',
      path: '/roles/:name',
      summary: 'Delete a role',
      responses: ok(),
      errors: notFound('ROLE_NOT_FOUND'),
    },
  ],
  Tenants: [
    {
      when: 'tenants',
      method: 'get',
      path: '/tenants',
      summary: 'List tenants',
      responses: ok(z.object({ tenants: z.array(tenant) })),
    },
    {
      when: 'tenants',
      method: 'post',
      path: '/tenants',
      summary: 'Create a tenant',
      body: createTenantBody,
      responses: {
        201: { description: 'Created.', body: z.object({ success: z.literal(true), tenant }) },
      },
    },
    {
      when: 'tenants',
      method: 'delete',
      path: '/tenants/:id',
      summary: 'Delete a tenant',
      responses: ok(),
      errors: notFound('TENANT_NOT_FOUND'),
    },
    {
      when: 'tenants',
      method: 'get',
      path: '/tenants/:id/users',
      summary: 'A tenant’s members',
      responses: ok(z.object({ userIds: z.array(z.string()) })),
      errors: notFound('TENANT_NOT_FOUND'),
    },
    {
      when: 'tenants',
      method: 'post',
      path: '/tenants/:id/users',
      summary: 'Add a member',
      body: memberBody,
      responses: ok(),
      errors: notFound('TENANT_NOT_FOUND', 'USER_NOT_FOUND'),
    },
    {
      when: 'tenants',
      method: 'delete',
      path: '/tenants/:id/users/:userId',
      summary: 'Remove a member',
      responses: ok(),
      errors: notFound('TENANT_NOT_FOUND'),
    },
  ],
  Settings: [
    {
      when: 'settings',
      method: 'get',
      path: '/settings',
      summary: 'Run-time settings',
      responses: ok(z.record(z.string(), z.unknown()), 'The settings object itself.'),
    },
    {
      when: 'settings',
      method: 'put',
      path: '/settings',
      summary: 'Change run-time settings',
      body: settingsBody,
      responses: ok(
        z.object({ success: z.literal(true), settings: z.record(z.string(), z.unknown()) }),
      ),
    },
  ],
  'API keys': [
    {
      when: 'apiKeys',
      method: 'get',
      path: '/api-keys',
      summary: 'List API keys',
      query: paging,
      responses: ok(page('apiKeys', apiKey), 'A page.'),
    },
    {
      when: 'apiKeyStore',
      method: 'post',
      path: '/api-keys',
      summary: 'Create an API key (the raw key is shown once)',
      body: createKeyBody,
      responses: {
        201: { description: 'Created.', body: z.object({ rawKey: z.string(), apiKey }) },
      },
    },
    {
      when: 'apiKeyStore',
      method: 'delete',
      path: '/api-keys/:id/revoke',
      summary: 'Revoke an API key',
      responses: ok(z.object({ success: z.literal(true), apiKey })),
      errors: notFound('API_KEY_NOT_FOUND'),
    },
    {
      when: 'apiKeyStore',
      method: 'delete',
      path: '/api-keys/:id',
      summary: 'Delete an API key',
      responses: ok(z.object({ success: z.literal(true), action: z.string() })),
      errors: notFound('API_KEY_NOT_FOUND'),
    },
    {
      when: 'apiKeyUsage',
      method: 'get',
      path: '/api-keys/:id/usage',
      summary: 'An API key’s usage log',
      query: paging,
      responses: ok(page('entries', usageEntry), 'A page.'),
      errors: notFound('API_KEY_NOT_FOUND'),
    },
  ],
  Webhooks: [
    {
      when: 'webhooks',
      method: 'get',
      path: '/webhooks',
      summary: 'List webhooks',
      query: paging,
      responses: ok(page('webhooks', webhook), 'A page.'),
    },
    {
      when: 'webhookStore',
      method: 'post',
      path: '/webhooks',
      summary:
        'Create a webhook: outgoing (`url`), or inbound with a `provider` (the signing secret is shown once)',
      body: z.union([createWebhookBody, createInboundBody]),
      responses: {
        201: {
          description: 'Created.',
          body: z.object({ webhook, secret: z.string().optional() }),
        },
      },
      errors: { 400: ['WEBHOOK_URL_REFUSED'], 409: ['WEBHOOK_PROVIDER_TAKEN'] },
    },
    {
      when: 'webhookStore',
      method: 'patch',
      path: '/webhooks/:id',
      summary: 'Change a webhook (an inbound one: its scheme, secret, actions and script)',
      body: z.union([patchWebhookBody, patchInboundBody]),
      responses: ok(z.object({ success: z.literal(true), webhook })),
      errors: {
        400: ['WEBHOOK_URL_REFUSED'],
        404: ['WEBHOOK_NOT_FOUND'],
        409: ['WEBHOOK_PROVIDER_TAKEN'],
      },
    },
    {
      when: 'webhookStore',
      method: 'post',
      path: '/webhooks/dry-run',
      summary: 'Run a draft inbound script in the sandbox against a sample body (no action made)',
      body: dryRunBody,
      responses: ok(dryRun, 'What the script did.'),
    },
    {
      when: 'webhookStore',
      method: 'post',
      path: '/webhooks/:id/dry-run',
      summary: 'Run an inbound webhook’s script (or a draft of it) against a sample body',
      body: dryRunBody,
      responses: ok(dryRun, 'What the script did.'),
      errors: notFound('WEBHOOK_NOT_FOUND'),
    },
    {
      method: 'get',
      path: '/webhook-actions',
      summary: 'The actions inbound scripts may call, with the Control tab’s switches',
      responses: ok(webhookActions),
    },
    {
      when: 'webhookStore',
      method: 'delete',
      path: '/webhooks/:id',
      summary: 'Delete a webhook',
      responses: ok(),
      errors: notFound('WEBHOOK_NOT_FOUND'),
    },
    {
      when: 'webhookDeliveries',
      method: 'get',
      path: '/webhooks/:id/deliveries',
      summary: 'A webhook’s deliveries',
      query: deliveriesQuery,
      responses: ok(page('deliveries', delivery), 'A page.'),
      errors: notFound('WEBHOOK_NOT_FOUND'),
    },
    {
      when: 'webhookDeliveries',
      method: 'post',
      path: '/webhooks/:id/deliveries/:deliveryId/replay',
      summary: 'Deliver again',
      responses: ok(z.object({ success: z.literal(true), delivery })),
      errors: {
        404: ['WEBHOOK_NOT_FOUND', 'WEBHOOK_DELIVERY_NOT_FOUND'],
        409: ['WEBHOOK_DELIVERY_PENDING'],
      },
    },
  ],
  Events: [
    {
      when: 'events',
      method: 'get',
      path: '/events',
      summary: 'The event log',
      query: eventsQuery,
      responses: ok(page('events', loggedEvent), 'A page.'),
    },
    {
      when: 'events',
      method: 'get',
      path: '/overview',
      summary: 'Counts for the overview tab',
      query: overviewQuery,
      responses: ok(overview),
    },
  ],
};

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
