import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  AuthConfigError,
  AuthConfigurator,
  AuthEventNames,
  InMemoryTwoFactorStore,
  InMemoryUserStore,
  SmsStrategy,
  type AuthConfig,
  type BaseUser,
  type SmsCodeIssue,
} from 'keyward';
import {
  ACCESS_SECRET,
  REFRESH_SECRET,
  cookieValue,
  createTestApp,
  type TestApp,
  type TestAppOptions,
  bearerLoginRequest,
} from './helpers/app';
import { bearer, challenge, codeForStep, enrol, stepAt } from './helpers/totp';

import { Waiters } from './helpers/waiters';
import { advanceClock, fakeDateOnly } from './helpers/clock';
/** One message as the SMS gateway received it. */
interface ReceivedSms {
  to: string;
  message: string;
  apiKey?: string;
  authorization?: string;
}

/**
 * A local HTTP SMS gateway: takes keyward's JSON POSTs, records them, and answers with the
 * status `answer` (200 unless a test changes it). `hold` keeps answers back until released.
 */
class SmsGateway {
  readonly received: ReceivedSms[] = [];
  answer = 200;
  private holding: Array<() => void> | undefined;
  private readonly waiters = new Waiters<ReceivedSms>();
  private readonly server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw) as { to: string; message: string };
      const sms: ReceivedSms = {
        ...body,
        apiKey: req.headers['x-api-key'] as string | undefined,
        authorization: req.headers.authorization,
      };
      this.received.push(sms);
      this.waiters.deliver(sms);
      const reply = () =>
        res.writeHead(this.answer, { 'Content-Type': 'application/json' }).end('{}');
      if (this.holding) this.holding.push(reply);
      else reply();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/send`;
  }
  /** The next SMS the gateway receives; rejects (and stops waiting) after 5 s. */
  next(what = 'an SMS at the gateway'): Promise<ReceivedSms> {
    return this.waiters.next(what);
  }
  hold(): void {
    this.holding = [];
  }
  release(): void {
    for (const reply of this.holding ?? []) reply();
    this.holding = undefined;
  }
  close(): Promise<void> {
    this.release();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The six digits in a received message. */
const codeIn = (sms: ReceivedSms): string => /\b(\d{6})\b/.exec(sms.message)![1]!;

/** A wrong code that differs from `code`. */
const wrong = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

const PHONE = '+15550000001';

/**
 * A test app whose SMS go to `gateway`; `sms` overrides the SMS settings. Built on first use,
 * inside a test, when the gateway (started in beforeAll) has its URL.
 */
function smsApp(gateway: { url: string }, sms: AuthConfig['sms'] = {}, opts: TestAppOptions = {}) {
  let app: TestApp | undefined;
  const build = () =>
    (app ??= createTestApp({
      ...opts,
      config: {
        ...opts.config,
        sms: { endpoint: gateway.url, apiKey: 'sms-key', username: 'kw', password: 'pw', ...sms },
      },
    }));
  return new Proxy({} as TestApp, { get: (_, prop) => Reflect.get(build(), prop) as unknown });
}

const gateway = new SmsGateway();
const target = { url: '' };
beforeAll(async () => {
  target.url = await gateway.start();
});
afterAll(() => gateway.close());

const send = (t: TestApp, body: Record<string, unknown>) =>
  request(t.app).post('/auth/sms/send').send(body);
const verify = (t: TestApp, body: Record<string, unknown>) =>
  request(t.app).post('/auth/sms/verify').send(body);

describe('Signing in with an SMS code: POST /auth/sms/send then /verify (mode login)', () => {
  const t = smsApp(target);
  afterAll(() => t.close());

  it('texts a 6-digit code to the stored number and signs in with it, once', async () => {
    const user = await t.createUser({ phoneNumber: PHONE });
    const next = gateway.next();
    const sent = await send(t, { email: user.email });
    expect(sent.status).toBe(200);
    expect(sent.body.success).toBe(true);
    const sms = await next;
    expect(sms).toMatchObject({ to: PHONE, apiKey: 'sms-key' });
    expect(sms.authorization).toBe(`Basic ${Buffer.from('kw:pw').toString('base64')}`);
    expect(sms.message).toMatch(/^Your sign-in code is \d{6}\. It expires in 10 minutes\.$/);

    const res = await verify(t, { email: user.email, code: codeIn(sms) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    const me = await request(t.app)
      .get('/api/private')
      .set('Cookie', `accessToken=${cookieValue(res, 'accessToken')}`);
    expect(me.body.user.sub).toBe(user.id);
    expect(t.events.map((e) => e.event)).toContain(AuthEventNames.AUTH_LOGIN_SUCCESS);

    const again = await verify(t, { email: user.email, code: codeIn(sms) });
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('INVALID_SMS_CODE');
  });

  it('identifies the user by userId too, and answers in bearer mode', async () => {
    const user = await t.createUser({ phoneNumber: PHONE });
    const next = gateway.next();
    await send(t, { userId: user.id }).expect(200);
    const code = codeIn(await next);
    const res = await verify(t, { userId: user.id, code }).set('X-Auth-Strategy', 'bearer');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, accessToken: expect.any(String) });
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers an unknown email, an unknown id and a user without a phone exactly like a known one', async () => {
    const known = await t.createUser({ phoneNumber: PHONE });
    const noPhone = await t.createUser();
    const before = gateway.received.length;
    const next = gateway.next();
    const answers = [
      await send(t, { email: known.email }),
      await send(t, { email: 'nobody@example.test' }),
      await send(t, { userId: 'no-such-user' }),
      await send(t, { email: noPhone.email }),
    ];
    await next;
    await t.auth.idle();
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual(answers[0]!.body);
    }
    expect(gateway.received.length - before).toBe(1);

    const unknown = await verify(t, { email: 'nobody@example.test', code: '123456' });
    const wrongCode = await verify(t, { email: known.email, code: '000000' });
    const withoutPhone = await verify(t, { email: noPhone.email, code: '123456' });
    for (const res of [unknown, wrongCode, withoutPhone]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual(unknown.body);
    }
  });

  it('answers before the gateway does, so a slow gateway cannot reveal a known account', async () => {
    const user = await t.createUser({ phoneNumber: PHONE });
    gateway.hold();
    try {
      const next = gateway.next();
      const res = await send(t, { email: user.email });
      expect(res.status).toBe(200);
      await next; // the gateway has the message but has not answered yet
    } finally {
      gateway.release();
    }
  });

  it('refuses bad input with 400 and a named field, never a 500', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['/auth/sms/send', {}, 'VALIDATION_ERROR'],
      ['/auth/sms/send', { email: 'a@b.test', userId: 'x' }, 'VALIDATION_ERROR'],
      ['/auth/sms/send', { mode: '2fa' }, 'TEMP_TOKEN_REQUIRED'],
      ['/auth/sms/verify', { email: 'a@b.test', code: '12345' }, 'VALIDATION_ERROR'],
      ['/auth/sms/verify', { email: 'a@b.test', code: 123456 }, 'VALIDATION_ERROR'],
      ['/auth/sms/verify', { mode: '2fa', code: '123456' }, 'TEMP_TOKEN_REQUIRED'],
    ];
    for (const [path, body, code] of cases) {
      const res = await request(t.app).post(path).send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(code);
    }
  });

  it('a user with TOTP who signs in by SMS still gets the TOTP challenge', async () => {
    const enrolled = await enrol(t, { phoneNumber: PHONE });
    const next = gateway.next();
    await send(t, { email: enrolled.user.email }).expect(200);
    const res = await verify(t, { email: enrolled.user.email, code: codeIn(await next) });
    expect(res.status).toBe(200);
    // A second SMS to the same phone would not be a second factor: it is not offered.
    expect(res.body).toEqual({
      requiresTwoFactor: true,
      tempToken: expect.any(String),
      available2faMethods: ['totp'],
    });
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});

describe('SMS codes: attempt limit, resend throttle, expiry, storage', () => {
  const saved: SmsCodeIssue[] = [];
  /** The real in-memory store, recording what keyward hands it (to show codes are hashed). */
  class RecordingStore extends InMemoryTwoFactorStore {
    override saveSmsCode(userId: string, issue: SmsCodeIssue) {
      saved.push(issue);
      return super.saveSmsCode(userId, issue);
    }
  }
  const t = smsApp(
    target,
    { resendIntervalSeconds: 1 },
    {
      configurator: { twoFactorStore: new RecordingStore() },
    },
  );
  afterAll(() => t.close());
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('kills a code after 5 wrong attempts: even the right one is refused then', async () => {
    const user = await t.createUser({ phoneNumber: PHONE });
    const next = gateway.next();
    await send(t, { email: user.email }).expect(200);
    const code = codeIn(await next);
    for (let i = 0; i < 5; i++) {
      const res = await verify(t, { email: user.email, code: wrong(code) });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_SMS_CODE');
    }
    const dead = await verify(t, { email: user.email, code });
    expect(dead.status).toBe(401);

    fakeDateOnly();
    advanceClock(1100); // past the resend interval: a new code works
    const fresh = gateway.next();
    await send(t, { email: user.email }).expect(200);
    await verify(t, { email: user.email, code: codeIn(await fresh) }).expect(200);
  });

  it('the right code after 4 wrong attempts still works', async () => {
    const user = await t.createUser({ phoneNumber: PHONE });
    const next = gateway.next();
    await send(t, { email: user.email }).expect(200);
    const code = codeIn(await next);
    for (let i = 0; i < 4; i++) {
      expect((await verify(t, { email: user.email, code: wrong(code) })).status).toBe(401);
    }
    expect((await verify(t, { email: user.email, code })).status).toBe(200);
  });

  it('sends at most one code per resend interval; the earlier code stays valid', async () => {
    const user = await t.createUser({ phoneNumber: PHONE });
    const before = gateway.received.length;
    const next = gateway.next();
    await send(t, { email: user.email }).expect(200);
    const first = await next;
    await send(t, { email: user.email }).expect(200);
    await send(t, { email: user.email }).expect(200);
    await t.auth.idle();
    expect(gateway.received.length - before).toBe(1);
    await verify(t, { email: user.email, code: codeIn(first) }).expect(200);
  });

  it('refuses a code once it has expired', async () => {
    const user = await t.createUser({ phoneNumber: PHONE });
    const next = gateway.next();
    await send(t, { email: user.email }).expect(200);
    const code = codeIn(await next);
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 10 * 60_000 + 1000);
    const res = await verify(t, { email: user.email, code });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_SMS_CODE');
  });

  it('the temporary token is single-use after success, even with a fresh code', async () => {
    const user = await t.createUser({ phoneNumber: PHONE, require2FA: true });
    const login = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: 'correct horse battery' });
    const tempToken = login.body.tempToken as string;
    const first = gateway.next();
    await send(t, { mode: '2fa', tempToken }).expect(200);
    await verify(t, { mode: '2fa', tempToken, code: codeIn(await first) }).expect(200);

    fakeDateOnly();
    advanceClock(1100); // past the resend interval
    const second = gateway.next();
    await send(t, { mode: '2fa', tempToken }).expect(200);
    const reused = await verify(t, { mode: '2fa', tempToken, code: codeIn(await second) });
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('TEMP_TOKEN_USED');
  });

  it('refuses an SMS code as the second factor of a sign-in that began with an SMS code', async () => {
    const user = await t.createUser({ phoneNumber: PHONE, require2FA: true });
    const first = gateway.next();
    await send(t, { email: user.email }).expect(200);
    const signIn = await verify(t, { email: user.email, code: codeIn(await first) });
    expect(signIn.status).toBe(403);
    expect(signIn.body.code).toBe('2FA_SETUP_REQUIRED');
    // No temporary token at all: a phone alone can neither answer nor enrol a second factor.
    expect(signIn.body.tempToken).toBeUndefined();
    expect(signIn.headers['set-cookie']).toBeUndefined();
  });

  it('refuses an SMS code for a challenge that offered only TOTP', async () => {
    const enrolled = await enrol(t, { phoneNumber: PHONE });
    const tempToken = await challenge(t.app, enrolled.user.email);
    const sent = await send(t, { mode: '2fa', tempToken });
    expect(sent.status).toBe(403);
    expect(sent.body.code).toBe('SECOND_FACTOR_NOT_ALLOWED');
    const res = await verify(t, { mode: '2fa', tempToken, code: '123456' });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('SECOND_FACTOR_NOT_ALLOWED');
  });

  it('stores a keyed hash of the code, never the code', async () => {
    const user = await t.createUser({ phoneNumber: PHONE });
    const next = gateway.next();
    await send(t, { email: user.email }).expect(200);
    const code = codeIn(await next);
    const issue = saved.at(-1)!;
    expect(issue.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(issue.codeHash).not.toContain(code);
    expect(issue.expiresAt.getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(issue.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(10 * 60_000);
  });
});

describe('SMS as the second factor (mode 2fa)', () => {
  const t = smsApp(target);
  afterAll(() => t.close());

  const signInWith2fa = async (data: Partial<BaseUser>) => {
    const user = await t.createUser({ require2FA: true, ...data });
    const res = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: 'correct horse battery' });
    return { user, res };
  };

  it('offers sms to a user with a phone number, sends to it, and completes the sign-in', async () => {
    const { res } = await signInWith2fa({ phoneNumber: PHONE });
    expect(res.body).toMatchObject({ requiresTwoFactor: true, available2faMethods: ['sms'] });
    const tempToken = res.body.tempToken as string;

    const next = gateway.next();
    const sent = await send(t, { mode: '2fa', tempToken });
    expect(sent.status).toBe(200);
    const code = codeIn(await next);

    const bad = await verify(t, { mode: '2fa', tempToken, code: wrong(code) });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('INVALID_SMS_CODE');

    const done = await verify(t, { mode: '2fa', tempToken, code }).set('X-Auth-Strategy', 'bearer');
    expect(done.status).toBe(200);
    expect(done.body.accessToken).toEqual(expect.any(String));
    await request(t.app).get('/api/private').set(bearer(done.body.accessToken)).expect(200);

    const replay = await verify(t, { mode: '2fa', tempToken, code });
    expect(replay.status).toBe(401);
  });

  it('throttles resends with 429 and Retry-After; nothing more is sent', async () => {
    const { res } = await signInWith2fa({ phoneNumber: PHONE });
    const tempToken = res.body.tempToken as string;
    const next = gateway.next();
    await send(t, { mode: '2fa', tempToken }).expect(200);
    await next;
    const before = gateway.received.length;
    const again = await send(t, { mode: '2fa', tempToken });
    expect(again.status).toBe(429);
    expect(again.body.code).toBe('SMS_RESEND_TOO_SOON');
    expect(again.headers['retry-after']).toBe('30');
    await t.auth.idle();
    expect(gateway.received.length).toBe(before);
  });

  it('does not offer sms without a phone number, and refuses to send there', async () => {
    const { res } = await signInWith2fa({});
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('2FA_SETUP_REQUIRED');
    // The token is an enrolment token: it offers no SMS to send.
    const sent = await send(t, { mode: '2fa', tempToken: res.body.tempToken });
    expect(sent.status).toBe(403);
    expect(sent.body.code).toBe('SECOND_FACTOR_NOT_ALLOWED');
  });

  it('refuses a temporary token used as an access token, a forged one, and an access token as a temporary one', async () => {
    const { res } = await signInWith2fa({ phoneNumber: PHONE });
    await request(t.app).get('/api/private').set(bearer(res.body.tempToken)).expect(401);
    const forged = await send(t, { mode: '2fa', tempToken: `${res.body.tempToken}x` });
    expect(forged.status).toBe(401);
    const other = await t.createUser();
    const login = await bearerLoginRequest(t.app, other.email);
    const misuse = await send(t, { mode: '2fa', tempToken: login.body.accessToken });
    expect(misuse.status).toBe(401);
  });

  it('offers a TOTP user with a phone TOTP only: the phone is no way around the authenticator', async () => {
    const enrolled = await enrol(t, { phoneNumber: PHONE });
    const res = await request(t.app)
      .post('/auth/login')
      .send({ email: enrolled.user.email, password: 'correct horse battery' });
    expect(res.body.available2faMethods).toEqual(['totp']);
    const totp = await request(t.app)
      .post('/auth/2fa/verify')
      .send({
        tempToken: res.body.tempToken,
        totpCode: codeForStep(enrolled.secret, stepAt() + 1),
      });
    expect(totp.status).toBe(200);
  });

  it('reports a failing gateway in 2fa mode with 502, and still answers login mode the same', async () => {
    const { res } = await signInWith2fa({ phoneNumber: PHONE });
    gateway.answer = 500;
    try {
      const sent = await send(t, { mode: '2fa', tempToken: res.body.tempToken });
      expect(sent.status).toBe(502);
      expect(sent.body.code).toBe('SMS_DELIVERY_FAILED');
      expect(JSON.stringify(sent.body)).not.toMatch(/at .*\.ts/);
      const other = await t.createUser({ phoneNumber: PHONE });
      const login = await send(t, { email: other.email });
      expect(login.status).toBe(200);
    } finally {
      gateway.answer = 200;
    }
  });
});

describe('SMS configuration', () => {
  it('answers 501 SMS_NOT_CONFIGURED without config.sms', async () => {
    const t = createTestApp();
    try {
      const res = await send(t, { email: 'a@example.test' });
      expect(res.status).toBe(501);
      expect(res.body.code).toBe('SMS_NOT_CONFIGURED');
    } finally {
      await t.close();
    }
  });

  it('refuses a config with neither endpoint nor sendSms, or half the credentials', () => {
    const base = { accessTokenSecret: ACCESS_SECRET, refreshTokenSecret: REFRESH_SECRET };
    expect(() => new AuthConfigurator({ ...base, sms: {} }, new InMemoryUserStore())).toThrow(
      AuthConfigError,
    );
    expect(
      () =>
        new AuthConfigurator(
          { ...base, sms: { endpoint: 'https://sms.example.test', username: 'u' } },
          new InMemoryUserStore(),
        ),
    ).toThrow(/username and password together/);
  });

  it('uses sendSms instead of the HTTP transport when given, with a custom message', async () => {
    const texts: Array<[string, string]> = [];
    const t = createTestApp({
      config: {
        sms: {
          sendSms: async (to, message) => {
            texts.push([to, message]);
          },
          message: (code, minutes) => `${code} (${minutes} min)`,
          codeExpiresInMinutes: 3,
        },
      },
    });
    try {
      const user = await t.createUser({ phoneNumber: PHONE });
      await send(t, { userId: user.id }).expect(200);
      await t.auth.idle();
      expect(texts).toHaveLength(1);
      expect(texts[0]![0]).toBe(PHONE);
      expect(texts[0]![1]).toMatch(/^\d{6} \(3 min\)$/);
    } finally {
      await t.close();
    }
  });
});

describe('SmsStrategy without the router', () => {
  const config: AuthConfig = {
    accessTokenSecret: ACCESS_SECRET,
    refreshTokenSecret: REFRESH_SECRET,
    sms: { endpoint: '', resendIntervalSeconds: 0 },
  };
  const users = new InMemoryUserStore();

  it('sends a code and verifies it once; wrong codes count towards the limit', async () => {
    const cfg = { ...config, sms: { endpoint: target.url, resendIntervalSeconds: 0 } };
    const sms = new SmsStrategy({ config: cfg });
    const user = await users.create({ email: 'direct@example.test', phoneNumber: PHONE });
    const next = gateway.next();
    await sms.sendCode(PHONE, user.id, users, cfg);
    const code = codeIn(await next);
    expect(await sms.verify(user.id, wrong(code), users)).toBe(false);
    expect(await sms.verify(user.id, 'abc', users)).toBe(false);
    expect(await sms.verify(user.id, code, users)).toBe(true);
    expect(await sms.verify(user.id, code, users)).toBe(false);

    const again = gateway.next();
    await sms.sendCode(PHONE, user.id, users, cfg);
    const second = codeIn(await again);
    for (let i = 0; i < 5; i++) expect(await sms.verify(user.id, wrong(second), users)).toBe(false);
    expect(await sms.verify(user.id, second, users)).toBe(false);
  });

  it('throws SMS_RESEND_TOO_SOON within the resend interval', async () => {
    const cfg = { ...config, sms: { endpoint: target.url } };
    const sms = new SmsStrategy();
    const next = gateway.next();
    await sms.sendCode(PHONE, 'direct-2', users, cfg);
    await next;
    await expect(sms.sendCode(PHONE, 'direct-2', users, cfg)).rejects.toMatchObject({
      code: 'SMS_RESEND_TOO_SOON',
      statusCode: 429,
    });
  });
});
