import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import { AuthConfigurator } from 'keyward';

/**
 * Lets a request through when it carries a valid access token (`Authorization: Bearer`, or the
 * access cookie with CSRF checks on unsafe methods) and puts its claims on `req.user`.
 * It runs keyward's own middleware, so the answers to a missing, expired or invalid token are
 * the same 401 `{ error, code }` as on an Express route.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly authenticate: RequestHandler;

  constructor(@Inject(AuthConfigurator) auth: AuthConfigurator) {
    this.authenticate = auth.middleware();
  }

  canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    return new Promise<boolean>((resolve, reject) => {
      // The middleware either calls next (authenticated) or answers the request itself; then
      // the guard says no, and Nest, seeing the answer sent, adds nothing.
      const answered = () => resolve(false);
      res.once('finish', answered);
      this.authenticate(req, res, (err?: unknown) => {
        res.off('finish', answered);
        if (!err) return resolve(true);
        // A store failure (with checkSessionOnRequest): Nest answers 500.
        reject(err instanceof Error ? err : new Error('Authentication failed'));
      });
    });
  }
}
