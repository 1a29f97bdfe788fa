import request from 'supertest';
import { AuthError, InMemoryTwoFactorStore } from 'keyward';
import {
  HMAC_SECRET,
  STANDARD_SECRET,
  githubHeaders,
  hmacHeaders,
  inboundApp,
  recordingApps,
  standardHeaders,
  stripeHeaders,
} from './inbound-app';

type Built = ReturnType<typeof inboundApp>;
const appWith = recordingApps();

const BODY = JSON.stringify({ id: 'evt_1', type: 'customer.subscription.deleted', n: 1 });
const tracked = (b: Built, event = 'inbound.received') => b.tools.eventLog.query({ event });

type Signer = (raw: string, secret?: string) => Record<string, string>;
const KINDS: Array<[string, Signer]> = [
  ['github', (raw, secret) => githubHeaders(raw, secret)],
  ['stripe', (raw, secret) => stripeHeaders(raw, secret)],
  ['standard', (raw, secret) => standardHeaders(raw, secret)],
  ['custom', (raw, secret) => hmacHeaders(raw, secret)],
];

describe.each(KINDS)('POST /tools/webhook/%s', (provider, sign) => {
  it('runs onWebhook with the parsed body and records its event', async () => {
    const b = appWith();
    const res = await request(b.app).post(`/tools/webhook/${provider}`).set(sign(BODY)).send(BODY);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, event: 'inbound.received' });
    expect(b.calls).toEqual([{ provider, body: JSON.parse(BODY) }]);
    const [entry] = await tracked(b);
    expect(entry).toMatchObject({ event: 'inbound.received', data: { provider } });
  });

  it('refuses a wrong secret, a tampered body and a missing signature, running nothing', async () => {
    const b = appWith();
    const wrong = await request(b.app)
      .post(`/tools/webhook/${provider}`)
      .set(sign(BODY, provider === 'standard' ? 'whsec_' + 'QUJD'.repeat(8) : 'wrong-secret'))
      .send(BODY);
    const tampered = await request(b.app)
      .post(`/tools/webhook/${provider}`)
      .set(sign(BODY))
      .send(BODY.replace('"n":1', '"n":2'));
    const unsigned = await request(b.app)
      .post(`/tools/webhook/${provider}`)
      .set('content-type', 'application/json')
      .send(BODY);
    for (const res of [wrong, tampered, unsigned]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        error: 'Webhook signature is missing or invalid',
        code: 'WEBHOOK_SIGNATURE_INVALID',
      });
    }
    expect(b.calls).toEqual([]);
    expect(await tracked(b)).toEqual([]);
  });

  it('runs a delivery once: the same delivery id again is acknowledged as a duplicate', async () => {
    const b = appWith();
    const headers = sign(BODY);
    const first = await request(b.app).post(`/tools/webhook/${provider}`).set(headers).send(BODY);
    const again = await request(b.app).post(`/tools/webhook/${provider}`).set(headers).send(BODY);
    expect(first.body).toEqual({ ok: true, event: 'inbound.received' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ok: true, duplicate: true });
    expect(b.calls).toHaveLength(1);
    expect(await tracked(b)).toHaveLength(1);
  });
});

