import type { AuthLogger } from '../core/config/types';
import { logFinding } from './run-doctor';
import type { DoctorFinding, DoctorRouterInput } from './types';

const keyOf = (f: DoctorFinding) => `${f.code}\u0000${f.message}`;

/**
 * What the doctor knows beyond the configuration, shared by every router one configurator
 * builds: the routers' options, and the findings their first requests turned up. It also
 * remembers what was logged, so two routers do not log the same finding twice.
 */
export class DoctorRegistry {
  private readonly routerInputs: DoctorRouterInput[] = [];
  private readonly seen = new Map<string, DoctorFinding>();
  private readonly logged = new Set<string>();
  private readonly pending = new Set<Promise<void>>();

  get routers(): readonly DoctorRouterInput[] {
    return this.routerInputs;
  }

  /** Findings of the routers' first requests (proxy headers, the app's body parser). */
  get observed(): DoctorFinding[] {
    return [...this.seen.values()];
  }

  addRouter(input: DoctorRouterInput): void {
    this.routerInputs.push(input);
  }

  /** Keeps a request finding for `auth.doctor()`. */
  observe(finding: DoctorFinding): void {
    this.seen.set(keyOf(finding), finding);
  }

  /** A request check still running (the body-parser probe); {@link settled} waits for it. */
  track(work: Promise<void>): void {
    const tracked = work.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** Resolves once every request check started so far has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Logs warnings and errors not logged before; notes stay in `auth.doctor()`'s answer. */
  logOnce(logger: AuthLogger, findings: readonly DoctorFinding[]): void {
    for (const finding of findings) {
      const key = keyOf(finding);
      if (finding.level === 'info' || this.logged.has(key)) continue;
      this.logged.add(key);
      logFinding(logger, finding);
    }
  }
}
