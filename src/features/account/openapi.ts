import { z } from 'zod';
import {
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
import { confirmBody, requestBody } from './schemas';

const TAG = 'Account';

/** The fields of `safeProfile`: what any answer may show of a user, never a credential. */
export const safeProfileFields = {
  id: z.string(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  role: z.string().nullable(),
  loginProvider: z.string(),
  isEmailVerified: z.boolean(),
  isTotpEnabled: z.boolean(),
  require2FA: z.boolean(),
  phoneNumber: z.string().nullable(),
  hasPassword: z.boolean(),
  createdAt: z.iso.datetime().nullable(),
};

/**
 * GET /me's body (see `richProfile`). Loose: `buildTokenPayload` may add the app's own fields,
 * and the metadata and RBAC stores add theirs.
 */
export const profileBody = z.looseObject({
  ...safeProfileFields,
  available2faMethods: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  roles: z.array(z.string()).optional(),
  permissions: z.array(z.string()).optional(),
});

/** The spec of /me, DELETE /account and the change-email flow. */
export function accountOperations(features: AuthApiFeatures): ApiOperation[] {
  const ops: ApiOperation[] = [
    {
      method: 'get',
      path: '/me',
      tag: TAG,
      summary: 'My profile',
      security: SIGNED_IN_READ,
      responses: { 200: { description: 'The signed-in user.', body: profileBody } },
      errors: mergeErrors(SIGNED_IN_ERRORS, { 404: ['USER_NOT_FOUND'] }),
    },
  ];
  if (features.deleteAccount) {
    ops.push({
      method: 'delete',
      path: '/account',
      tag: TAG,
      summary: 'Delete my account (needs a recent sign-in or a proof)',
      security: SIGNED_IN_WRITE,
      responses: { 200: { description: 'Deleted; cookies cleared.', body: successBody } },
      errors: mergeErrors(SIGNED_IN_ERRORS, RECENT_AUTH_ERRORS, { 404: ['USER_NOT_FOUND'] }),
    });
  }
  ops.push(
    {
      method: 'post',
      path: '/change-email/request',
      tag: TAG,
      summary: 'Mail a confirmation link to a new address',
      description: 'The same answer whether or not the new address is taken.',
      security: SIGNED_IN_WRITE,
      body: requestBody,
      responses: { 200: { description: 'Accepted.', body: messageBody } },
      errors: mergeErrors(SIGNED_IN_ERRORS, RECENT_AUTH_ERRORS, {
        404: ['USER_NOT_FOUND'],
        501: ['NOT_SUPPORTED', 'MAIL_NOT_CONFIGURED'],
      }),
    },
    {
      method: 'post',
      path: '/change-email/confirm',
      tag: TAG,
      summary: 'Confirm the new address with the mailed token',
      body: confirmBody,
      responses: {
        200: {
          description: 'Changed.',
          body: z.object({ success: z.literal(true), email: z.string() }),
        },
      },
      errors: {
        400: ['TOKEN_REQUIRED', 'INVALID_OR_EXPIRED_TOKEN'],
        409: ['EMAIL_IN_USE'],
        501: ['NOT_SUPPORTED'],
      },
    },
  );
  return ops;
}
