/** Claims of an access token; `req.user` holds them on protected routes. */
export interface AccessTokenPayload {
  /** User id. */
  sub: string;
  email?: string;
  role?: string | null;
  loginProvider?: string;
  isEmailVerified?: boolean;
  isTotpEnabled?: boolean;
  /** Session the token belongs to. */
  sid?: string;
  typ: 'access';
  iat: number;
  exp: number;
  /** Claims added by `buildTokenPayload`. */
  [claim: string]: unknown;
}

/** Claims of a refresh token: identity and rotation state only. */
export interface RefreshTokenPayload {
  sub: string;
  sid: string;
  /** 256-bit random id; the store keeps only its SHA-256. */
  jti: string;
  typ: 'refresh';
  iat: number;
  exp: number;
}

/** Claims of a temporary token: proof of a first factor, valid only to finish a 2FA challenge. */
export interface TempTokenPayload {
  sub: string;
  /** Unique id: a finished challenge marks it used, so the token cannot finish another. */
  jti: string;
  /** The second factors offered to this user. */
  methods: string[];
  /**
   * The first factor of this sign-in when it was a passwordless method (`'magic-link'`,
   * `'sms'`): the same method is not accepted again as its second factor.
   */
  ff?: string;
  typ: 'temp-2fa';
  aud: typeof TEMP_TOKEN_AUDIENCE;
  iat: number;
  exp: number;
}

/** Audience of temporary tokens; nothing else accepts it. */
export const TEMP_TOKEN_AUDIENCE = 'keyward:2fa';
/** Temporary tokens live five minutes. */
export const TEMP_TOKEN_TTL_SECONDS = 300;

/** A freshly issued pair. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

/** Claims keyward owns; `buildTokenPayload` cannot override them. */
export const RESERVED_CLAIMS = [
  'sub',
  'sid',
  'typ',
  'iat',
  'exp',
  'nbf',
  'jti',
  'aud',
  'iss',
] as const;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // Merged with other libraries' (e.g. Passport's) empty `User` instead of clashing with it.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends AccessTokenPayload {}
    interface Request {
      user?: User;
    }
  }
}
