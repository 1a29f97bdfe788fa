import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Wraps an async handler so a rejection reaches the error middleware. Express 5 does this by
 * itself; Express 4 would leave the request hanging.
 */
export function asyncHandler(
  handler: (req: Request, res: Response, next: NextFunction) => Promise<unknown>,
): RequestHandler {
  return function keywardAsyncHandler(req, res, next) {
    handler(req, res, next).catch(next);
  };
}
