import type { SandboxLimits } from './types';

/** Every limit of a run, defaults filled in. */
export type ResolvedLimits = Required<SandboxLimits>;

export const DEFAULT_LIMITS: Readonly<ResolvedLimits> = Object.freeze({
  timeoutMs: 5_000,
  memoryBytes: 32 * 1024 * 1024,
  maxStackBytes: 256 * 1024,
  maxResultBytes: 64 * 1024,
  maxActionCalls: 20,
});

/**
 * The interpreter's own frames run on Node's stack (about 1 MB), not only on the WebAssembly
 * stack the limit measures: at 384 KiB a deep recursion already overflowed the host's stack
 * first, which throws on the host and leaves the runtime unfreeable. So a larger setting is cut
 * down to the default rather than trusted.
 */
const MAX_STACK_BYTES = DEFAULT_LIMITS.maxStackBytes;

/** Lines `console.log` keeps, and characters per line: logs are for the admin's dry run. */
export const MAX_LOG_LINES = 100;
export const MAX_LOG_LINE_CHARS = 1_000;
/** Characters of an error message handed back (a script can throw a huge string). */
export const MAX_ERROR_CHARS = 1_000;
/** Memory lent to the runtime after a failure, to describe the error once the heap is full. */
export const ERROR_HEADROOM_BYTES = 1024 * 1024;

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? Math.floor(value)
    : fallback;
}

/** A limit that is missing, not a number or not positive gets its default. */
export function resolveLimits(limits: SandboxLimits = {}): ResolvedLimits {
  const calls = limits.maxActionCalls;
  return {
    timeoutMs: positive(limits.timeoutMs, DEFAULT_LIMITS.timeoutMs),
    memoryBytes: positive(limits.memoryBytes, DEFAULT_LIMITS.memoryBytes),
    maxStackBytes: Math.min(
      positive(limits.maxStackBytes, DEFAULT_LIMITS.maxStackBytes),
      MAX_STACK_BYTES,
    ),
    maxResultBytes: positive(limits.maxResultBytes, DEFAULT_LIMITS.maxResultBytes),
    // Zero is a meaningful count here: a script that may call nothing.
    maxActionCalls:
      typeof calls === 'number' && Number.isFinite(calls) && calls >= 0
        ? Math.floor(calls)
        : DEFAULT_LIMITS.maxActionCalls,
  };
}
