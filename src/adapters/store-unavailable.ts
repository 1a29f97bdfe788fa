import { AuthError } from '../core/errors';

/**
 * The error every adapter answers an outage with (503 STORE_UNAVAILABLE). The driver's error is
 * kept as a non-enumerable `cause`: there for the application's logs, never serialised into a
 * response or a JSON log line by accident.
 */
export function storeUnavailable(cause: unknown): AuthError {
  const err = new AuthError('The data store is unavailable', 'STORE_UNAVAILABLE', 503);
  Object.defineProperty(err, 'cause', { value: cause, enumerable: false });
  return err;
}
