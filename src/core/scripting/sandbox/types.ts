/** Limits of one script run; every one has a safe default. */
export interface SandboxLimits {
  /** Wall time of a run, enforced by an interrupt handler. Default 5,000 ms. */
  timeoutMs?: number;
  /** Memory of the script's heap. Default 32 MiB. */
  memoryBytes?: number;
  /** Stack size of the script. Default 256 KiB. */
  maxStackBytes?: number;
  /** Size of `result` once serialised to JSON. Default 64 KiB. */
  maxResultBytes?: number;
  /** Action calls a run may make. Default 20. */
  maxActionCalls?: number;
}

/** An action a script may call: arguments and results cross the boundary as JSON copies. */
export type SandboxAction = (...args: unknown[]) => Promise<unknown>;

/** What a run is given. */
export interface SandboxInput {
  /** The request body; the script sees a frozen copy. */
  body: unknown;
  /** The permitted actions, by id (`actions['subscription.cancel'](…)` in the script). */
  actions: Record<string, SandboxAction>;
}

/** One action call a script made (or, in a dry run, would have made). */
export interface SandboxCall {
  id: string;
  args: unknown[];
}

/** The outcome of a run. A failed run has `error` and a null `result`. */
export interface SandboxRun {
  /** The script's `result` (a JSON copy), or null. */
  result: unknown;
  calls: SandboxCall[];
  /** Lines the script logged with `console.log` (capped). */
  logs: string[];
  /** Why the run failed: a thrown error, a timeout, a limit. */
  error?: string;
  durationMs: number;
}

/** Options of one run. */
export interface SandboxRunOptions {
  limits?: SandboxLimits;
  /** Record action calls without making them (the admin's dry run); each call resolves to null. */
  dryRun?: boolean;
}
