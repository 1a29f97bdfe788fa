/**
 * Attacks on the second factor, tried against the default configuration (plus the factor the
 * attack needs). Each test is the attack; it passes only when the attack fails.
 */
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { generateSecret, generateSync } from 'otplib';
import {
  ACCESS_SECRET,
  PASSWORD,
  appFactory,
  bearerLogin,
  bearerLoginRequest,
  type TestApp,
} from './helpers/app';
import { bearer, challenge, codeForStep, enrol } from './helpers/totp';

const newApp = appFactory();

/** An app whose SMS codes land in `texts` (the attacker does not read them). */
function smsApp(extra: Parameters<typeof newApp>[0] = {}) {
  const texts: Array<{ to: string; code: string }> = [];
  const t = newApp({
    ...extra,
    config: {
      ...extra.config,
      sms: {
        sendSms: async (to, _message, code) => {
          texts.push({ to, code });
        },
      },
    },
  });
  return { t, texts };
}

/** The attacker's own authenticator: a secret they hold and its current code. */
function attackerAuthenticator(secretFromSetup?: string) {
  const secret = secretFromSetup ?? generateSecret();
  return { secret, code: () => generateSync({ secret }) };
}

describe('attack: the password alone enrols a new authenticator for a require2FA user', () => {
  it('refuses /2fa/setup and /2fa/verify-setup with a challenge token (SMS user)', async () => {
    const { t } = smsApp();
    const victim = await t.createUser({ require2FA: true, phoneNumber: '+15550001111' });
    // The attacker knows the password: they get a challenge for the victim's phone.
    const login = await request(t.app)
      .post('/auth/login')
      .send({ email: victim.email, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.available2faMethods).toEqual(['sms']);
    const tempToken = login.body.tempToken as string;

    const setup = await request(t.app).post('/auth/2fa/setup').send({ tempToken });
    expect(setup.status).toBe(403);
    expect(setup.body.code).toBe('SECOND_FACTOR_NOT_ALLOWED');

    // Even with a secret of their own choosing, verify-setup gives no session.
    const mine = attackerAuthenticator();
    const enrolled = await request(t.app)
      .post('/auth/2fa/verify-setup')
      .set('X-Auth-Strategy', 'bearer')
      .send({ tempToken, secret: mine.secret, token: mine.code() });
    expect(enrolled.status).toBe(403);
    expect(enrolled.body.code).toBe('SECOND_FACTOR_NOT_ALLOWED');
    expect(enrolled.body.accessToken).toBeUndefined();
    expect((await t.store.findById(victim.id))?.isTotpEnabled).not.toBe(true);
  });

  it('does not let a magic link alone enrol TOTP and reach a session (require2FA)', async () => {
    const t = newApp({ captureMagicLinks: true });
    const victim = await t.createUser({ require2FA: true, isEmailVerified: true });
    // The attacker reads the victim's inbox (one factor) and signs in with a magic link.
    const sent = t.nextMail();
    await request(t.app).post('/auth/magic-link/send').send({ email: victim.email });
    const mail = await sent;
    const verify = await request(t.app).post('/auth/magic-link/verify').send({ token: mail.token });
    expect(verify.status).toBe(403);
    expect(verify.body.code).toBe('2FA_SETUP_REQUIRED');
    // No enrolment token: the inbox alone cannot become two factors.
    expect(verify.body.tempToken).toBeUndefined();
  });

  it('does not let an SMS code alone enrol TOTP and reach a session (require2FA)', async () => {
    const { t, texts } = smsApp();
    const victim = await t.createUser({ require2FA: true, phoneNumber: '+15550002222' });
    // The attacker holds the SIM (one factor).
    await request(t.app).post('/auth/sms/send').send({ email: victim.email });
    await t.auth.idle();
    const code = texts[0]!.code;
    const verify = await request(t.app)
      .post('/auth/sms/verify')
      .send({ email: victim.email, code });
    expect(verify.status).toBe(403);
    expect(verify.body.code).toBe('2FA_SETUP_REQUIRED');
    expect(verify.body.tempToken).toBeUndefined();
  });

  it('refuses a second factor the challenge did not offer', async () => {
    const t = newApp({ captureMagicLinks: true });
    // The victim enrolled an authenticator; the attacker has the password and the inbox.
    const { user } = await enrol(t);
    const tempToken = await challenge(t.app, user.email);
    const send = await request(t.app)
      .post('/auth/magic-link/send')
      .send({ mode: '2fa', tempToken });
    expect(send.status).toBe(403);
    expect(send.body.code).toBe('SECOND_FACTOR_NOT_ALLOWED');
    expect(t.mails.filter((m) => m.kind === 'magic')).toHaveLength(0);
  });
});

describe('which second factors are offered', () => {
  it('does not offer the inbox as a second factor by default, even with mail configured', async () => {
    const t = newApp({ captureMagicLinks: true });
    const user = await t.createUser({ require2FA: true });
    const login = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD });
    // The password proved the first factor; the user enrols a real second one instead.
    expect(login.status).toBe(403);
    expect(login.body.code).toBe('2FA_SETUP_REQUIRED');
  });

  it('lists the methods that stand for the user in GET /me', async () => {
    const { t } = smsApp();
    const user = await t.createUser({ phoneNumber: '+15550003333' });
    const { accessToken } = await bearerLogin(t.app, user.email);
    const me = await request(t.app).get('/auth/me').set(bearer(accessToken));
    expect(me.body.available2faMethods).toEqual(['sms']);
    const enrolled = await enrol(t, { phoneNumber: '+15550004444' });
    const me2 = await request(t.app).get('/auth/me').set(bearer(enrolled.accessToken));
    expect(me2.body.available2faMethods).toEqual(['totp']);
  });
});

