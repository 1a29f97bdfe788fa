import { z } from 'zod';
import { ACTION_ID } from '../../core/scripting/action-registry';
import { PROVIDER_NAME } from '../../stores/inbound-verify';

/** Scripts are typed by an admin; 64 KiB is far more than any mapping script needs. */
export const MAX_SCRIPT_CHARS = 65_536;

const actionIds = z
  .array(z.string().regex(ACTION_ID, 'must be an action id (letters, digits and . _ : -)'))
  .max(200)
  .transform((list) => [...new Set(list)]);

/** A header name as Node lower-cases it. */
const headerName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9-]+$/, 'must be a header name')
  .transform((h) => h.toLowerCase());

/**
 * The schemes an admin may choose. `none` is not one of them: accepting unsigned requests lets
 * anyone run the script with a body of their choosing, so only application code may say so
 * (the tools router's `providers` option).
 */
const verify = z.union([
  z.enum(['github', 'stripe', 'standard']),
  z
    .object({
      kind: z.literal('hmac'),
      header: headerName,
      algorithm: z.enum(['sha256', 'sha512']).optional(),
      encoding: z.enum(['hex', 'base64']).optional(),
      prefix: z.string().max(40).optional(),
      deliveryIdHeader: headerName.optional(),
    })
    .strict(),
]);

const secret = z
  .string()
  .min(16)
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'must be printable characters without spaces');

const script = z.string().max(MAX_SCRIPT_CHARS);

/**
 * `POST /webhooks` with a `provider`: an inbound webhook, the reference's
 * `{ provider, allowedActions, jsScript, secret, isActive }`, plus the signature scheme.
 */
export const createInboundBody = z
  .object({
    provider: z.string().trim().regex(PROVIDER_NAME, 'use letters, digits and . _ - (at most 64)'),
    verify: verify.optional(),
    allowedActions: actionIds.optional(),
    jsScript: script.optional(),
    secret: secret.optional(),
    tenantId: z.string().trim().min(1).max(200).optional(),
    isActive: z.boolean().optional(),
  })
  .strict();

export type CreateInboundBody = z.infer<typeof createInboundBody>;

/** `PATCH /webhooks/:id` of an inbound webhook: any of its fields but the provider, at least one. */
export const patchInboundBody = createInboundBody
  .omit({ provider: true })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, 'give at least one field to change');

/** The fields only an inbound webhook has: they make a PATCH an inbound one. */
export const INBOUND_ONLY_FIELDS = ['verify', 'allowedActions', 'jsScript'] as const;

/** `PUT /settings`' `enabledWebhookActions`: the global switch of the actions scripts may call. */
export const enabledActionsSetting = actionIds;

/** A dry run: a sample body, and optionally a draft script and allowed actions to try instead. */
export const dryRunBody = z
  .object({
    body: z.unknown(),
    jsScript: script.optional(),
    allowedActions: actionIds.optional(),
  })
  .strict();
