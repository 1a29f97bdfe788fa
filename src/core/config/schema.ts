import { z } from 'zod';
import { parseDurationSeconds } from './duration';
import { siteUrlProblem } from './site-urls';
import { SECOND_FACTOR_NAMES } from './types';

// The checks on each option's type and form; rules that tie options together are in resolve.ts.

/** An origin alone: scheme, host and port, no path, query or fragment. */
function isOrigin(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { pathname, search, hash } = new URL(value);
  return pathname === '/' && search === '' && hash === '';
}

const fn = z.custom<(...args: never[]) => unknown>(
  (v) => typeof v === 'function',
  'must be a function',
);
const duration = z.union([z.string(), z.number()]).refine((v) => parseDurationSeconds(v) !== null, {
  message: "must be seconds or a duration such as '15m', '12h', '7d'",
});
const url = z
  .string()
  .refine((v) => /^https?:\/\/[^/]+/.test(v), 'must be an absolute http(s) URL');
const path = z.string().startsWith('/', 'must start with /');
const siteUrl = z.string().superRefine((v, ctx) => {
  const problem = siteUrlProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** The shape `resolveConfig` checks an `AuthConfig` against before resolving it. */
export const authConfigSchema = z.object({
  accessTokenSecret: z.string({ error: 'is required (a random string of 32+ bytes)' }),
  refreshTokenSecret: z.string({ error: 'is required (a random string of 32+ bytes)' }),
  accessTokenExpiresIn: duration.optional(),
  refreshTokenExpiresIn: duration.optional(),
  cookieOptions: z
    .object({
      secure: z.boolean().optional(),
      sameSite: z.enum(['strict', 'lax', 'none']).optional(),
      domain: z.string().min(1).optional(),
      refreshTokenPath: path.optional(),
      hostPrefix: z.boolean().optional(),
    })
    .optional(),
  csrf: z
    .object({
      enabled: z.boolean().optional(),
      checkOrigin: z.boolean().optional(),
      trustedOrigins: z
        .array(url.refine(isOrigin, 'must be an origin only (scheme, host, port; no path)'))
        .max(100)
        .optional(),
    })
    .optional(),
  bcryptSaltRounds: z.number().int().min(4).max(31).optional(),
  passwordHashing: z
    .object({
      algorithm: z.enum(['argon2id', 'bcrypt']).optional(),
      // Low values are for tests; the bounds are argon2's own (memory >= 8 KiB per lane).
      argon2: z
        .object({
          memoryCost: z.number().int().min(8).max(4_194_304).optional(),
          timeCost: z.number().int().min(1).max(100).optional(),
          parallelism: z.number().int().min(1).max(16).optional(),
        })
        .optional(),
      maxPending: z.number().int().min(1).max(100_000).optional(),
    })
    .optional(),
  passwordPolicy: z
    .object({
      minLength: z.number().int().min(8).max(64).optional(),
      maxLength: z.number().int().min(64).max(512).optional(),
      rejectCommon: z.boolean().optional(),
    })
    .optional(),
  email: z
    .object({
      siteUrl: z.union([siteUrl, z.array(siteUrl).min(1).max(50)]).optional(),
      mailer: z
        .object({
          endpoint: url,
          apiKey: z.string().min(1),
          from: z.string().min(3),
          fromName: z.string().optional(),
          provider: z.string().optional(),
          defaultLang: z.enum(['en', 'it']).optional(),
          timeoutMs: z.number().int().positive().optional(),
        })
        .optional(),
      linkPaths: z
        .object({
          resetPassword: path.optional(),
          verifyEmail: path.optional(),
          confirmEmailChange: path.optional(),
          magicLink: path.optional(),
          accountLink: path.optional(),
          login: path.optional(),
        })
        .optional(),
      sendPasswordReset: fn.optional(),
      sendMagicLink: fn.optional(),
      sendWelcome: fn.optional(),
      sendVerificationEmail: fn.optional(),
      sendEmailChanged: fn.optional(),
      sendRecoveryCodeUsed: fn.optional(),
    })
    .optional(),
  emailVerificationMode: z.enum(['none', 'lazy', 'strict']).optional(),
  requireEmailVerification: z.boolean().optional(),
  buildTokenPayload: fn.optional(),
  refreshReuseGraceSeconds: z.number().min(0).max(60).optional(),
  checkSessionOnRequest: z.boolean().optional(),
  sessionMaxLifetime: duration.optional(),
  logger: z.object({ error: fn, warn: fn }).optional(),
  twoFactor: z
    .object({
      appName: z.string().min(1).max(64).optional(),
      methods: z.array(z.enum(SECOND_FACTOR_NAMES)).max(3).optional(),
      maxAttempts: z.number().int().min(1).max(20).optional(),
    })
    .optional(),
  reauthWindow: duration.optional(),
  sms: z
    .object({
      endpoint: url.optional(),
      apiKey: z.string().min(1).optional(),
      username: z.string().min(1).optional(),
      password: z.string().min(1).optional(),
      sendSms: fn.optional(),
      message: fn.optional(),
      codeExpiresInMinutes: z.number().int().min(1).max(60).optional(),
      maxAttempts: z.number().int().min(1).max(10).optional(),
      resendIntervalSeconds: z.number().int().min(0).max(3600).optional(),
      timeoutMs: z.number().int().positive().optional(),
    })
    .refine((v) => v.endpoint !== undefined || v.sendSms !== undefined, {
      message: 'needs endpoint (an HTTP SMS API) or sendSms (your own sender)',
    })
    .refine((v) => (v.username === undefined) === (v.password === undefined), {
      message: 'needs username and password together',
    })
    .optional(),
  oauth: z.record(z.string(), z.unknown()).optional(),
  strictConfig: z.boolean().optional(),
});
