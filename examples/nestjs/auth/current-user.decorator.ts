import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AccessTokenPayload } from 'keyward';

/**
 * The access token's claims that {@link JwtAuthGuard} verified (`@CurrentUser() user`), or one
 * claim of them (`@CurrentUser('email') email`). Use it behind the guard only.
 */
export const CurrentUser = createParamDecorator(
  (claim: keyof AccessTokenPayload | undefined, context: ExecutionContext) => {
    const user = context.switchToHttp().getRequest<Request>().user;
    return claim === undefined ? user : user?.[claim];
  },
);
