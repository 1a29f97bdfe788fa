/**
 * Secret-bearing fields of a user record (hashes, secrets and their expiries): none may appear
 * in a response, whether to the user (`GET /me`) or to an administrator.
 */
export const SECRET_FIELDS = [
  'password',
  'refreshToken',
  'refreshTokenExpiry',
  'resetToken',
  'resetTokenExpiry',
  'totpSecret',
  'magicLinkToken',
  'magicLinkTokenExpiry',
  'smsCode',
  'smsCodeExpiry',
  'emailVerificationToken',
  'emailVerificationTokenExpiry',
  'emailChangeToken',
  'emailChangeTokenExpiry',
  'accountLinkToken',
  'accountLinkTokenExpiry',
];
