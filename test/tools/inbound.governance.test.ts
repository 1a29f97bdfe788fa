// The route's side of stored scripts (which actions a script gets, what happens to its result
// or failure) with the sandbox replaced by a stand-in: the sandbox has suites of its own, and
// inbound.scripts.test.ts runs real scripts end to end.
import request from 'supertest';
import {
  ActionRegistry,
  InMemorySettingsStore,
  InMemoryWebhookStore,
  type SandboxInput,
  type SandboxRun,
  type SandboxRunOptions,
  type WebhookConfig,
} from 'keyward';
import { runWebhookScript } from '../../src/tools/inbound/sandbox';
import { STANDARD_SECRET, inboundApp, standardHeaders } from './inbound-app';

jest.mock('../../src/tools/inbound/sandbox', () => ({ runWebhookScript: jest.fn() }));
const sandbox = jest.mocked(runWebhookScript);

const run = (result: unknown, extra: Partial<SandboxRun> = {}): SandboxRun => ({
  result,
  calls: [],
  logs: [],
  durationMs: 1,
  ...extra,
});

const SCRIPT = 'result = { event: "partner.synced", data: body }';
const BODY = JSON.stringify({ id: 'p1', kind: 'sync' });

let built: ReturnType<typeof inboundApp> | undefined;
afterEach(async () => {
  await built?.tools.close();
  built = undefined;
  sandbox.mockReset();
});

/** A registry with cancel, notify (needs cancel) and refund; the calls they receive. */
function actions() {
  const calls: Array<[string, unknown[]]> = [];
  const registry = new ActionRegistry();
  const record =
    (id: string) =>
    async (...args: unknown[]) => {
      calls.push([id, args]);
      return `${id} done`;
    };
  registry.register({
    id: 'sub.cancel',
    label: 'Cancel',
    category: 'Billing',
    description: '',
    fn: record('sub.cancel'),
  });
  registry.register({
    id: 'sub.notify',
    label: 'Notify',
    category: 'Billing',
    description: '',
    dependsOn: ['sub.cancel'],
    fn: record('sub.notify'),
  });
  registry.register({
    id: 'sub.refund',
    label: 'Refund',
    category: 'Billing',
    description: '',
    fn: record('sub.refund'),
  });
  return { registry, calls };
}

async function setUp(
  hook: Partial<WebhookConfig> = {},
  enabled: string[] | undefined = ['sub.cancel', 'sub.notify', 'sub.refund'],
  extra: Parameters<typeof inboundApp>[0] = {},
) {
  const webhookStore = new InMemoryWebhookStore();
  await webhookStore.add({
    id: 'wh_partner',
    url: 'https://example.com/unused',
    events: [],
    provider: 'partner',
    secret: STANDARD_SECRET,
    jsScript: SCRIPT,
    allowedActions: ['sub.cancel', 'sub.notify'],
    ...hook,
  });
  const settingsStore = new InMemorySettingsStore();
  if (enabled) await settingsStore.updateSettings({ enabledWebhookActions: enabled });
  const { registry, calls } = actions();
  built = inboundApp({ providers: {}, webhookStore, settingsStore, actions: registry, ...extra });
  const send = () =>
    request(built!.app).post('/tools/webhook/partner').set(standardHeaders(BODY)).send(BODY);
  return { ...built, send, calls };
}

/** The arguments of the one sandbox run. */
function onlyRun(): [string, SandboxInput, SandboxRunOptions | undefined] {
  expect(sandbox).toHaveBeenCalledTimes(1);
  return sandbox.mock.calls[0] as [string, SandboxInput, SandboxRunOptions | undefined];
}

