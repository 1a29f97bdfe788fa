import { z } from 'zod';
import { fields } from '../../core/http/validate';

/** POST /change-email/request. */
export const requestBody = z.object({ newEmail: fields.email(), emailLang: fields.lang() });

/** POST /change-email/confirm: the token mailed to the new address. */
export const confirmBody = z.object({ token: fields.token(), emailLang: fields.lang() });
