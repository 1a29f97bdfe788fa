import type { IEventBroadcast } from '../event-broadcast';
import type { LoggedEvent } from '../event-log';
import type { Unsubscribe } from '../revocation';

/** The broadcast within one process: the default. Several instances need the Redis one. */
export class InMemoryEventBroadcast implements IEventBroadcast {
  private readonly listeners = new Set<(event: LoggedEvent) => void>();

  async publish(event: LoggedEvent): Promise<void> {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One subscriber's failure is its own.
      }
    }
  }

  async subscribe(listener: (event: LoggedEvent) => void): Promise<Unsubscribe> {
    this.listeners.add(listener);
    return async () => {
      this.listeners.delete(listener);
    };
  }
}