describe('provider details', () => {
  it('Stripe: refuses a timestamp outside the tolerance, accepts one inside', async () => {
    const b = appWith();
    const now = Math.floor(Date.now() / 1000);
    const old = await request(b.app)
      .post('/tools/webhook/stripe')
      .set(stripeHeaders(BODY, undefined, now - 301))
      .send(BODY);
    const ahead = await request(b.app)
      .post('/tools/webhook/stripe')
      .set(stripeHeaders(BODY, undefined, now + 400))
      .send(BODY);
    expect([old.status, ahead.status]).toEqual([401, 401]);
    const inside = await request(b.app)
      .post('/tools/webhook/stripe')
      .set(stripeHeaders(BODY, undefined, now - 200))
      .send(BODY);
    expect(inside.status).toBe(200);
    expect(b.calls).toHaveLength(1);
  });

  it('Stripe: any v1 may match (secret rolling), and the event id is the delivery id', async () => {
    const b = appWith();
    const good = stripeHeaders(BODY)['stripe-signature'];
    const [t, v1] = good.split(',');
    const header = `${t},v1=${'0'.repeat(64)},${v1},v0=${'1'.repeat(64)}`;
    const res = await request(b.app)
      .post('/tools/webhook/stripe')
      .set({ 'content-type': 'application/json', 'stripe-signature': header })
      .send(BODY);
    expect(res.body).toEqual({ ok: true, event: 'inbound.received' });
    // Stripe retries with a fresh signature; the event id stays.
    const retry = await request(b.app)
      .post('/tools/webhook/stripe')
      .set(stripeHeaders(BODY, undefined, Math.floor(Date.now() / 1000) - 5))
      .send(BODY);
    expect(retry.body).toEqual({ ok: true, duplicate: true });
    expect(b.calls).toHaveLength(1);
  });

  it('Standard Webhooks: refuses a timestamp outside the tolerance', async () => {
    const b = appWith();
    const at = new Date(Date.now() - 10 * 60_000);
    const res = await request(b.app)
      .post('/tools/webhook/standard')
      .set(standardHeaders(BODY, STANDARD_SECRET, 'msg_old', at))
      .send(BODY);
    expect(res.status).toBe(401);
    expect(b.calls).toEqual([]);
  });

  it('generic HMAC: the prefix is required, and a secret list accepts any of its secrets', async () => {
    const b = appWith({
      providers: {
        custom: {
          verify: {
            kind: 'hmac',
            header: 'x-signature',
            algorithm: 'sha512',
            encoding: 'base64',
            prefix: 'sha512=',
          },
          secret: ['new-secret-0123456789', HMAC_SECRET],
        },
      },
    });
    const headers = hmacHeaders(BODY);
    const bare = { ...headers, 'x-signature': headers['x-signature'].slice('sha512='.length) };
    expect((await request(b.app).post('/tools/webhook/custom').set(bare).send(BODY)).status).toBe(
      401,
    );
    const ok = await request(b.app).post('/tools/webhook/custom').set(headers).send(BODY);
    expect(ok.body).toEqual({ ok: true, event: 'inbound.received' });
    // No delivery id header configured: no replay protection, so it runs again.
    const again = await request(b.app).post('/tools/webhook/custom').set(headers).send(BODY);
    expect(again.body).toEqual({ ok: true, event: 'inbound.received' });
    expect(b.calls).toHaveLength(2);
  });

  it("verify: 'none' accepts unsigned requests, because it was asked to", async () => {
    const b = appWith({ providers: { open: { verify: 'none' } } });
    const res = await request(b.app)
      .post('/tools/webhook/open')
      .set('content-type', 'text/plain')
      .send(BODY);
    expect(res.body).toEqual({ ok: true, event: 'inbound.received' });
  });

  it('a shared replay store (markUsed, as the two-factor stores have it) sees every instance', async () => {
    const replayStore = new InMemoryTwoFactorStore();
    const one = appWith({ replayStore });
    const oneTools = one.tools;
    const headers = githubHeaders(BODY);
    await request(one.app).post('/tools/webhook/github').set(headers).send(BODY);
    const two = appWith({ replayStore });
    const res = await request(two.app).post('/tools/webhook/github').set(headers).send(BODY);
    expect(res.body).toEqual({ ok: true, duplicate: true });
    expect(two.calls).toEqual([]);
    await oneTools.close();
  });
});

describe('the request', () => {
  it('answers 404 for an unknown provider, signed or not', async () => {
    const b = appWith();
    for (const name of ['gitlab', '__proto__', 'constructor', 'a%20b']) {
      const res = await request(b.app)
        .post(`/tools/webhook/${name}`)
        .set(githubHeaders(BODY))
        .send(BODY);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('WEBHOOK_PROVIDER_UNKNOWN');
    }
    expect(b.calls).toEqual([]);
  });

  it('answers 400 for a signed body that is not JSON, and for an empty one', async () => {
    const b = appWith();
    for (const raw of ['not json', '{"a":', '']) {
      const res = await request(b.app)
        .post('/tools/webhook/github')
        .set(githubHeaders(raw))
        .send(raw);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('INVALID_JSON');
    }
    expect(b.calls).toEqual([]);
  });

  it('answers 413 for a body over webhookBodyLimit, before anything runs', async () => {
    const b = appWith({ webhookBodyLimit: '1kb' });
    const raw = JSON.stringify({ pad: 'x'.repeat(2048) });
    const res = await request(b.app)
      .post('/tools/webhook/github')
      .set(githubHeaders(raw))
      .send(raw);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    expect(b.calls).toEqual([]);
  });

  it('verifies the exact bytes whatever the content type (form-encoded JSON is still JSON)', async () => {
    const b = appWith();
    const raw = '{ "spaced" :  true }';
    const res = await request(b.app)
      .post('/tools/webhook/github')
      .set({ ...githubHeaders(raw), 'content-type': 'application/x-www-form-urlencoded' })
      .send(raw);
    expect(res.status).toBe(200);
    expect(b.calls[0]?.body).toEqual({ spaced: true });
  });

  it('needs no sign-in, while the other tools endpoints still do', async () => {
    const b = appWith();
    const hook = await request(b.app)
      .post('/tools/webhook/github')
      .set(githubHeaders(BODY))
      .send(BODY);
    expect(hook.status).toBe(200);
    expect((await request(b.app).post('/tools/track/app.x').send({})).status).toBe(401);
    expect((await request(b.app).get('/tools/telemetry')).status).toBe(401);
    const telemetry = await request(b.app)
      .get('/tools/telemetry')
      .set('Authorization', b.adminToken);
    expect(telemetry.status).toBe(200);
    // Other methods on the webhook path are not the webhook route: they need a sign-in too.
    expect((await request(b.app).get('/tools/webhook/github')).status).toBe(401);
  });

  it('is absent unless webhook is on', async () => {
    const b = appWith({ webhook: false });
    const res = await request(b.app)
      .post('/tools/webhook/github')
      .set('Authorization', b.adminToken)
      .set(githubHeaders(BODY))
      .send(BODY);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });
});

