import { z } from 'zod';
import {
  RATE_LIMIT_ERRORS,
  RECENT_AUTH_ERRORS,
  SIGNED_IN_ERRORS,
  SIGNED_IN_READ,
  SIGNED_IN_WRITE,
  mergeErrors,
  messageBody,
  successBody,
  type ApiOperation,
} from '../../core/openapi/operation';
import type { AuthApiFeatures } from '../../router/api-features';
import { SIGN_IN_ANSWER, SIGN_IN_REFUSED } from '../../router/sign-in-answers';
import { linkRequestBody, linkVerifyBody } from './schemas';

const TAG = 'Linked accounts';

/** A provider account (or confirmed address) linked to a user. */
export const linkedAccount = z.looseObject({
  provider: z.string(),
  providerAccountId: z.string(),
  email: z.string().nullable().optional(),
  linkedAt: z.iso.datetime().optional(),
});

/** The spec of /linked-accounts, /link-request and /link-verify. */
export function linkingOperations(features: AuthApiFeatures): ApiOperation[] {
  if (!features.linkedAccounts) return [];
  const ops: ApiOperation[] = [
    {
      method: 'get',
      path: '/linked-accounts',
      tag: TAG,
      summary: 'My linked accounts',
      security: SIGNED_IN_READ,
      responses: {
        200: {
          description: 'Linked accounts.',
          body: z.object({ linkedAccounts: z.array(linkedAccount) }),
        },
      },
      errors: SIGNED_IN_ERRORS,
    },
    {
      method: 'delete',
      path: '/linked-accounts/:provider/:providerAccountId',
      tag: TAG,
      summary: 'Unlink an account (never the last way to sign in)',
      security: SIGNED_IN_WRITE,
      responses: { 200: { description: 'Unlinked.', body: successBody } },
      errors: mergeErrors(SIGNED_IN_ERRORS, RECENT_AUTH_ERRORS, {
        404: ['NOT_FOUND', 'USER_NOT_FOUND'],
        409: ['LAST_SIGN_IN_METHOD'],
      }),
    },
  ];
  if (!features.linkRequests) return ops;
  ops.push(
    {
      method: 'post',
      path: '/link-request',
      tag: TAG,
      summary: 'Mail a link that links an address (or a conflicting provider account)',
      security: SIGNED_IN_WRITE,
      body: linkRequestBody,
      responses: { 200: { description: 'Sent.', body: messageBody } },
      errors: mergeErrors(SIGNED_IN_ERRORS, RECENT_AUTH_ERRORS, {
        404: ['USER_NOT_FOUND'],
        501: ['MAIL_NOT_CONFIGURED'],
        502: ['MAIL_DELIVERY_FAILED'],
      }),
    },
    {
      method: 'post',
      path: '/link-verify',
      tag: TAG,
      summary: 'Confirm the link with the mailed token',
      description: 'With `loginAfterLinking: true` the answer is a sign-in.',
      body: linkVerifyBody,
      responses: {
        200: {
          description: 'Linked (or, with loginAfterLinking, signed in).',
          body: z.union([
            z.object({ success: z.literal(true), linkedAccount }),
            ...(SIGN_IN_ANSWER.body ? [SIGN_IN_ANSWER.body] : []),
          ]),
        },
        403: SIGN_IN_REFUSED,
      },
      errors: mergeErrors(RATE_LIMIT_ERRORS, {
        400: ['TOKEN_REQUIRED', 'INVALID_OR_EXPIRED_TOKEN'],
        409: ['ACCOUNT_ALREADY_LINKED'],
      }),
    },
  );
  return ops;
}
