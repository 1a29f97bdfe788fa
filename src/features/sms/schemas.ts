import { z } from 'zod';
import { fields } from '../../core/http/validate';
import { SMS_CODE_DIGITS, SMS_CODE_PATTERN } from './options';

const userId = () => z.string().min(1).max(255);
const code = () => z.string().regex(SMS_CODE_PATTERN, `must be ${SMS_CODE_DIGITS} digits`);

/** Who a login-mode request is for: `userId` or `email`, exactly one. */
const loginFields = {
  mode: z.literal('login').optional(),
  userId: userId().optional(),
  email: fields.email().optional(),
};
const exactlyOneTarget = {
  check: (v: { userId?: string; email?: string }) =>
    (v.userId === undefined) !== (v.email === undefined),
  message: { message: 'give either userId or email', path: ['userId'] },
};

/**
 * POST /sms/send: `{ userId }` or `{ email }` (mode 'login', the default), or
 * `{ mode: '2fa', tempToken }`.
 */
export const sendBody = z.union([
  z.object(loginFields).refine(exactlyOneTarget.check, exactlyOneTarget.message),
  z.object({ mode: z.literal('2fa'), tempToken: fields.tempToken() }),
]);

/**
 * POST /sms/verify: `{ userId | email, code }` (mode 'login') or
 * `{ mode: '2fa', tempToken, code }`.
 */
export const verifyBody = z.union([
  z
    .object({ ...loginFields, code: code() })
    .refine(exactlyOneTarget.check, exactlyOneTarget.message),
  z.object({ mode: z.literal('2fa'), tempToken: fields.tempToken(), code: code() }),
]);
