import type { BaseUser } from '../../stores/user';
import type { MailerConfig } from './mailer-config';

/** Where links in mails land: the base URL (site or allowed origin) plus these paths. */
export interface EmailLinkPaths {
  /** Default `/auth/reset-password`. */
  resetPassword?: string;
  /** Default `/auth/verify-email`. */
  verifyEmail?: string;
  /** Default `/auth/change-email/confirm`. */
  confirmEmailChange?: string;
  /** Default `/auth/magic-link/verify`. */
  magicLink?: string;
  /** Default `/auth/link-verify`: the page that posts the account-link token to POST /link-verify. */
  accountLink?: string;
  /** Default `/login`, used in the welcome mail. */
  login?: string;
}

/** Data for the welcome mail. */
export interface WelcomeMailData {
  loginUrl: string;
  firstName?: string | null;
  tempPassword?: string;
}

/** Mail settings: a transport (`mailer`) and/or callbacks, which take precedence. */
export interface EmailConfig {
  /**
   * Where links in mails and OAuth redirects lead: a web URL (`https://app.example.com`), an app
   * link (`myapp://auth`), or a list of them. With a list, a request whose `Origin` is one of
   * them gets links to that one; any other request gets the first. Nothing outside the list.
   */
  siteUrl?: string | string[];
  mailer?: MailerConfig;
  linkPaths?: EmailLinkPaths;
  sendPasswordReset?: (to: string, token: string, link: string, lang?: string) => Promise<void>;
  sendMagicLink?: (to: string, token: string, link: string, lang?: string) => Promise<void>;
  sendWelcome?: (to: string, data: WelcomeMailData, lang?: string) => Promise<void>;
  sendVerificationEmail?: (to: string, token: string, link: string, lang?: string) => Promise<void>;
  sendEmailChanged?: (to: string, newEmail: string, lang?: string) => Promise<void>;
  /** Tells the user a recovery code was used to sign in (`remaining` codes are left). */
  sendRecoveryCodeUsed?: (
    to: string,
    data: RecoveryCodeUsedMailData,
    lang?: string,
  ) => Promise<void>;
}

/** Data for the "a recovery code was used" mail. */
export interface RecoveryCodeUsedMailData {
  /** Unused recovery codes left. */
  remaining: number;
}

/** Cookie delivery of tokens. */
export interface CookieOptions {
  /**
   * HTTPS only. Default: true when `email.siteUrl` is https, false when it is http on localhost
   * or 127.0.0.1, else true when NODE_ENV is 'production'.
   */
  secure?: boolean;
  /** Default `'lax'`. `'none'` needs `secure: true`. */
  sameSite?: 'strict' | 'lax' | 'none';
  domain?: string;
  /** Restricts the refresh cookie to this path, e.g. `/auth/refresh`. Default `/`. */
  refreshTokenPath?: string;
  /**
   * Names the cookies `__Host-…` (Secure, Path=/, no Domain) so a sibling subdomain cannot set
   * or shadow them. With `refreshTokenPath` the refresh cookie becomes `__Secure-…` instead.
   * Default false: turning it on renames the cookies, which signs everyone out once.
   */
  hostPrefix?: boolean;
}

/** Cross-site request forgery defences for cookie-authenticated requests. */
export interface CsrfConfig {
  /**
   * The double-submit token (the stronger, opt-in check): unsafe cookie requests must echo the
   * readable csrf cookie in `X-CSRF-Token`. Default false.
   */
  enabled?: boolean;
  /**
   * Refuse cookie-authenticated unsafe requests, and cookie-mode sign-ins, sent by a page of
   * another origin (`Sec-Fetch-Site: cross-site`, or an `Origin`/`Referer` that is not trusted)
   * with 403 CSRF_ORIGIN_MISMATCH. Default true. Off, a forged request is stopped only by
   * SameSite and, when on, the double-submit token.
   */
  checkOrigin?: boolean;
  /**
   * Origins (scheme, host, port) whose pages may send those requests, besides `email.siteUrl`'s
   * and the router's `cors.origins`: e.g. a front end on another origin that your own CORS
   * middleware admits to your API.
   */
  trustedOrigins?: string[];
}

