/**
 * Hands each arriving message (a mail, an SMS, a request) to the oldest test waiting for one. A
 * wait that times out is removed from the queue and rejects naming what it waited for, so the
 * next message goes to the next waiter instead of a test that already failed: one failure does
 * not cascade into the tests after it.
 */
export class Waiters<T> {
  private readonly queue: Array<(item: T) => void> = [];

  /** Gives `item` to the oldest waiter, if any. */
  deliver(item: T): void {
    this.queue.shift()?.(item);
  }

  /** Resolves with the next item delivered; rejects after `ms`, naming `what`. */
  next(what: string, ms = 5000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter = (item: T) => {
        clearTimeout(timer);
        resolve(item);
      };
      const timer = setTimeout(() => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      this.queue.push(waiter);
    });
  }

  /** How many are waiting (none once every wait was answered or timed out). */
  get waiting(): number {
    return this.queue.length;
  }
}
