/**
 * The TOTP parameters keyward uses. They are the ones every authenticator app (Google
 * Authenticator, Authy, 1Password, …) assumes when the otpauth URL names nothing else:
 * HMAC-SHA1, 6 digits, 30-second steps (RFC 6238).
 */
export const TOTP_PERIOD_SECONDS = 30;

/** The name of the method in `available2faMethods`. */
export const TOTP_METHOD = 'totp';
export const TOTP_DIGITS = 6;

/** Clock drift accepted on either side, in time steps: one step (30 s) early or late. */
export const TOTP_DRIFT_STEPS = 1;

/** Random bytes in a new secret: 160 bits, the size RFC 4226 recommends for HMAC-SHA1. */
export const TOTP_SECRET_BYTES = 20;

/**
 * Shortest secret a code is checked against: 80 bits. New secrets are 160, but apps migrating
 * from other SDKs hold secrets paired years ago at 80 bits (a common library default), and
 * refusing them would lock those users out; otplib's own floor is 128.
 */
export const MIN_VERIFY_SECRET_BYTES = 10;

/** How many recovery codes a user gets at once. */
export const RECOVERY_CODE_COUNT = 10;

/** Longest code field accepted in a body (codes are short; this only bounds bad input). */
export const MAX_CODE_CHARS = 64;
