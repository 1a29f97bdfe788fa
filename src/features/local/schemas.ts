import { z } from 'zod';
import { fields } from '../../core/http/validate';

/** POST /register: any JSON object; the app's `onRegister` validates its own fields. */
export const registerBody = z.record(z.string(), z.unknown());

/** POST /login. */
export const loginBody = z.object({ email: fields.email(), password: fields.password() });

/** POST /change-password. */
export const changePasswordBody = z.object({
  currentPassword: fields.password(),
  newPassword: fields.password(),
});

/** POST /forgot-password. */
export const forgotBody = z.object({ email: fields.email(), emailLang: fields.lang() });

/** POST /reset-password: `newPassword` (or its older name `password`) and the mailed token. */
export const resetBody = z
  .object({
    token: fields.token(),
    newPassword: fields.password().optional(),
    password: fields.password().optional(),
  })
  .refine((b) => b.newPassword !== undefined || b.password !== undefined, {
    message: 'newPassword is required',
    path: ['newPassword'],
  });
