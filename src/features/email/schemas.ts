import { z } from 'zod';
import { fields } from '../../core/http/validate';

/** POST /send-verification-email: the mail's language, if any. */
export const sendBody = z.looseObject({ emailLang: fields.lang() });

/** GET /verify-email?token=…: the link in the mail. */
export const verifyQuery = z.object({ token: fields.token() });
