import type { Request, Response } from 'express';
import { AuthError } from '../core/errors';
import { AuthEventNames, type AuthEventInput } from '../core/events';
import { revocationOfEvent } from '../core/sessions/revocations';
import type { IUserStore } from '../stores/user';
import type { ResolvedAdminOptions } from './options';

/** Everything the admin routes share, built once per router. */
export interface AdminContext {
  users: IUserStore;
  options: ResolvedAdminOptions;
  stores: ResolvedAdminOptions['stores'];
  /**
   * Publishes `event` with the client IP and, in `data.actor`, who acted (set by the guard).
   * A no-op without an event bus.
   */
  publish(event: string, req: Request, res: Response, input?: AuthEventInput): void;
}

/** Where the guard leaves the actor of an authorised request. */
const ACTOR = 'keywardAdminActor';

/** Records who is acting for this request (the guard calls it once authorised). */
export function setActor(res: Response, actor: string): void {
  (res.locals as Record<string, unknown>)[ACTOR] = actor;
}

/** Who is acting: `'admin-secret'`, or what the authorize hook named. */
export function actorOf(res: Response): string {
  const actor = (res.locals as Record<string, unknown>)[ACTOR];
  return typeof actor === 'string' ? actor : 'unknown';
}

/** Builds the context; `publish` stamps every event with the actor and the client IP. */
export function createAdminContext(users: IUserStore, options: ResolvedAdminOptions): AdminContext {
  return {
    users,
    options,
    stores: options.stores,
    publish(event, req, res, input = {}) {
      // Every admin action that ends sessions publishes this event: recording it here means no
      // route (present or added later) can end a session and leave its access tokens working.
      if (event === AuthEventNames.SESSION_REVOKED && options.revocations) {
        const revocation = revocationOfEvent(input);
        if (revocation) {
          options.revocations
            .revoke(revocation)
            .catch((err: unknown) => options.logger.error('admin: revocation not recorded', err));
        }
      }
      options.eventBus?.publish(event, {
        ip: req.ip,
        ...input,
        data: { ...input.data, actor: actorOf(res) },
      });
    },
  };
}

/** The store behind a feature, or 404 FEATURE_NOT_ENABLED when the router was built without it. */
export function requireFeature<T>(store: T | undefined, feature: string): T {
  if (store === undefined || store === null) {
    throw new AuthError(
      `The ${feature} feature is not enabled on this admin router`,
      'FEATURE_NOT_ENABLED',
      404,
      { feature },
    );
  }
  return store;
}
