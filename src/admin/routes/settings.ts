import type { Router } from 'express';
import { z } from 'zod';
import { AuthEventNames } from '../../core/events';
import { asyncHandler } from '../../core/http/async-handler';
import { requireFeature, type AdminContext } from '../context';
import { parseInput } from '../input';
import { enabledActionsSetting } from './inbound-webhook-input';

/**
 * The known settings are checked by type; an application may keep its own flags beside them,
 * as plain values (strings, numbers, booleans, null) under short names.
 */
export const settingsBody = z
  .object({
    emailVerificationMode: z.enum(['none', 'lazy', 'strict']).optional(),
    require2FA: z.boolean().optional(),
    /** The actions inbound webhook scripts may call at all (the Control tab's switches). */
    enabledWebhookActions: enabledActionsSetting.optional(),
  })
  .catchall(z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]))
  .refine((s) => Object.keys(s).length <= 100, 'at most 100 settings')
  .refine(
    (s) => Object.keys(s).every((k) => k.length <= 100),
    'setting names are 100 characters at most',
  );

/** GET /settings and PUT /settings (a partial update). */
export function registerSettingsRoutes(api: Router, ctx: AdminContext): void {
  const settings = () => requireFeature(ctx.stores.settingsStore, 'settings');

  api.get(
    '/settings',
    asyncHandler(async (_req, res) => {
      // The settings themselves, not wrapped, as the reference SDK answers; a store with no
      // row yet (e.g. `db('settings').first()`) reads as no settings.
      res.json((await settings().getSettings()) ?? {});
    }),
  );

  api.put(
    '/settings',
    asyncHandler(async (req, res) => {
      const store = settings();
      const changes = parseInput(req, settingsBody);
      await store.updateSettings(changes);
      ctx.publish(AuthEventNames.ADMIN_SETTINGS_UPDATED, req, res, { data: { changes } });
      res.json({ success: true, settings: await store.getSettings() });
    }),
  );
}
