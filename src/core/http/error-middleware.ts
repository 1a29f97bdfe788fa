import type { ErrorRequestHandler, Response } from 'express';
import type { AuthLogger } from '../config/types';
import { AuthError } from '../errors';
import { noSniff } from './security-headers';

interface BodyParserError {
  type?: string;
  status?: number;
  name?: string;
  errno?: number;
}

/** Maps body-parser and router failures to our codes: bad input is always a 4xx, never a 500. */
function fromBodyParser(err: BodyParserError): AuthError | null {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AuthError('Request body is not valid JSON', 'INVALID_JSON', 400);
    case 'entity.too.large':
      return new AuthError('Request body is too large', 'PAYLOAD_TOO_LARGE', 413);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AuthError('Unsupported body encoding', 'UNSUPPORTED_MEDIA_TYPE', 415);
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new AuthError('Malformed request body', 'VALIDATION_ERROR', 400);
    default:
      // Untyped 400s: Express's router cannot decode a path parameter (`/users/%E0%A4%A`, a
      // URIError), or body-parser cannot inflate a body sent with Content-Encoding gzip,
      // deflate or br (it passes zlib's error on without a type).
      if (err.status !== 400) return null;
      if (err.name === 'URIError') return new AuthError('Malformed URL', 'VALIDATION_ERROR', 400);
      if (typeof err.errno === 'number') {
        return new AuthError('Malformed request body', 'VALIDATION_ERROR', 400);
      }
      return null;
  }
}

/**
 * Answers with an AuthError: its status and `{ ...data, error: message, code }`. A numeric
 * `data.retryAfterSeconds` also becomes the Retry-After header (SERVER_BUSY, for one).
 */
export function sendAuthError(res: Response, err: AuthError): void {
  // Here too, not only in the router: the middleware and the admin API answer through this.
  noSniff(res);
  const retryAfter = err.data?.retryAfterSeconds;
  if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
  res.status(err.statusCode).json({ ...err.data, error: err.message, code: err.code });
}

/**
 * The router's one error exit. AuthErrors become `{ error, code }` with their status (plus
 * their `data`); anything else is logged and answered with a bare 500, never a stack trace.
 */
export function createErrorMiddleware(logger: AuthLogger): ErrorRequestHandler {
  return function keywardErrorHandler(err: unknown, _req, res, next) {
    if (res.headersSent) {
      next(err);
      return;
    }
    const known = err instanceof AuthError ? err : fromBodyParser(err ?? {});
    if (known) {
      sendAuthError(res, known);
      return;
    }
    logger.error('Unhandled router error', err);
    noSniff(res);
    res.status(500).json({ error: 'Internal server error', code: 'INTERNAL_ERROR' });
  };
}
