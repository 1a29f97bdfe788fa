/**
 * Work a router starts after its answer has gone out (mail and SMS that must not reveal whether an
 * account exists, the welcome mail, recovery-code notices). It is tracked so that
 * `auth.idle()` can tell a graceful shutdown, or a test, when all of it has settled.
 */
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  /** Runs `work` without waiting for it; `onError` receives its failure (never thrown). */
  run(work: () => Promise<void>, onError: (err: unknown) => void): void {
    const task = Promise.resolve()
      .then(work)
      .catch(onError)
      .finally(() => this.running.delete(task));
    this.running.add(task);
  }

  /**
   * Resolves once every piece of work started so far has settled, including work that work
   * started while this waited.
   */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
