import { randomBytes } from 'node:crypto';
import express from 'express';
import fc from 'fast-check';
import request from 'supertest';
import {
  ApiKeyService,
  AuthEventBus,
  InMemoryApiKeyStore,
  createApiKeyMiddleware,
  type ApiKeyMiddlewareOptions,
  type AuthEventPayload,
} from 'keyward';
import { describeApiKeyBackends } from './helpers/describe-backends';
import type { ApiKeyBackend } from './helpers/api-key-backends';
import { advanceClock, fakeDateOnly } from './helpers/clock';

const service = new ApiKeyService();

/** An app with one key-protected route behind `trust proxy`, so tests choose the client IP. */
function appWith(backend: ApiKeyBackend, options: ApiKeyMiddlewareOptions = {}) {
  const app = express();
  app.set('trust proxy', true);
  const guard = createApiKeyMiddleware(backend.store, {
    rateLimit: { store: backend.rateLimitStore },
    ...options,
  });
  app.get('/tools/data', guard, (req, res) => {
    res.json({ apiKey: req.apiKey });
  });
  // idle(): the store writes the middleware makes after answering have settled.
  return Object.assign(app, { idle: () => guard.idle() });
}

let ipCounter = 0;
/** A client address no other test of the run uses, so failure counters never carry over. */
function freshIp(): string {
  ipCounter += 1;
  return `198.18.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}

/** Flips one hex digit after the prefix: same key record, wrong secret. */
function wrongSecret(rawKey: string): string {
  const last = rawKey.at(-1) === '0' ? '1' : '0';
  return rawKey.slice(0, -1) + last;
}

describeApiKeyBackends('API key middleware', (backend) => {
  afterEach(() => jest.useRealTimers());
  const create = (input: Parameters<ApiKeyService['createKey']>[1] = { name: 'svc' }) =>
    service.createKey(backend().store, input);

  it('answers 401 API_KEY_MISSING without either header', async () => {
    const res = await request(appWith(backend()))
      .get('/tools/data')
      .set('X-Forwarded-For', freshIp());
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: expect.any(String), code: 'API_KEY_MISSING' });
  });

  it('accepts the key in Authorization: ApiKey and in X-Api-Key, and sets req.apiKey', async () => {
    const { rawKey, record } = await create({
      name: 'reports',
      serviceId: 'svc-reports',
      scopes: ['reports:read'],
    });
    const app = appWith(backend());
    const viaAuthorization = await request(app)
      .get('/tools/data')
      .set('X-Forwarded-For', freshIp())
      .set('Authorization', `ApiKey ${rawKey}`);
    expect(viaAuthorization.status).toBe(200);
    expect(viaAuthorization.body.apiKey).toEqual({
      keyId: record.id,
      keyPrefix: rawKey.slice(0, 11),
      name: 'reports',
      serviceId: 'svc-reports',
      scopes: ['reports:read'],
    });
    const viaHeader = await request(app)
      .get('/tools/data')
      .set('X-Forwarded-For', freshIp())
      .set('X-Api-Key', rawKey);
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.apiKey.keyId).toBe(record.id);
  });

  it('reads Authorization first, and ignores a Bearer Authorization in favour of X-Api-Key', async () => {
    const { rawKey } = await create();
    const app = appWith(backend());
    const authorizationWins = await request(app)
      .get('/tools/data')
      .set('X-Forwarded-For', freshIp())
      .set('Authorization', `ApiKey ${wrongSecret(rawKey)}`)
      .set('X-Api-Key', rawKey);
    expect(authorizationWins.status).toBe(401);
    expect(authorizationWins.body.code).toBe('API_KEY_INVALID');
    const bearerIgnored = await request(app)
      .get('/tools/data')
      .set('X-Forwarded-For', freshIp())
      .set('Authorization', 'Bearer some.jwt.here')
      .set('X-Api-Key', rawKey);
    expect(bearerIgnored.status).toBe(200);
  });

  it.each([
    ['an unknown well-formed key', () => `ak_${'ab'.repeat(24)}`],
    ['a malformed key', () => 'not-a-key'],
    ['an over-long value', () => `ak_${'a'.repeat(5000)}`],
  ])('answers 401 API_KEY_INVALID for %s', async (_what, key) => {
    const res = await request(appWith(backend()))
      .get('/tools/data')
      .set('X-Forwarded-For', freshIp())
      .set('X-Api-Key', key());
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: expect.any(String), code: 'API_KEY_INVALID' });
  });

  it('answers 401 API_KEY_INVALID for a real prefix with a wrong secret', async () => {
    const { rawKey } = await create();
    const res = await request(appWith(backend()))
      .get('/tools/data')
      .set('X-Forwarded-For', freshIp())
      .set('X-Api-Key', wrongSecret(rawKey));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('API_KEY_INVALID');
  });

  it('refuses a revoked key on the very next request (401 API_KEY_REVOKED)', async () => {
    const { rawKey, record } = await create();
    const app = appWith(backend());
    const ip = freshIp();
    expect(
      (await request(app).get('/tools/data').set('X-Forwarded-For', ip).set('X-Api-Key', rawKey))
        .status,
    ).toBe(200);
    await service.revokeKey(backend().store, record.id);
    const res = await request(app)
      .get('/tools/data')
      .set('X-Forwarded-For', ip)
      .set('X-Api-Key', rawKey);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('API_KEY_REVOKED');
  });

  describe('expiry, on a fake clock', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it('accepts a key until expiresAt and answers 401 API_KEY_EXPIRED after it', async () => {
      const start = Date.now();
      // Only Date is faked: sockets and the stores' timers keep real time.
      jest.useFakeTimers({
        now: start,
        doNotFake: [
          'nextTick',
          'setImmediate',
          'clearImmediate',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'queueMicrotask',
          'hrtime',
          'performance',
        ],
      });
      const { rawKey } = await create({ name: 'temp', expiresAt: new Date(start + 60 * 60_000) });
      const app = appWith(backend());
      const ip = freshIp();
      jest.setSystemTime(start + 59 * 60_000);
      expect(
        (await request(app).get('/tools/data').set('X-Forwarded-For', ip).set('X-Api-Key', rawKey))
          .status,
      ).toBe(200);
      jest.setSystemTime(start + 61 * 60_000);
      const res = await request(app)
        .get('/tools/data')
        .set('X-Forwarded-For', ip)
        .set('X-Api-Key', rawKey);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('API_KEY_EXPIRED');
    });
  });

  describe('IP allowlist (req.ip as trust proxy gives it)', () => {
    const cases: Array<[string, string[], string, number]> = [
      ['exact IPv4', ['192.0.2.10'], '192.0.2.10', 200],
      ['exact IPv4, other address', ['192.0.2.10'], '192.0.2.11', 403],
      ['IPv4 CIDR, inside', ['203.0.113.0/24'], '203.0.113.77', 200],
      ['IPv4 CIDR, outside', ['203.0.113.0/24'], '203.0.114.1', 403],
      ['IPv6 exact', ['2001:db8::7'], '2001:db8:0:0::7', 200],
      ['IPv6 CIDR, inside', ['2001:db8:1::/48'], '2001:db8:1:ffff::1', 200],
      ['IPv6 CIDR, outside', ['2001:db8:1::/48'], '2001:db8:2::1', 403],
      ['IPv4 rule, IPv4-mapped client', ['203.0.113.0/24'], '::ffff:203.0.113.5', 200],
      ['IPv4-mapped rule, IPv4 client', ['::ffff:198.51.100.0/120'], '198.51.100.9', 200],
      ['IPv4-mapped rule, IPv4 client outside', ['::ffff:198.51.100.0/120'], '198.51.101.9', 403],
      ['IPv4 rule never matches an IPv6 client', ['0.0.0.0/0'], '2001:db8::1', 403],
    ];

    it.each(cases)('%s', async (_what, allowedIps, clientIp, status) => {
      const { rawKey } = await create({ name: 'ip', allowedIps });
      const res = await request(appWith(backend()))
        .get('/tools/data')
        .set('X-Forwarded-For', clientIp)
        .set('X-Api-Key', rawKey);
      expect(res.status).toBe(status);
      if (status === 403)
        expect(res.body).toEqual({ error: expect.any(String), code: 'API_KEY_IP_BLOCKED' });
    });

    it('is not checked with enforceIpAllowlist: false', async () => {
      const { rawKey } = await create({ name: 'ip', allowedIps: ['192.0.2.10'] });
      const res = await request(appWith(backend(), { enforceIpAllowlist: false }))
        .get('/tools/data')
        .set('X-Forwarded-For', '198.51.100.200')
        .set('X-Api-Key', rawKey);
      expect(res.status).toBe(200);
    });

    it('refuses allowlist entries that are not addresses or ranges when the key is made', async () => {
      await expect(create({ name: 'bad', allowedIps: ['10.0.0.0/33'] })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
      await expect(create({ name: 'bad', allowedIps: ['example.com'] })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    });
  });

  it('answers 403 API_KEY_INSUFFICIENT_SCOPE unless the key holds every required scope', async () => {
    const partial = await create({ name: 'partial', scopes: ['webhooks:receive'] });
    const full = await create({ name: 'full', scopes: ['webhooks:receive', 'reports:read'] });
    const app = appWith(backend(), { requiredScopes: ['webhooks:receive', 'reports:read'] });
    const refused = await request(app)
      .get('/tools/data')
      .set('X-Forwarded-For', freshIp())
      .set('X-Api-Key', partial.rawKey);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'API_KEY_INSUFFICIENT_SCOPE',
      requiredScopes: ['reports:read'],
    });
    const allowed = await request(app)
      .get('/tools/data')
      .set('X-Forwarded-For', freshIp())
      .set('X-Api-Key', full.rawKey);
    expect(allowed.status).toBe(200);
  });

  describe('guessing', () => {
    it('locks an address after 20 failures: 429 with Retry-After, even for a valid key', async () => {
      const bus = new AuthEventBus();
      const events: AuthEventPayload[] = [];
      bus.onEvent('identity.apikey.abuse', (e) => {
        events.push(e);
      });
      const { rawKey } = await create();
      const app = appWith(backend(), { eventBus: bus });
      const attacker = freshIp();
      for (let i = 0; i < 20; i++) {
        const res = await request(app)
          .get('/tools/data')
          .set('X-Forwarded-For', attacker)
          .set('X-Api-Key', `ak_${randomBytes(24).toString('hex')}`);
        expect(res.status).toBe(401);
      }
      const locked = await request(app)
        .get('/tools/data')
        .set('X-Forwarded-For', attacker)
        .set('X-Api-Key', `ak_${'f'.repeat(48)}`);
      expect(locked.status).toBe(429);
      expect(locked.body.code).toBe('RATE_LIMITED');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(600);
      const validFromAttacker = await request(app)
        .get('/tools/data')
        .set('X-Forwarded-For', attacker)
        .set('X-Api-Key', rawKey);
      expect(validFromAttacker.status).toBe(429);
      const validElsewhere = await request(app)
        .get('/tools/data')
        .set('X-Forwarded-For', freshIp())
        .set('X-Api-Key', rawKey);
      expect(validElsewhere.status).toBe(200);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ ip: attacker, data: { dimension: 'ip', failures: 21 } });
    });

    it('limits wrong secrets against one prefix from many addresses, never its real key; a success clears it', async () => {
      const { rawKey } = await create();
      const app = appWith(backend());
      const guess = () =>
        request(app)
          .get('/tools/data')
          .set('X-Forwarded-For', freshIp())
          .set('X-Api-Key', wrongSecret(rawKey));
      for (let i = 0; i < 10; i++) expect((await guess()).status).toBe(401);
      const limited = await guess();
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBeDefined();
      const owner = await request(app)
        .get('/tools/data')
        .set('X-Forwarded-For', freshIp())
        .set('X-Api-Key', rawKey);
      expect(owner.status).toBe(200);
      // The owner's success cleared the prefix's counter (written after the answer).
      await app.idle();
      expect((await guess()).status).toBe(401);
    });

    it('can be turned off with rateLimit: false', async () => {
      const app = appWith(backend(), { rateLimit: false });
      const ip = freshIp();
      for (let i = 0; i < 25; i++) {
        const res = await request(app)
          .get('/tools/data')
          .set('X-Forwarded-For', ip)
          .set('X-Api-Key', `ak_${'1'.repeat(48)}`);
        expect(res.status).toBe(401);
      }
    });
  });

  describe('audit log', () => {
    it('records success and each kind of failure after the answer, without the secret', async () => {
      const { rawKey, record } = await create({ name: 'audited' });
      const app = appWith(backend(), { auditLog: true });
      const ip = freshIp();
      await request(app)
        .get('/tools/data?token=secret')
        .set('X-Forwarded-For', ip)
        .set('X-Api-Key', rawKey)
        .expect(200);
      await request(app)
        .get('/tools/data')
        .set('X-Forwarded-For', ip)
        .set('X-Api-Key', wrongSecret(rawKey))
        .expect(401);
      await service.revokeKey(backend().store, record.id);
      await request(app)
        .get('/tools/data')
        .set('X-Forwarded-For', ip)
        .set('X-Api-Key', rawKey)
        .expect(401);
      await app.idle();
      const entries = await backend().store.listUsage(record.id, { limit: 10 });
      expect(entries.map((e) => [e.success, e.reason ?? null])).toEqual([
        [false, 'API_KEY_REVOKED'],
        [false, 'API_KEY_INVALID'],
        [true, null],
      ]);
      for (const e of entries) {
        expect(e).toMatchObject({
          keyId: record.id,
          keyPrefix: rawKey.slice(0, 11),
          ip,
          method: 'GET',
          path: '/tools/data',
        });
        expect(Number.isFinite(e.at.getTime())).toBe(true);
        expect(JSON.stringify(e)).not.toContain(rawKey.slice(11));
      }
    });
  });

  it('writes lastUsedAt on first use and not again within a minute', async () => {
    const { rawKey, record } = await create();
    const app = appWith(backend());
    const ip = freshIp();
    await request(app)
      .get('/tools/data')
      .set('X-Forwarded-For', ip)
      .set('X-Api-Key', rawKey)
      .expect(200);
    await app.idle();
    const first = (await backend().store.findById(record.id))!.lastUsedAt;
    expect(Number.isFinite(first!.getTime())).toBe(true);
    // A second later (within the minute): a new write would carry a different time.
    fakeDateOnly();
    advanceClock(1000);
    await request(app)
      .get('/tools/data')
      .set('X-Forwarded-For', ip)
      .set('X-Api-Key', rawKey)
      .expect(200);
    await app.idle();
    expect((await backend().store.findById(record.id))!.lastUsedAt).toEqual(first);
  });
});

describe('API key middleware, hostile header values', () => {
  it('answers every random Authorization / X-Api-Key value with a 4xx { error, code }, never a 5xx', async () => {
    const store = new InMemoryApiKeyStore();
    const { rawKey } = await service.createKey(store, { name: 'fuzzed' });
    const app = express();
    app.get('/m', createApiKeyMiddleware(store, { rateLimit: false }), (_req, res) => {
      res.json({ ok: true });
    });
    // Printable header values (Node refuses control characters before sending), some of them
    // built from the real key so the prefix lookup is reached.
    const value = fc.oneof(
      fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
      fc.string({ maxLength: 60 }).map((s) => rawKey.slice(0, 11) + s.replace(/[^\x20-\x7e]/g, '')),
      fc.constantFrom(`ApiKey  ${rawKey}x`, `apikey ${rawKey.toUpperCase()}`, 'ApiKey', ' ', ','),
    );
    await fc.assert(
      fc.asyncProperty(value, fc.boolean(), async (v, asAuthorization) => {
        const res = await request(app)
          .get('/m')
          .set(
            asAuthorization ? 'Authorization' : 'X-Api-Key',
            asAuthorization ? `ApiKey ${v}` : v,
          );
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.body).toEqual({
          error: expect.any(String),
          code: expect.stringMatching(/^API_KEY_/),
        });
      }),
      { numRuns: 300, seed: Number(process.env.KEYWARD_FUZZ_SEED ?? 20261202) },
    );
  });
});

describe('API key middleware with its own default counters', () => {
  it('locks an address past 20 failures, a valid key from it too, and not other addresses', async () => {
    const store = new InMemoryApiKeyStore();
    const { rawKey } = await service.createKey(store, { name: 'own-counters' });
    const app = express();
    app.set('trust proxy', true);
    app.get('/m', createApiKeyMiddleware(store), (_req, res) => {
      res.json({ ok: true });
    });
    const from = (ip: string, key: string) =>
      request(app).get('/m').set('X-Forwarded-For', ip).set('X-Api-Key', key);
    expect((await from('192.0.2.50', rawKey)).status).toBe(200);
    for (let i = 0; i < 20; i++) {
      expect((await from('192.0.2.99', `ak_${randomBytes(24).toString('hex')}`)).status).toBe(401);
    }
    // The 21st failure is past the limit: refused, and from then on so is everything else.
    expect((await from('192.0.2.99', `ak_${randomBytes(24).toString('hex')}`)).status).toBe(429);
    const locked = await from('192.0.2.99', rawKey);
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBeDefined();
    expect((await from('192.0.2.50', rawKey)).status).toBe(200);
  });
});
