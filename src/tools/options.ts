import type { AuthLogger } from '../core/config/types';
import type { IEventBroadcast } from '../stores/event-broadcast';
import type { IEventLog, ITelemetryStore } from '../stores/event-log';
import type { IWebhookStore } from '../stores/webhook';
import type { SseOptions } from './sse/sse-manager';
import type { WebhookDeliveryOptions } from './webhooks/delivery-options';

/** Something that reports ended sessions: the app's AuthConfigurator. */
export interface RevocationSource {
  onRevocation(
    listener: (
      revocation: { kind: 'session'; sessionId: string } | { kind: 'user'; userId: string },
    ) => void,
  ): () => void;
}

/** Options of {@link AuthTools}. Each tool runs only when its option is given. */
export interface AuthToolsOptions {
  /**
   * Where every event is appended before anything is delivered. Default: in process memory.
   * Give `createSqlStores(…).eventLog` or `createRedisStores(…).eventLog` to survive restarts
   * and share it between instances.
   */
  eventLog?: IEventLog;
  /**
   * A store of your own that also receives each event (the reference's telemetry store). Without
   * it, telemetry is a query on the event log.
   */
  telemetryStore?: ITelemetryStore;
  /** Outgoing webhooks: each event is delivered to the webhooks that subscribe to it. */
  webhookStore?: IWebhookStore;
  /** Server-sent event streams (`GET /tools/stream`): `true` or its options. */
  sse?: boolean | SseOptions;
  /**
   * Carries events to the other instances' streams. Default: this process only; give
   * `createRedisStores(…).eventBroadcast` with several instances.
   */
  broadcast?: IEventBroadcast;
  /**
   * Lets webhooks deliver to loopback, private, link-local and unique-local addresses. Off by
   * default: a webhook URL is the classic server-side request forgery. Tests and private
   * deployments switch it on knowingly.
   */
  allowPrivateNetworks?: boolean;
  /** Timeouts, retries and the response cap of webhook delivery. */
  delivery?: WebhookDeliveryOptions;
  /** Days the event log keeps entries; older ones are pruned hourly. Default 30; `0` keeps all. */
  retentionDays?: number;
  /** The app's AuthConfigurator: streams of ended sessions are told and closed at once. */
  revocations?: RevocationSource;
  logger?: AuthLogger;
}
