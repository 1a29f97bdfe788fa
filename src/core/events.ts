import { EventEmitter } from 'node:events';
import type { AuthEventInput, AuthEventPayload } from '../stores/event-payload';

/** Standard event names, `domain.resource.action`. */
export const AuthEventNames = {
  USER_CREATED: 'identity.user.created',
  USER_DELETED: 'identity.user.deleted',
  USER_EMAIL_VERIFIED: 'identity.user.email.verified',
  USER_EMAIL_CHANGED: 'identity.user.email.changed',
  USER_PASSWORD_CHANGED: 'identity.user.password.changed',
  USER_PASSWORD_RESET: 'identity.user.password.reset',
  USER_2FA_ENABLED: 'identity.user.2fa.enabled',
  USER_2FA_DISABLED: 'identity.user.2fa.disabled',
  USER_2FA_RECOVERY_CODE_USED: 'identity.user.2fa.recovery.used',
  /** A passwordless proof claimed an unverified account: the password nobody proved is gone. */
  USER_PASSWORD_CLEARED: 'identity.user.password.cleared',
  USER_LINKED: 'identity.user.linked',
  USER_UNLINKED: 'identity.user.unlinked',
  SESSION_CREATED: 'identity.session.created',
  SESSION_REVOKED: 'identity.session.revoked',
  SESSION_EXPIRED: 'identity.session.expired',
  SESSION_ROTATED: 'identity.session.rotated',
  AUTH_LOGIN_SUCCESS: 'identity.auth.login.success',
  AUTH_LOGIN_FAILED: 'identity.auth.login.failed',
  AUTH_LOGOUT: 'identity.auth.logout',
  AUTH_OAUTH_SUCCESS: 'identity.auth.oauth.success',
  AUTH_OAUTH_CONFLICT: 'identity.auth.oauth.conflict',
  TENANT_CREATED: 'identity.tenant.created',
  TENANT_DELETED: 'identity.tenant.deleted',
  TENANT_USER_ADDED: 'identity.tenant.user.added',
  TENANT_USER_REMOVED: 'identity.tenant.user.removed',
  ROLE_ASSIGNED: 'identity.role.assigned',
  ROLE_REVOKED: 'identity.role.revoked',
  PERMISSION_GRANTED: 'identity.permission.granted',
  PERMISSION_REVOKED: 'identity.permission.revoked',
  // Admin API audit trail: each carries `data.actor` (who acted) and the target.
  ADMIN_AUTH_FAILED: 'identity.admin.auth.failed',
  ADMIN_USER_DELETED: 'identity.admin.user.deleted',
  ADMIN_USER_METADATA_UPDATED: 'identity.admin.user.metadata.updated',
  ADMIN_ROLE_ASSIGNED: 'identity.admin.user.role.assigned',
  ADMIN_ROLE_REMOVED: 'identity.admin.user.role.removed',
  ADMIN_SESSION_REVOKED: 'identity.admin.session.revoked',
  ADMIN_ROLE_CREATED: 'identity.admin.role.created',
  ADMIN_ROLE_DELETED: 'identity.admin.role.deleted',
  ADMIN_TENANT_CREATED: 'identity.admin.tenant.created',
  ADMIN_TENANT_DELETED: 'identity.admin.tenant.deleted',
  ADMIN_TENANT_USER_ADDED: 'identity.admin.tenant.user.added',
  ADMIN_TENANT_USER_REMOVED: 'identity.admin.tenant.user.removed',
  ADMIN_SETTINGS_UPDATED: 'identity.admin.settings.updated',
  ADMIN_WEBHOOK_CREATED: 'identity.admin.webhook.created',
  ADMIN_WEBHOOK_UPDATED: 'identity.admin.webhook.updated',
  ADMIN_WEBHOOK_DELETED: 'identity.admin.webhook.deleted',
  /** An administrator put a delivery back in the queue (`data.deliveryId`). */
  ADMIN_WEBHOOK_REPLAYED: 'identity.admin.webhook.replayed',
  APIKEY_CREATED: 'identity.apikey.created',
  APIKEY_REVOKED: 'identity.apikey.revoked',
  APIKEY_DELETED: 'identity.apikey.deleted',
  /** Failed key attempts from one address, or against one prefix, crossed the limit. */
  APIKEY_ABUSE: 'identity.apikey.abuse',
  // Outgoing webhook delivery outcomes, recorded by the dispatcher (never delivered to webhooks).
  WEBHOOK_DELIVERY_SUCCEEDED: 'identity.webhook.delivery.succeeded',
  /** An attempt failed; another follows after the back-off. */
  WEBHOOK_DELIVERY_FAILED: 'identity.webhook.delivery.failed',
  /** Every attempt failed; the delivery waits for an admin's replay. */
  WEBHOOK_DELIVERY_DEAD: 'identity.webhook.delivery.dead',
} as const;

export type AuthEventName = (typeof AuthEventNames)[keyof typeof AuthEventNames];

// The shapes live with the stores, since the event log keeps them; the bus is their source.
export type { AuthEventInput, AuthEventPayload } from '../stores/event-payload';

export type AuthEventHandler = (payload: AuthEventPayload) => void | Promise<void>;

/**
 * The event backbone: publish, and subscribe by name or to everything with `'*'`.
 * A subscriber that throws or rejects is logged and never breaks the request that published.
 */
export class AuthEventBus {
  private readonly emitter = new EventEmitter();

  constructor(private readonly onHandlerError: (err: unknown) => void = defaultHandlerError) {
    this.emitter.setMaxListeners(0);
  }

  publish(event: string, input: AuthEventInput = {}): void {
    const payload: AuthEventPayload = { ...input, event, timestamp: new Date().toISOString() };
    for (const channel of [event, '*']) {
      for (const handler of this.emitter.listeners(channel) as AuthEventHandler[]) {
        try {
          const result = handler(payload);
          if (result instanceof Promise) result.catch(this.onHandlerError);
        } catch (err) {
          this.onHandlerError(err);
        }
      }
    }
  }

  /** Subscribes; returns a function that unsubscribes. */
  onEvent(event: string, handler: AuthEventHandler): () => void {
    this.emitter.on(event, handler);
    return () => this.offEvent(event, handler);
  }

  /**
   * Unsubscribes `handler` from `event` (the same name, `'*'` included, it was subscribed
   * with). A handler subscribed twice is removed once per call, as EventEmitter does; one never
   * subscribed is ignored.
   */
  offEvent(event: string, handler: AuthEventHandler): void {
    this.emitter.off(event, handler);
  }
}

function defaultHandlerError(err: unknown): void {
  console.error('[keyward] event handler failed', err);
}
