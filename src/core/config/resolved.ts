import type { KeyObject } from 'node:crypto';
import type { Argon2Params } from '../passwords/argon2-hasher';
import type { PasswordAlgorithm } from '../passwords/default-hasher';
import type { ResolvedPasswordPolicy } from '../passwords/password-policy';
import type {
  AuthConfig,
  AuthLogger,
  BuildTokenPayload,
  EmailConfig,
  EmailVerificationMode,
  SecondFactorName,
  SmsConfig,
} from './types';

/** Cookie attributes and names, computed once. */
export interface ResolvedCookies {
  accessName: string;
  refreshName: string;
  csrfName: string;
  secure: boolean;
  sameSite: 'strict' | 'lax' | 'none';
  domain: string | undefined;
  refreshPath: string;
}

/** The configuration after validation and defaults: frozen, nothing left to default. */
export interface ResolvedConfig {
  readonly source: AuthConfig;
  readonly accessKey: KeyObject;
  readonly refreshKey: KeyObject;
  /** Derived from the access secret; signs CSRF tokens. */
  readonly csrfKey: Buffer;
  /** Derived from the refresh secret; derives a refresh token's successor id. */
  readonly rotationKey: Buffer;
  /**
   * Derived from the access secret (HKDF-SHA256, label `keyward totp-secret v1`); encrypts TOTP
   * secrets at rest (AES-256-GCM). Rotating `accessTokenSecret` makes stored ones unreadable.
   */
  readonly totpKey: Buffer;
  readonly accessTtlSeconds: number;
  readonly refreshTtlSeconds: number;
  readonly cookies: ResolvedCookies;
  readonly csrfEnabled: boolean;
  /** `csrf.checkOrigin` and the origins it trusts: the site URL's and `csrf.trustedOrigins`. */
  readonly originCheck: Readonly<{ enabled: boolean; trustedOrigins: ReadonlySet<string> }>;
  readonly bcryptRounds: number;
  /** `passwordHashing` with its defaults; the algorithm is decided once, here. */
  readonly passwordHashing: Readonly<{
    algorithm: PasswordAlgorithm;
    argon2: Readonly<Argon2Params>;
    maxPending: number;
  }>;
  readonly passwordPolicy: ResolvedPasswordPolicy;
  /**
   * `email.siteUrl` as a list, without trailing slashes: web origins and app links, the only
   * bases of mailed links and OAuth redirects. The first is the default.
   */
  readonly siteUrls: readonly string[];
  readonly email: Omit<EmailConfig, 'siteUrl'> & {
    /** The default site: the first of {@link siteUrls}. */
    siteUrl: string | undefined;
    linkPaths: Required<NonNullable<EmailConfig['linkPaths']>>;
  };
  readonly emailVerificationMode: EmailVerificationMode;
  readonly buildTokenPayload: BuildTokenPayload | undefined;
  readonly refreshReuseGraceSeconds: number;
  readonly checkSessionOnRequest: boolean;
  /** `sessionMaxLifetime` in seconds: no session outlives it, however often it refreshes. */
  readonly sessionMaxLifetimeSeconds: number;
  readonly logger: AuthLogger;
  /** Issuer shown in authenticator apps (`twoFactor.appName`, default `'keyward'`). */
  readonly totpAppName: string;
  /** `twoFactor.methods`: the methods that may serve as a second factor. */
  readonly twoFactorMethods: readonly SecondFactorName[];
  /** `twoFactor.maxAttempts`: answers one temporary token accepts before it is dead. */
  readonly twoFactorMaxAttempts: number;
  /** `reauthWindow` in seconds. */
  readonly reauthWindowSeconds: number;
  /** Derived from the access secret (HKDF-SHA256, label `keyward recovery-code v1`); keys recovery-code hashes. */
  readonly recoveryCodeKey: Buffer;
  /** `config.sms` with its defaults; undefined when SMS is not configured. */
  readonly sms: ResolvedSms | undefined;
  /** Derived from the access secret (HKDF-SHA256, label `keyward sms-code v1`); keys SMS code hashes. */
  readonly smsKey: Buffer;
  /** Derived from the access secret (HKDF-SHA256, label `keyward oauth-flow v1`); signs OAuth flow cookies. */
  readonly oauthFlowKey: KeyObject;
}

/** SMS settings with every default applied. */
export type ResolvedSms = Readonly<
  SmsConfig &
    Required<
      Pick<
        SmsConfig,
        'codeExpiresInMinutes' | 'maxAttempts' | 'resendIntervalSeconds' | 'timeoutMs'
      >
    >
>;
