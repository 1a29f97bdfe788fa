/**
 * Every error code keyward can answer with. Codes are stable: clients switch on them, docs list
 * each one once (docs/errors.md). Messages are for people and may change.
 */
export const AuthErrorCodes = [
  'VALIDATION_ERROR',
  'EMAIL_REQUIRED',
  'TOKEN_REQUIRED',
  'INVALID_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INVALID_CREDENTIALS',
  'PASSWORD_TOO_SHORT',
  'PASSWORD_TOO_LONG',
  'PASSWORD_TOO_COMMON',
  'SERVER_BUSY',
  'UNAUTHORIZED',
  'TOKEN_EXPIRED',
  'INVALID_TOKEN',
  'INVALID_OR_EXPIRED_TOKEN',
  'REFRESH_TOKEN_MISSING',
  'INVALID_REFRESH_TOKEN',
  'REFRESH_TOKEN_REUSED',
  'SESSION_REVOKED',
  'SESSION_EXPIRED',
  'CSRF_INVALID',
  'CSRF_ORIGIN_MISMATCH',
  'INVALID_TEMP_TOKEN',
  'TEMP_TOKEN_REQUIRED',
  'TEMP_TOKEN_EXPIRED',
  'TEMP_TOKEN_USED',
  'TEMP_TOKEN_EXHAUSTED',
  'REAUTHENTICATION_REQUIRED',
  'INVALID_2FA_CODE',
  'SECOND_FACTOR_NOT_ALLOWED',
  'INVALID_SMS_CODE',
  'SMS_RESEND_TOO_SOON',
  'SMS_NOT_CONFIGURED',
  'SMS_DELIVERY_FAILED',
  'NO_PHONE_NUMBER',
  '2FA_SETUP_REQUIRED',
  '2FA_REQUIRED',
  '2FA_NOT_ENABLED',
  '2FA_ALREADY_ENABLED',
  'EMAIL_NOT_VERIFIED',
  'EMAIL_VERIFICATION_REQUIRED',
  'EMAIL_ALREADY_VERIFIED',
  'EMAIL_IN_USE',
  'NO_PASSWORD_SET',
  'USER_NOT_FOUND',
  'MAIL_NOT_CONFIGURED',
  'MAIL_DELIVERY_FAILED',
  'NOT_SUPPORTED',
  'NOT_FOUND',
  'FORBIDDEN',
  'STORE_UNAVAILABLE',
  // OAuth sign-in (callback failures arrive as redirects to {siteUrl}/auth/error?code=…)
  'OAUTH_STATE_MISMATCH',
  'OAUTH_PROVIDER_ERROR',
  'OAUTH_ISSUER_MISMATCH',
  'OAUTH_TOKEN_EXCHANGE_FAILED',
  'OAUTH_ID_TOKEN_INVALID',
  'OAUTH_PROFILE_FAILED',
  'OAUTH_ACCOUNT_CONFLICT',
  'OAUTH_INVALID_RETURN_TO',
  'OAUTH_DISCOVERY_FAILED',
  'OAUTH_DISCOVERY_ISSUER_MISMATCH',
  'OAUTH_STRATEGY_NOT_MOUNTED',
  'OAUTH_RESPONSE_REQUIRED',
  // Account linking
  'ACCOUNT_ALREADY_LINKED',
  'LAST_SIGN_IN_METHOD',
  // Admin API (createAdminRouter)
  'ADMIN_UNAUTHORIZED',
  'RATE_LIMITED',
  'INVALID_INPUT',
  'FEATURE_NOT_ENABLED',
  'SESSION_NOT_FOUND',
  'ROLE_NOT_FOUND',
  'TENANT_NOT_FOUND',
  'INTERNAL_ERROR',
  // API keys (createApiKeyMiddleware, admin and self-service key routes)
  'API_KEY_MISSING',
  'API_KEY_INVALID',
  'API_KEY_REVOKED',
  'API_KEY_EXPIRED',
  'API_KEY_IP_BLOCKED',
  'API_KEY_INSUFFICIENT_SCOPE',
  'API_KEY_NOT_FOUND',
  'API_KEY_LIMIT_REACHED',
  // Event tools and webhooks
  'WEBHOOK_NOT_FOUND',
  'WEBHOOK_URL_REFUSED',
  'WEBHOOK_DELIVERY_NOT_FOUND',
  'WEBHOOK_DELIVERY_PENDING',
  'WEBHOOK_PROVIDER_UNKNOWN',
  'WEBHOOK_PROVIDER_TAKEN',
  'WEBHOOK_SIGNATURE_INVALID',
  'STREAM_LIMIT_REACHED',
] as const;

/** A stable error code from {@link AuthErrorCodes}, or an application's own code. */
export type AuthErrorCode = (typeof AuthErrorCodes)[number] | (string & NonNullable<unknown>);

/**
 * Brands AuthErrors so that `instanceof AuthError` holds across copies of this module: an app
 * that loads keyward both through `import` (ESM build) and `require` (CommonJS build) has two,
 * and an AuthError thrown by one must still be recognised by the other's error handling.
 */
const AUTH_ERROR_BRAND = Symbol.for('keyward.AuthError');

/** The one error type keyward throws and answers with: `{ error: message, code }` over HTTP. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    message: string,
    readonly code: AuthErrorCode,
    readonly statusCode = 400,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    Object.defineProperty(this, AUTH_ERROR_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep the ordinary prototype-chain check.
    if (this !== AuthError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[AUTH_ERROR_BRAND] === true
    );
  }
}

/** Thrown at construction when the configuration cannot work; lists every problem at once. */
export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
  constructor(readonly problems: string[]) {
    super(`keyward: invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}
