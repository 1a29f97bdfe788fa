import type { Request, RequestHandler } from 'express';
import type { ResolvedConfig } from '../core/config/resolved';
import { AuthError } from '../core/errors';
import type { PasswordService } from '../core/passwords/password-service';
import type { BaseUser, IUserStore } from '../stores/user';

/**
 * A way to prove, in the body of a sensitive request, that the person holding the session is
 * its owner: the current password (built in), or a current second-factor code (features add
 * theirs, e.g. `totpCode`).
 */
export interface ReauthProof {
  /** The body field that carries it, e.g. `'currentPassword'`. */
  field: string;
  /** True when this user can give this proof. */
  availableFor(user: BaseUser): boolean;
  /** True when `value` proves the user. Never throws for a wrong value. */
  verify(user: BaseUser, value: string): Promise<boolean>;
}

interface ReauthDeps {
  config: ResolvedConfig;
  /**
   * Counts proof attempts (the brute-force limiter's `'reauth'` route): a stolen access token
   * must not become a way to guess the password.
   */
  limitProofs: RequestHandler;
  users: Pick<IUserStore, 'findById'>;
  passwords: PasswordService;
  proofs: ReauthProof[];
}

/** The built-in proof: the account's current password. */
export function passwordProof(passwords: PasswordService): ReauthProof {
  return {
    field: 'currentPassword',
    availableFor: (user) => Boolean(user.password),
    verify: (user, value) => passwords.compare(value, user.password!),
  };
}

/**
 * Guards what changes the account's protection (enrolling a factor, changing the email, linking
 * a provider, deleting the account): an access token alone, stolen or left on a shared device,
 * is not enough. The request passes when its session signed in less than `reauthWindow` ago
 * (`auth_time`), or when its body carries a proof that holds; otherwise 401
 * REAUTHENTICATION_REQUIRED, whose `proofs` lists the body fields this user can send. Runs
 * after `requireAuth`.
 */
export function createRecentAuthGuard(deps: ReauthDeps): RequestHandler {
  const { config } = deps;
  const isRecent = (req: Request): boolean => {
    const authTime = req.user?.auth_time;
    return (
      typeof authTime === 'number' && Date.now() / 1000 - authTime <= config.reauthWindowSeconds
    );
  };

  async function proven(req: Request): Promise<void> {
    const user = await deps.users.findById(req.user!.sub);
    if (!user) throw new AuthError('User not found', 'USER_NOT_FOUND', 404);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const usable = deps.proofs.filter((p) => p.availableFor(user));
    for (const proof of usable) {
      const value = body[proof.field];
      if (typeof value === 'string' && value.length > 0 && value.length <= 1024) {
        if (await proof.verify(user, value)) return;
      }
    }
    throw new AuthError(
      'Confirm it is you: send your current password or a current second-factor code',
      'REAUTHENTICATION_REQUIRED',
      401,
      { proofs: usable.map((p) => p.field) },
    );
  }

  return function requireRecentAuth(req, res, next) {
    if (isRecent(req)) {
      next();
      return;
    }
    deps.limitProofs(req, res, (err?: unknown) => {
      if (err) next(err);
      else proven(req).then(() => next(), next);
    });
  };
}
