// Inbound webhooks through the admin API: registration in the reference's shape, governance of
// the actions scripts may call (the Control tab), and dry runs in the real sandbox. The tools
// router reads what the admin stored, as the reference wires the two.
import express from 'express';
import request from 'supertest';
import {
  ActionRegistry,
  AuthConfigurator,
  AuthEventNames,
  AuthEventBus,
  AuthTools,
  InMemoryUserStore,
  createToolsRouter,
} from 'keyward';
import { ACCESS_SECRET, REFRESH_SECRET } from '../helpers/app';
import { githubHeaders } from '../tools/inbound-app';
import { createAdminFixture, type AdminFixture } from './api-setup';
import { WEBHOOK_FIELDS } from './webhook-seed';

const SCRIPT = `
if (body.action === 'cancelled') {
  await actions['subscription.cancel'](body.id);
  console.log('cancelled', body.id);
  result = { event: 'billing.subscription.cancelled', data: { id: body.id } };
}`;

/** A registry whose actions count their real calls: a dry run must make none. */
function billingActions() {
  const made: Array<{ id: string; args: unknown[] }> = [];
  const actions = new ActionRegistry();
  const entry = (id: string, dependsOn?: string[]) =>
    actions.register({
      id,
      label: id,
      category: 'Billing',
      description: `does ${id}`,
      ...(dependsOn && { dependsOn }),
      fn: async (...args: unknown[]) => {
        made.push({ id, args });
        return { ok: true };
      },
    });
  entry('subscription.cancel');
  entry('subscription.notifyUser', ['subscription.cancel']);
  entry('user.delete');
  return { actions, made };
}

function fixture() {
  const billing = billingActions();
  const fx = createAdminFixture({ actions: billing.actions });
  return { fx, ...billing };
}

async function registerInbound(fx: AdminFixture, body: Record<string, unknown>) {
  const res = await fx.api.post('/webhooks').send(body);
  expect(res.status).toBe(201);
  return res.body as { webhook: Record<string, unknown> & { id: string }; secret?: string };
}

