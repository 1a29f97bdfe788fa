import type { AuthConfig, EmailVerificationMode } from './config/types';
import { AuthError } from './errors';

/** The fields of a user record the verification policy reads. */
export interface VerificationState {
  isEmailVerified?: boolean;
  emailVerificationDeadline?: Date | null;
}

/**
 * The mode a configuration asks for: `emailVerificationMode`, else the older boolean
 * `requireEmailVerification` (true means `'strict'`), else `'none'`.
 */
export function verificationModeOf(
  config: Pick<AuthConfig, 'emailVerificationMode' | 'requireEmailVerification'>,
): EmailVerificationMode {
  return config.emailVerificationMode ?? (config.requireEmailVerification ? 'strict' : 'none');
}

/**
 * Throws 403 EMAIL_NOT_VERIFIED (strict) or EMAIL_VERIFICATION_REQUIRED (lazy, after the
 * user's deadline) when `mode` refuses an unverified address; returns otherwise.
 */
export function assertEmailVerified(user: VerificationState, mode: string): void {
  if (mode === 'none' || user.isEmailVerified) return;
  if (mode === 'strict') {
    throw new AuthError('Email address is not verified', 'EMAIL_NOT_VERIFIED', 403);
  }
  const deadline = user.emailVerificationDeadline;
  if (deadline && new Date(deadline).getTime() <= Date.now()) {
    throw new AuthError(
      'The grace period to verify your email address is over; verify it to sign in',
      'EMAIL_VERIFICATION_REQUIRED',
      403,
    );
  }
}
