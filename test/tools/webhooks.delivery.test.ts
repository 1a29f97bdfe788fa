import { Webhook } from 'standardwebhooks';
import {
  AuthEventBus,
  AuthEventNames,
  AuthTools,
  InMemoryWebhookStore,
  WebhookSender,
  type IWebhookStore,
  type WebhookConfig,
} from 'keyward';
import { Receiver, eventually } from './receiver';

const SECRET = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');

let receiver: Receiver;
let url: string;
let tools: AuthTools | undefined;

beforeEach(async () => {
  receiver = new Receiver();
  url = await receiver.start();
});

afterEach(async () => {
  await tools?.close();
  tools = undefined;
  await receiver.stop();
});

function hook(overrides: Partial<WebhookConfig> = {}): WebhookConfig {
  return {
    id: `wh_${Math.random().toString(36).slice(2)}`,
    url: `${url}/hook`,
    events: ['*'],
    secret: SECRET,
    createdAt: new Date(),
    ...overrides,
  };
}

function start(store: IWebhookStore, allowPrivateNetworks = true) {
  const bus = new AuthEventBus();
  tools = new AuthTools(bus, {
    webhookStore: store,
    allowPrivateNetworks,
    delivery: { pollIntervalMs: 25, timeoutMs: 1000, connectTimeoutMs: 500 },
    logger: { error: () => undefined, warn: () => undefined },
  });
  return { bus, tools };
}

