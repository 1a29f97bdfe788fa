// Inbound webhooks end to end with the real sandbox: stored scripts run on a signed request.
import request from 'supertest';
import {
  ActionRegistry,
  InMemorySettingsStore,
  InMemoryWebhookStore,
  type WebhookConfig,
} from 'keyward';
import { STANDARD_SECRET, inboundApp, standardHeaders } from './inbound-app';

let built: ReturnType<typeof inboundApp> | undefined;
afterEach(async () => {
  await built?.tools.close();
  built = undefined;
});

const BODY = JSON.stringify({
  type: 'customer.subscription.deleted',
  data: { object: { id: 'sub_42', customer: 'cus_7' } },
});

async function appWithScript(jsScript: string, hook: Partial<WebhookConfig> = {}) {
  const cancelled: unknown[] = [];
  const registry = new ActionRegistry();
  registry.register({
    id: 'subscription.cancel',
    label: 'Cancel subscription',
    category: 'Billing',
    description: 'Marks a subscription as cancelled.',
    fn: async (id: string) => {
      cancelled.push(id);
      return { cancelled: id };
    },
  });
  registry.register({
    id: 'subscription.refund',
    label: 'Refund',
    category: 'Billing',
    description: 'Not enabled for this webhook.',
    fn: async () => 'refunded',
  });
  const webhookStore = new InMemoryWebhookStore();
  await webhookStore.add({
    id: 'wh_stripe_script',
    url: 'https://example.com/unused',
    events: [],
    provider: 'billing',
    secret: STANDARD_SECRET,
    allowedActions: ['subscription.cancel'],
    jsScript,
    ...hook,
  });
  const settingsStore = new InMemorySettingsStore();
  await settingsStore.updateSettings({
    enabledWebhookActions: ['subscription.cancel', 'subscription.refund'],
  });
  built = inboundApp({ providers: {}, webhookStore, settingsStore, actions: registry });
  const send = () =>
    request(built!.app).post('/tools/webhook/billing').set(standardHeaders(BODY)).send(BODY);
  return { ...built, send, cancelled };
}

describe('stored scripts in the sandbox', () => {
  it('records the event a script sets as its result', async () => {
    const app = await appWithScript("result = { event: 'x', data: body }");
    const res = await app.send();
    expect(res.body).toEqual({ ok: true, event: 'x' });
    const [entry] = await app.tools.eventLog.query({ event: 'x' });
    expect(entry?.data).toEqual(JSON.parse(BODY));
  });

  it('lets a script call an allowed action and use what it returns', async () => {
    const app = await appWithScript(`
      if (body.type === 'customer.subscription.deleted') {
        const outcome = await actions['subscription.cancel'](body.data.object.id);
        result = { event: 'billing.subscription.cancelled', data: { outcome } };
      }
    `);
    const res = await app.send();
    expect(res.body).toEqual({ ok: true, event: 'billing.subscription.cancelled' });
    expect(app.cancelled).toEqual(['sub_42']);
    const [entry] = await app.tools.eventLog.query({ event: 'billing.subscription.cancelled' });
    expect(entry?.data).toEqual({ outcome: { cancelled: 'sub_42' } });
  });

  it('gives the script no action the webhook does not allow', async () => {
    const app = await appWithScript(
      "result = { event: 'y', data: { refund: typeof actions['subscription.refund'] } }",
    );
    expect((await app.send()).body).toEqual({ ok: true, event: 'y' });
    const [entry] = await app.tools.eventLog.query({ event: 'y' });
    expect(entry?.data).toEqual({ refund: 'undefined' });
  });

  it('acknowledges a script that sets no result, and one that throws, with 200', async () => {
    const quiet = await appWithScript('const unused = 1;');
    expect((await quiet.send()).body).toEqual({ ok: true });
    await quiet.tools.close();
    const throwing = await appWithScript("throw new Error('nope')");
    const res = await throwing.send();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(throwing.logged.map((l) => l.level)).toEqual(['error']);
    expect(await throwing.tools.eventLog.query({})).toEqual([]);
  });
});
