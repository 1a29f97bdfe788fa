import { consoleLogger } from '../core/config/resolve';
import type { AuthLogger } from '../core/config/types';
import type { AuthEventBus, AuthEventPayload } from '../core/events';
import type { IEventBroadcast } from '../stores/event-broadcast';
import type { IEventLog, ITelemetryStore, LoggedEvent, TelemetryFilter } from '../stores/event-log';
import { InMemoryEventBroadcast } from '../stores/in-memory/in-memory-event-broadcast';
import { InMemoryEventLog } from '../stores/in-memory/in-memory-event-log';
import type { IWebhookStore } from '../stores/webhook';
import type { AuthToolsOptions } from './options';
import { SseManager } from './sse/sse-manager';
import { WebhookDispatcher } from './webhooks/dispatcher';
import { WebhookSender } from './webhooks/webhook-sender';

/** Who an event or notification is about, as `track` and `notify` take it. */
export interface TrackContext {
  userId?: string;
  tenantId?: string;
  sessionId?: string;
  ip?: string;
}

/** Options of {@link AuthTools.notify}. */
export interface NotifyOptions {
  /** The SSE event name the stream receives. Default `notification`. */
  type?: string;
  /** The tenant the notification belongs to; streams of other tenants never receive it. */
  tenantId?: string;
}

const HOUR_MS = 3_600_000;

/**
 * The event tools: every event of the bus (and every `track`) is appended to the event log
 * first, then fanned out from the log to telemetry, SSE streams and outgoing webhooks. Nothing
 * runs unless you create it.
 */
export class AuthTools {
  /** The durable event log everything reads from. */
  readonly eventLog: IEventLog;
  /** The open streams, when `sse` is on. */
  readonly sse: SseManager | undefined;
  /** The webhook registry, when outgoing webhooks are on. */
  readonly webhookStore: IWebhookStore | undefined;
  readonly logger: AuthLogger;
  private readonly telemetryStore: ITelemetryStore | undefined;
  private readonly broadcast: IEventBroadcast;
  private readonly dispatcher: WebhookDispatcher | undefined;
  private readonly stops: Array<() => void | Promise<void>> = [];
  private readonly started: Promise<void>;

  constructor(bus: AuthEventBus, options: AuthToolsOptions = {}) {
    this.logger = options.logger ?? consoleLogger('keyward tools');
    this.eventLog = options.eventLog ?? new InMemoryEventLog();
    this.telemetryStore = options.telemetryStore;
    this.broadcast = options.broadcast ?? new InMemoryEventBroadcast();
    this.webhookStore = options.webhookStore;
    if (options.sse) {
      const sseOptions = options.sse === true ? {} : options.sse;
      this.sse = new SseManager({ log: this.eventLog, logger: this.logger }, sseOptions);
      this.stops.push(() => this.sse?.close());
    }
    if (this.webhookStore) {
      this.dispatcher = new WebhookDispatcher({
        log: this.eventLog,
        store: this.webhookStore,
        sender: new WebhookSender({
          allowPrivateNetworks: options.allowPrivateNetworks === true,
          ...(options.delivery !== undefined && { delivery: options.delivery }),
        }),
        logger: this.logger,
        options: options.delivery ?? {},
        record: (event, data) => this.track(event, data),
      });
      this.dispatcher.start();
      this.stops.push(() => this.dispatcher?.stop());
    }
    this.stops.push(
      bus.onEvent('*', async (payload) => {
        await this.record(payload);
      }),
    );
    if (options.revocations && this.sse) {
      const sse = this.sse;
      this.stops.push(
        options.revocations.onRevocation((revocation) => {
          if (revocation.kind === 'session') sse.closeSession(revocation.sessionId);
          else sse.closeUser(revocation.userId);
        }),
      );
    }
    this.schedulePruning(options.retentionDays ?? 30);
    this.started = this.subscribeBroadcast();
  }

  /** Resolves once the tools hear the broadcast (streams of this instance receive events). */
  ready(): Promise<void> {
    return this.started;
  }

  /** Records an event of your own: logged, then streamed, delivered to webhooks and queryable. */
  async track(
    event: string,
    data?: Record<string, unknown>,
    context: TrackContext = {},
  ): Promise<LoggedEvent> {
    const payload: AuthEventPayload = {
      ...definedOnly(context),
      event,
      timestamp: new Date().toISOString(),
    };
    if (data !== undefined) payload.data = data;
    return this.record(payload);
  }

  /**
   * Sends a notification to one stream topic (`user:42`, `tenant:acme`, `global`, …). It is
   * logged like an event, so a stream that reconnects with `Last-Event-ID` still gets it.
   */
  async notify(
    target: string,
    data: Record<string, unknown>,
    options: NotifyOptions = {},
  ): Promise<LoggedEvent> {
    const payload: AuthEventPayload & { topic: string } = {
      event: options.type ?? 'notification',
      timestamp: new Date().toISOString(),
      topic: target,
      data,
    };
    if (options.tenantId !== undefined) payload.tenantId = options.tenantId;
    return this.record(payload);
  }

  /**
   * Reads tracked events back, newest first: from your telemetry store when it has `query`,
   * otherwise from the event log.
   */
  query(filter: TelemetryFilter): Promise<LoggedEvent[]> {
    if (this.telemetryStore?.query) return this.telemetryStore.query(filter);
    return this.eventLog.query(filter);
  }

  /** Stops timers, streams and subscriptions (tests, graceful shutdown). */
  async close(): Promise<void> {
    await this.started.catch(() => undefined);
    for (const stop of this.stops.splice(0).reverse()) await stop();
  }

  /** Appends first; only what the log holds is streamed, stored or delivered. */
  private async record(payload: AuthEventPayload & { topic?: string }): Promise<LoggedEvent> {
    const entry = await this.eventLog.append(payload);
    if (this.telemetryStore && this.telemetryStore !== this.eventLog) {
      this.telemetryStore
        .save(entry)
        .catch((err) => this.logger.error('telemetry store failed', err));
    }
    this.broadcast.publish(entry).catch((err) => this.logger.error('event broadcast failed', err));
    this.dispatcher?.nudge();
    return entry;
  }

  private async subscribeBroadcast(): Promise<void> {
    const unsubscribe = await this.broadcast.subscribe((entry) => this.sse?.deliver(entry));
    this.stops.push(unsubscribe);
  }

  private schedulePruning(retentionDays: number): void {
    if (retentionDays <= 0) return;
    const prune = () => {
      const before = new Date(Date.now() - retentionDays * 24 * HOUR_MS);
      this.eventLog
        .prune(before)
        .catch((err) => this.logger.error('event log pruning failed', err));
    };
    const timer = setInterval(prune, HOUR_MS);
    timer.unref();
    this.stops.push(() => clearInterval(timer));
  }
}

function definedOnly(context: TrackContext): TrackContext {
  const out: TrackContext = {};
  for (const key of ['userId', 'tenantId', 'sessionId', 'ip'] as const) {
    const value = context[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