describe('outgoing webhooks', () => {
  it('delivers an event with both signature forms, verifiable by the receiver', async () => {
    const store = new InMemoryWebhookStore();
    await store.add(hook());
    const { bus } = start(store);
    bus.publish(AuthEventNames.USER_CREATED, { userId: 'u1', data: { email: 'a@example.test' } });
    await receiver.waitFor(1);
    const [got] = receiver.received;
    const body = JSON.parse(got!.body);
    expect(body).toMatchObject({
      type: 'identity.user.created',
      event: 'identity.user.created',
      userId: 'u1',
    });
    expect(body.data).toEqual({ email: 'a@example.test' });
    // The reference's header, checked as its receivers do.
    const sender = new WebhookSender();
    expect(sender.verify(got!.body, SECRET, String(got!.headers['x-webhook-signature']))).toBe(
      true,
    );
    expect(
      sender.verify(got!.body + ' ', SECRET, String(got!.headers['x-webhook-signature'])),
    ).toBe(false);
    expect(
      sender.verify(got!.body, 'another-secret', String(got!.headers['x-webhook-signature'])),
    ).toBe(false);
    // The Standard Webhooks headers, checked with the specification's own library.
    const headers = {
      'webhook-id': String(got!.headers['webhook-id']),
      'webhook-timestamp': String(got!.headers['webhook-timestamp']),
      'webhook-signature': String(got!.headers['webhook-signature']),
    };
    expect(headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(new Webhook(SECRET).verify(got!.body, headers)).toMatchObject({ userId: 'u1' });
    expect(() => new Webhook(SECRET).verify(got!.body.replace('u1', 'u2'), headers)).toThrow();
    expect(sender.verifyStandard(got!.body, SECRET, headers)).toBe(true);
  });

  it('refuses a Standard Webhooks signature whose timestamp is outside the tolerance', async () => {
    const sender = new WebhookSender();
    const old = new Date(Date.now() - 10 * 60_000);
    const signature = new Webhook(SECRET).sign('msg_1', old, '{}');
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(old.getTime() / 1000)),
      'webhook-signature': signature,
    };
    expect(sender.verifyStandard('{}', SECRET, headers)).toBe(false);
    const fresh = new Date();
    headers['webhook-timestamp'] = String(Math.floor(fresh.getTime() / 1000));
    headers['webhook-signature'] = new Webhook(SECRET).sign('msg_1', fresh, '{}');
    expect(sender.verifyStandard('{}', SECRET, headers)).toBe(true);
  });

  it('retries a receiver that fails twice, with the same delivery id, then records it delivered', async () => {
    receiver.responder = (n, _req, res) => res.writeHead(n < 2 ? 503 : 204).end();
    const store = new InMemoryWebhookStore();
    const config = hook({ retryDelayMs: 20 });
    await store.add(config);
    const { bus, tools: t } = start(store);
    bus.publish(AuthEventNames.AUTH_LOGIN_SUCCESS, { userId: 'u1' });
    await receiver.waitFor(3);
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    const [delivery] = await eventually(async () => {
      const list = await store.listDeliveries(config.id);
      return list[0]?.status === 'delivered' ? list : undefined;
    });
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 204 });
    const outcomes = await eventually(async () => {
      const events = await t.query({ event: 'identity.webhook.*' });
      return events.length === 3 ? events : undefined;
    });
    expect(outcomes.map((e) => e.event).sort()).toEqual([
      AuthEventNames.WEBHOOK_DELIVERY_FAILED,
      AuthEventNames.WEBHOOK_DELIVERY_FAILED,
      AuthEventNames.WEBHOOK_DELIVERY_SUCCEEDED,
    ]);
  });

  it('dead-letters after the last retry, and a replay delivers it again', async () => {
    let healthy = false;
    receiver.responder = (_n, _req, res) => res.writeHead(healthy ? 200 : 500).end('down');
    const store = new InMemoryWebhookStore();
    const config = hook({ maxRetries: 1, retryDelayMs: 10 });
    await store.add(config);
    const { bus } = start(store);
    bus.publish(AuthEventNames.USER_DELETED, { userId: 'u9' });
    const dead = await eventually(async () => {
      const [d] = await store.listDeliveries(config.id, { status: 'dead' });
      return d;
    });
    expect(dead).toMatchObject({ attempts: 2, lastStatus: 500, lastError: 'HTTP 500: down' });
    expect(receiver.received).toHaveLength(2);
    healthy = true;
    await store.requeueDelivery(dead.id, new Date());
    await receiver.waitFor(3);
    expect(receiver.received[2]!.headers['webhook-id']).toBe(dead.id);
    await eventually(async () =>
      (await store.findDelivery(dead.id))?.status === 'delivered' ? true : undefined,
    );
  });

  it('sends each event only to the webhooks that subscribe to it, and to its own tenant', async () => {
    const store = new InMemoryWebhookStore();
    await store.add(hook({ url: `${url}/logins`, events: ['identity.auth.*'] }));
    await store.add(hook({ url: `${url}/acme`, events: ['*'], tenantId: 'acme' }));
    await store.add(hook({ url: `${url}/off`, events: ['*'], isActive: false }));
    const { bus } = start(store);
    bus.publish(AuthEventNames.USER_CREATED, { userId: 'g1', tenantId: 'globex' });
    bus.publish(AuthEventNames.AUTH_LOGIN_SUCCESS, { userId: 'a1', tenantId: 'acme' });
    bus.publish('marker.done', { tenantId: 'acme' });
    await receiver.waitFor(3);
    // The marker is last in the log: once it has arrived, nothing earlier can still be on its way.
    await eventually(() =>
      receiver.received.some((r) => r.body.includes('marker.done')) ? true : undefined,
    );
    const seen = receiver.received.map((r) => `${r.path} ${JSON.parse(r.body).event}`).sort();
    expect(seen).toEqual([
      '/acme identity.auth.login.success',
      '/acme marker.done',
      '/logins identity.auth.login.success',
    ]);
  });

  it('works with a store that only has findByEvent, as the reference defines it', async () => {
    const config = hook();
    const minimal: IWebhookStore = { findByEvent: async () => [config] };
    const { bus } = start(minimal);
    bus.publish(AuthEventNames.AUTH_LOGOUT, { userId: 'u1' });
    await receiver.waitFor(1);
    expect(JSON.parse(receiver.received[0]!.body).event).toBe(AuthEventNames.AUTH_LOGOUT);
  });

  it('does not deliver events from before the webhook existed', async () => {
    const store = new InMemoryWebhookStore();
    const { bus, tools: t } = start(store);
    await t.track('before.hook', {});
    const later = hook({ createdAt: new Date(Date.now() + 5_000) });
    await store.add(later);
    const now = hook({ url: `${url}/now` });
    await store.add(now);
    bus.publish('after.hook', {});
    await receiver.waitFor(1);
    // Deliveries of one pass are all enqueued before any is attempted: the list is final.
    await eventually(async () =>
      (await store.listDeliveries(now.id))[0]?.status === 'delivered' ? true : undefined,
    );
    expect(await store.listDeliveries(later.id)).toEqual([]);
    expect(receiver.received.map((r) => `${r.path} ${JSON.parse(r.body).event}`)).toEqual([
      '/now after.hook',
    ]);
  });

  it('does not follow redirects, caps what it reads of an answer, and gives up on a silent receiver', async () => {
    const elsewhere = new Receiver();
    const elsewhereUrl = await elsewhere.start();
    try {
      receiver.responder = (n, _req, res) => {
        if (n === 0) res.writeHead(307, { location: `${elsewhereUrl}/stolen` }).end();
        else if (n === 1) res.writeHead(500).end('x'.repeat(5_000_000));
        // n === 2: never answers.
      };
      const store = new InMemoryWebhookStore();
      const config = hook({ maxRetries: 2, retryDelayMs: 10 });
      await store.add(config);
      const bus = new AuthEventBus();
      tools = new AuthTools(bus, {
        webhookStore: store,
        allowPrivateNetworks: true,
        delivery: {
          pollIntervalMs: 25,
          timeoutMs: 300,
          connectTimeoutMs: 200,
          maxResponseBytes: 1024,
        },
        logger: { error: () => undefined, warn: () => undefined },
      });
      bus.publish(AuthEventNames.USER_CREATED, { userId: 'u1' });
      const dead = await eventually(
        async () => (await store.listDeliveries(config.id, { status: 'dead' }))[0],
      );
      expect(dead.attempts).toBe(3);
      expect(dead.lastError).toMatch(/timed out after 300 ms/);
      expect(elsewhere.received).toHaveLength(0);
      const outcomes = await tools.query({ event: AuthEventNames.WEBHOOK_DELIVERY_FAILED });
      const errors = outcomes.map((e) => String(e.data?.error));
      expect(errors).toContain('HTTP 307');
      const capped = errors.find((e) => e.startsWith('HTTP 500'))!;
      expect(capped.length).toBeLessThan(300);
    } finally {
      await elsewhere.stop();
    }
  });
});

