import { AuthError } from '../core/errors';
import type { PasswordService } from '../core/passwords/password-service';
import type { BaseUser, IUserStore } from '../stores/user';
import { BaseAuthStrategy } from './base-auth-strategy';

/** Email and password credentials. */
export interface LocalCredentials {
  email: string;
  password: string;
}

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

  async authenticate({ email, password }: LocalCredentials): Promise<U> {
    const user = await this.users.findByEmail(email);
    if (!user?.password) {
      await this.passwords.compareWithDummy(password);
      throw INVALID();
    }
    if (!(await this.passwords.compare(password, user.password))) throw INVALID();
    return user;
  }
}
