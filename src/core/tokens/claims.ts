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
  /** When the session signed in (seconds since the epoch, as OpenID Connect's `auth_time`). */
  auth_time?: number;
  typ: 'access';
  iat: number;
  exp: number;
  /** Claims added by `buildTokenPayload`. */
  [claim: string]: unknown;
}

/** Claims of a refresh token: identity and rotation state only. */
export interface RefreshTokenPayload {
  sub: string;
  /** The session; empty for a pair made by `generateTokenPair()` before any session exists. */
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
  /**
   * The methods this token may be finished with: the second factors offered in a challenge,
   * or the factors that may be enrolled.
   */
  methods: string[];
  /** What the token is for: answering a 2FA challenge, or enrolling a first second factor. */
  pur: TempTokenPurpose;
  typ: 'temp-2fa';
  aud: typeof TEMP_TOKEN_AUDIENCE;
  iat: number;
  exp: number;
}

/**
 * `'challenge'`: the user has second factors; the token is answered with one of `methods`.
 * `'enrol'`: policy requires a second factor the user has not set up; the token enrols one.
 */
export type TempTokenPurpose = 'challenge' | 'enrol';

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
  'auth_time',
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
