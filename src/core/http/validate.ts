import type { Request } from 'express';
import { z } from 'zod';
import { AuthError } from '../errors';

/** Field builders shared by every endpoint's body schema. */
export const fields = {
  /** Lenient shape check; 254 is the longest address SMTP carries. */
  email: () =>
    z
      .string()
      .max(254)
      .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address'),
  /** Length rules live in PasswordService, so they give their own codes. */
  password: () => z.string().min(1).max(1024),
  token: () => z.string().min(1).max(512),
  /** A temporary 2FA token (a JWT: longer than a one-time token). */
  tempToken: () => z.string().min(1).max(4096),
  lang: () => z.string().max(10).optional(),
};

/**
 * Parses `req.body` with a schema; anything else (missing body, wrong types, oversize strings)
 * is a 400 VALIDATION_ERROR that names the offending fields.
 */
export function parseBody<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const result = schema.safeParse(req.body ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({
    field: i.path.join('.') || 'body',
    message: i.message,
  }));
  const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  throw new AuthError(`Invalid request: ${summary}`, 'VALIDATION_ERROR', 400, { details });
}