describe('attack: guessing TOTP codes on one temporary token', () => {
  it('kills the temporary token after 5 wrong codes, even for the right code', async () => {
    const t = newApp();
    const { user, secret, step } = await enrol(t);
    const tempToken = await challenge(t.app, user.email);
    const answers: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(t.app)
        .post('/auth/2fa/verify')
        .send({ tempToken, totpCode: String(100000 + i) });
      answers.push(res.status);
      expect(res.body.code).toBe('INVALID_2FA_CODE');
    }
    expect(answers).toEqual([401, 401, 401, 401, 401]);
    const sixth = await request(t.app)
      .post('/auth/2fa/verify')
      .send({ tempToken, totpCode: codeForStep(secret, step) });
    expect(sixth.status).toBe(401);
    expect(sixth.body.code).toBe('TEMP_TOKEN_EXHAUSTED');
  });

  it('holds the cap for parallel guesses', async () => {
    const t = newApp();
    const { user } = await enrol(t);
    const tempToken = await challenge(t.app, user.email);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        request(t.app)
          .post('/auth/2fa/verify')
          .send({ tempToken, totpCode: String(200000 + i) }),
      ),
    );
    const codes = results.map((r) => r.body.code as string);
    expect(codes.filter((c) => c === 'INVALID_2FA_CODE')).toHaveLength(5);
    // The rest: the dead token, or (past 10 a minute) the per-account limit.
    const rest = codes.filter((c) => c !== 'INVALID_2FA_CODE');
    expect(rest).toContain('TEMP_TOKEN_EXHAUSTED');
    for (const code of rest) expect(['TEMP_TOKEN_EXHAUSTED', 'RATE_LIMITED']).toContain(code);
  });
});

describe('attack: pre-account takeover through a magic link', () => {
  it("clears the attacker's password and sessions when the owner proves the address", async () => {
    const t: TestApp = newApp({
      captureMagicLinks: true,
      router: {
        onRegister: async (data) =>
          t.store.create({
            email: String(data.email),
            password: await t.auth.passwordService.hash(String(data.password)),
            isEmailVerified: false,
            loginProvider: 'local',
          }),
      },
    });
    const victimEmail = `victim-${Date.now()}@example.test`;
    // The attacker registers the victim's address before the victim does, and signs in.
    const reg = await request(t.app)
      .post('/auth/register')
      .send({ email: victimEmail, password: 'attacker chosen passphrase' });
    expect(reg.status).toBe(201);
    const attacker = await bearerLogin(t.app, victimEmail, 'attacker chosen passphrase');

    // The victim later signs in with a magic link sent to their inbox.
    const sent = t.nextMail();
    await request(t.app).post('/auth/magic-link/send').send({ email: victimEmail });
    const mail = await sent;
    const victim = await request(t.app)
      .post('/auth/magic-link/verify')
      .set('X-Auth-Strategy', 'bearer')
      .send({ token: mail.token });
    expect(victim.status).toBe(200);

    // The password nobody proved is gone, and so is the attacker's session.
    const again = await bearerLoginRequest(t.app, victimEmail, 'attacker chosen passphrase');
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('INVALID_CREDENTIALS');
    const refresh = await request(t.app)
      .post('/auth/refresh')
      .set('X-Auth-Strategy', 'bearer')
      .send({ refreshToken: attacker.refreshToken });
    expect(refresh.status).toBe(401);
    // The victim's own session works.
    const me = await request(t.app)
      .get('/auth/me')
      .set(bearer(victim.body.accessToken as string));
    expect(me.status).toBe(200);
    expect(t.events.map((e) => e.event)).toContain('identity.user.password.cleared');
  });
});
/** The same access token as if its session had signed in `ageSeconds` earlier. */
function aged(accessToken: string, ageSeconds = 600): string {
  const claims = { ...(jwt.decode(accessToken) as Record<string, unknown>) };
  delete claims.exp;
  delete claims.iat;
  const authTime = typeof claims.auth_time === 'number' ? claims.auth_time : Date.now() / 1000;
  return jwt.sign({ ...claims, auth_time: Math.floor(authTime) - ageSeconds }, ACCESS_SECRET, {
    algorithm: 'HS256',
    expiresIn: 900,
  });
}