describe('webhook delivery refuses non-public addresses by default', () => {
  const targets: Array<[string, () => string]> = [
    ['127.0.0.1', () => `http://127.0.0.1:${receiver.port}/hook`],
    ['a hostname resolving to loopback', () => `http://localhost:${receiver.port}/hook`],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['an IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${receiver.port}/hook`],
  ];
  it.each(targets)('refuses %s and sends nothing', async (_name, target) => {
    const store = new InMemoryWebhookStore();
    const config = hook({ url: target(), maxRetries: 0 });
    await store.add(config);
    const { bus } = start(store, false);
    bus.publish(AuthEventNames.USER_CREATED, { userId: 'u1' });
    const dead = await eventually(
      async () => (await store.listDeliveries(config.id, { status: 'dead' }))[0],
    );
    expect(dead.lastError).toMatch(/private, loopback or link-local|not allowed|private/i);
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses the metadata address even when private networks are allowed', async () => {
    const store = new InMemoryWebhookStore();
    const config = hook({ url: 'http://169.254.169.254/latest/meta-data/', maxRetries: 0 });
    await store.add(config);
    const { bus } = start(store, true);
    bus.publish(AuthEventNames.USER_CREATED, { userId: 'u1' });
    const dead = await eventually(
      async () => (await store.listDeliveries(config.id, { status: 'dead' }))[0],
    );
    expect(dead.lastError).toBeTruthy();
  });
});