/** Where loggable events go. Defaults to the console. */
export interface AuthLogger {
  error(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
}

export type EmailVerificationMode = 'none' | 'lazy' | 'strict';

/** Claims your app adds to access tokens and to GET /me. */
export type BuildTokenPayload = (
  user: BaseUser,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** Everything keyward needs to know, checked once at construction. */
export interface AuthConfig {
  /** Signs access tokens. At least 32 bytes, different from `refreshTokenSecret`. */
  accessTokenSecret: string;
  /** Signs refresh tokens. At least 32 bytes. */
  refreshTokenSecret: string;
  /** Default `'15m'`. A number is seconds; strings take s, m, h, d or w. */
  accessTokenExpiresIn?: string | number;
  /** Default `'7d'`. */
  refreshTokenExpiresIn?: string | number;
  cookieOptions?: CookieOptions;
  csrf?: CsrfConfig;
  /** Cost of the bcrypt fallback (used when argon2id is not). Default 12. */
  bcryptSaltRounds?: number;
  /** How new passwords are hashed, and how much hashing may wait at once. */
  passwordHashing?: PasswordHashingConfig;
  /** Rules for new passwords (reset, change, and your `onRegister` through the service). */
  passwordPolicy?: PasswordPolicyConfig;
  email?: EmailConfig;
  /** Default `'none'`. */
  emailVerificationMode?: EmailVerificationMode;
  /** Same as `emailVerificationMode: 'strict'`. */
  requireEmailVerification?: boolean;
  buildTokenPayload?: BuildTokenPayload;
  /**
   * Seconds during which the refresh token just rotated away is still answered with its
   * successor (several tabs refreshing at once, a retry after a lost answer), 0–60. Default 30.
   * A re-use after the window, or of an older token, revokes the session; 0 revokes at once.
   */
  refreshReuseGraceSeconds?: number;
  /**
   * The strict mode: also read the session from the store on every request (and update its
   * `lastActiveAt`). Revoked sessions are refused without it too, from the in-memory revocation
   * list; this adds a store read and write per request. Default false.
   */
  checkSessionOnRequest?: boolean;
  /**
   * Absolute lifetime of a session, however often it is refreshed: a refresh after it is
   * refused with 401 SESSION_EXPIRED, and so are its access tokens. Default `'30d'`.
   */
  sessionMaxLifetime?: string | number;
  logger?: AuthLogger;
  /** Second factors: which are offered, how many wrong answers a sign-in survives. */
  twoFactor?: TwoFactorConfig;
  /**
   * How long after signing in a session may change what protects the account (enrol a factor,
   * change the email, link a provider, delete the account) without proving itself again.
   * Default `'5m'`. After it, those requests need `currentPassword` or a current second-factor
   * code in the body (401 REAUTHENTICATION_REQUIRED lists which).
   */
  reauthWindow?: string | number;
  /** SMS codes (POST /sms/send, /sms/verify, `SmsStrategy`); see docs/two-factor.md. */
  sms?: SmsConfig;
  /** Provider options read by `new GoogleStrategy(config)` (`oauth.google`) and the like. */
  oauth?: Record<string, unknown>;
  /**
   * Refuse keys keyward does not know (at any level) with an AuthConfigError instead of a
   * start-up warning through `logger`. Default false.
   */
  strictConfig?: boolean;
}

/** Second factors keyward knows. */
export const SECOND_FACTOR_NAMES = ['totp', 'sms', 'magic-link'] as const;
export type SecondFactorName = (typeof SECOND_FACTOR_NAMES)[number];
/**
 * Offered by default: an authenticator app and SMS. A magic link is the inbox, which already
 * resets the password, so it is a second factor only when listed.
 */
export const DEFAULT_SECOND_FACTORS: readonly SecondFactorName[] = ['totp', 'sms'];

/** `config.twoFactor`. */
export interface TwoFactorConfig {
  /** Issuer shown in authenticator apps. Default `'keyward'`. */
  appName?: string;
  /**
   * Methods that may serve as a second factor. Default `['totp', 'sms']`. A user with TOTP
   * switched on is offered TOTP (and its recovery codes) only, whatever this lists.
   */
  methods?: SecondFactorName[];
  /** Wrong answers one sign-in attempt (temporary token) survives, 1–20. Default 5. */
  maxAttempts?: number;
}

/** `AuthConfig.passwordHashing`; see docs/security.md#passwords. */
export interface PasswordHashingConfig {
  /**
   * `'argon2id'` (the default when the optional package `@node-rs/argon2` loads) or `'bcrypt'`
   * (pre-hashed, on worker threads; the default without it).
   */
  algorithm?: 'argon2id' | 'bcrypt';
  /** argon2id parameters. Default OWASP's: 19456 KiB, 2 passes, parallelism 1. */
  argon2?: { memoryCost?: number; timeCost?: number; parallelism?: number };
  /** Hashes and verifications running or queued at once before 503 SERVER_BUSY. Default 64. */
  maxPending?: number;
}

/** `AuthConfig.passwordPolicy`. */
export interface PasswordPolicyConfig {
  /** In Unicode code points, 8 to 64. Default 8. */
  minLength?: number;
  /** In Unicode code points, 64 to 512. Default 256. */
  maxLength?: number;
  /** Refuse passwords on the common-password list with PASSWORD_TOO_COMMON. Default true. */
  rejectCommon?: boolean;
}

/**
 * How SMS codes are delivered and how long they live. Give `endpoint` (keyward POSTs
 * `{ to, message, code, expiresInMinutes }` as JSON) or your own `sendSms`.
 */
export interface SmsConfig {
  /** HTTP(S) URL that receives one JSON POST per message. */
  endpoint?: string;
  /** Sent as the `X-API-Key` header. */
  apiKey?: string;
  /** With `password`: sent as HTTP Basic credentials (`Authorization: Basic …`). */
  username?: string;
  password?: string;
  /** Sends the message yourself instead of through `endpoint` (takes precedence). */
  sendSms?: (to: string, message: string, code: string) => Promise<void>;
  /** The message text; default `"Your sign-in code is 123456. It expires in 10 minutes."`. */
  message?: (code: string, expiresInMinutes: number) => string;
  /** Lifetime of a code, 1–60. Default 10. */
  codeExpiresInMinutes?: number;
  /** Wrong attempts a code survives before it is dead, 1–10. Default 5. */
  maxAttempts?: number;
  /** Seconds before another code may be sent to the same user, 0–3600. Default 30. */
  resendIntervalSeconds?: number;
  /** Timeout of the HTTP call. Default 10000. */
  timeoutMs?: number;
}
