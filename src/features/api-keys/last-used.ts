import type { BackgroundWork } from '../../core/background';
import type { IApiKeyStore } from '../../stores/api-key';

/** Keys remembered; past it the map starts again (a key then writes once more, early). */
const MAX_TRACKED_KEYS = 50_000;

/**
 * Writes `lastUsedAt` at most once per `intervalMs` per key and instance, so a busy key costs
 * one store write a minute, not one per request. The write is not awaited by the request.
 */
export class LastUsedRecorder {
  private readonly written = new Map<string, number>();

  constructor(
    private readonly store: IApiKeyStore,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
    private readonly background?: BackgroundWork,
  ) {}

  touch(keyId: string, now = Date.now()): void {
    const last = this.written.get(keyId);
    if (last !== undefined && now - last < this.intervalMs) return;
    if (this.written.size >= MAX_TRACKED_KEYS) this.written.clear();
    this.written.set(keyId, now);
    const write = () => this.store.updateLastUsed(keyId, new Date(now));
    if (this.background) this.background.run(write, this.onError);
    else write().catch(this.onError);
  }
}
