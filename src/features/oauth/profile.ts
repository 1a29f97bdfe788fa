import { AuthError } from '../../core/errors';

/** Who the provider says signed in. `id` is the provider's opaque, stable account id. */
export interface OAuthProfile {
  id: string;
  email: string;
  /** True only when the provider vouches that the address belongs to this account. */
  emailVerified?: boolean;
  name?: string;
  picture?: string;
  /** The provider's own fields, as received. */
  raw?: Record<string, unknown>;
}

/** A provider's field when it is a non-empty string. */
export const textField = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

/** A provider's account id as text: some send a number (GitHub), most a string. */
export const accountIdField = (v: unknown): string | undefined =>
  typeof v === 'number' ? String(v) : textField(v);

/** Turns a provider's user record into a profile; throws OAUTH_PROFILE_FAILED without id or email. */
export function checkProfile(profile: Partial<OAuthProfile> | undefined): OAuthProfile {
  const email: unknown = profile?.email;
  const idText = accountIdField(profile?.id);
  if (idText === undefined) {
    throw new AuthError('The provider did not identify the account', 'OAUTH_PROFILE_FAILED', 400);
  }
  if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) {
    throw new AuthError('The provider did not share an email address', 'OAUTH_PROFILE_FAILED', 400);
  }
  return {
    ...profile,
    id: idText,
    email,
    emailVerified: profile?.emailVerified === true,
  };
}

/** The usual OpenID Connect / OAuth field names, for providers without a `mapProfile`. */
export function standardProfile(raw: Record<string, unknown>): Partial<OAuthProfile> {
  return {
    id: accountIdField(raw['sub'] ?? raw['id']),
    email: textField(raw['email']),
    // Some providers send the boolean as a string.
    emailVerified: raw['email_verified'] === true || raw['email_verified'] === 'true',
    name: textField(raw['name']),
    picture: textField(raw['picture']) ?? textField(raw['avatar_url']),
    raw,
  };
}
