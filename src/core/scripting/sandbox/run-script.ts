import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten';
import type { SandboxInput, SandboxRun, SandboxRunOptions } from './types';
import { cap, hostCall, hostLog, messageOf, permittedActions, type RunState } from './bridge';
import type { EngineInstance } from './engine';
import { ERROR_HEADROOM_BYTES, MAX_ERROR_CHARS, MAX_LOG_LINE_CHARS, resolveLimits } from './limits';
import { PRELUDE } from './prelude';
import { WatchdogTimeout, withWatchdog } from './watchdog';

/** Filename the engine puts in the script's own error traces. */
const SCRIPT_NAME = 'webhook-script.js';

/**
 * Time the watchdog allows past the deadline before it stops the engine the hard way: normally
 * the interrupt handler ends the script at the deadline and the run is torn down cleanly.
 */
const HARD_STOP_GRACE_MS = 100;

/** The watchdog stopped another run inside the same engine instance while this one waited. */
class EngineReset extends Error {}

/**
 * Every synchronous entry into the engine that can run the script's code goes through here:
 * bounded by the deadline (plus grace) whatever the script does between interrupt polls.
 */
function guarded<T>(state: RunState, fn: () => T): T {
  if (state.engine.discarded) throw new EngineReset();
  try {
    return withWatchdog(state.deadline - Date.now() + HARD_STOP_GRACE_MS, fn);
  } catch (error) {
    if (error instanceof WatchdogTimeout) {
      state.interrupted = true;
      state.engine.discarded = true;
    }
    throw error;
  }
}

/** One line for a failure, in the host's words for the limits, the script's words otherwise. */
function describeFailure(
  runtime: QuickJSRuntime,
  context: QuickJSContext,
  describe: QuickJSHandle | undefined,
  state: RunState,
  error: QuickJSHandle,
  fallback = 'script failed with an error that cannot be described',
): string {
  if (state.interrupted || Date.now() >= state.deadline) return timedOut(state);
  if (state.limitError) return state.limitError;
  // A script that filled the heap leaves no room to build the message: lend a little.
  runtime.setMemoryLimit(state.limits.memoryBytes + ERROR_HEADROOM_BYTES);
  let text = fallback;
  if (describe) {
    const described = guarded(state, () =>
      context.callFunction(describe, context.undefined, error),
    );
    if (described.error) described.error.dispose();
    else text = described.value.consume((h) => context.getString(h));
  }
  if (text === 'InternalError: out of memory') {
    return `script ran out of memory (limit ${state.limits.memoryBytes} bytes)`;
  }
  if (text === 'InternalError: stack overflow') {
    return `script overflowed its stack (limit ${state.limits.maxStackBytes} bytes)`;
  }
  return cap(text, MAX_ERROR_CHARS);
}

function timedOut(state: RunState): string {
  return `script timed out after ${state.limits.timeoutMs} ms`;
}

/**
 * Runs the script to completion: evaluates it as a module (so it may `await` at the top level),
 * then alternates between the engine's job queue and the host's event loop until the module's
 * promise settles, the deadline passes, or nothing is left that could settle it.
 */