describe('attack: a stolen access token changes the factors', () => {
  /** A signed-in user, with the access token of a session that signed in 10 minutes ago. */
  async function staleToken(t: TestApp) {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    return { user, token: aged(accessToken), fresh: accessToken };
  }

  const sensitive: Array<[string, 'post' | 'delete', Record<string, unknown>]> = [
    ['/auth/2fa/setup', 'post', {}],
    ['/auth/change-email/request', 'post', { newEmail: 'thief@example.test' }],
    ['/auth/account', 'delete', {}],
  ];

  it.each(sensitive)('%s needs recent authentication', async (path, method, body) => {
    const t = newApp();
    const { token } = await staleToken(t);
    const agent = request(t.app);
    const res = await agent[method](path).set(bearer(token)).send(body);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('REAUTHENTICATION_REQUIRED');
    expect(res.body.proofs).toContain('currentPassword');
  });

  it.each(sensitive)('%s accepts the current password as proof', async (path, method, body) => {
    const t = newApp();
    const { token } = await staleToken(t);
    const agent = request(t.app);
    const res = await agent[method](path)
      .set(bearer(token))
      .send({ ...body, currentPassword: PASSWORD });
    expect(res.status).toBeLessThan(300);
  });

  it('a wrong password is no proof', async () => {
    const t = newApp();
    const { token } = await staleToken(t);
    const res = await request(t.app)
      .post('/auth/2fa/setup')
      .set(bearer(token))
      .send({ currentPassword: 'not the password' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('REAUTHENTICATION_REQUIRED');
  });

  it('guessing the password through the proof meets the brute-force limit', async () => {
    const t = newApp();
    const { token } = await staleToken(t);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await request(t.app)
        .post('/auth/change-email/request')
        .set(bearer(token))
        .send({ newEmail: 'thief@example.test', currentPassword: `guess ${i}` });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('a fresh sign-in needs no proof', async () => {
    const t = newApp();
    const { fresh } = await staleToken(t);
    expect((await request(t.app).post('/auth/2fa/setup').set(bearer(fresh))).status).toBe(200);
  });

  it('a current TOTP code is proof for a user with TOTP', async () => {
    const t = newApp();
    const { user, secret, step } = await enrol(t);
    const { accessToken } = await (async () => {
      const tempToken = await challenge(t.app, user.email);
      const res = await request(t.app)
        .post('/auth/2fa/verify')
        .set('X-Auth-Strategy', 'bearer')
        .send({ tempToken, totpCode: codeForStep(secret, step) });
      return res.body as { accessToken: string };
    })();
    const old = aged(accessToken);
    const refused = await request(t.app).delete('/auth/account').set(bearer(old)).send({});
    expect(refused.status).toBe(401);
    expect(refused.body.proofs).toEqual(expect.arrayContaining(['currentPassword', 'totpCode']));
    const ok = await request(t.app)
      .post('/auth/change-email/request')
      .set(bearer(old))
      .send({ newEmail: 'moved@example.test', totpCode: codeForStep(secret, step + 1) });
    expect(ok.status).toBe(200);
  });

  it('access tokens carry auth_time, and it survives a refresh', async () => {
    const t = newApp();
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    const first = jwt.decode(pair.accessToken) as { auth_time?: number };
    expect(typeof first.auth_time).toBe('number');
    const refreshed = await request(t.app)
      .post('/auth/refresh')
      .set('X-Auth-Strategy', 'bearer')
      .send({ refreshToken: pair.refreshToken });
    expect(
      (jwt.decode(refreshed.body.accessToken as string) as { auth_time?: number }).auth_time,
    ).toBe(first.auth_time);
  });
});
