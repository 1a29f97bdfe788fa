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

const TAG = 'SMS';

/** The spec of POST /sms/send and /sms/verify. */
export function smsOperations(): ApiOperation[] {
  return [
    {
      method: 'post',
      path: '/sms/send',
      tag: TAG,
      summary: 'Text a sign-in code (first factor, or second with `mode: "2fa"`)',
      body: sendBody,
      responses: {
        200: { description: 'Accepted.', body: messageBody },
      },
      errors: mergeErrors(SECOND_FACTOR_ERRORS, RATE_LIMIT_ERRORS, {
        400: ['TEMP_TOKEN_REQUIRED', 'NO_PHONE_NUMBER'],
        404: ['USER_NOT_FOUND'],
        429: ['SMS_RESEND_TOO_SOON'],
        501: ['SMS_NOT_CONFIGURED'],
        502: ['SMS_DELIVERY_FAILED'],
      }),
    },
    {
      method: 'post',
      path: '/sms/verify',
      tag: TAG,
      summary: 'Sign in with the texted code',
      body: verifyBody,
      responses: { 200: SIGN_IN_ANSWER, 403: SIGN_IN_REFUSED },
      errors: mergeErrors(SECOND_FACTOR_ERRORS, RATE_LIMIT_ERRORS, {
        400: ['TEMP_TOKEN_REQUIRED'],
        401: ['INVALID_SMS_CODE'],
        404: ['USER_NOT_FOUND'],
        501: ['SMS_NOT_CONFIGURED'],
      }),
    },
  ];
}
