import { z } from 'zod';
import type { ApiResponse } from '../core/openapi/operation';

/**
 * The answers of `completeSignIn` and `finishSecondFactor`, for the specs of every route that
 * ends a sign-in. Loose: a second factor may add fields (new recovery codes).
 */
export const sessionStarted = z.looseObject({
  success: z.literal(true),
  accessToken: z
    .string()
    .optional()
    .meta({ description: 'Only with `X-Auth-Strategy: bearer`; otherwise a cookie.' }),
  refreshToken: z.string().optional(),
});

/** A first factor held and a second one is needed: answer it with the temporary token. */
export const challengeStarted = z.object({
  requiresTwoFactor: z.literal(true),
  tempToken: z.string(),
  available2faMethods: z.array(z.string()),
});

/** Policy requires a second factor the user has not set up (403 2FA_SETUP_REQUIRED). */
export const setupRequired = z.object({
  requires2FASetup: z.literal(true),
  tempToken: z.string().optional(),
  error: z.string(),
  code: z.literal('2FA_SETUP_REQUIRED'),
});

/** The 200 of a route that ends in `completeSignIn`: a session, or a 2FA challenge. */
export const SIGN_IN_ANSWER: ApiResponse = {
  description:
    'Signed in (tokens as cookies, or in the body with `X-Auth-Strategy: bearer`), or a second factor is needed.',
  body: z.union([sessionStarted, challengeStarted]),
};

/** The 403 a sign-in may answer with, beside the usual `{ error, code }` ones. */
export const SIGN_IN_REFUSED: ApiResponse = {
  description: 'EMAIL_NOT_VERIFIED, EMAIL_VERIFICATION_REQUIRED or 2FA_SETUP_REQUIRED.',
  body: z.union([
    setupRequired,
    z.looseObject({
      error: z.string(),
      code: z.enum([
        'EMAIL_NOT_VERIFIED',
        'EMAIL_VERIFICATION_REQUIRED',
        'CSRF_INVALID',
        'CSRF_ORIGIN_MISMATCH',
        'SECOND_FACTOR_NOT_ALLOWED',
      ]),
    }),
  ]),
};

/** Errors of `finishSecondFactor`: a bad, spent or exhausted temporary token. */
export const SECOND_FACTOR_ERRORS = {
  401: ['INVALID_TEMP_TOKEN', 'TEMP_TOKEN_EXPIRED', 'TEMP_TOKEN_USED', 'TEMP_TOKEN_EXHAUSTED'],
  403: ['SECOND_FACTOR_NOT_ALLOWED'],
} as const;
