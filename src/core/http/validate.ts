import type { Request } from 'express';
import { z } from 'zod';
import { AuthError, type AuthErrorCode } from '../errors';

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
export function parseBody<S extends z.ZodType>(
  req: Request,
  schema: S,
  required: RequiredFields = {},
): z.infer<S> {
  assertPresent(req.body, required);
  const result = schema.safeParse(req.body ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({
    field: i.path.join('.') || 'body',
    message: i.message,
  }));
  const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  throw new AuthError(`Invalid request: ${summary}`, 'VALIDATION_ERROR', 400, { details });
}

/** Fields whose absence has its own error code (`{ tempToken: 'TEMP_TOKEN_REQUIRED' }`). */
export type RequiredFields = Readonly<Record<string, AuthErrorCode>>;

/**
 * Throws the field's own code (400) when `source` is an object that lacks it (absent, null or
 * empty), so a client can tell "you forgot the token" from a malformed one. A missing body is
 * left to the schema.
 */
export function assertPresent(source: unknown, required: RequiredFields): void {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return;
  for (const [field, code] of Object.entries(required)) {
    const value = (source as Record<string, unknown>)[field];
    if (value === undefined || value === null || value === '') {
      throw new AuthError(`${field} is required`, code, 400, {
        details: [{ field, message: 'is required' }],
      });
    }
  }
}

/** True for a body asking for the second-factor mode (`mode: '2fa'`), which needs a tempToken. */
export function isTwoFactorMode(req: Request): boolean {
  const body = req.body as unknown;
  return typeof body === 'object' && body !== null && (body as { mode?: unknown }).mode === '2fa';
}
