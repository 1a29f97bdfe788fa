import { All, Controller, Inject, Next, Req, Res } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AuthRouter } from 'keyward';

/** Injection token of the keyward router that {@link AuthController} forwards to. */
export const AUTH_ROUTER = Symbol('AUTH_ROUTER');

/**
 * Hands every request under /auth (any method) to keyward's router, which answers it itself:
 * register, login, refresh, logout, me, sessions, password and email flows.
 */
@Controller('auth')
export class AuthController {
  constructor(@Inject(AUTH_ROUTER) private readonly router: AuthRouter) {}

  @All('{*path}')
  forward(@Req() req: Request, @Res() res: Response, @Next() next: NextFunction): void {
    // keyward's routes are relative to where the router is mounted ("/login"), so the request
    // reaches it without this controller's prefix (and any global prefix). The wildcard holds
    // the path's last segments; they are taken from the raw URL to keep their encoding.
    const original = req.url;
    const queryAt = original.indexOf('?');
    const segments = (queryAt === -1 ? original : original.slice(0, queryAt)).split('/');
    const kept = (req.params.path as string[] | undefined)?.length ?? 0;
    req.url =
      '/' +
      segments.slice(segments.length - kept).join('/') +
      (queryAt === -1 ? '' : original.slice(queryAt));
    this.router(req, res, (err?: unknown) => {
      // No keyward route matched: Nest answers (404), seeing the URL as it came in.
      req.url = original;
      next(err);
    });
  }
}
