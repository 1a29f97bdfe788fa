// The route's side of stored scripts (which actions a script gets, what happens to its result
// or failure), with real scripts in the real sandbox; the sandbox has suites of its own.
import request from 'supertest';
import {
  ActionRegistry,
  InMemorySettingsStore,
  InMemoryWebhookStore,
  type WebhookConfig,
} from 'keyward';
import { STANDARD_SECRET, inboundApp, standardHeaders } from './inbound-app';

/** Reports the actions the script was given, as the event `partner.seen`. */
const SHOW_ACTIONS =
  'result = { event: "partner.seen", data: { actions: Object.keys(actions).sort() } }';
const BODY = JSON.stringify({ id: 'p1', kind: 'sync' });

let built: ReturnType<typeof inboundApp> | undefined;
afterEach(async () => {
  await built?.tools.close();
  built = undefined;
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
    jsScript: SHOW_ACTIONS,
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

/** The actions the script reported it was given. */
async function actionsSeen(app: {
  tools: { eventLog: { query: (f: object) => Promise<Array<{ data?: Record<string, unknown> }>> } };
}) {
  const [entry] = await app.tools.eventLog.query({ event: 'partner.seen' });
  return entry?.data?.actions;
}

describe('stored scripts', () => {
  it('runs the script with the body and the governed actions, and records its result', async () => {
    const app = await setUp({
      jsScript: `const answer = await actions['sub.cancel'](body.id);
        result = { event: 'partner.synced', data: { body, answer } }`,
    });
    const res = await app.send();
    expect(res.body).toEqual({ ok: true, event: 'partner.synced' });
    expect(app.calls).toEqual([['sub.cancel', ['p1']]]);
    const [entry] = await app.tools.eventLog.query({ event: 'partner.synced' });
    expect(entry?.data).toEqual({ body: JSON.parse(BODY), answer: 'sub.cancel done' });
  });

  it('gives only actions enabled globally and allowed for the webhook', async () => {
    const app = await setUp();
    await app.send();
    expect(await actionsSeen(app)).toEqual(['sub.cancel', 'sub.notify']);
  });

  it('withholds actions not enabled globally, and those whose dependency is not', async () => {
    const app = await setUp({}, ['sub.notify', 'sub.refund']);
    await app.send();
    expect(await actionsSeen(app)).toEqual([]);
  });

  it('gives no action at all without a settings store', async () => {
    const app = await setUp({}, undefined, { settingsStore: undefined });
    expect((await app.send()).body).toEqual({ ok: true, event: 'partner.seen' });
    expect(await actionsSeen(app)).toEqual([]);
  });

  it('applies the sandbox limits: a loop past the deadline and calls past the cap fail the run', async () => {
    const looping = await setUp({ jsScript: 'while (true) {}' }, undefined, {
      sandbox: { timeoutMs: 250 },
    });
    const started = Date.now();
    expect((await looping.send()).body).toEqual({ ok: true });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(looping.logged[0]?.message).toBe('inbound webhook partner: the script failed');
    await looping.tools.close();
    const calling = await setUp(
      {
        jsScript: `for (let i = 0; i < 4; i++) await actions['sub.cancel'](i);
          result = { event: 'partner.synced' }`,
      },
      undefined,
      { sandbox: { maxActionCalls: 3 } },
    );
    expect((await calling.send()).body).toEqual({ ok: true });
    expect(calling.calls).toHaveLength(3);
    expect(await calling.tools.eventLog.query({ event: 'partner.synced' })).toEqual([]);
  });

  it('logs a throwing script and acknowledges it with 200, recording nothing', async () => {
    const app = await setUp({ jsScript: 'throw new Error("boom")' });
    const res = await app.send();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(app.logged).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'inbound webhook partner: the script failed',
        detail: expect.stringContaining('boom'),
      }),
    ]);
    expect(await app.tools.eventLog.query({})).toEqual([]);
  });

  it('acknowledges a null result silently, and refuses identity.* from a script', async () => {
    const app = await setUp({ jsScript: 'result = null' });
    expect((await app.send()).body).toEqual({ ok: true });
    await app.tools.close();
    const forging = await setUp({
      jsScript: 'result = { event: "identity.user.deleted", data: {} }',
    });
    expect((await forging.send()).body).toEqual({ ok: true });
    expect(forging.logged.map((l) => l.level)).toEqual(['warn']);
    expect(await forging.tools.eventLog.query({})).toEqual([]);
  });

  it('does not run a script when onWebhook is given, or when the webhook has none', async () => {
    const script = `await actions['sub.cancel']('ran'); result = { event: 'partner.synced' }`;
    const withHandler = await setUp({ jsScript: script }, undefined, {
      onWebhook: () => ({ event: 'by.handler' }),
    });
    expect((await withHandler.send()).body).toEqual({ ok: true, event: 'by.handler' });
    expect(withHandler.calls).toEqual([]);
    await withHandler.tools.close();
    const without = await setUp({ jsScript: '   ' });
    expect((await without.send()).body).toEqual({ ok: true });
    expect(without.calls).toEqual([]);
  });

  it('pins the events of a tenant webhook to its tenant', async () => {
    const app = await setUp({ tenantId: 'acme', jsScript: 'result = { event: "partner.synced" }' });
    await app.send();
    expect((await app.tools.eventLog.query({ event: 'partner.synced' }))[0]?.tenantId).toBe('acme');
    await app.tools.close();
    const other = await setUp({
      tenantId: 'acme',
      jsScript: 'result = { event: "partner.synced", tenantId: "globex" }',
    });
    expect((await other.send()).body).toEqual({ ok: true });
    expect(await other.tools.eventLog.query({ tenantId: 'globex' })).toEqual([]);
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
      const app = await setUp({ allowedActions: [id] }, [id], { actions: undefined });
      await app.send();
      expect(await actionsSeen(app)).toEqual([id]);
    } finally {
      ActionRegistry.unregister(id);
    }
  });
});
