import type { AuthConfig } from '../core/config/types';
import type { BaseUser } from '../stores/user';

/** A way of proving who someone is. Extend it for your own first factors. */
export abstract class BaseAuthStrategy<TInput = unknown, U extends BaseUser = BaseUser> {
  /** Registry name, e.g. `'local'`. */
  abstract readonly name: string;
  /** Resolves to the authenticated user or throws an {@link AuthError}. */
  abstract authenticate(input: TInput, config?: AuthConfig): Promise<U>;
}
