import { z } from 'zod';
import { safeProfileFields } from '../features/account/openapi';
import { apiKeyView } from '../features/api-keys/openapi';
import type { AdminFeatures } from './routes/ping';
import { OVERVIEW_METRICS } from './routes/overview';

// The answers of the admin API as its OpenAPI document describes them, one schema per
// `toAdmin…` mapping in routes/; openapi.ts lists the operations that answer with them.

export const paging = z.object({
  limit: z.string().optional().meta({ description: '1–100, default 20.' }),
  offset: z.string().optional(),
  filter: z.string().optional(),
});
/** Items are shown with their main fields; stores may add their own. */
export const item = (fields: Record<string, z.ZodType>) => z.looseObject(fields);
export const page = (name: string, row: z.ZodType) =>
  z.object({
    [name]: z.array(row),
    total: z.number().int().optional(),
    limit: z.number().int(),
    offset: z.number().int(),
    hasMore: z.boolean(),
  });

/** `toAdminUser`: the safe fields, plus the record's other non-secret fields. */
export const user = item(safeProfileFields);
/** `toAdminSession`. */
export const session = z.object({
  sessionHandle: z.string(),
  userId: z.string(),
  tenantId: z.string().nullable(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  lastActiveAt: z.iso.datetime().nullable(),
  userAgent: z.string().nullable(),
  ipAddress: z.string().nullable(),
});
/** `toAdminApiKey`: the self-service view and its status. */
export const apiKey = apiKeyView.extend({ status: z.enum(['active', 'revoked', 'expired']) });
/** `toAdminWebhook`: the secret masked. */
export const webhook = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  tenantId: z.string().nullable(),
  isActive: z.boolean(),
  secret: z.literal('***').nullable(),
  hasSecret: z.boolean(),
  maxRetries: z.number().nullable(),
  retryDelayMs: z.number().nullable(),
  createdAt: z.iso.datetime().nullable(),
  direction: z.enum(['inbound', 'outgoing']),
  provider: z.string().nullable(),
  verify: z
    .union([z.string(), z.looseObject({ kind: z.literal('hmac'), header: z.string() })])
    .nullable(),
  allowedActions: z.array(z.string()),
  jsScript: z.string().nullable(),
});
/** A dry run of an inbound webhook's script: what it would do, no action made. */
export const dryRun = z.object({
  dryRun: z.literal(true),
  result: z.unknown(),
  calls: z.array(z.object({ id: z.string(), args: z.array(z.unknown()) })),
  logs: z.array(z.string()),
  error: z.string().nullable(),
  durationMs: z.number(),
  actions: z.array(z.string()),
});
/** `GET /webhook-actions`: the registry, with what is enabled and what governance offers. */
export const webhookActions = z.object({
  actions: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      category: z.string(),
      description: z.string(),
      dependsOn: z.array(z.string()),
      enabled: z.boolean(),
      available: z.boolean(),
      missing: z.array(z.string()),
    }),
  ),
  enabled: z.array(z.string()),
});
/** `toAdminDelivery`: without the payload. */
export const delivery = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.string(),
  event: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
/** `toAdminEvent`. */
export const loggedEvent = z.object({
  id: z.string(),
  event: z.string(),
  timestamp: z.iso.datetime(),
  userId: z.string().nullable(),
  tenantId: z.string().nullable(),
  sessionId: z.string().nullable(),
  ip: z.string().nullable(),
  topic: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export const tenant = item({ id: z.string(), name: z.string() });

/** `GET /users/{id}/tenants`: the ids alone (the reference's field) and the tenants' names. */
export const userTenants = z.object({
  tenantIds: z.array(z.string()),
  tenants: z.array(z.object({ id: z.string(), name: z.string() })),
});
/** A role as the rbac store lists it (names alone are completed with their permissions). */
export const role = item({ name: z.string(), permissions: z.array(z.string()) });
/** A linked account as the store keeps it. */
export const linkedAccount = item({
  provider: z.string(),
  providerAccountId: z.string(),
  email: z.string().nullable().optional(),
  linkedAt: z.iso.datetime().optional(),
});
/** `toAdminUsage`: one authentication attempt with an API key. */
export const usageEntry = z.object({
  at: z.iso.datetime(),
  success: z.boolean(),
  reason: z.string().nullable(),
  ip: z.string(),
  method: z.string(),
  path: z.string(),
  keyPrefix: z.string(),
});

const FEATURE_FLAGS: Record<keyof AdminFeatures, z.ZodBoolean> = {
  users: z.boolean(),
  deleteUser: z.boolean(),
  sessions: z.boolean(),
  roles: z.boolean(),
  tenants: z.boolean(),
  metadata: z.boolean(),
  settings: z.boolean(),
  linkedAccounts: z.boolean(),
  apiKeys: z.boolean(),
  apiKeyUsage: z.boolean(),
  webhooks: z.boolean(),
  webhookDeliveries: z.boolean(),
  events: z.boolean(),
  webhookActions: z.boolean(),
};
/** `GET /ping`: the credentials work, and which tabs the panel shows. */
export const ping = z.object({ ok: z.literal(true), features: z.object(FEATURE_FLAGS) });

const metricKey = z.enum(OVERVIEW_METRICS.map((m) => m.key));
/** `GET /overview`: each metric per UTC day of the window, oldest first. */
export const overview = z.object({
  days: z.number().int(),
  from: z.string().meta({ description: 'First day of the window, YYYY-MM-DD (UTC).' }),
  to: z.string().meta({ description: 'Last day of the window (today), YYYY-MM-DD (UTC).' }),
  tenantId: z.string().nullable(),
  dates: z.array(z.string()),
  metrics: z.array(
    z.object({
      key: metricKey,
      event: z.string(),
      counts: z.array(z.number().int()),
      total: z.number().int(),
    }),
  ),
  totals: z.record(metricKey, z.number().int()),
});
