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

/** Turns a provider's user record into a profile; throws OAUTH_PROFILE_FAILED without id or email. */
export function checkProfile(profile: Partial<OAuthProfile> | undefined): OAuthProfile {
  const id: unknown = profile?.id;
  const email: unknown = profile?.email;
  const idText = typeof id === 'number' ? String(id) : id;
  if (typeof idText !== 'string' || idText === '') {
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
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const id = raw['sub'] ?? raw['id'];
  return {
    id: typeof id === 'number' ? String(id) : text(id),
    email: text(raw['email']),
    // Some providers send the boolean as a string.
    emailVerified: raw['email_verified'] === true || raw['email_verified'] === 'true',
    name: text(raw['name']),
    picture: text(raw['picture']) ?? text(raw['avatar_url']),
    raw,
  };
}
