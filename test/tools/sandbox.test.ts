import { DEBUG_SYNC, newQuickJSWASMModule, TestQuickJSWASMModule } from 'quickjs-emscripten';
import {
  runWebhookScript,
  type SandboxAction,
  type SandboxInput,
} from '../../src/core/scripting/sandbox';
import { runInModule } from '../../src/core/scripting/sandbox/run-script';

const stripeBody = {
  type: 'customer.subscription.deleted',
  data: { object: { id: 'sub_42', customer: 'cus_7', items: [{ price: 'p_1' }] } },
  metadata: { tenantId: 'acme' },
};

/** Actions that record what the host received. */
function recordingActions(): { actions: Record<string, SandboxAction>; received: unknown[][] } {
  const received: unknown[][] = [];
  const actions: Record<string, SandboxAction> = {
    'subscription.cancel': async (...args) => {
      received.push(args);
      return { cancelled: args[0], at: 'now', tags: ['a', 'b'] };
    },
    'subscription.notifyUser': async (...args) => {
      received.push(args);
      return undefined;
    },
  };
  return { actions, received };
}

describe('webhook script sandbox', () => {
  it('runs a script with top-level await: actions round-trip JSON, result is read back', async () => {
    const { actions, received } = recordingActions();
    const run = await runWebhookScript(
      `
      if (body.type === 'customer.subscription.deleted') {
        const out = await actions['subscription.cancel'](body.data.object.id, { reason: 'deleted', n: 2 });
        out.tags.push('changed in the script');
        const none = await actions['subscription.notifyUser'](body.data.object.customer);
        console.log('cancelled', out.cancelled, none);
        result = { event: 'identity.tenant.user.removed', data: { id: out.cancelled, tags: out.tags, none } };
      }`,
      { body: stripeBody, actions },
    );
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({
      event: 'identity.tenant.user.removed',
      data: { id: 'sub_42', tags: ['a', 'b', 'changed in the script'], none: null },
    });
    expect(received).toEqual([['sub_42', { reason: 'deleted', n: 2 }], ['cus_7']]);
    expect(run.calls).toEqual([
      { id: 'subscription.cancel', args: ['sub_42', { reason: 'deleted', n: 2 }] },
      { id: 'subscription.notifyUser', args: ['cus_7'] },
    ]);
    expect(run.logs).toEqual(['cancelled sub_42 null']);
    expect(run.durationMs).toBeGreaterThan(0);
  });

  it('hands the host a copy of the arguments and the script a copy of the result', async () => {
    const shared = { count: 1 };
    let hostArg: unknown;
    const actions: Record<string, SandboxAction> = {
      keep: async (arg) => {
        hostArg = arg;
        (arg as { count: number }).count = 99;
        return shared;
      },
    };
    const run = await runWebhookScript(
      `const arg = { count: 1 };
       const out = await actions.keep(arg);
       out.count = 5;
       result = { argAfter: arg.count, out: out.count }`,
      { body: null, actions },
    );
    expect(run.result).toEqual({ argAfter: 1, out: 5 });
    expect(shared.count).toBe(1);
    expect(hostArg).toEqual({ count: 99 });
    expect(run.calls[0]?.args).toEqual([{ count: 1 }]);
  });

  it('gives the script a deep-frozen body: assignments throw and nothing changes', async () => {
    const body = { a: { b: [1, { c: 2 }] } };
    const run = await runWebhookScript(
      `const errors = [];
       for (const attempt of [
         () => { body.a = 1 },
         () => { body.a.b.push(3) },
         () => { body.a.b[1].c = 3 },
         () => { body.extra = 1 },
         () => { delete body.a },
       ]) { try { attempt(); errors.push('no error') } catch (e) { errors.push(e.name) } }
       let reassigned;
       try { body = {}; reassigned = 'yes' } catch (e) { reassigned = e.name }
       result = {
         frozen: [Object.isFrozen(body), Object.isFrozen(body.a), Object.isFrozen(body.a.b), Object.isFrozen(body.a.b[1])],
         errors, reassigned, body,
       }`,
      { body, actions: {} },
    );
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual({
      frozen: [true, true, true, true],
      errors: ['TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError'],
      reassigned: 'TypeError',
      body,
    });
  });

  it('dry run: records the calls, makes none, and resolves each with null', async () => {
    const { actions, received } = recordingActions();
    const run = await runWebhookScript(
      `const a = await actions['subscription.cancel'](body.data.object.id);
       const b = await actions['subscription.notifyUser']('u1', [1, 2]);
       result = { event: 'e', data: { a, b } }`,
      { body: stripeBody, actions },
      { dryRun: true },
    );
    expect(run.error).toBeUndefined();
    expect(received).toEqual([]);
    expect(run.result).toEqual({ event: 'e', data: { a: null, b: null } });
    expect(run.calls).toEqual([
      { id: 'subscription.cancel', args: ['sub_42'] },
      { id: 'subscription.notifyUser', args: ['u1', [1, 2]] },
    ]);
  });

  it('reads an unassigned or unserialisable result as null', async () => {
    const input: SandboxInput = { body: {}, actions: {} };
    expect((await runWebhookScript('const x = 1', input)).result).toBeNull();
    expect((await runWebhookScript('result = () => 1', input)).result).toBeNull();
    expect((await runWebhookScript('result = undefined', input)).result).toBeNull();
    expect((await runWebhookScript('result = { f() {}, d: new Date(0) }', input)).result).toEqual({
      d: '1970-01-01T00:00:00.000Z',
    });
  });

  it('a throwing script fails with its message, keeps the calls and logs made so far', async () => {
    const { actions } = recordingActions();
    const run = await runWebhookScript(
      `console.log('before');
       await actions['subscription.cancel']('s1');
       result = { event: 'never' };
       throw new RangeError('bad payload');`,
      { body: {}, actions },
    );
    expect(run).toMatchObject({
      result: null,
      error: 'RangeError: bad payload',
      logs: ['before'],
      calls: [{ id: 'subscription.cancel', args: ['s1'] }],
    });
    expect(run.error).not.toMatch(/node_modules|\.ts:|at /);
  });

  it('reports a syntax error, a thrown non-error, and a promise that never settles', async () => {
    const input: SandboxInput = { body: {}, actions: {} };
    expect((await runWebhookScript('result = {', input)).error).toMatch(/^SyntaxError/);
    expect((await runWebhookScript("throw 'plain'", input)).error).toBe('uncaught string: plain');
    expect((await runWebhookScript('await new Promise(() => {})', input)).error).toBe(
      'script awaited a promise that never settles',
    );
  });

  it('a call to an unknown action throws inside the script', async () => {
    const run = await runWebhookScript(
      `try { await actions['user.delete']('u1') } catch (e) { result = e.name }`,
      { body: {}, actions: recordingActions().actions },
    );
    expect(run.result).toBe('TypeError');
    expect(run.calls).toEqual([]);
  });

  it('an action failing on the host is a catchable error with its message and no host stack', async () => {
    const actions: Record<string, SandboxAction> = {
      fail: async () => {
        throw new Error('database unavailable');
      },
    };
    const run = await runWebhookScript(
      `try { await actions.fail(1) } catch (e) {
         result = { name: e.name, message: e.message, stack: String(e.stack), isError: e instanceof Error }
       }`,
      { body: {}, actions },
    );
    const result = run.result as { message: string; stack: string; isError: boolean };
    expect(result.message).toBe('action fail failed: database unavailable');
    expect(result.isError).toBe(true);
    expect(result.stack).not.toMatch(/node_modules|\.ts|run-script|internal\//);
    // Uncaught, it fails the run the same way.
    const uncaught = await runWebhookScript('await actions.fail()', { body: {}, actions });
    expect(uncaught.error).toBe('Error: action fail failed: database unavailable');
  });

  it('caps console.log lines and their length', async () => {
    const run = await runWebhookScript(
      `console.error('x'.repeat(5000));
       for (let i = 0; i < 150; i++) console.log(i, { i });`,
      { body: {}, actions: {} },
    );
    expect(run.logs).toHaveLength(101);
    expect(run.logs[0]).toBe(`${'x'.repeat(1000)}…`);
    expect(run.logs[1]).toBe('0 {"i":0}');
    expect(run.logs[100]).toBe('… 51 more lines not kept');
  });

  it('starts each run fresh: globals of the previous run are gone', async () => {
    const input: SandboxInput = { body: {}, actions: {} };
    await runWebhookScript('globalThis.leftover = 1; result = 1', input);
    const second = await runWebhookScript(
      "result = [typeof leftover, typeof globalThis.leftover, 'leftover' in globalThis]",
      input,
    );
    expect(second.result).toEqual(['undefined', 'undefined', false]);
  });

  it('runs scripts concurrently without mixing their calls or results', async () => {
    const actions: Record<string, SandboxAction> = {
      echo: async (value) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
        return value;
      },
    };
    const runs = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        runWebhookScript('result = await actions.echo(body.i)', { body: { i }, actions }),
      ),
    );
    expect(runs.map((r) => r.result)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('frees every handle and runtime, whatever way a run ends (debug build leak check)', async () => {
    const module = new TestQuickJSWASMModule(await newQuickJSWASMModule(DEBUG_SYNC));
    const engine = { module, discarded: false };
    const slow: SandboxAction = () => new Promise((resolve) => setTimeout(resolve, 4_000));
    const input: SandboxInput = {
      body: { a: [1] },
      actions: { ...recordingActions().actions, slow },
    };
    const scripts = [
      "result = await actions['subscription.cancel'](body.a)",
      'throw new Error("x")',
      'while (true) {}',
      'await actions.slow()',
      "actions.slow(); result = 'not awaited'",
      'for (let i = 0; i < 30; i++) await actions["subscription.cancel"](i)',
      'result = "x".repeat(100000)',
      'function f() { return f() } f()',
    ];
    for (const script of scripts) {
      // The debug build is slow (a few hundred ms to set a run up, many seconds on a loaded
      // machine): deadlines only where the deadline is the point, and long enough that the
      // set-up never overruns them (the watchdog would then discard the engine, which is not what
      // this test is about).
      const timeoutMs = /while|slow\(\)$/.test(script) ? 10_000 : 60_000;
      const run = await runInModule(engine, script, input, { limits: { timeoutMs } });
      expect(run.error ?? '').not.toMatch(/sandbox failure/);
      // The test build tracks runtimes but only forgets those made through newContext: check
      // each is freed, then let the leak sanitizer below judge the memory.
      expect([script, engine.discarded, [...module.runtimes].map((r) => r.alive)]).toEqual([
        script,
        false,
        [false],
      ]);
      module.runtimes.clear();
    }
    expect(engine.discarded).toBe(false);
    module.assertNoMemoryAllocated();
    // Ten seconds of a script that never ends, and the debug build's slow set-up, on a busy CI.
  }, 180_000);
});
