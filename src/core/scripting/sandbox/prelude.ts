/**
 * Code evaluated inside the engine before the admin's script, as a plain global script whose
 * value is a function. The host calls it once with two host functions and two JSON strings; it
 * builds everything the script sees out of the engine's own objects and keeps the host
 * functions in its closure, out of the script's reach (no global ever names them).
 *
 * Arguments are serialised and results parsed here, inside the engine, so only strings ever
 * cross the boundary: the host never holds a live object of the script's (a function, a getter,
 * a proxy, a cycle). The built-ins are captured before the script runs, but nothing here needs
 * to survive a script that rewrites its own prototypes: doing so can only spoil the script's own
 * calls and logs, and the host checks every string it receives.
 *
 * `maxLine` caps a log line here, before it is copied out. Returned: `[finish, describe]`.
 * `finish()` serialises the global `result` (absent, undefined or unserialisable reads as
 * `null`); `describe(error)` turns whatever was thrown into one line.
 */
export const PRELUDE = String.raw`(function (hostCall, hostLog, bodyJson, idsJson, maxLine) {
  'use strict';
  const global = globalThis;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const freeze = Object.freeze;
  const keys = Object.keys;
  const create = Object.create;
  const defineProperty = Object.defineProperty;
  const toString = String;
  // Bound now, so a script that rewrites String.prototype.slice still gets capped lines.
  const sliceString = Function.prototype.call.bind(String.prototype.slice);

  // The body is parsed in here and frozen all the way down: the script reads it, never changes it.
  function deepFreeze(value) {
    if (value !== null && typeof value === 'object') {
      const names = keys(value);
      for (let i = 0; i < names.length; i++) deepFreeze(value[names[i]]);
      freeze(value);
    }
    return value;
  }
  const body = deepFreeze(parse(bodyJson));

  // No prototype: an id such as 'constructor' or '__proto__' is an own action or nothing.
  const actions = create(null);
  const ids = parse(idsJson);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    // A cycle or a BigInt makes stringify throw here, so the call is refused inside the script;
    // functions and symbols are dropped (null in arrays) as JSON drops them.
    const action = async function (...args) {
      return parse(await hostCall(id, stringify(args)));
    };
    defineProperty(actions, id, { value: freeze(action), enumerable: true });
  }
  freeze(actions);

  function log(...args) {
    let line = '';
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      let text = typeof arg === 'string' ? arg : undefined;
      if (text === undefined) {
        try { text = stringify(arg); } catch (e) { text = undefined; }
      }
      if (text === undefined) text = toString(arg);
      line += (i > 0 ? ' ' : '') + text;
      if (line.length > maxLine) break;
    }
    hostLog(line.length > maxLine ? sliceString(line, 0, maxLine) + '…' : line);
  }
  const console = freeze({ log: log, info: log, warn: log, error: log });

  // Read-only globals: assigning to them throws (modules are strict).
  defineProperty(global, 'body', { value: body, enumerable: true });
  defineProperty(global, 'actions', { value: actions, enumerable: true });
  defineProperty(global, 'console', { value: console, enumerable: true });
  global.result = null;

  function finish() {
    const value = global.result;
    const json = value === undefined ? undefined : stringify(value);
    return json === undefined ? 'null' : json;
  }

  function describe(error) {
    try {
      if (error !== null && typeof error === 'object') {
        const name = error.name;
        const message = error.message;
        if (typeof message === 'string') {
          return (typeof name === 'string' && name !== '' ? name + ': ' : '') + message;
        }
      }
      return 'uncaught ' + typeof error + ': ' + toString(error);
    } catch (e) {
      return 'uncaught ' + typeof error + ' that cannot be printed';
    }
  }

  return [finish, describe];
})`;
