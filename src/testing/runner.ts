import type { ConformanceFailure, ConformanceReport } from './report';

/** How a conformance run treats optional methods and slow stores. */
export interface ConformanceOptions {
  /**
   * What to do when an optional method (e.g. `IUserStore.findByResetToken`) is missing.
   * - `'skip-missing'` (default): checks of the methods that exist run; checks that need a
   *   missing one are listed in `report.skipped`, counted neither as passed nor as failed.
   *   An optional method is a feature switch, so leaving it out is conformant.
   * - `'require'`: a check that needs a missing method fails with "not implemented", for stores
   *   that mean to support every feature.
   */
  optional?: 'skip-missing' | 'require';
  /** Time limit for one check in milliseconds (default 10 000): a hung store fails, not hangs. */
  timeoutMs?: number;
}

/** What a check gets besides the store. */
export interface CheckContext {
  /**
   * Registers clean-up to run after the check, passed or failed, newest first. Its errors are
   * ignored: a failed clean-up must not hide the check's own result.
   */
  defer(cleanup: () => unknown): void;
}

/** One named check of a store. */
export interface Check<S> {
  name: string;
  /** Optional methods the check exercises; it is skipped or failed when one is missing. */
  needs?: readonly string[];
  run(store: S, ctx: CheckContext): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_MESSAGE_LENGTH = 1_000;

/** Whether `store` has a method called `name` (own or inherited). */
export function hasMethod(store: unknown, name: string): boolean {
  if (typeof store !== 'object' || store === null) return false;
  return typeof (store as Record<string, unknown>)[name] === 'function';
}

/**
 * Runs `checks` one after another (a store shared by checks running at once would blur which
 * check broke it) and collects the outcome. Never throws for a failing check.
 */
export async function runChecks<S>(
  subject: string,
  store: S,
  checks: readonly Check<S>[],
  options: ConformanceOptions = {},
): Promise<ConformanceReport> {
  const passed: string[] = [];
  const failures: ConformanceFailure[] = [];
  const skipped: string[] = [];
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  for (const check of checks) {
    const missing = (check.needs ?? []).filter((name) => !hasMethod(store, name));
    if (missing.length > 0) {
      if (options.optional === 'require') {
        failures.push({ check: check.name, message: `not implemented: ${missing.join(', ')}` });
      } else {
        skipped.push(check.name);
      }
      continue;
    }
    const error = await runOne(check, store, timeoutMs);
    if (error === undefined) passed.push(check.name);
    else failures.push({ check: check.name, message: error });
  }
  return { subject, passed, failures, skipped };
}

/** Settles like `work`, or rejects once `ms` have passed. */
async function withinTime<T>(work: () => T | Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms`)), ms);
  });
  try {
    // A synchronous throw from `work` becomes a rejection, like an async one.
    return await Promise.race([Promise.resolve().then(work), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one check with its clean-ups; resolves to the failure message, or undefined. */
async function runOne<S>(
  check: Check<S>,
  store: S,
  timeoutMs: number,
): Promise<string | undefined> {
  const cleanups: (() => unknown)[] = [];
  const ctx: CheckContext = { defer: (cleanup) => void cleanups.push(cleanup) };
  let message: string | undefined;
  try {
    await withinTime(() => check.run(store, ctx), timeoutMs);
  } catch (err) {
    message = messageOf(err);
  }
  for (const cleanup of cleanups.reverse()) {
    try {
      // Bounded too: a store that hangs must not hang the whole run.
      await withinTime(cleanup, timeoutMs);
    } catch {
      // Clean-up is best effort; see CheckContext.defer.
    }
  }
  return message;
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

function messageOf(err: unknown): string {
  // Errors from another realm (a driver, node:assert under a sandboxing runner) are not
  // `instanceof Error` here, so look at the shape.
  const message = (err as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : `threw a non-error: ${describe(err)}`;
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length > MAX_MESSAGE_LENGTH
    ? `${oneLine.slice(0, MAX_MESSAGE_LENGTH)}…`
    : oneLine || 'failed without a message';
}

/**
 * A readable summary: `IUserStore: 31/31 checks passed`, then one line per failure and, when
 * optional methods were missing, one line naming the skipped checks.
 */
export function formatReport(report: ConformanceReport): string {
  const total = report.passed.length + report.failures.length;
  const skipped = report.skipped ?? [];
  const lines = [`${report.subject}: ${report.passed.length}/${total} checks passed`];
  if (skipped.length > 0) lines[0] += `, ${skipped.length} skipped (optional methods missing)`;
  for (const failure of report.failures)
    lines.push(`  FAILED ${failure.check}: ${failure.message}`);
  for (const name of skipped) lines.push(`  skipped ${name}`);
  return lines.join('\n');
}

/** Throws an error carrying {@link formatReport} when any check failed; for any test runner. */
export function assertConformant(report: ConformanceReport): void {
  if (report.failures.length > 0) throw new Error(formatReport(report));
}
