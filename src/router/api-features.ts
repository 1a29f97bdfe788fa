/**
 * Which optional parts of the auth router a spec documents. `buildAuthOpenApiSpec` takes it
 * from the caller; the router derives it from its own configuration. Routes that are always
 * mounted (login, refresh, logout, /me, password reset, email verification…) need no flag.
 */
export interface AuthApiFeatures {
  /** POST /register (an `onRegister` hook). */
  register?: boolean;
  /** POST /magic-link/send and /verify (a user store with magic-link tokens). */
  magicLink?: boolean;
  /** The /2fa/* routes (a user store that saves TOTP secrets). */
  totp?: boolean;
  /** POST /sms/send and /sms/verify. */
  sms?: boolean;
  /** GET /oauth/{name} and its callback; a list names the providers. */
  oauth?: boolean | readonly string[];
  /** DELETE /account (a user store with deleteUser). */
  deleteAccount?: boolean;
  /** POST /sessions/cleanup (a session store with deleteExpiredSessions). */
  sessionCleanup?: boolean;
  /** GET and DELETE /linked-accounts (a linked-accounts store). */
  linkedAccounts?: boolean;
  /** POST /link-request and /link-verify (linked accounts and a store with link tokens). */
  linkRequests?: boolean;
  /** GET, POST and DELETE /api-keys (self-service API keys). */
  apiKeys?: boolean;
  /** GET /health (on unless the router's `health` is false). */
  health?: boolean;
}
