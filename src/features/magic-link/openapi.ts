import {
  RATE_LIMIT_ERRORS,
  mergeErrors,
  messageBody,
  type ApiOperation,
} from '../../core/openapi/operation';
import {
  SECOND_FACTOR_ERRORS,
  SIGN_IN_ANSWER,
  SIGN_IN_REFUSED,
} from '../../router/sign-in-answers';
import { sendBody, verifyBody } from './schemas';

const TAG = 'Magic link';

/** The spec of POST /magic-link/send and /magic-link/verify. */
export function magicLinkOperations(): ApiOperation[] {
  return [
    {
      method: 'post',
      path: '/magic-link/send',
      tag: TAG,
      summary: 'Mail a sign-in link (first factor, or second with `mode: "2fa"`)',
      body: sendBody,
      responses: { 200: { description: 'Accepted.', body: messageBody } },
      errors: mergeErrors(SECOND_FACTOR_ERRORS, RATE_LIMIT_ERRORS, {
        400: ['EMAIL_REQUIRED', 'TEMP_TOKEN_REQUIRED'],
        404: ['USER_NOT_FOUND'],
        501: ['MAIL_NOT_CONFIGURED'],
        502: ['MAIL_DELIVERY_FAILED'],
      }),
    },
    {
      method: 'post',
      path: '/magic-link/verify',
      tag: TAG,
      summary: 'Sign in with the mailed token',
      body: verifyBody,
      responses: { 200: SIGN_IN_ANSWER, 403: SIGN_IN_REFUSED },
      errors: mergeErrors(SECOND_FACTOR_ERRORS, RATE_LIMIT_ERRORS, {
        400: ['TOKEN_REQUIRED', 'TEMP_TOKEN_REQUIRED', 'INVALID_OR_EXPIRED_TOKEN'],
        401: ['INVALID_OR_EXPIRED_TOKEN'],
      }),
    },
  ];
}
