import type { Request, Router } from 'express';
import { AuthConfigError, AuthError } from '../../core/errors';
import { asyncHandler } from '../../core/http/async-handler';
import { noStore } from '../../core/http/cookies';
import { parseBody } from '../../core/http/validate';
import type { RouterContext } from '../../router/context';
import type { IApiKeyStore } from '../../stores/api-key';
import { ownKeyBody } from './key-input';
import type { ApiKeyRouterOptions } from './router-options';
import { ApiKeyService } from './service';
import { toApiKeyView } from './view';

const DEFAULT_MAX_KEYS = 10;
/** Keys read when listing one user's (they are few: at most maxKeysPerUser active ones). */
const LISTING_LIMIT = 100;

/** The same answer for another user's key and for no key: nothing is told about others'. */
const notFound = () => new AuthError('API key not found', 'API_KEY_NOT_FOUND', 404);

/**
 * GET /api-keys, POST /api-keys, DELETE /api-keys/:id: keys a signed-in user holds for their
 * own scripts (`req.apiKey.userId` names them). Creating one needs a recent sign-in, since a
 * key outlives every session; scopes are limited to `allowedScopes`.
 */
export function registerApiKeyRoutes(
  router: Router,
  ctx: RouterContext,
  options: ApiKeyRouterOptions,
): void {
  const settings = options.apiKeys;
  if (!settings?.selfService) return;
  const store = settings.store;
  if (!store?.listKeys) {
    throw new AuthConfigError([
      'apiKeys.selfService needs an API key store with listKeys (apiKeys.store, or the AuthConfigurator’s apiKeyStore)',
    ]);
  }
  const keys: IApiKeyStore & Required<Pick<IApiKeyStore, 'listKeys'>> = store as never;
  const service = new ApiKeyService({ ...settings, eventBus: ctx.bus });
  const allowedScopes = new Set(settings.allowedScopes ?? []);
  const maxKeys = settings.maxKeysPerUser ?? DEFAULT_MAX_KEYS;
  const ownKeys = (userId: string) => keys.listKeys({ userId, limit: LISTING_LIMIT });

  async function ownKey(req: Request) {
    const key = await keys.findById(String(req.params.id));
    if (!key || key.userId !== req.user!.sub) throw notFound();
    return key;
  }

  router.get(
    '/api-keys',
    ctx.requireAuth,
    asyncHandler(async (req, res) => {
      noStore(res);
      res.json({ apiKeys: (await ownKeys(req.user!.sub)).map(toApiKeyView) });
    }),
  );

  router.post(
    '/api-keys',
    ...ctx.sensitive,
    ctx.requireAuth,
    ctx.requireRecentAuth,
    asyncHandler(async (req, res) => {
      noStore(res);
      const body = parseBody(req, ownKeyBody);
      const refused = body.scopes.filter((s) => !allowedScopes.has(s));
      if (refused.length > 0) {
        throw new AuthError('A requested scope is not allowed', 'VALIDATION_ERROR', 400, {
          details: refused.map((s) => ({ field: 'scopes', message: `"${s}" is not allowed` })),
        });
      }
      const userId = req.user!.sub;
      // Count and create as one step per user in this process, so parallel requests cannot
      // all pass the count (across instances the limit can be passed by a request or two).
      const { rawKey, record } = await ctx.oneTime.run(`api-keys:${userId}`, async () => {
        const active = (await ownKeys(userId)).filter((k) => k.isActive);
        if (active.length >= maxKeys) {
          throw new AuthError(
            `At most ${maxKeys} active API keys per user`,
            'API_KEY_LIMIT_REACHED',
            409,
          );
        }
        return service.createKey(
          keys,
          { ...body, expiresAt: body.expiresAt ?? undefined, userId },
          { actor: userId, ...(req.ip !== undefined && { ip: req.ip }) },
        );
      });
      res.status(201).json({ rawKey, apiKey: toApiKeyView(record) });
    }),
  );

  router.delete(
    '/api-keys/:id',
    ...ctx.sensitive,
    ctx.requireAuth,
    asyncHandler(async (req, res) => {
      noStore(res);
      const key = await ownKey(req);
      const revoked = await service.revokeKey(keys, key.id, {
        actor: req.user!.sub,
        ...(req.ip !== undefined && { ip: req.ip }),
      });
      res.json({ success: true, apiKey: toApiKeyView(revoked) });
    }),
  );

  // A deleted account's keys stop working with it.
  ctx.accountCleanups.push(async (userId) => {
    await service.revokeUserKeys(keys, userId, { actor: userId });
  });
}
