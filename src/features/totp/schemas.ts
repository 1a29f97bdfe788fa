import { z } from 'zod';
import { fields } from '../../core/http/validate';
import { MAX_CODE_CHARS } from './options';

const code = () => z.string().min(1).max(MAX_CODE_CHARS);

const proofShape = { totpCode: code().optional(), recoveryCode: code().optional() };
const exactlyOneProof = (body: { totpCode?: string; recoveryCode?: string }) =>
  (body.totpCode === undefined) !== (body.recoveryCode === undefined);
const proofMessage = { message: 'give either totpCode or recoveryCode' };

/** POST /2fa/verify-setup: the code the app shows for the secret from /2fa/setup. */
export const verifySetupBody = z.object({
  token: code(),
  // Enrolment during sign-in: the temporary token of a 2FA_SETUP_REQUIRED answer.
  tempToken: fields.tempToken().optional(),
  // Base32 as shown for manual entry; spaces and lower case are what people type.
  secret: z
    .string()
    .max(256)
    .transform((s) => s.replace(/\s+/g, '').toUpperCase())
    .pipe(z.string().regex(/^[A-Z2-7]{16,128}=*$/, 'must be the base32 secret from /2fa/setup')),
});

/** POST /2fa/verify: the temporary token from /login and one proof. */
export const challengeBody = z
  .object({ tempToken: fields.tempToken(), ...proofShape })
  .refine(exactlyOneProof, proofMessage);

/** POST /2fa/disable: one proof, so an access token alone cannot switch 2FA off. */
export const proofBody = z.object(proofShape).refine(exactlyOneProof, proofMessage);

/** POST /2fa/recovery-codes: a current code from the app. */
export const totpCodeBody = z.object({ totpCode: code() });
