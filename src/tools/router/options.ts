import type { ApiDocsOptions } from '../../core/openapi/options';
import type { Request, RequestHandler } from 'express';
import type { ISettingsStore } from '../../stores/settings';
import type { IWebhookStore } from '../../stores/webhook';
import type { ActionRegistry } from '../../core/scripting/action-registry';
import type { InboundProviderConfig } from '../inbound/providers';
import type { InboundReplayStore } from '../inbound/replay';
import type { SandboxLimits } from '../../core/scripting/sandbox';

/** What a tools endpoint is asked to do, for the permission hooks. */
export type ToolsAction = 'track' | 'notify' | 'telemetry';

/**
 * Decides whether the signed-in caller (`req.user`) may do `action` on `target` (the event name
 * for track, the topic for notify, `*` for telemetry). Tenant isolation is applied after it and
 * cannot be loosened here.
 */
export type ToolsPermission = (
  req: Request,
  action: ToolsAction,
  target: string,
) => boolean | Promise<boolean>;

/** What an inbound webhook becomes: an event recorded with `tools.track`. */
export interface InboundWebhookResult {
  /** The event name: letters, digits and . _ : - (at most 120). */
  event: string;
  data?: Record<string, unknown>;
  tenantId?: string;
}

/**
 * Turns a verified inbound webhook into an event, or null to acknowledge it and record nothing.
 * `body` is the parsed JSON; `req.body` is the raw Buffer that was verified.
 */
export type InboundWebhookHandler = (
  provider: string,
  body: unknown,
  req: Request,
) => InboundWebhookResult | null | undefined | Promise<InboundWebhookResult | null | undefined>;

/** Options of {@link createToolsRouter}. */
export interface ToolsRouterOptions extends ApiDocsOptions {
  /** Authenticates the endpoints (`auth.middleware()`); required unless they are all off. */
  authMiddleware?: RequestHandler;
  /** `POST /track/:eventName` and `GET /telemetry`. Default true. */
  telemetry?: boolean;
  /** `POST /notify/:target`. Default true. */
  notify?: boolean;
  /** `GET /stream`. Default true when the tools have `sse` on. */
  stream?: boolean;
  /**
   * `POST /webhook/:provider` (inbound webhooks). Default false. It takes no sign-in: the
   * provider's signature authenticates each request.
   */
  webhook?: boolean;
  /**
   * Inbound webhooks: your handler. Without it, the provider's webhook in the webhook store
   * runs its `jsScript` in the sandbox.
   */
  onWebhook?: InboundWebhookHandler;
  /**
   * Inbound webhooks: how each provider signs (`{ stripe: { verify: 'stripe', secret } }`). A
   * provider missing here but present in the webhook store (`findByProvider`) is verified as
   * Standard Webhooks with that webhook's `secret`; any other provider is unknown (404).
   */
  providers?: Record<string, InboundProviderConfig>;
  /** Inbound webhooks: where `findByProvider` finds providers and scripts. Default: the tools'. */
  webhookStore?: IWebhookStore;
  /** Inbound webhooks: its `enabledWebhookActions` switch actions on. Without it, none is on. */
  settingsStore?: ISettingsStore;
  /** Inbound webhooks: the actions scripts may call. Default `ActionRegistry.default`. */
  actions?: ActionRegistry;
  /** Inbound webhooks: limits of each script run (see the sandbox). */
  sandbox?: SandboxLimits;
  /**
   * Inbound webhooks: where delivery ids are remembered, so each runs once. Default: in
   * process memory; give a shared store (the SQL or Redis two-factor store has `markUsed`) with
   * several instances.
   */
  replayStore?: InboundReplayStore;
  /** Inbound webhooks: how long a delivery id is remembered. Default 72 hours (Stripe's retries). */
  replayTtlMs?: number;
  /**
   * Inbound webhooks: providers whose events may carry keyward's own `identity.*` names. Default
   * none: a provider is not a global administrator, and an `identity.*` event from it would be
   * read as a fact about an account.
   */
  identityEventProviders?: string[];
  /** Inbound webhooks: largest accepted body. Default `1mb`. */
  webhookBodyLimit?: string;
  /**
   * Who may track, notify and read telemetry. Default: administrators only (see `isAdmin`).
   */
  permission?: ToolsPermission;
  /** Who is an administrator. Default: `role` is `admin`, or `roles` includes `admin`. */
  isAdmin?: (user: Express.User) => boolean;
  /**
   * The caller's tenant. Default: the access token's `tenantId` claim. A caller with a tenant
   * reads, tracks and notifies within that tenant only, whatever `permission` says.
   */
  tenantOf?: (user: Express.User) => string | undefined;
  /**
   * Topics the app grants a stream beyond the derived ones: `tenant:{id}:group:{group}` and
   * `custom:{namespace}`. Other shapes, and another tenant's topics, are ignored.
   */
  streamTopics?: (user: Express.User, req: Request) => string[] | Promise<string[]>;
  /** Largest accepted JSON body. Default `16kb`. */
  bodyLimit?: string;
}
