import {
  RATE_LIMIT_ERRORS,
  SIGNED_IN_ERRORS,
  SIGNED_IN_WRITE,
  mergeErrors,
  successBody,
  type ApiOperation,
} from '../../core/openapi/operation';
import { sendBody, verifyQuery } from './schemas';

const TAG = 'Email verification';

/** The spec of POST /send-verification-email and GET /verify-email. */
export function emailVerificationOperations(): ApiOperation[] {
  return [
    {
      method: 'post',
      path: '/send-verification-email',
      tag: TAG,
      summary: 'Mail me a verification link',
      security: SIGNED_IN_WRITE,
      body: sendBody,
      responses: { 200: { description: 'Sent (or already sent recently).', body: successBody } },
      errors: mergeErrors(SIGNED_IN_ERRORS, RATE_LIMIT_ERRORS, {
        400: ['EMAIL_ALREADY_VERIFIED'],
        404: ['USER_NOT_FOUND'],
        501: ['NOT_SUPPORTED', 'MAIL_NOT_CONFIGURED'],
        502: ['MAIL_DELIVERY_FAILED'],
      }),
    },
    {
      method: 'get',
      path: '/verify-email',
      tag: TAG,
      summary: 'Verify the address with the mailed token',
      query: verifyQuery,
      responses: { 200: { description: 'Verified.', body: successBody } },
      errors: {
        ...RATE_LIMIT_ERRORS,
        400: ['TOKEN_REQUIRED', 'INVALID_OR_EXPIRED_TOKEN'],
        501: ['NOT_SUPPORTED'],
      },
    },
  ];
}
