import { AuthError } from '../errors';

/** Default minimum, counted in Unicode code points, as a person counts characters. */
export const MIN_PASSWORD_CHARS = 8;
/**
 * Default maximum, in code points: far above any passphrase people type (64 characters of any
 * script fit four times over), low enough to bound the work of hashing one password.
 */
export const MAX_PASSWORD_CHARS = 256;

/** The password rules with every default applied (`AuthConfig.passwordPolicy`). */
export interface ResolvedPasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
  /** Refuse passwords on the common-password list (PASSWORD_TOO_COMMON). */
  readonly rejectCommon: boolean;
}

export const DEFAULT_PASSWORD_POLICY: ResolvedPasswordPolicy = Object.freeze({
  minLength: MIN_PASSWORD_CHARS,
  maxLength: MAX_PASSWORD_CHARS,
  rejectCommon: true,
});

function codePoints(password: string): number {
  return [...password].length;
}

/**
 * Throws PASSWORD_TOO_LONG (400) over the maximum. Cheap and independent of any account, so login
 * runs it before looking the user up and answers the same for every email.
 */
export function assertNotTooLong(password: string, policy = DEFAULT_PASSWORD_POLICY): void {
  if (codePoints(password) > policy.maxLength) {
    throw new AuthError(
      `Password must be at most ${policy.maxLength} characters`,
      'PASSWORD_TOO_LONG',
      400,
    );
  }
}

/** Throws PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG (400) outside the policy's length range. */
export function assertPasswordLength(password: string, policy = DEFAULT_PASSWORD_POLICY): void {
  if (codePoints(password) < policy.minLength) {
    throw new AuthError(
      `Password must be at least ${policy.minLength} characters`,
      'PASSWORD_TOO_SHORT',
      400,
    );
  }
  assertNotTooLong(password, policy);
}

/**
 * Length rules, then (unless switched off) PASSWORD_TOO_COMMON (400) for a password on the
 * common-password list, compared case-insensitively. What every endpoint that sets a password
 * checks; call it from your `onRegister` too.
 */
export function assertAcceptablePassword(password: string, policy = DEFAULT_PASSWORD_POLICY): void {
  assertPasswordLength(password, policy);
  if (policy.rejectCommon && isCommonPassword(password)) {
    throw new AuthError(
      'This password is too common; choose one that is harder to guess',
      'PASSWORD_TOO_COMMON',
      400,
    );
  }
}

let common: Set<string> | undefined;

/**
 * True when `password` (case-insensitively) is on the list of 49,233 common passwords maintained
 * by zxcvbn-ts (`@zxcvbn-ts/language-common`, MIT). The list ships with keyward, so the check
 * needs no network; it is read into memory on first use (about 0.1 s, a few MB).
 */
export function isCommonPassword(password: string): boolean {
  if (!common) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only when first needed
    const mod = require('@zxcvbn-ts/language-common') as {
      dictionary: Record<string, readonly string[] | undefined>;
    };
    const list = mod.dictionary['passwords-common'];
    // A silently empty list would switch the check off; failing loudly is safer.
    if (!list?.length) throw new Error('keyward: the common-password list did not load');
    common = new Set(list.map((p) => p.toLowerCase()));
  }
  return common.has(password.toLowerCase());
}