describe('admin API: inbound webhooks', () => {
  it('registers one in the reference shape, and the tools router runs its script', async () => {
    const { fx, actions, made } = fixture();
    const enabled = await fx.api
      .put('/settings')
      .send({ enabledWebhookActions: ['subscription.cancel'] });
    expect(enabled.status).toBe(200);
    const created = await registerInbound(fx, {
      provider: 'billing',
      verify: 'github',
      allowedActions: ['subscription.cancel'],
      jsScript: SCRIPT,
    });
    const { webhook, secret } = created;
    expect(Object.keys(webhook).sort()).toEqual(WEBHOOK_FIELDS);
    expect(webhook).toMatchObject({
      direction: 'inbound',
      provider: 'billing',
      verify: 'github',
      allowedActions: ['subscription.cancel'],
      jsScript: SCRIPT,
      url: '',
      events: [],
      secret: '***',
      isActive: true,
    });
    // Generated, answered once, never listed.
    expect(secret).toMatch(/^whsec_/);
    const listed = await fx.api.get('/webhooks');
    expect(listed.body.webhooks).toEqual([webhook]);
    expect(listed.text).not.toContain(secret!.slice(6));
    expect(fx.eventsNamed(AuthEventNames.ADMIN_WEBHOOK_CREATED)[0]?.data).toMatchObject({
      provider: 'billing',
      allowedActions: ['subscription.cancel'],
    });

    // The app's tools router, on the same stores and registry.
    const bus = new AuthEventBus();
    const auth = new AuthConfigurator(
      { accessTokenSecret: ACCESS_SECRET, refreshTokenSecret: REFRESH_SECRET },
      new InMemoryUserStore(),
      { eventBus: bus },
    );
    const tools = new AuthTools(bus);
    const app = express();
    app.use(
      '/tools',
      createToolsRouter(tools, {
        authMiddleware: auth.middleware(),
        webhook: true,
        webhookStore: fx.webhookStore,
        settingsStore: fx.settingsStore,
        actions,
      }),
    );
    try {
      const raw = JSON.stringify({ action: 'cancelled', id: 'sub_1' });
      const forged = await request(app)
        .post('/tools/webhook/billing')
        .set(githubHeaders(raw, 'not-the-secret-at-all'))
        .send(raw);
      expect(forged.status).toBe(401);
      expect(made).toEqual([]);
      const res = await request(app)
        .post('/tools/webhook/billing')
        .set(githubHeaders(raw, secret))
        .send(raw);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true, event: 'billing.subscription.cancelled' });
      expect(made).toEqual([{ id: 'subscription.cancel', args: ['sub_1'] }]);
      const logged = await tools.query({ event: 'billing.subscription.cancelled' });
      expect(logged.map((e) => e.data)).toEqual([{ id: 'sub_1' }]);
    } finally {
      await tools.close();
    }
  });

  it('keeps one active webhook per provider, so none is silently shadowed', async () => {
    const { fx } = fixture();
    const first = await registerInbound(fx, {
      provider: 'stripe',
      verify: 'stripe',
      secret: 'whsec_from_stripe_123456',
    });
    const again = await fx.api
      .post('/webhooks')
      .send({ provider: 'stripe', verify: 'stripe', secret: 'whsec_from_stripe_123456' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'WEBHOOK_PROVIDER_TAKEN' });
    const spare = await registerInbound(fx, {
      provider: 'stripe',
      verify: 'stripe',
      secret: 'whsec_from_stripe_654321',
      isActive: false,
    });
    const activate = await fx.api.patch(`/webhooks/${spare.webhook.id}`).send({ isActive: true });
    expect(activate.status).toBe(409);
    await fx.api.patch(`/webhooks/${first.webhook.id}`).send({ isActive: false }).expect(200);
    const now = await fx.api.patch(`/webhooks/${spare.webhook.id}`).send({ isActive: true });
    expect(now.status).toBe(200);
    expect(now.body.webhook).toMatchObject({ isActive: true, provider: 'stripe' });
  });

  it.each([
    ['an unsigned scheme', { provider: 'p1', verify: 'none' }],
    ['Stripe without its secret', { provider: 'p2', verify: 'stripe' }],
    ['a provider name that is not a path segment', { provider: '../admin' }],
    ['an unknown field', { provider: 'p3', url: 'https://93.184.215.14/x' }],
    ['a malformed action id', { provider: 'p4', allowedActions: ['a b'] }],
    ['a script that is not text', { provider: 'p5', jsScript: { code: 1 } }],
    ['an HMAC scheme without a header', { provider: 'p6', verify: { kind: 'hmac' } }],
  ])('refuses %s with 400 and stores nothing', async (_name, body) => {
    const { fx } = fixture();
    const res = await fx.api.post('/webhooks').send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_INPUT');
    expect((await fx.api.get('/webhooks')).body.webhooks).toEqual([]);
  });

  it('keeps outgoing and inbound fields apart on changes', async () => {
    const { fx } = fixture();
    const out = await fx.api.post('/webhooks').send({ url: 'https://93.184.215.14/hook' });
    const scripted = await fx.api
      .patch(`/webhooks/${out.body.webhook.id}`)
      .send({ jsScript: 'result = null' });
    expect(scripted.status).toBe(400);
    const inbound = await registerInbound(fx, { provider: 'gh' });
    const moved = await fx.api
      .patch(`/webhooks/${inbound.webhook.id}`)
      .send({ url: 'https://93.184.215.14/x' });
    expect(moved.status).toBe(400);
    const changed = await fx.api
      .patch(`/webhooks/${inbound.webhook.id}`)
      .send({ jsScript: 'result = null', allowedActions: ['user.delete'], verify: 'github' });
    expect(changed.status).toBe(200);
    expect(changed.body.webhook).toMatchObject({
      jsScript: 'result = null',
      allowedActions: ['user.delete'],
      verify: 'github',
    });
  });
});

describe('admin API: the actions scripts may call (Control tab)', () => {
  it('lists the registry with what is enabled and what governance offers', async () => {
    const { fx } = fixture();
    const before = await fx.api.get('/webhook-actions');
    expect(before.status).toBe(200);
    expect(before.body.enabled).toEqual([]);
    const ids = (before.body.actions as Array<{ id: string }>).map((a) => a.id);
    expect(ids).toEqual(['subscription.cancel', 'subscription.notifyUser', 'user.delete']);
    // notifyUser on without its dependency: enabled, yet not offered to any script.
    await fx.api
      .put('/settings')
      .send({ enabledWebhookActions: ['subscription.notifyUser', 'user.delete'] })
      .expect(200);
    const after = await fx.api.get('/webhook-actions');
    const byId = Object.fromEntries(
      (after.body.actions as Array<{ id: string }>).map((a) => [a.id, a]),
    );
    expect(byId['subscription.notifyUser']).toMatchObject({
      enabled: true,
      available: false,
      dependsOn: ['subscription.cancel'],
      missing: ['subscription.cancel'],
      label: 'subscription.notifyUser',
      category: 'Billing',
    });
    expect(byId['user.delete']).toMatchObject({ enabled: true, available: true, missing: [] });
    expect(byId['subscription.cancel']).toMatchObject({ enabled: false, available: false });
    expect(JSON.stringify(after.body)).not.toContain('fn');
  });

  it('refuses settings that are not a list of action ids', async () => {
    const { fx } = fixture();
    for (const value of ['subscription.cancel', [1], ['with space'], { a: 1 }]) {
      const res = await fx.api.put('/settings').send({ enabledWebhookActions: value });
      expect(res.status).toBe(400);
    }
    expect((await fx.api.get('/settings')).body.enabledWebhookActions).toBeUndefined();
  });
});

