import { z } from 'zod';
import { AuthError } from '../../core/errors';
import { invalidAllowlistEntries } from './ip-allowlist';

/** A scope: printable, no spaces (`webhooks:receive`, `reports.read`). */
const scope = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\x21-\x7e]+$/, 'must be printable characters without spaces');

/** An expiry as a Date or an ISO 8601 string; it must lie in the future. */
const expiry = z
  .union([z.date(), z.string().max(40)])
  .transform((v, ctx) => {
    const at = v instanceof Date ? v : new Date(v);
    if (Number.isNaN(at.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'must be a date (ISO 8601)' });
      return z.NEVER;
    }
    return at;
  })
  .refine((at) => at.getTime() > Date.now(), 'must be in the future');

/** What a new key may carry: `ApiKeyService.createKey`, the admin and self-service routes. */
export const createKeySchema = z.object({
  name: z.string().trim().min(1).max(100),
  serviceId: z.string().trim().min(1).max(200).optional(),
  scopes: z.array(scope).max(50).default([]),
  allowedIps: z
    .array(z.string().max(64))
    .max(100)
    .default([])
    .refine((ips) => invalidAllowlistEntries(ips).length === 0, {
      message: 'every entry must be an IPv4/IPv6 address or a CIDR range',
    }),
  expiresAt: expiry.optional(),
  userId: z.string().min(1).max(200).optional(),
});

/** `createKey`'s second argument. */
export type CreateApiKeyInput = z.input<typeof createKeySchema>;
export type ValidKeyInput = z.output<typeof createKeySchema>;

/** Validates a new key's fields; anything wrong is 400 INVALID_INPUT naming the fields. */
export function validKeyInput(input: unknown): ValidKeyInput {
  const result = createKeySchema.safeParse(input ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({
    field: i.path.map(String).join('.') || 'input',
    message: i.message,
  }));
  const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  throw new AuthError(`Invalid API key: ${summary}`, 'INVALID_INPUT', 400, { details });
}

/** What a user may set on their own key: no service id, and the owner is always themselves. */
export const ownKeyBody = createKeySchema
  .pick({ name: true, scopes: true, allowedIps: true })
  .extend({ expiresAt: z.union([z.string().max(40), z.null()]).optional() });
