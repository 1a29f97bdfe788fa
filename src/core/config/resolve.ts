import { createHmac, createSecretKey } from 'node:crypto';
import { AuthConfigError } from '../errors';
import { OWASP_ARGON2ID, loadArgon2 } from '../passwords/argon2-hasher';
import { DEFAULT_PASSWORD_POLICY } from '../passwords/password-policy';
import { DEFAULT_MAX_PENDING_HASHES } from '../passwords/password-service';
import { deriveKey } from '../secrets';
import { parseDurationSeconds } from './duration';
import type { ResolvedConfig } from './resolved';
import { authConfigSchema } from './schema';
import { isWebSiteUrl, normaliseSiteUrl } from './site-urls';
import { describeUnknownKey, findUnknownKeys } from './unknown-keys';
import { DEFAULT_SECOND_FACTORS, type AuthConfig, type AuthLogger } from './types';

const MIN_SECRET_BYTES = 32;
/**
 * Two tabs (or a retry after a lost answer) present the same refresh token within moments; in
 * this window the duplicate gets the same successor instead of revoking the session. Okta's
 * default leeway; see docs/tokens-and-sessions.md for the trade-off.
 */
export const DEFAULT_REFRESH_REUSE_GRACE_SECONDS = 30;
/** Objects whose keys are not keyward's to check: any logger object, the OAuth feature's own. */
const OPEN_OBJECTS: ReadonlySet<string> = new Set(['logger', 'oauth']);
/** Configs already warned about, so a config resolved twice (router, middleware) warns once. */
const warnedConfigs = new WeakSet<object>();

/** The default logger; `label` tells which part of keyward wrote a line. */
export function consoleLogger(label = 'keyward'): AuthLogger {
  return {
    error: (message, detail) => console.error(`[${label}] ${message}`, detail ?? ''),
    warn: (message, detail) => console.warn(`[${label}] ${message}`, detail ?? ''),
  };
}

const defaultLogger = consoleLogger();

/**
 * Validates the user's configuration and computes everything derivable from it (signing keys,
 * lifetimes, cookie names) once, so request handling never re-derives or re-defaults anything.
 * Throws one {@link AuthConfigError} naming every problem and what to set instead.
 */