async function drive(
  runtime: QuickJSRuntime,
  context: QuickJSContext,
  script: string,
  state: RunState,
): Promise<{ done: true } | { failure: QuickJSHandle } | { message: string }> {
  const evaluated = guarded(state, () => context.evalCode(script, SCRIPT_NAME, { type: 'module' }));
  if (evaluated.error) return { failure: evaluated.error };
  const completion = evaluated.value;
  try {
    for (;;) {
      const jobs = guarded(state, () => runtime.executePendingJobs());
      if (jobs.error) return { failure: jobs.error };
      const outcome = context.getPromiseState(completion);
      if (outcome.type === 'fulfilled') {
        if (!outcome.notAPromise) outcome.value.dispose();
        return { done: true };
      }
      if (outcome.type === 'rejected') return { failure: outcome.error };
      if (state.pending.size === 0 && !runtime.hasPendingJob()) {
        return { message: 'script awaited a promise that never settles' };
      }
      const remaining = state.deadline - Date.now();
      if (remaining <= 0) {
        state.interrupted = true;
        return { message: timedOut(state) };
      }
      // Sleep on the host's event loop (other requests run meanwhile) until an action settles.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        state.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    if (!state.engine.discarded) completion.dispose();
  }
}

/** Reads `result` back as a JSON copy, within its size limit. */
function readResult(
  context: QuickJSContext,
  finish: QuickJSHandle,
  state: RunState,
): { result: unknown } | { failure: QuickJSHandle } | { message: string } {
  const finished = guarded(state, () => context.callFunction(finish, context.undefined));
  if (finished.error) return { failure: finished.error };
  const max = state.limits.maxResultBytes;
  return finished.value.consume((handle) => {
    // A string of more characters than the limit is over it in bytes too: refused uncopied.
    const length = context.getProp(handle, 'length').consume((h) => context.getNumber(h));
    if (length > max) return { message: `result is over ${max} bytes` };
    const json = context.getString(handle);
    const bytes = Buffer.byteLength(json);
    if (bytes > max) return { message: `result is ${bytes} bytes, over the limit of ${max}` };
    return { result: JSON.parse(json) as unknown };
  });
}

/** The run's record, kept outside the engine so a failure at any point still reports it. */
function newState(
  engine: EngineInstance,
  input: SandboxInput,
  options: SandboxRunOptions,
): RunState {
  const limits = resolveLimits(options.limits);
  return {
    engine,
    limits,
    dryRun: options.dryRun === true,
    actions: permittedActions(input.actions),
    deadline: Date.now() + limits.timeoutMs,
    calls: [],
    logs: [],
    droppedLogs: 0,
    pending: new Set(),
    interrupted: false,
    limitError: undefined,
    closed: false,
    wake: () => undefined,
  };
}

/** What the run produced: a JSON copy of `result`, or why there is none. */
type Outcome = { result: unknown } | { error: string };

/** The request body could not be loaded: too large for the heap, or nested too deep. */
const BODY_FAILURE = 'the request body could not be loaded into the sandbox';

async function runIn(script: string, bodyJson: string, state: RunState): Promise<Outcome> {
  const { limits } = state;
  const runtime = state.engine.module.newRuntime();
  runtime.setMemoryLimit(limits.memoryBytes);
  runtime.setMaxStackSize(limits.maxStackBytes);
  // Polled by the engine while it runs code; true stops the script with an uncatchable error.
  runtime.setInterruptHandler(() => {
    if (Date.now() < state.deadline) return false;
    state.interrupted = true;
    return true;
  });
  const context = runtime.newContext();
  const handles: QuickJSHandle[] = [];
  const keep = (handle: QuickJSHandle): QuickJSHandle => {
    handles.push(handle);
    return handle;
  };
  const fail = (error: QuickJSHandle, describe?: QuickJSHandle, fallback?: string): Outcome => ({
    error: describeFailure(runtime, context, describe, state, keep(error), fallback),
  });
  try {
    const setup = guarded(state, () =>
      context.evalCode(PRELUDE, 'sandbox-prelude.js', { type: 'global' }),
    );
    if (setup.error) return fail(setup.error);
    const helpers = guarded(state, () =>
      context.callFunction(
        keep(setup.value),
        context.undefined,
        keep(context.newFunction('hostCall', hostCall(context, state))),
        keep(context.newFunction('hostLog', hostLog(context, state))),
        keep(context.newString(bodyJson)),
        keep(context.newString(JSON.stringify([...state.actions.keys()]))),
        keep(context.newNumber(MAX_LOG_LINE_CHARS)),
      ),
    );
    if (helpers.error) return fail(helpers.error, undefined, BODY_FAILURE);
    keep(helpers.value);
    const finish = keep(context.getProp(helpers.value, 0));
    const describe = keep(context.getProp(helpers.value, 1));

    const ran = await drive(runtime, context, script, state);
    if ('failure' in ran) return fail(ran.failure, describe);
    if ('message' in ran) return { error: ran.message };
    if (state.limitError) return { error: state.limitError };
    const read = readResult(context, finish, state);
    if ('failure' in read) return fail(read.failure, describe);
    if ('message' in read) return { error: read.message };
    return { result: read.result };
  } finally {
    state.closed = true;
    // A discarded instance is left as it is, unfreed: it may be inconsistent anywhere, and the
    // whole of it goes to the garbage collector once no run holds it.
    if (!state.engine.discarded) {
      for (const deferred of state.pending) deferred.dispose();
      for (const handle of handles.reverse()) if (handle.alive) handle.dispose();
      context.dispose();
      runtime.dispose();
    }
    state.pending.clear();
  }
}

/**
 * One run in a fresh runtime of the engine: nothing of a previous run (globals, polluted
 * prototypes, heap) is visible, and everything allocated is freed before returning. Never
 * rejects: a fault of the script or of the host side is the run's `error`.
 */
export async function runInModule(
  engine: EngineInstance,
  script: string,
  input: SandboxInput,
  options: SandboxRunOptions = {},
): Promise<SandboxRun> {
  const started = performance.now();
  const state = newState(engine, input, options);
  let outcome: Outcome;
  try {
    const bodyJson = JSON.stringify(input.body === undefined ? null : input.body) ?? 'null';
    outcome = await runIn(script, bodyJson, state);
  } catch (error) {
    if (error instanceof WatchdogTimeout) outcome = { error: timedOut(state) };
    else if (error instanceof EngineReset) {
      outcome = { error: 'sandbox engine was reset by another run that overran; run again' };
    } else {
      // The body not being JSON, the host's own stack overflowing, a handle left behind.
      outcome = { error: `sandbox failure: ${cap(messageOf(error), MAX_ERROR_CHARS)}` };
    }
  }
  const logs = [...state.logs];
  if (state.droppedLogs > 0) logs.push(`… ${state.droppedLogs} more lines not kept`);
  const run: SandboxRun = {
    result: 'result' in outcome ? outcome.result : null,
    calls: state.calls,
    logs,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
  };
  if ('error' in outcome) run.error = outcome.error;
  return run;
}
