// Inbound webhooks: providers found in the webhook store, and the router's start-up checks.
import request from 'supertest';
import {
  AuthConfigError,
  AuthEventBus,
  AuthTools,
  InMemoryWebhookStore,
  createToolsRouter,
  type ToolsRouterOptions,
} from 'keyward';
import { STANDARD_SECRET, githubHeaders, recordingApps, standardHeaders } from './inbound-app';

const appWith = recordingApps();

const BODY = JSON.stringify({ id: 'evt_1', type: 'customer.subscription.deleted', n: 1 });

describe('providers from the webhook store', () => {
  it('a stored provider is verified as Standard Webhooks with its secret', async () => {
    const webhookStore = new InMemoryWebhookStore();
    await webhookStore.add({
      id: 'wh_in',
      url: 'https://example.com/unused',
      events: [],
      provider: 'partner',
      secret: STANDARD_SECRET,
    });
    const b = appWith({ providers: {}, webhookStore });
    const ok = await request(b.app)
      .post('/tools/webhook/partner')
      .set(standardHeaders(BODY))
      .send(BODY);
    expect(ok.body).toEqual({ ok: true, event: 'inbound.received' });
    const forged = await request(b.app)
      .post('/tools/webhook/partner')
      .set(githubHeaders(BODY))
      .send(BODY);
    expect(forged.status).toBe(401);
  });

  it("a declared scheme without a secret takes the stored webhook's secret", async () => {
    const webhookStore = new InMemoryWebhookStore();
    await webhookStore.add({
      id: 'wh_gh',
      url: 'https://example.com/unused',
      events: [],
      provider: 'github',
      secret: 'stored-gh-secret-0123',
    });
    const b = appWith({ providers: { github: { verify: 'github' } }, webhookStore });
    const res = await request(b.app)
      .post('/tools/webhook/github')
      .set(githubHeaders(BODY, 'stored-gh-secret-0123'))
      .send(BODY);
    expect(res.body).toEqual({ ok: true, event: 'inbound.received' });
  });

  it('a stored provider without a secret refuses every request', async () => {
    const webhookStore = new InMemoryWebhookStore();
    await webhookStore.add({
      id: 'wh_x',
      url: 'https://example.com/u',
      events: [],
      provider: 'nosecret',
    });
    const b = appWith({ providers: {}, webhookStore });
    const res = await request(b.app)
      .post('/tools/webhook/nosecret')
      .set(standardHeaders(BODY))
      .send(BODY);
    expect(res.status).toBe(401);
    expect(b.calls).toEqual([]);
  });
});

describe('configuration', () => {
  const tools = new AuthTools(new AuthEventBus());
  afterAll(() => tools.close());
  const build = (options: ToolsRouterOptions) => () =>
    createToolsRouter(tools, { telemetry: false, notify: false, stream: false, ...options });

  it('refuses webhook: true with no provider, nothing to run, or a provider without a secret', () => {
    expect(build({ webhook: true, onWebhook: () => null })).toThrow(AuthConfigError);
    expect(build({ webhook: true, providers: { a: { verify: 'none' } } })).toThrow(
      /nothing to run/,
    );
    expect(
      build({ webhook: true, onWebhook: () => null, providers: { a: { verify: 'github' } } }),
    ).toThrow(/providers\.a\.secret/);
    expect(
      build({
        webhook: true,
        onWebhook: () => null,
        providers: { a: { verify: { kind: 'hmac', header: 'bad header' }, secret: 's' } },
      }),
    ).toThrow(/verify\.header/);
    expect(build({ webhook: true, onWebhook: () => null, providers: { a: {} as never } })).toThrow(
      /'none'/,
    );
  });

  it('needs no authMiddleware when the webhook is the only endpoint', () => {
    expect(
      build({ webhook: true, onWebhook: () => null, providers: { a: { verify: 'none' } } }),
    ).not.toThrow();
  });
});

describe('delivery ids', () => {
  it('a request without its delivery id still runs, unprotected against a repeat', async () => {
    const b = appWith();
    const headers: Record<string, string> = { ...githubHeaders(BODY) };
    delete headers['x-github-delivery'];
    for (let i = 0; i < 2; i++) {
      const res = await request(b.app).post('/tools/webhook/github').set(headers).send(BODY);
      expect(res.body).toEqual({ ok: true, event: 'inbound.received' });
    }
    expect(b.calls).toHaveLength(2);
  });

  it('delivery ids are per provider: the same id from another provider runs', async () => {
    const b = appWith();
    const github = await request(b.app)
      .post('/tools/webhook/github')
      .set(githubHeaders(BODY, undefined, 'same-id'))
      .send(BODY);
    const standard = await request(b.app)
      .post('/tools/webhook/standard')
      .set(standardHeaders(BODY, STANDARD_SECRET, 'same-id'))
      .send(BODY);
    expect([github.body, standard.body]).toEqual([
      { ok: true, event: 'inbound.received' },
      { ok: true, event: 'inbound.received' },
    ]);
  });

  it('forgets an id after replayTtlMs', async () => {
    const b = appWith({ replayTtlMs: 50 });
    const headers = githubHeaders(BODY);
    await request(b.app).post('/tools/webhook/github').set(headers).send(BODY);
    await new Promise((resolve) => setTimeout(resolve, 80));
    const again = await request(b.app).post('/tools/webhook/github').set(headers).send(BODY);
    expect(again.body).toEqual({ ok: true, event: 'inbound.received' });
    expect(b.calls).toHaveLength(2);
  });
});
