import { z } from 'zod';
import {
  RATE_LIMIT_ERRORS,
  RECENT_AUTH_ERRORS,
  SIGNED_IN_ERRORS,
  SIGNED_IN_WRITE,
  mergeErrors,
  successBody,
  type ApiOperation,
} from '../../core/openapi/operation';
import {
  SECOND_FACTOR_ERRORS,
  SIGN_IN_ANSWER,
  SIGN_IN_REFUSED,
  sessionStarted,
} from '../../router/sign-in-answers';
import { challengeBody, proofBody, totpCodeBody, verifySetupBody } from './schemas';

const TAG = 'Two-factor (TOTP)';

const recoveryCodes = z.object({ success: z.literal(true), recoveryCodes: z.array(z.string()) });
const CODE_ERRORS = { 401: ['INVALID_2FA_CODE'] } as const;
/** Signed in, or enrolling with the temporary token of a 2FA_SETUP_REQUIRED answer. */
const SIGNED_IN_OR_ENROLLING = [...SIGNED_IN_WRITE, []];

/** The spec of the /2fa/* routes. */
export function totpOperations(): ApiOperation[] {
  return [
    {
      method: 'post',
      path: '/2fa/setup',
      tag: TAG,
      summary: 'Start enrolment: a new secret, its otpauth URL and QR code',
      description:
        'Signed in (recently), or during sign-in with the `tempToken` of a 2FA_SETUP_REQUIRED answer.',
      security: SIGNED_IN_OR_ENROLLING,
      body: z.looseObject({ tempToken: z.string().optional() }),
      responses: {
        200: {
          description: 'Nothing is stored until /2fa/verify-setup.',
          body: z.object({ secret: z.string(), otpauthUrl: z.string(), qrCode: z.string() }),
        },
      },
      errors: mergeErrors(SIGNED_IN_ERRORS, RECENT_AUTH_ERRORS, SECOND_FACTOR_ERRORS, {
        400: ['2FA_ALREADY_ENABLED'],
        404: ['USER_NOT_FOUND'],
      }),
    },
    {
      method: 'post',
      path: '/2fa/verify-setup',
      tag: TAG,
      summary: 'Finish enrolment with a first code; returns recovery codes',
      description: 'With `tempToken`, the sign-in completes too and the session starts.',
      security: SIGNED_IN_OR_ENROLLING,
      body: verifySetupBody,
      responses: {
        200: {
          description: 'Enabled (and, while signing in, signed in).',
          body: z.union([recoveryCodes, sessionStarted]),
        },
      },
      errors: mergeErrors(
        SIGNED_IN_ERRORS,
        RECENT_AUTH_ERRORS,
        SECOND_FACTOR_ERRORS,
        CODE_ERRORS,
        RATE_LIMIT_ERRORS,
        { 400: ['2FA_ALREADY_ENABLED'], 404: ['USER_NOT_FOUND'] },
      ),
    },
    {
      method: 'post',
      path: '/2fa/verify',
      tag: TAG,
      summary: 'Answer a sign-in challenge with a TOTP or recovery code',
      body: challengeBody,
      responses: { 200: SIGN_IN_ANSWER, 403: SIGN_IN_REFUSED },
      errors: mergeErrors(SECOND_FACTOR_ERRORS, CODE_ERRORS, RATE_LIMIT_ERRORS, {
        400: ['TEMP_TOKEN_REQUIRED', '2FA_NOT_ENABLED'],
      }),
    },
    {
      method: 'post',
      path: '/2fa/disable',
      tag: TAG,
      summary: 'Switch TOTP off (needs a current code or a recovery code)',
      security: SIGNED_IN_WRITE,
      body: proofBody,
      responses: { 200: { description: 'Disabled.', body: successBody } },
      errors: mergeErrors(SIGNED_IN_ERRORS, CODE_ERRORS, RATE_LIMIT_ERRORS, {
        400: ['2FA_NOT_ENABLED'],
        403: ['2FA_REQUIRED'],
        404: ['USER_NOT_FOUND'],
      }),
    },
    {
      method: 'post',
      path: '/2fa/recovery-codes',
      tag: TAG,
      summary: 'Replace my recovery codes',
      security: SIGNED_IN_WRITE,
      body: totpCodeBody,
      responses: {
        200: { description: 'The new codes; the old ones stop working.', body: recoveryCodes },
      },
      errors: mergeErrors(SIGNED_IN_ERRORS, CODE_ERRORS, RATE_LIMIT_ERRORS, {
        400: ['2FA_NOT_ENABLED'],
        404: ['USER_NOT_FOUND'],
      }),
    },
  ];
}