export function resolveConfig(config: AuthConfig): ResolvedConfig {
  const parsed = authConfigSchema.safeParse(config ?? {});
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || 'config'} ${i.message}`);
  // Cross-field checks run even when the schema failed, so every problem is listed at once.
  problems.push(...crossFieldProblems(config ?? ({} as AuthConfig)));
  const unknown = findUnknownKeys(authConfigSchema, config, OPEN_OBJECTS).map(describeUnknownKey);
  if (config?.strictConfig === true) problems.push(...unknown);
  if (problems.length > 0) throw new AuthConfigError(problems);
  if (unknown.length > 0 && !warnedConfigs.has(config)) {
    // A silently ignored key is how a migrating app loses a protection without noticing.
    warnedConfigs.add(config);
    const logger = config.logger ?? defaultLogger;
    for (const line of unknown) logger.warn(`${line}; strictConfig: true makes this an error`);
  }

  const siteUrls = Object.freeze([config.email?.siteUrl ?? []].flat().map(normaliseSiteUrl));
  const cookieOptions = config.cookieOptions ?? {};
  const hostPrefix = cookieOptions.hostPrefix === true;
  // Browsers drop SameSite=None cookies that are not Secure, so 'none' implies secure.
  const secure =
    hostPrefix ||
    cookieOptions.sameSite === 'none' ||
    (cookieOptions.secure ?? secureByDefault(siteUrls.find(isWebSiteUrl)));
  const refreshPath = cookieOptions.refreshTokenPath ?? '/';
  const mode =
    config.emailVerificationMode ?? (config.requireEmailVerification ? 'strict' : 'none');
  const email = config.email ?? {};

  return Object.freeze({
    source: config,
    accessKey: createSecretKey(Buffer.from(config.accessTokenSecret, 'utf8')),
    refreshKey: createSecretKey(Buffer.from(config.refreshTokenSecret, 'utf8')),
    csrfKey: createHmac('sha256', config.accessTokenSecret).update('keyward csrf v1').digest(),
    rotationKey: createHmac('sha256', config.refreshTokenSecret)
      .update('keyward rotation v1')
      .digest(),
    // HKDF with its own label, so this key is unrelated to the JWT and CSRF keys made from the
    // same secret. Rotating accessTokenSecret changes it: stored TOTP secrets become unreadable.
    totpKey: deriveKey(config.accessTokenSecret, 'keyward totp-secret v1'),
    accessTtlSeconds: parseDurationSeconds(config.accessTokenExpiresIn ?? '15m')!,
    refreshTtlSeconds: parseDurationSeconds(config.refreshTokenExpiresIn ?? '7d')!,
    cookies: Object.freeze({
      accessName: hostPrefix ? '__Host-accessToken' : 'accessToken',
      refreshName: !hostPrefix
        ? 'refreshToken'
        : refreshPath === '/'
          ? '__Host-refreshToken'
          : '__Secure-refreshToken',
      csrfName: hostPrefix ? '__Host-csrf-token' : 'csrf-token',
      secure,
      sameSite: cookieOptions.sameSite ?? 'lax',
      domain: hostPrefix ? undefined : cookieOptions.domain,
      refreshPath,
    }),
    csrfEnabled: config.csrf?.enabled === true,
    originCheck: Object.freeze({
      enabled: config.csrf?.checkOrigin !== false,
      trustedOrigins: originSet([
        ...siteUrls.filter(isWebSiteUrl),
        ...(config.csrf?.trustedOrigins ?? []),
      ]),
    }),
    bcryptRounds: config.bcryptSaltRounds ?? 12,
    passwordHashing: Object.freeze({
      algorithm: config.passwordHashing?.algorithm ?? (loadArgon2() ? 'argon2id' : 'bcrypt'),
      argon2: Object.freeze({
        memoryCost: config.passwordHashing?.argon2?.memoryCost ?? OWASP_ARGON2ID.memoryCost,
        timeCost: config.passwordHashing?.argon2?.timeCost ?? OWASP_ARGON2ID.timeCost,
        parallelism: config.passwordHashing?.argon2?.parallelism ?? OWASP_ARGON2ID.parallelism,
      }),
      maxPending: config.passwordHashing?.maxPending ?? DEFAULT_MAX_PENDING_HASHES,
    }),
    passwordPolicy: Object.freeze({
      minLength: config.passwordPolicy?.minLength ?? DEFAULT_PASSWORD_POLICY.minLength,
      maxLength: config.passwordPolicy?.maxLength ?? DEFAULT_PASSWORD_POLICY.maxLength,
      rejectCommon: config.passwordPolicy?.rejectCommon ?? DEFAULT_PASSWORD_POLICY.rejectCommon,
    }),
    siteUrls,
    email: Object.freeze({
      ...email,
      // The default site: links and redirects use it when the request names no listed one.
      siteUrl: siteUrls[0],
      linkPaths: Object.freeze({
        resetPassword: '/auth/reset-password',
        verifyEmail: '/auth/verify-email',
        confirmEmailChange: '/auth/change-email/confirm',
        magicLink: '/auth/magic-link/verify',
        accountLink: '/auth/link-verify',
        login: '/login',
        ...email.linkPaths,
      }),
    }),
    emailVerificationMode: mode,
    buildTokenPayload: config.buildTokenPayload,
    refreshReuseGraceSeconds:
      config.refreshReuseGraceSeconds ?? DEFAULT_REFRESH_REUSE_GRACE_SECONDS,
    checkSessionOnRequest: config.checkSessionOnRequest === true,
    sessionMaxLifetimeSeconds: parseDurationSeconds(config.sessionMaxLifetime ?? '30d')!,
    logger: config.logger ?? defaultLogger,
    totpAppName: config.twoFactor?.appName ?? 'keyward',
    twoFactorMethods: Object.freeze([...(config.twoFactor?.methods ?? DEFAULT_SECOND_FACTORS)]),
    twoFactorMaxAttempts: config.twoFactor?.maxAttempts ?? 5,
    reauthWindowSeconds: parseDurationSeconds(config.reauthWindow ?? '5m')!,
    // Keys recovery-code hashes: a database dump alone cannot be searched for codes.
    recoveryCodeKey: deriveKey(config.accessTokenSecret, 'keyward recovery-code v1'),
    sms: config.sms
      ? Object.freeze({
          ...config.sms,
          codeExpiresInMinutes: config.sms.codeExpiresInMinutes ?? 10,
          maxAttempts: config.sms.maxAttempts ?? 5,
          resendIntervalSeconds: config.sms.resendIntervalSeconds ?? 30,
          timeoutMs: config.sms.timeoutMs ?? 10_000,
        })
      : undefined,
    // Keys SMS code hashes, so a database dump alone does not give the codes away (six digits
    // hashed without a key fall to a million guesses).
    smsKey: deriveKey(config.accessTokenSecret, 'keyward sms-code v1'),
    // Signs OAuth flow cookies; a KeyObject, like the JWT keys, so jsonwebtoken uses it as is.
    oauthFlowKey: createSecretKey(deriveKey(config.accessTokenSecret, 'keyward oauth-flow v1')),
  });
}

/**
 * Origins as browsers serialise them in the Origin header (lower-case host, no default port, no
 * trailing slash), so a set look-up is an exact comparison. Exported for the router's CORS list.
 */
export function originSet(urls: Iterable<string>): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const value of urls) {
    // Only web origins: any other scheme's origin is the opaque 'null', which sandboxed frames
    // and file: pages send, and must never be trusted.
    if (URL.canParse(value) && new URL(value).origin !== 'null') origins.add(new URL(value).origin);
  }
  return origins;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * `Secure` unless told otherwise: on whenever the site is served over https (whatever NODE_ENV
 * says, which is often unset in containers), off for http development on this machine, and the
 * NODE_ENV rule only when the site URL says nothing either way.
 */
function secureByDefault(siteUrl: string | undefined): boolean {
  const site = siteUrl !== undefined && URL.canParse(siteUrl) ? new URL(siteUrl) : undefined;
  if (site?.protocol === 'https:') return true;
  if (site && (LOOPBACK_HOSTS.has(site.hostname) || site.hostname.endsWith('.localhost'))) {
    return false;
  }
  return process.env.NODE_ENV === 'production';
}

/** True for a config that {@link resolveConfig} already made (it carries the derived keys). */
export function isResolvedConfig(config: AuthConfig | ResolvedConfig): config is ResolvedConfig {
  return 'accessKey' in config;
}

/** Accepts either form: a resolved config as it is, a user's config resolved now. */
export function asResolvedConfig(config: AuthConfig | ResolvedConfig): ResolvedConfig {
  return isResolvedConfig(config) ? config : resolveConfig(config);
}

function crossFieldProblems(config: AuthConfig): string[] {
  const problems: string[] = [];
  for (const key of ['accessTokenSecret', 'refreshTokenSecret'] as const) {
    if (typeof config[key] !== 'string') continue; // already reported by the schema
    const bytes = Buffer.byteLength(config[key], 'utf8');
    if (bytes < MIN_SECRET_BYTES) {
      problems.push(
        `${key} is ${bytes} bytes; use at least ${MIN_SECRET_BYTES} random bytes ` +
          '(e.g. the output of `openssl rand -base64 48`)',
      );
    }
  }
  if (
    typeof config.accessTokenSecret === 'string' &&
    config.accessTokenSecret === config.refreshTokenSecret
  ) {
    problems.push(
      'accessTokenSecret and refreshTokenSecret must differ, so a refresh token can never pass as an access token',
    );
  }
  const hashing = config.passwordHashing;
  if (hashing?.algorithm === 'argon2id' && !loadArgon2()) {
    problems.push(
      "passwordHashing.algorithm 'argon2id' needs the optional package @node-rs/argon2, which did " +
        "not load; install it or choose 'bcrypt'",
    );
  }
  const argon2 = hashing?.argon2;
  if (argon2?.memoryCost !== undefined && argon2.memoryCost < 8 * (argon2.parallelism ?? 1)) {
    problems.push(
      'passwordHashing.argon2.memoryCost must be at least 8 KiB per lane (parallelism)',
    );
  }
  const policy = config.passwordPolicy;
  if ((policy?.minLength ?? 8) > (policy?.maxLength ?? 256)) {
    problems.push('passwordPolicy.minLength must not exceed passwordPolicy.maxLength');
  }
  const cookies = config.cookieOptions;
  if (cookies?.sameSite === 'none' && cookies.secure === false) {
    problems.push(
      "cookieOptions.sameSite 'none' needs cookieOptions.secure: true (browsers drop it otherwise)",
    );
  }
  if (cookies?.hostPrefix && cookies.domain) {
    problems.push(
      'cookieOptions.hostPrefix forbids cookieOptions.domain (__Host- cookies carry no Domain)',
    );
  }
  if (cookies?.hostPrefix && cookies.secure === false) {
    problems.push(
      'cookieOptions.hostPrefix needs secure cookies; remove cookieOptions.secure: false',
    );
  }
  return problems;
}