describe('admin API: dry runs of inbound scripts', () => {
  it('runs the stored script in the sandbox, recording the calls it would make', async () => {
    const { fx, made } = fixture();
    await fx.api
      .put('/settings')
      .send({ enabledWebhookActions: ['subscription.cancel', 'user.delete'] })
      .expect(200);
    const { webhook } = await registerInbound(fx, {
      provider: 'billing',
      allowedActions: ['subscription.cancel'],
      jsScript: SCRIPT,
    });
    const res = await fx.api
      .post(`/webhooks/${webhook.id}/dry-run`)
      .send({ body: { action: 'cancelled', id: 'sub_9' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dryRun: true,
      result: { event: 'billing.subscription.cancelled', data: { id: 'sub_9' } },
      calls: [{ id: 'subscription.cancel', args: ['sub_9'] }],
      logs: ['cancelled sub_9'],
      error: null,
      // user.delete is enabled globally but not allowed for this webhook.
      actions: ['subscription.cancel'],
    });
    expect(made).toEqual([]);
    expect(fx.eventsNamed('billing.subscription.cancelled')).toEqual([]);
  });

  it('tries a draft (script and actions) without saving it, and reports its failures', async () => {
    const { fx, made } = fixture();
    await fx.api
      .put('/settings')
      .send({ enabledWebhookActions: ['user.delete'] })
      .expect(200);
    const draft = await fx.api.post('/webhooks/dry-run').send({
      jsScript: "await actions['user.delete'](body.user); result = { event: 'x.y', data: {} };",
      allowedActions: ['user.delete'],
      body: { user: 'u1' },
    });
    expect(draft.status).toBe(200);
    expect(draft.body.calls).toEqual([{ id: 'user.delete', args: ['u1'] }]);
    expect(made).toEqual([]);

    const notAllowed = await fx.api.post('/webhooks/dry-run').send({
      jsScript: "await actions['subscription.cancel']('s');",
      allowedActions: ['subscription.cancel'],
      body: {},
    });
    expect(notAllowed.status).toBe(200);
    expect(notAllowed.body.actions).toEqual([]);
    expect(notAllowed.body.error).toEqual(expect.any(String));
    expect(notAllowed.body.calls).toEqual([]);

    const syntax = await fx.api
      .post('/webhooks/dry-run')
      .send({ jsScript: 'result = {', body: {} });
    expect(syntax.status).toBe(200);
    expect(syntax.body.error).toMatch(/SyntaxError/);

    const escape = await fx.api.post('/webhooks/dry-run').send({
      jsScript: "result = { p: globalThis.constructor.constructor('return typeof process')() };",
      body: {},
    });
    expect(escape.body.result).toEqual({ p: 'undefined' });
  });

  it('stops a script that never ends, within the configured limit', async () => {
    const billing = billingActions();
    const fx = createAdminFixture({ actions: billing.actions, sandbox: { timeoutMs: 200 } });
    const started = Date.now();
    const res = await fx.api
      .post('/webhooks/dry-run')
      .send({ jsScript: 'while (true) {}', body: {} });
    expect(res.status).toBe(200);
    expect(res.body.error).toMatch(/timed out after 200 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answers 404 for an outgoing webhook or an unknown id, 401 without the secret', async () => {
    const { fx } = fixture();
    const out = await fx.api.post('/webhooks').send({ url: 'https://93.184.215.14/hook' });
    for (const id of [out.body.webhook.id, 'wh_missing']) {
      const res = await fx.api.post(`/webhooks/${id}/dry-run`).send({ body: {} });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('WEBHOOK_NOT_FOUND');
    }
    const anonymous = await request(fx.app)
      .post('/admin/api/webhooks/dry-run')
      .send({ jsScript: 'result = 1', body: {} });
    expect(anonymous.status).toBe(401);
  });
});
