import { sandboxEngine, type EngineInstance } from './sandbox/engine';
import { runInModule } from './sandbox/run-script';
import type { SandboxInput, SandboxRun, SandboxRunOptions } from './sandbox/types';

export type {
  SandboxAction,
  SandboxCall,
  SandboxInput,
  SandboxLimits,
  SandboxRun,
  SandboxRunOptions,
} from './sandbox/types';

/**
 * Runs an admin's webhook script in a WebAssembly JavaScript engine, in a fresh runtime with no
 * host objects: the script sees a frozen copy of `body`, the permitted `actions`, `console.log`
 * and the `result` global it assigns. Never rejects for a fault of the script (a throw, a
 * timeout, a limit): the run's `error` says what happened.
 */
export async function runWebhookScript(
  script: string,
  input: SandboxInput,
  options: SandboxRunOptions = {},
): Promise<SandboxRun> {
  let engine: EngineInstance;
  try {
    engine = await sandboxEngine();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      result: null,
      calls: [],
      logs: [],
      error: `sandbox failure: ${message}`,
      durationMs: 0,
    };
  }
  return runInModule(engine, script, input, options);
}
