/**
 * A moved clock for expiry tests: only `Date` is faked (jest's modern timers), so timers, I/O,
 * the password worker threads and the database round trips run as usual, while tokens, sessions,
 * codes and the stores (which all read `Date.now()`) see the time the test sets. A TTL test then
 * succeeds before the expiry however slow the machine, and fails after it without waiting.
 * Pair with `afterEach(() => jest.useRealTimers())`.
 */
export function fakeDateOnly(): void {
  jest.useFakeTimers({
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

/** Moves the faked clock `ms` milliseconds ahead. */
export const advanceClock = (ms: number): void => jest.setSystemTime(Date.now() + ms);
