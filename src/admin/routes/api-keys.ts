import type { Request, Response, Router } from 'express';
import { AuthError } from '../../core/errors';
import { asyncHandler } from '../../core/http/async-handler';
import {
  createKeySchema,
  toApiKeyView,
  type ApiKeyActor,
  type ApiKeyView,
} from '../../features/api-keys';
import type { ApiKey, ApiKeyAuditEntry, IApiKeyStore } from '../../stores/api-key';
import { actorOf, requireFeature, type AdminContext } from '../context';
import { fetchPage, parseInput, parsePaging, pathParam } from '../input';

/** Where a key stands: revoked wins over expired, which wins over active. */
export type AdminApiKeyStatus = 'active' | 'revoked' | 'expired';

/** An API key as the admin API shows it: every field but its hash, and where it stands. */
export interface AdminApiKey extends ApiKeyView {
  status: AdminApiKeyStatus;
}

/** One attempt from a key's usage log; the presented key itself was never recorded. */
export interface AdminApiKeyUsage {
  at: Date;
  success: boolean;
  /** The error code of a refusal (API_KEY_REVOKED, …); null on success. */
  reason: string | null;
  ip: string;
  method: string;
  path: string;
  keyPrefix: string;
}

function statusOf(key: ApiKey, now = Date.now()): AdminApiKeyStatus {
  if (!key.isActive) return 'revoked';
  // SQL stores may hand back strings; compare as the middleware does.
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}

/** The view self-service answers with (field by field, never the hash), plus the status. */
function toAdminApiKey(key: ApiKey): AdminApiKey {
  return { ...toApiKeyView(key), status: statusOf(key) };
}

function toAdminUsage(entry: ApiKeyAuditEntry): AdminApiKeyUsage {
  return {
    at: entry.at,
    success: entry.success,
    reason: entry.reason ?? null,
    ip: entry.ip,
    method: entry.method,
    path: entry.path,
    keyPrefix: entry.keyPrefix,
  };
}

/**
 * What an administrator may set on a new key. Self-service keys (`userId`) are made by their
 * owners, so a `userId` in the body is ignored like any other unknown field.
 */
export const createKeyBody = createKeySchema.pick({
  name: true,
  serviceId: true,
  scopes: true,
  allowedIps: true,
  expiresAt: true,
});

async function findKeyOr404(store: IApiKeyStore, id: string): Promise<ApiKey> {
  const key = await store.findById(id);
  if (!key) throw new AuthError('API key not found', 'API_KEY_NOT_FOUND', 404);
  return key;
}

/**
 * GET /api-keys (paged by the store), POST /api-keys, DELETE /api-keys/:id/revoke,
 * DELETE /api-keys/:id and GET /api-keys/:id/usage. Changes go through the ApiKeyService, which
 * hashes new keys and publishes `identity.apikey.*` with the admin as `data.actor`.
 */
export function registerApiKeyRoutes(api: Router, ctx: AdminContext): void {
  const keys = () => requireFeature(ctx.stores.apiKeyStore, 'API keys');
  const service = ctx.options.apiKeyService;
  const by = (req: Request, res: Response): ApiKeyActor => ({
    actor: actorOf(res),
    ...(req.ip !== undefined && { ip: req.ip }),
  });

  api.get(
    '/api-keys',
    asyncHandler(async (req, res) => {
      const store = keys();
      const list = requireFeature(store.listKeys?.bind(store), 'API key listing');
      const paging = parsePaging(req);
      const { rows, hasMore } = await fetchPage(paging, list);
      const { limit, offset } = paging;
      res.json({ apiKeys: rows.map((k) => toAdminApiKey(k)), limit, offset, hasMore });
    }),
  );

  // The only answer that carries the raw key: it is not stored and cannot be shown again.
  api.post(
    '/api-keys',
    asyncHandler(async (req, res) => {
      const store = keys();
      const input = parseInput(req, createKeyBody);
      const { rawKey, record } = await service.createKey(store, input, by(req, res));
      res.status(201).json({ rawKey, apiKey: toAdminApiKey(record) });
    }),
  );

  api.delete(
    '/api-keys/:id/revoke',
    asyncHandler(async (req, res) => {
      const key = await service.revokeKey(keys(), pathParam(req, 'id'), by(req, res));
      res.json({ success: true, apiKey: toAdminApiKey(key) });
    }),
  );

  // A store without `delete` has the key revoked instead; the answer says which happened.
  api.delete(
    '/api-keys/:id',
    asyncHandler(async (req, res) => {
      const action = await service.deleteKey(keys(), pathParam(req, 'id'), by(req, res));
      res.json({ success: true, action });
    }),
  );

  api.get(
    '/api-keys/:id/usage',
    asyncHandler(async (req, res) => {
      const store = keys();
      const listUsage = requireFeature(store.listUsage?.bind(store), 'API key usage log');
      const paging = parsePaging(req);
      const key = await findKeyOr404(store, pathParam(req, 'id'));
      const { rows, hasMore } = await fetchPage(paging, ({ limit, offset }) =>
        listUsage(key.id, { limit, offset }),
      );
      const { limit, offset } = paging;
      res.json({ entries: rows.map(toAdminUsage), limit, offset, hasMore });
    }),
  );
}
