import { z } from 'zod';
import {
  RATE_LIMIT_ERRORS,
  SIGNED_IN_ERRORS,
  mergeErrors,
  SIGNED_IN_WRITE,
  messageBody,
  successBody,
  type ApiOperation,
} from '../../core/openapi/operation';
import type { AuthApiFeatures } from '../../router/api-features';
import { SIGN_IN_ANSWER, SIGN_IN_REFUSED } from '../../router/sign-in-answers';
import { changePasswordBody, forgotBody, loginBody, registerBody, resetBody } from './schemas';

const TAG = 'Password';
const PASSWORD_RULES = ['PASSWORD_TOO_SHORT', 'PASSWORD_TOO_LONG', 'PASSWORD_TOO_COMMON'] as const;

/** The spec of the local email/password routes. */
export function localOperations(features: AuthApiFeatures): ApiOperation[] {
  const ops: ApiOperation[] = [];
  if (features.register) {
    ops.push({
      method: 'post',
      path: '/register',
      tag: TAG,
      summary: 'Create an account (through the app’s onRegister hook)',
      body: registerBody,
      responses: {
        201: {
          description: 'Created.',
          body: z.object({ success: z.literal(true), userId: z.string() }),
        },
      },
      errors: { ...RATE_LIMIT_ERRORS, 400: PASSWORD_RULES, 409: ['EMAIL_IN_USE'] },
      appErrors: true,
    });
  }
  ops.push(
    {
      method: 'post',
      path: '/login',
      tag: TAG,
      summary: 'Sign in with email and password',
      description: 'Send `X-Auth-Strategy: bearer` to receive the tokens in the body.',
      body: loginBody,
      responses: { 200: SIGN_IN_ANSWER, 403: SIGN_IN_REFUSED },
      errors: {
        400: ['PASSWORD_TOO_LONG'],
        401: ['INVALID_CREDENTIALS'],
        ...RATE_LIMIT_ERRORS,
      },
    },
    {
      method: 'post',
      path: '/change-password',
      tag: TAG,
      summary: 'Change the password (other devices are signed out)',
      security: SIGNED_IN_WRITE,
      body: changePasswordBody,
      responses: { 200: { description: 'Changed.', body: successBody } },
      errors: mergeErrors(SIGNED_IN_ERRORS, RATE_LIMIT_ERRORS, {
        400: [...PASSWORD_RULES, 'NO_PASSWORD_SET'],
        401: ['INVALID_CREDENTIALS'],
        404: ['USER_NOT_FOUND'],
      }),
    },
    {
      method: 'post',
      path: '/forgot-password',
      tag: TAG,
      summary: 'Mail a password-reset link',
      description: 'The same answer whether or not the account exists.',
      body: forgotBody,
      responses: { 200: { description: 'Accepted.', body: messageBody } },
      errors: { 400: ['EMAIL_REQUIRED'], ...RATE_LIMIT_ERRORS, 501: ['MAIL_NOT_CONFIGURED'] },
    },
    {
      method: 'post',
      path: '/reset-password',
      tag: TAG,
      summary: 'Set a new password with the mailed token (every session ends)',
      body: resetBody,
      responses: { 200: { description: 'Password set.', body: successBody } },
      errors: {
        400: ['TOKEN_REQUIRED', ...PASSWORD_RULES, 'INVALID_OR_EXPIRED_TOKEN'],
        ...RATE_LIMIT_ERRORS,
        501: ['NOT_SUPPORTED'],
      },
    },
  );
  return ops;
}