describe('the result', () => {
  const send = (b: Built) =>
    request(b.app).post('/tools/webhook/github').set(githubHeaders(BODY)).send(BODY);

  it('null is acknowledged and records nothing', async () => {
    const b = appWith({ onWebhook: () => null });
    const res = await send(b);
    expect(res.body).toEqual({ ok: true });
    expect(await b.tools.eventLog.query({})).toEqual([]);
  });

  it('records the tenant the handler names', async () => {
    const b = appWith({ onWebhook: () => ({ event: 'billing.cancelled', tenantId: 'acme' }) });
    expect((await send(b)).body).toEqual({ ok: true, event: 'billing.cancelled' });
    const [entry] = await b.tools.eventLog.query({ event: 'billing.cancelled' });
    expect(entry?.tenantId).toBe('acme');
  });

  it('refuses identity.* names unless the provider is trusted with them', async () => {
    const onWebhook = () => ({ event: 'identity.tenant.user.removed', data: { userId: 'u1' } });
    const b = appWith({ onWebhook });
    expect((await send(b)).body).toEqual({ ok: true });
    expect(await b.tools.eventLog.query({})).toEqual([]);
    expect(b.logged.map((l) => l.level)).toEqual(['warn']);
    await b.tools.close();
    const trusted = appWith({ onWebhook, identityEventProviders: ['github'] });
    expect((await send(trusted)).body).toEqual({
      ok: true,
      event: 'identity.tenant.user.removed',
    });
  });

  it('a pinned tenant wins, and a result naming another tenant is refused', async () => {
    const pinned = {
      github: { verify: 'github' as const, secret: 'gh-secret-0123456789', tenantId: 'acme' },
    };
    const b = appWith({ providers: pinned, onWebhook: () => ({ event: 'x.y' }) });
    await send(b);
    expect((await b.tools.eventLog.query({ event: 'x.y' }))[0]?.tenantId).toBe('acme');
    await b.tools.close();
    const other = appWith({
      providers: pinned,
      onWebhook: () => ({ event: 'x.y', tenantId: 'evil' }),
    });
    expect((await send(other)).body).toEqual({ ok: true });
    expect(await other.tools.eventLog.query({})).toEqual([]);
  });

  it('malformed results are logged and acknowledged, never a 500', async () => {
    const bad: unknown[] = [
      { event: 'has space' },
      { event: 42 },
      { event: 'ok', data: [1, 2] },
      { event: 'ok', extra: true },
      'just a string',
    ];
    for (const result of bad) {
      const b = appWith({ onWebhook: () => result as never });
      const res = await send(b);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true });
      expect(await b.tools.eventLog.query({})).toEqual([]);
      await b.tools.close();
    }
  });

  it('a throwing handler is logged and acknowledged; an AuthError it throws is its answer', async () => {
    const b = appWith({
      onWebhook: () => {
        throw new Error('db down');
      },
    });
    const res = await send(b);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    expect(b.logged).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'inbound webhook github: onWebhook failed',
      }),
    ]);
    await b.tools.close();
    const refusing = appWith({
      onWebhook: () => {
        throw new AuthError('Not for us', 'VALIDATION_ERROR', 422);
      },
    });
    const refused = await send(refusing);
    expect(refused.status).toBe(422);
    expect(refused.body).toEqual({ error: 'Not for us', code: 'VALIDATION_ERROR' });
  });
});
