import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { AuthConfigurator, type AccessTokenPayload } from 'keyward';
import { CurrentUser } from './auth/current-user.decorator';
import { JwtAuthGuard } from './auth/jwt-auth.guard';

/** A feature controller: every route needs a signed-in user. */
@Controller('profile')
@UseGuards(JwtAuthGuard)
export class ProfileController {
  constructor(@Inject(AuthConfigurator) private readonly auth: AuthConfigurator) {}

  /** The token's claims, and the first name from the user record. */
  @Get()
  async getProfile(@CurrentUser() user: AccessTokenPayload) {
    const record = await this.auth.userStore.findById(user.sub);
    return { claims: user, firstName: record?.firstName ?? null };
  }

  /** One claim, picked by the decorator. */
  @Get('email')
  getEmail(@CurrentUser('email') email: string) {
    return { email };
  }
}
