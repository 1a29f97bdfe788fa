import { newQuickJSWASMModule, RELEASE_SYNC, type QuickJSWASMModule } from 'quickjs-emscripten';

/** What a run needs of the engine: a fresh runtime (the leak-checking test build wraps this). */
export type SandboxModule = Pick<QuickJSWASMModule, 'newRuntime'>;

/**
 * One WebAssembly instance of the engine, shared by the runs (each in its own runtime).
 * `discarded` is set when the watchdog stopped a run inside it: the instance's memory may be
 * inconsistent from then on, so no run touches it again.
 */
export interface EngineInstance {
  readonly module: SandboxModule;
  discarded: boolean;
}

/**
 * The synchronous build, not the asyncify one: actions are bridged as promises the host settles
 * (the script awaits them while the host's event loop runs), so the engine never has to suspend
 * mid-call, and the synchronous build is smaller and faster.
 *
 * Loaded once per process: compiling the WebAssembly is the cold cost of the first run. After a
 * discard, the next run instantiates it again (V8 keeps the compiled code: about 10 ms).
 */
let loading: Promise<EngineInstance> | undefined;
let current: EngineInstance | undefined;

export function sandboxEngine(): Promise<EngineInstance> {
  if (current?.discarded) {
    current = undefined;
    loading = undefined;
  }
  loading ??= newQuickJSWASMModule(RELEASE_SYNC).then(
    (module) => (current = { module, discarded: false }),
    (error: unknown) => {
      // A failed load is not cached: the next run tries again.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
