import { z } from 'zod';
import type { AuthErrorCode } from '../errors';

/** The security schemes keyward's specs can name (see `SECURITY_SCHEMES`). */
export type SecurityName = 'cookieAuth' | 'bearerAuth' | 'csrfHeader' | 'adminBearer' | 'apiKey';

/** One documented answer: a JSON body (a zod schema), or another content type, or none. */
export interface ApiResponse {
  description: string;
  /** The JSON body, from the same zod schema the route answers with. */
  body?: z.ZodType;
  /** A body that is not JSON (an HTML page, a script); `body` is then ignored. */
  content?: { type: string | string[]; schema?: z.ZodType };
  /** Response headers worth knowing (Location of a redirect, Retry-After). */
  headers?: Record<string, string>;
}

/**
 * One route as its spec describes it. Routes and specs share the request schemas (`body`,
 * `query`), so what the spec promises is what the route validates.
 */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The Express path under the router (`/sessions/:sessionHandle`). */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** Alternatives, any one of which authenticates the call; none means public. */
  security?: SecurityName[][];
  body?: z.ZodType;
  /** The body's content type when it is not JSON (a form post). */
  bodyType?: string;
  query?: z.ZodObject;
  /** Success (and other non-error) answers by status. */
  responses: Record<number, ApiResponse>;
  /** Error answers (`{ error, code }`) by status: the codes this operation may answer with. */
  errors?: Partial<Record<number, readonly AuthErrorCode[]>>;
  /**
   * The application's own code runs here (a hook such as `onRegister`) and may answer with its
   * own AuthErrors: documented as a `default` error response with any code.
   */
  appErrors?: boolean;
}

/** Error codes any route may answer with: bad JSON, oversized bodies, busy or failing stores. */
export const COMMON_ERRORS: Record<number, readonly AuthErrorCode[]> = {
  400: ['VALIDATION_ERROR', 'INVALID_JSON'],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
  500: ['INTERNAL_ERROR'],
  503: ['STORE_UNAVAILABLE', 'SERVER_BUSY'],
};

/** Joins error lists status by status, without repeating a code. */
export function mergeErrors(
  ...lists: Array<Partial<Record<number, readonly AuthErrorCode[]>> | undefined>
): Record<number, AuthErrorCode[]> {
  const merged: Record<number, AuthErrorCode[]> = {};
  for (const list of lists) {
    for (const [status, codes] of Object.entries(list ?? {})) {
      const into = (merged[Number(status)] ??= []);
      for (const code of codes ?? []) if (!into.includes(code)) into.push(code);
    }
  }
  return merged;
}

/**
 * The body of every error answer: `{ error, code }`, plus whatever data the error carries
 * (`details` of a validation error, `retryAfterSeconds` of a throttle).
 */
export function errorBody(codes: readonly string[], open = false) {
  const description = 'Stable; switch on it.';
  return z.looseObject({
    error: z.string().meta({ description: 'For people; may change.' }),
    // An operation that runs the application's hook may also answer with the app's own codes.
    code: open
      ? z.string().meta({ description: `${description} Ours: ${codes.join(', ')}.` })
      : z.enum(codes as [string, ...string[]]).meta({ description }),
  });
}

/** `{ success: true }`, the answer of routes that only confirm. */
export const successBody = z.object({ success: z.literal(true) });

/** `{ success: true, message }`: routes that answer the same whatever happened. */
export const messageBody = z.object({ success: z.literal(true), message: z.string() });

/** A signed-in user's read: bearer access token, or the access cookie. */
export const SIGNED_IN_READ: SecurityName[][] = [['bearerAuth'], ['cookieAuth']];
/** A signed-in user's change: bearer, or the cookie with its CSRF header. */
export const SIGNED_IN_WRITE: SecurityName[][] = [['bearerAuth'], ['cookieAuth', 'csrfHeader']];

/** What the access check itself may answer (a missing, expired or revoked access token). */
export const SIGNED_IN_ERRORS = {
  401: ['UNAUTHORIZED', 'TOKEN_EXPIRED', 'INVALID_TOKEN', 'SESSION_REVOKED', 'SESSION_EXPIRED'],
  403: ['CSRF_INVALID', 'CSRF_ORIGIN_MISMATCH'],
} as const satisfies Partial<Record<number, readonly AuthErrorCode[]>>;

/** A cookie-carrying unsafe request from a foreign origin, or without its CSRF header. */
export const CSRF_ERRORS = {
  403: ['CSRF_INVALID', 'CSRF_ORIGIN_MISMATCH'],
} as const satisfies Partial<Record<number, readonly AuthErrorCode[]>>;

/** The built-in brute-force protection's answer. */
export const RATE_LIMIT_ERRORS = {
  429: ['RATE_LIMITED'],
} as const satisfies Partial<Record<number, readonly AuthErrorCode[]>>;

/** `requireRecentAuth`: a session that signed in long ago must prove itself again. */
export const RECENT_AUTH_ERRORS = {
  401: ['REAUTHENTICATION_REQUIRED', 'INVALID_CREDENTIALS', 'INVALID_2FA_CODE'],
  429: ['RATE_LIMITED'],
} as const satisfies Partial<Record<number, readonly AuthErrorCode[]>>;
