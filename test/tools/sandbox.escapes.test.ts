import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  runWebhookScript,
  type SandboxAction,
  type SandboxInput,
} from '../../src/core/scripting/sandbox';

const noActions: SandboxInput = { body: { id: 'x', nested: { n: 1 } }, actions: {} };

function withHost(received: unknown[][]): Record<string, SandboxAction> {
  return {
    take: async (...args) => {
      received.push(args);
      return { ok: true };
    },
  };
}

describe('webhook script sandbox: escape attempts', () => {
  it('reaches no process, require or module through constructors or globals', async () => {
    const run = await runWebhookScript(
      `const probes = {};
       const attempt = (name, f) => { try { probes[name] = f() } catch (e) { probes[name] = 'threw ' + e.name } };
       attempt('this', () => this.constructor.constructor('return process')());
       attempt('objectCtor', () => ({}).constructor.constructor('return typeof process')());
       attempt('bodyCtor', () => body.constructor.constructor('return typeof process')());
       probes.asyncFn = await Object.getPrototypeOf(async () => {}).constructor('return typeof require')();
       attempt('logCtor', () => console.log.constructor('return [typeof process, typeof require, typeof module]')());
       attempt('globals', () => [typeof process, typeof require, typeof module, typeof exports, typeof globalThis.process, typeof Buffer, typeof setTimeout, typeof fetch]);
       attempt('names', () => Object.getOwnPropertyNames(globalThis).filter((n) => /host|process|require|module/i.test(n)));
       attempt('require', () => require('fs'));
       result = probes`,
      noActions,
    );
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({
      this: 'threw TypeError',
      objectCtor: 'undefined',
      bodyCtor: 'undefined',
      asyncFn: 'undefined',
      logCtor: ['undefined', 'undefined', 'undefined'],
      globals: Array(8).fill('undefined'),
      names: [],
      require: 'threw ReferenceError',
    });
  });

  it('cannot import modules, statically or dynamically', async () => {
    const dynamic = await runWebhookScript(
      `const out = [];
       for (const name of ['fs', 'node:child_process', './x.js', 'std', 'os']) {
         try { await import(name); out.push('loaded ' + name) } catch (e) { out.push(e.name) }
       }
       result = out`,
      noActions,
    );
    expect(dynamic.result).toEqual(Array(5).fill('ReferenceError'));
    const fixed = await runWebhookScript("import fs from 'fs'; result = typeof fs", noActions);
    expect(fixed.result).toBeNull();
    expect(fixed.error).toMatch(/could not load module/);
    const required = await runWebhookScript("require('fs')", noActions);
    expect(required.error).toMatch(/^ReferenceError/);
  });

  it('prototype pollution stays inside the run: not on the host, not in the next run', async () => {
    const received: unknown[][] = [];
    const polluting = await runWebhookScript(
      `Object.prototype.polluted = 1;
       Array.prototype.polluted = 1;
       body.constructor.prototype.x = 1;
       let protoWrite;
       try { actions.__proto__ = { take: () => 'swapped' }; protoWrite = 'no error' } catch (e) { protoWrite = e.name }
       let takeWrite;
       try { actions.take = () => 'swapped'; takeWrite = 'no error' } catch (e) { takeWrite = e.name }
       const answer = await actions.take({ a: 1 });
       result = { protoWrite, takeWrite, answer, proto: Object.getPrototypeOf(actions), seen: ({}).polluted }`,
      { body: { id: 1 }, actions: withHost(received) },
    );
    expect(polluting.error).toBeUndefined();
    expect(polluting.result).toEqual({
      protoWrite: 'TypeError',
      takeWrite: 'TypeError',
      answer: { ok: true },
      proto: null,
      seen: 1,
    });
    // The host's objects, and what the action received, carry none of it.
    const hostProto = Object.prototype as unknown as Record<string, unknown>;
    expect(hostProto.polluted).toBeUndefined();
    expect(hostProto.x).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(received).toEqual([[{ a: 1 }]]);
    expect(Object.getPrototypeOf(received[0]?.[0])).toBe(Object.prototype);
    expect(polluting.result).not.toHaveProperty('polluted');

    const next = await runWebhookScript('result = [({}).polluted, [].polluted, ({}).x]', noActions);
    expect(next.result).toEqual([null, null, null]);
  });

  it('a __proto__ key in the body or in arguments stays data, on both sides', async () => {
    const received: unknown[][] = [];
    const body = JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}') as unknown;
    const run = await runWebhookScript(
      `await actions.take(JSON.parse('{"__proto__": {"polluted": 2}}'));
       result = { seen: ({}).polluted ?? null, own: Object.keys(body) }`,
      { body, actions: withHost(received) },
    );
    expect(run.result).toEqual({ seen: null, own: ['__proto__', 'a'] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const arg = received[0]?.[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(arg)).toBe(Object.prototype);
    expect(arg.polluted).toBeUndefined();
  });

  it('hostile arguments reach the host as JSON copies or not at all', async () => {
    const received: unknown[][] = [];
    const run = await runWebhookScript(
      `const out = {};
       const cyclic = { name: 'c' }; cyclic.self = cyclic;
       try { await actions.take(cyclic) } catch (e) { out.cyclic = e.name }
       try { await actions.take(10n) } catch (e) { out.bigint = e.name }
       try { await actions.take('x'.repeat(200000)) } catch (e) { out.huge = e.message }
       await actions.take(() => 1, { f() {}, get g() { return 'computed' }, s: Symbol('s'), p: new Proxy({ k: 1 }, {}) });
       result = out`,
      { body: {}, actions: withHost(received) },
    );
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({
      cyclic: 'TypeError',
      bigint: 'TypeError',
      huge: 'arguments of take are over 65536 characters',
    });
    // Only the last call got through, as plain JSON data: no function, no getter, no proxy.
    expect(received).toEqual([[null, { g: 'computed', p: { k: 1 } }]]);
    expect(run.calls).toEqual([{ id: 'take', args: [null, { g: 'computed', p: { k: 1 } }] }]);
  });

  it('stops an endless loop at the deadline; the HTTP server answers once the deadline stops it', async () => {
    const server = http.createServer((_req, res) => res.end('alive'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const asked = Date.now();
      const answer = fetch(`http://127.0.0.1:${port}/`).then(async (res) => ({
        text: await res.text(),
        at: Date.now(),
      }));
      const run = await runWebhookScript('while (true) {}', noActions, {
        limits: { timeoutMs: 200 },
      });
      expect(run.error).toBe('script timed out after 200 ms');
      expect(run.result).toBeNull();
      expect(run.durationMs).toBeGreaterThanOrEqual(199);
      expect(run.durationMs).toBeLessThan(1_000);
      // The synchronous engine holds the thread while the loop runs, but only up to the deadline.
      const { text, at } = await answer;
      expect(text).toBe('alive');
      expect(at - asked).toBeLessThan(2_000);

      // An infinite loop after an await, and one a try/catch wraps, end the same way.
      const late = await runWebhookScript('await 0; try { for (;;) {} } catch (e) {}', noActions, {
        limits: { timeoutMs: 200 },
      });
      expect(late.error).toBe('script timed out after 200 ms');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the host keeps answering while a script waits for an action, and the deadline covers the wait', async () => {
    const server = http.createServer((_req, res) => res.end('alive'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const actions: Record<string, SandboxAction> = {
        slow: () => new Promise((resolve) => setTimeout(() => resolve('late'), 4_000)),
      };
      let ranUntil = 0;
      const running = runWebhookScript(
        'result = await actions.slow()',
        { body: {}, actions },
        { limits: { timeoutMs: 1_500 } },
      ).then((run) => {
        ranUntil = Date.now();
        return run;
      });
      const text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      const answeredAt = Date.now();
      expect(text).toBe('alive');
      const run = await running;
      // Answered while the script was still waiting for its action.
      expect(answeredAt).toBeLessThan(ranUntil);
      expect(run.error).toBe('script timed out after 1500 ms');
      expect(run.durationMs).toBeLessThan(3_000);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a memory bomb ends with an out-of-memory error and the host carries on', async () => {
    // A generous deadline, so that on a loaded machine the memory limit still comes first.
    const slow = { limits: { timeoutMs: 30_000 } };
    const typed = await runWebhookScript(
      'let a = []; for (;;) a.push(new Uint8Array(1e6))',
      noActions,
      slow,
    );
    expect(typed.error).toBe('script ran out of memory (limit 33554432 bytes)');
    const arrays = await runWebhookScript(
      "const s = 'x'.repeat(1e5); let a = []; for (;;) a.push(s.split(''))",
      noActions,
      slow,
    );
    expect(arrays.error).toBe('script ran out of memory (limit 33554432 bytes)');
    // This engine builds 'x'.repeat(1e6) as a rope of shared pieces, about 10 ms of work and a few
    // KiB each: that bomb meets the deadline before the memory limit.
    const ropes = await runWebhookScript(
      "let a = []; for (;;) a.push('x'.repeat(1e6))",
      noActions,
      {
        limits: { timeoutMs: 1_000 },
      },
    );
    expect(ropes.error).toMatch(/^script (ran out of memory|timed out after 1000 ms)/);
    expect(ropes.durationMs).toBeLessThan(2_000);
    const after = await runWebhookScript('result = 1 + 1', noActions);
    expect(after.result).toBe(2);
  });

  it('deep recursion ends with a stack error', async () => {
    const run = await runWebhookScript('function f() { return f() } f()', noActions);
    expect(run.error).toBe('script overflowed its stack (limit 262144 bytes)');
    // A larger stack than the default is not granted (the host's own stack is the limit).
    const big = await runWebhookScript('function f() { return f() } f()', noActions, {
      limits: { maxStackBytes: 64 * 1024 * 1024 },
    });
    expect(big.error).toBe('script overflowed its stack (limit 262144 bytes)');
  });

  it('a result over maxResultBytes is an error, not a truncated result', async () => {
    const run = await runWebhookScript("result = { data: 'é'.repeat(40000) }", noActions);
    expect(run.result).toBeNull();
    expect(run.error).toMatch(/^result is \d+ bytes, over the limit of 65536$/);
    const small = await runWebhookScript("result = 'x'.repeat(200)", noActions, {
      limits: { maxResultBytes: 100 },
    });
    expect(small.error).toBe('result is over 100 bytes');
  });

  it('one action call over the limit throws inside the script and fails the run, caught or not', async () => {
    const received: unknown[][] = [];
    const run = await runWebhookScript(
      `let refused = 0;
       for (let i = 0; i < 8; i++) { try { await actions.take(i) } catch (e) { refused++ } }
       result = { refused }`,
      { body: {}, actions: withHost(received) },
      { limits: { maxActionCalls: 5 } },
    );
    expect(run.error).toBe('too many action calls (limit 5)');
    expect(run.result).toBeNull();
    expect(received).toHaveLength(5);
    expect(run.calls.map((c) => c.args[0])).toEqual([0, 1, 2, 3, 4]);
  });

  it('a getter on result that never returns is stopped by the deadline', async () => {
    const run = await runWebhookScript('result = { get x() { for (;;) {} } }', noActions, {
      limits: { timeoutMs: 150 },
    });
    expect(run.error).toBe('script timed out after 150 ms');
  });

  it('stops a loop of slow built-ins the interrupt handler cannot catch in time, and replaces the engine', async () => {
    const server = http.createServer((_req, res) => res.end('alive'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const asked = Date.now();
      const answer = fetch(`http://127.0.0.1:${port}/`).then(async (res) => ({
        text: await res.text(),
        at: Date.now(),
      }));
      // Each turn is one long JSON.stringify: the engine polls its interrupt handler too rarely.
      const run = await runWebhookScript(
        "const big = new Array(1e5).fill('x'); for (;;) JSON.stringify(big)",
        noActions,
        { limits: { timeoutMs: 300 } },
      );
      expect(run.error).toBe('script timed out after 300 ms');
      // The deadline, the watchdog's 100 ms of grace, and room for a loaded machine.
      expect(run.durationMs).toBeLessThan(1_500);
      const { text, at } = await answer;
      expect(text).toBe('alive');
      expect(at - asked).toBeLessThan(2_000);
      // The next run gets a fresh engine instance and works.
      const after = await runWebhookScript('result = body.id', noActions);
      expect(after).toMatchObject({ result: 'x' });
      expect(after.error).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a run sharing the engine with one stopped the hard way fails instead of using it', async () => {
    const actions: Record<string, SandboxAction> = {
      wait: () => new Promise((resolve) => setTimeout(() => resolve(1), 1_500)),
    };
    const waiting = runWebhookScript('result = await actions.wait()', { body: {}, actions });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const runaway = await runWebhookScript(
      "const big = new Array(1e5).fill('x'); for (;;) JSON.stringify(big)",
      noActions,
      { limits: { timeoutMs: 200 } },
    );
    expect(runaway.error).toBe('script timed out after 200 ms');
    const waited = await waiting;
    expect(waited.result).toBeNull();
    expect(waited.error).toBe('sandbox engine was reset by another run that overran; run again');
    expect(waited.calls).toEqual([{ id: 'wait', args: [] }]);
  });
});
