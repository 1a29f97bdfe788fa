import type { AuthConfig } from '../core/config/types';
import { assertEmailVerified, verificationModeOf } from '../core/email-verification';
import { AuthError } from '../core/errors';
import type { PasswordService } from '../core/passwords/password-service';
import type { BaseUser, IUserStore } from '../stores/user';
import { BaseAuthStrategy } from './base-auth-strategy';

/** Email and password credentials. */
export interface LocalCredentials {
  email: string;
  password: string;
}

/** The part of a configuration {@link LocalStrategy.authenticate} reads. */
export type LocalVerificationPolicy = Pick<
  AuthConfig,
  'emailVerificationMode' | 'requireEmailVerification'
>;

const INVALID = () => new AuthError('Invalid email or password', 'INVALID_CREDENTIALS', 401);

/**
 * Email/password sign-in. Unknown emails and accounts without a password cost one bcrypt
 * comparison like everyone else and get the same error, so neither the answer nor its timing
 * tells which emails are registered.
 */
export class LocalStrategy<U extends BaseUser = BaseUser> extends BaseAuthStrategy<
  LocalCredentials,
  U
> {
  readonly name = 'local';

  constructor(
    private readonly users: IUserStore<U>,
    private readonly passwords: PasswordService,
  ) {
    super();
  }

  /**
   * The user whose password this is, or 401 INVALID_CREDENTIALS. Given a `config` (as the
   * reference SDK's callers pass it), its email-verification policy applies too, after the
   * password matched: `requireEmailVerification: true` or `emailVerificationMode: 'strict'`
   * refuses an unverified address (403 EMAIL_NOT_VERIFIED), `'lazy'` once the user's deadline
   * passed (403 EMAIL_VERIFICATION_REQUIRED). The router checks the policy itself, with the
   * admin's run-time settings, so it calls this without one.
   */
  async authenticate(
    { email, password }: LocalCredentials,
    config?: LocalVerificationPolicy,
  ): Promise<U> {
    const user = await this.users.findByEmail(email);
    if (!user?.password) {
      await this.passwords.compareWithDummy(password);
      throw INVALID();
    }
    if (!(await this.passwords.compare(password, user.password))) throw INVALID();
    // Only after the password: the policy's answer must not tell who is registered.
    if (config) assertEmailVerified(user, verificationModeOf(config));
    return user;
  }
}