describe('stored scripts', () => {
  it('runs the script with the body and the governed actions, and records its result', async () => {
    sandbox.mockImplementation(async (_script, input) => {
      await input.actions['sub.cancel']?.('sub_9');
      return run({ event: 'partner.synced', data: input.body as Record<string, unknown> });
    });
    const app = await setUp();
    const res = await app.send();
    expect(res.body).toEqual({ ok: true, event: 'partner.synced' });
    const [script, input] = onlyRun();
    expect(script).toBe(SCRIPT);
    expect(input.body).toEqual(JSON.parse(BODY));
    expect(Object.keys(input.actions).sort()).toEqual(['sub.cancel', 'sub.notify']);
    expect(app.calls).toEqual([['sub.cancel', ['sub_9']]]);
    const [entry] = await app.tools.eventLog.query({ event: 'partner.synced' });
    expect(entry?.data).toEqual(JSON.parse(BODY));
  });

  it('withholds actions not enabled globally, and those whose dependency is not', async () => {
    sandbox.mockResolvedValue(run(null));
    const app = await setUp({}, ['sub.notify', 'sub.refund']);
    await app.send();
    expect(Object.keys(onlyRun()[1].actions)).toEqual([]);
  });

  it('gives no action at all without a settings store', async () => {
    sandbox.mockResolvedValue(run(null));
    const app = await setUp({}, undefined, { settingsStore: undefined });
    expect((await app.send()).body).toEqual({ ok: true });
    expect(Object.keys(onlyRun()[1].actions)).toEqual([]);
  });

  it('passes the sandbox limits', async () => {
    sandbox.mockResolvedValue(run(null));
    const app = await setUp({}, undefined, { sandbox: { timeoutMs: 250, maxActionCalls: 3 } });
    await app.send();
    expect(onlyRun()[2]).toEqual({ limits: { timeoutMs: 250, maxActionCalls: 3 } });
  });

  it('logs a failed run and acknowledges it with 200, recording nothing', async () => {
    sandbox.mockResolvedValue(run(null, { error: 'timed out after 5000 ms' }));
    const app = await setUp();
    const res = await app.send();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(app.logged).toEqual([
      {
        level: 'error',
        message: 'inbound webhook partner: the script failed',
        detail: 'timed out after 5000 ms',
      },
    ]);
    expect(await app.tools.eventLog.query({})).toEqual([]);
  });

  it('survives a sandbox that throws', async () => {
    sandbox.mockRejectedValue(new Error('engine crashed'));
    const app = await setUp();
    const res = await app.send();
    expect(res.status).toBe(200);
    expect(app.logged[0]?.message).toBe('inbound webhook partner: the script could not run');
  });

  it('acknowledges a null result silently, and refuses identity.* from a script', async () => {
    sandbox.mockResolvedValueOnce(run(null));
    const app = await setUp();
    expect((await app.send()).body).toEqual({ ok: true });
    sandbox.mockResolvedValueOnce(run({ event: 'identity.user.deleted', data: {} }));
    expect((await app.send()).body).toEqual({ ok: true });
    expect(app.logged.map((l) => l.level)).toEqual(['warn']);
    expect(await app.tools.eventLog.query({})).toEqual([]);
  });

  it('does not run a script when onWebhook is given, or when the webhook has none', async () => {
    const withHandler = await setUp({}, undefined, { onWebhook: () => ({ event: 'by.handler' }) });
    expect((await withHandler.send()).body).toEqual({ ok: true, event: 'by.handler' });
    await withHandler.tools.close();
    const without = await setUp({ jsScript: '   ' });
    expect((await without.send()).body).toEqual({ ok: true });
    expect(sandbox).not.toHaveBeenCalled();
  });

  it('pins the events of a tenant webhook to its tenant', async () => {
    sandbox.mockResolvedValueOnce(run({ event: 'partner.synced' }));
    const app = await setUp({ tenantId: 'acme' });
    await app.send();
    expect((await app.tools.eventLog.query({ event: 'partner.synced' }))[0]?.tenantId).toBe('acme');
    sandbox.mockResolvedValueOnce(run({ event: 'partner.synced', tenantId: 'globex' }));
    expect((await app.send()).body).toEqual({ ok: true });
    expect(await app.tools.eventLog.query({ tenantId: 'globex' })).toEqual([]);
  });
});

describe('the default registry', () => {
  it('is what scripts get their actions from unless the router is given one', async () => {
    const id = `default.${Math.random().toString(36).slice(2)}`;
    ActionRegistry.register({
      id,
      label: 'Default',
      category: 'Test',
      description: '',
      fn: () => 1,
    });
    try {
      sandbox.mockResolvedValue(run(null));
      const app = await setUp({ allowedActions: [id] }, [id], { actions: undefined });
      await app.send();
      expect(Object.keys(onlyRun()[1].actions)).toEqual([id]);
    } finally {
      ActionRegistry.unregister(id);
    }
  });
});
