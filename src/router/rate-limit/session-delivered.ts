import type { Response } from 'express';

/**
 * Answers that deliver a session (tokens as cookies or in the body). A sign-in route's 2xx may
 * instead be a second-factor challenge, which must not make a client address known: only a
 * completed sign-in does. The set is weak, so answers are never kept alive by it.
 */
const delivering = new WeakSet<Response>();

/** Called where the router delivers a session's tokens. */
export function markSessionDelivered(res: Response): void {
  delivering.add(res);
}

export function deliversSession(res: Response): boolean {
  return delivering.has(res);
}
