import { z } from 'zod';
import { fields } from '../../core/http/validate';

/** A provider label: the OAuth strategy's name, or `'email'` for a plain address. */
const provider = () => z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be a provider name');

/** POST /link-request: `{ email, provider?, emailLang? }`. */
export const linkRequestBody = z.object({
  email: fields.email(),
  provider: provider().optional(),
  emailLang: fields.lang(),
});

/** POST /link-verify: `{ token, loginAfterLinking? }`. */
export const linkVerifyBody = z.object({
  token: fields.token(),
  loginAfterLinking: z.boolean().optional(),
});
