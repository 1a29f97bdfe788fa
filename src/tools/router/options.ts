import type { Request, RequestHandler } from 'express';

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

/** Options of {@link createToolsRouter}. */
export interface ToolsRouterOptions {
  /** Authenticates the endpoints (`auth.middleware()`); required unless they are all off. */
  authMiddleware?: RequestHandler;
  /** `POST /track/:eventName` and `GET /telemetry`. Default true. */
  telemetry?: boolean;
  /** `POST /notify/:target`. Default true. */
  notify?: boolean;
  /** `GET /stream`. Default true when the tools have `sse` on. */
  stream?: boolean;
  /** `POST /webhook/:provider` (inbound webhooks). Default false. */
  webhook?: boolean;
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
