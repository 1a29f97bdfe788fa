import { safeProfile } from '../features/account/profile';
import type { BaseUser } from '../stores/user';

/**
 * Field names never shown to an administrator: password hashes, token hashes and their
 * expiries, the TOTP secret, SMS codes, and any custom field named like a secret.
 */
const SECRET_FIELD = /password|secret|token|hash|salt|smscode|recoverycode|apikey|privatekey/i;

/** A user as the admin API shows it: every non-secret field, never a credential. */
export interface AdminUser {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: string | null;
  loginProvider: string;
  isEmailVerified: boolean;
  isTotpEnabled: boolean;
  require2FA: boolean;
  phoneNumber: string | null;
  /** Whether a password is set (the hash itself never leaves the server). */
  hasPassword: boolean;
  createdAt: Date | null;
  /** Other non-secret fields of the record, custom ones included. */
  [field: string]: unknown;
}

/** Strips every secret from a user record. */
export function toAdminUser(user: BaseUser): AdminUser {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(user)) {
    if (!SECRET_FIELD.test(key)) rest[key] = value;
  }
  // The safe fields last, normalised as GET /me shows them, so a custom field cannot shadow them.
  return { ...rest, ...safeProfile(user) };
}
