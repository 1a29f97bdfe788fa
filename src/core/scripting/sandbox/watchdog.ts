import { Script, createContext } from 'node:vm';

/**
 * A hard stop for the engine, behind its interrupt handler. The engine polls that handler only
 * every so many branches and calls, so a loop whose every turn is one slow built-in (a
 * `JSON.stringify` of a large array, a `'x'.repeat(1e6)`) was measured overrunning a 1 s deadline
 * by 20 to 70 s, holding the host's thread all along.
 *
 * Node's `vm` runs code under a watchdog thread that terminates V8 execution when a timeout
 * passes, and that termination reaches into WebAssembly too. `vm` is no security boundary, and
 * none is asked of it here: the context below holds nothing but the slot for the host function
 * to call, and only host code ever runs in it. What it lends is the timer.
 *
 * A termination leaves the engine's WebAssembly instance stopped anywhere, its allocator
 * included, so the caller must never touch that instance again (see engine.ts).
 */
const slot: { call: (() => unknown) | null } = { call: null };
const box = createContext(slot);
const entry = new Script('call()', { filename: 'sandbox-watchdog' });

/** The watchdog stopped the engine mid-run. */
export class WatchdogTimeout extends Error {
  constructor() {
    super('the engine was stopped at its hard deadline');
    this.name = 'WatchdogTimeout';
  }
}

function isVmTimeout(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT'
  );
}

/** Runs `fn` (synchronous host code entering the engine), stopped after `timeoutMs` at most. */
export function withWatchdog<T>(timeoutMs: number, fn: () => T): T {
  const previous = slot.call;
  slot.call = fn;
  try {
    return entry.runInContext(box, { timeout: Math.max(1, Math.ceil(timeoutMs)) }) as T;
  } catch (error) {
    if (isVmTimeout(error)) throw new WatchdogTimeout();
    throw error;
  } finally {
    slot.call = previous;
  }
}
