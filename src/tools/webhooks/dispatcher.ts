import type { AuthLogger } from '../../core/config/types';
import type { IEventLog } from '../../stores/event-log';
import type { IWebhookStore } from '../../stores/webhook';
import type { WebhookDeliveryOptions } from './delivery-options';

/** Dependencies of the dispatcher. */
export interface DispatcherDeps {
  log: IEventLog;
  store: IWebhookStore;
  logger: AuthLogger;
  allowPrivateNetworks: boolean;
  options: WebhookDeliveryOptions;
}

/** Walks the event log and delivers to webhooks. (Placeholder until delivery lands.) */
export class WebhookDispatcher {
  constructor(private readonly deps: DispatcherDeps) {}
  start(): void {}
  nudge(): void {}
  async stop(): Promise<void> {}
}
