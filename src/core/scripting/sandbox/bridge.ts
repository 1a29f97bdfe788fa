import type {
  QuickJSContext,
  QuickJSDeferredPromise,
  QuickJSHandle,
  VmCallResult,
} from 'quickjs-emscripten';
import type { SandboxAction, SandboxCall, SandboxInput } from './types';
import type { EngineInstance } from './engine';
import { MAX_ERROR_CHARS, MAX_LOG_LINE_CHARS, MAX_LOG_LINES, type ResolvedLimits } from './limits';

/**
 * The two host functions a script can reach, through the prelude's closure: `hostCall` for the
 * actions and `hostLog` for `console.log`. Both take strings only.
 */

/** Host-side state of one run: everything the bridge functions and the run loop share. */
export interface RunState {
  readonly engine: EngineInstance;
  readonly limits: ResolvedLimits;
  readonly dryRun: boolean;
  readonly actions: ReadonlyMap<string, SandboxAction>;
  readonly deadline: number;
  readonly calls: SandboxCall[];
  readonly logs: string[];
  droppedLogs: number;
  /** Deferred promises handed to the script and not yet settled: disposed when the run ends. */
  readonly pending: Set<QuickJSDeferredPromise>;
  /** Set once the interrupt handler stopped the script: the run is a timeout whatever follows. */
  interrupted: boolean;
  /** A limit the script broke; sticky, so catching the thrown error does not hide it. */
  limitError: string | undefined;
  /** Set when the run is over: a host action settling later must not touch a freed context. */
  closed: boolean;
  /** Wakes the run loop when an action settles. */
  wake: () => void;
}

export function cap(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The actions a script may call: own, function-valued entries only, so an id never reaches
 * `Object.prototype` through the host's object.
 */
export function permittedActions(actions: SandboxInput['actions']): Map<string, SandboxAction> {
  const permitted = new Map<string, SandboxAction>();
  for (const id of Object.keys(actions)) {
    const action = actions[id];
    if (typeof action === 'function') permitted.set(id, action);
  }
  return permitted;
}

/** `hostLog(line)`: keeps a capped number of capped lines. */
export function hostLog(context: QuickJSContext, state: RunState) {
  return (line: QuickJSHandle): void => {
    if (context.typeof(line) !== 'string') return;
    if (state.logs.length >= MAX_LOG_LINES) {
      state.droppedLogs += 1;
      return;
    }
    // The prelude caps lines; one longer than that is not copied out at all.
    const length = context.getProp(line, 'length').consume((h) => context.getNumber(h));
    if (length > MAX_LOG_LINE_CHARS + 1) state.logs.push('[line too long]');
    else state.logs.push(context.getString(line));
  };
}

/**
 * `hostCall(id, argsJson)`: the one door from the script to the host. Returns a promise the
 * host settles with a JSON string (parsed inside the engine) or an Error carrying only a message.
 */
export function hostCall(context: QuickJSContext, state: RunState) {
  const refuse = (message: string): VmCallResult<QuickJSHandle> => ({
    error: context.newError({ name: 'Error', message }),
  });
  return (idHandle: QuickJSHandle, argsHandle: QuickJSHandle): VmCallResult<QuickJSHandle> => {
    if (context.typeof(idHandle) !== 'string' || context.typeof(argsHandle) !== 'string') {
      return refuse('actions take JSON arguments');
    }
    const id = context.getString(idHandle);
    const action = state.actions.get(id);
    if (!action) return refuse(`unknown action ${JSON.stringify(cap(id, 100))}`);
    if (state.calls.length >= state.limits.maxActionCalls) {
      state.limitError = `too many action calls (limit ${state.limits.maxActionCalls})`;
      return refuse(state.limitError);
    }
    // Length first, read second: a huge argument is refused without being copied out.
    const length = context.getProp(argsHandle, 'length').consume((h) => context.getNumber(h));
    if (length > state.limits.maxResultBytes) {
      return refuse(`arguments of ${id} are over ${state.limits.maxResultBytes} characters`);
    }
    const json = context.getString(argsHandle);
    let args: unknown;
    try {
      args = JSON.parse(json);
    } catch {
      return refuse('actions take JSON arguments');
    }
    if (!Array.isArray(args)) return refuse('actions take JSON arguments');
    // Two parses: the record stays as called even if the action mutates what it is given.
    state.calls.push({ id, args: JSON.parse(json) as unknown[] });

    const deferred = context.newPromise();
    state.pending.add(deferred);
    const outcome = state.dryRun
      ? Promise.resolve<unknown>(null)
      : Promise.resolve().then(() => action(...(args as unknown[])));
    outcome.then(
      (value) => settle(context, state, deferred, id, { value }),
      (error: unknown) => settle(context, state, deferred, id, { error }),
    );
    return { value: deferred.handle };
  };
}

function settle(
  context: QuickJSContext,
  state: RunState,
  deferred: QuickJSDeferredPromise,
  id: string,
  outcome: { value: unknown } | { error: unknown },
): void {
  if (state.closed || !state.pending.delete(deferred)) return;
  if (state.engine.discarded) {
    // The instance may be inconsistent: leave it alone, the run loop reports the reset.
    state.wake();
    return;
  }
  let json: string | undefined;
  let failure: string | undefined;
  if ('value' in outcome) {
    try {
      json = JSON.stringify(outcome.value === undefined ? null : outcome.value) ?? 'null';
    } catch {
      failure = `action ${id} returned a value that is not JSON`;
    }
  } else {
    // The message only: the host's stack and error object stay on the host.
    failure = `action ${id} failed: ${cap(messageOf(outcome.error), MAX_ERROR_CHARS)}`;
  }
  try {
    if (json !== undefined) context.newString(json).consume((h) => deferred.resolve(h));
    else
      context
        .newError({ name: 'Error', message: failure ?? '' })
        .consume((h) => deferred.reject(h));
  } catch {
    // The heap is full or the run is being torn down: the run loop reports why.
  } finally {
    deferred.dispose();
    state.wake();
  }
}
