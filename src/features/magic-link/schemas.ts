import { z } from 'zod';
import { fields } from '../../core/http/validate';

/**
 * POST /magic-link/send: `{ email, emailLang? }` (mode 'login', the default) or
 * `{ mode: '2fa', tempToken, emailLang? }`.
 */
export const sendBody = z.union([
  z.object({
    mode: z.literal('login').optional(),
    email: fields.email(),
    emailLang: fields.lang(),
  }),
  z.object({ mode: z.literal('2fa'), tempToken: fields.tempToken(), emailLang: fields.lang() }),
]);

/**
 * POST /magic-link/verify: `{ token }` (mode 'login', the default) or
 * `{ token, mode: '2fa', tempToken }`.
 */
export const verifyBody = z.union([
  z.object({ mode: z.literal('login').optional(), token: fields.token() }),
  z.object({ mode: z.literal('2fa'), token: fields.token(), tempToken: fields.tempToken() }),
]);
