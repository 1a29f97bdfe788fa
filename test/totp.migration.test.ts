import request from 'supertest';
import { TotpStrategy, isSealedTotpSecret, type AuthLogger, type BaseUser } from 'keyward';
import { PASSWORD, cookieValue, createTestApp } from './helpers/app';
import { STEP_SECONDS, awayFromStepEdge, challenge, stepAt } from './helpers/totp';

/**
 * Users migrated from the reference SDK: their `totpSecret` holds the base32 secret in plain
 * text (as the reference's store contract has it), with `isTotpEnabled: true`. They must sign
 * in with their authenticator app unchanged, and the secret must end up sealed.
 */
const totp = new TotpStrategy();
/** The code the user's app shows during `step`; keyward's generator takes 80-bit secrets. */
const codeAt = (secret: string, step: number) => totp.generate(secret, step * STEP_SECONDS);
/** A fresh 160-bit base32 secret, as the reference's setup endpoint handed out. */
const newPlainSecret = () => totp.generateSecret('migrated@example.test').secret;

describe('TOTP users migrated with a plain-text secret sign in, and their secret gets sealed', () => {
  const logged: string[] = [];
  const logger: AuthLogger = {
    error: (message, detail) => void logged.push(`${message} ${JSON.stringify(detail)}`),
    warn: (message, detail) => void logged.push(`${message} ${JSON.stringify(detail)}`),
  };
  const t = createTestApp({ config: { logger } });
  afterAll(() => t.close());

  /** A user record as the migrating app's data holds it, written straight into the store. */
  async function referenceUser(totpSecret: string, extra: Partial<BaseUser> = {}) {
    return t.createUser({ totpSecret, isTotpEnabled: true, ...extra });
  }

  const verify = (tempToken: string, totpCode: string) =>
    request(t.app).post('/auth/2fa/verify').send({ tempToken, totpCode });

  const storedSecret = async (userId: string) => (await t.store.findById(userId))?.totpSecret;

  it('asks the plain-secret user for the second factor, then accepts their code', async () => {
    await awayFromStepEdge();
    const secret = newPlainSecret();
    const user = await referenceUser(secret);
    const login = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD });
    expect(login.body).toMatchObject({ requiresTwoFactor: true, available2faMethods: ['totp'] });
    const res = await verify(login.body.tempToken, codeAt(secret, stepAt()));
    expect(res.status).toBe(200);
    const access = cookieValue(res, 'accessToken');
    const me = await request(t.app).get('/api/private').set('Cookie', `accessToken=${access}`);
    expect(me.status).toBe(200);
    expect(me.body.user.sub).toBe(user.id);
  });

  it('stores the secret sealed after the first good code, and the next sign-in still works', async () => {
    await awayFromStepEdge();
    const secret = newPlainSecret();
    const user = await referenceUser(secret);
    const step = stepAt();
    expect((await verify(await challenge(t.app, user.email), codeAt(secret, step))).status).toBe(
      200,
    );
    const sealed = await storedSecret(user.id);
    expect(sealed).not.toBe(secret);
    expect(sealed).not.toContain(secret);
    expect(isSealedTotpSecret(sealed!)).toBe(true);
    expect((await t.store.findById(user.id))?.isTotpEnabled).toBe(true);

    const again = await verify(await challenge(t.app, user.email), codeAt(secret, step + 1));
    expect(again.status).toBe(200);
    // Sealed once: the second sign-in read the sealed value and did not write a new one.
    expect(await storedSecret(user.id)).toBe(sealed);
  });

  it('refuses a code accepted while the secret was plain once it is sealed (replay)', async () => {
    await awayFromStepEdge();
    const secret = newPlainSecret();
    const user = await referenceUser(secret);
    const code = codeAt(secret, stepAt());
    expect((await verify(await challenge(t.app, user.email), code)).status).toBe(200);
    const replay = await verify(await challenge(t.app, user.email), code);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('INVALID_2FA_CODE');
  });

  it('accepts one of two concurrent sign-ins with the same code, and seals the secret', async () => {
    await awayFromStepEdge();
    const secret = newPlainSecret();
    const user = await referenceUser(secret);
    const code = codeAt(secret, stepAt());
    const [a, b] = await Promise.all([challenge(t.app, user.email), challenge(t.app, user.email)]);
    const answers = await Promise.all([verify(a, code), verify(b, code)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
    expect(isSealedTotpSecret((await storedSecret(user.id))!)).toBe(true);
  });

  it('leaves the plain secret as it was after a wrong code (401)', async () => {
    await awayFromStepEdge();
    const secret = newPlainSecret();
    const user = await referenceUser(secret);
    const right = codeAt(secret, stepAt());
    const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
    const res = await verify(await challenge(t.app, user.email), wrong);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_2FA_CODE');
    expect(await storedSecret(user.id)).toBe(secret);
  });

  it('accepts an 80-bit secret written in lower case with spaces, as older apps paired them', async () => {
    await awayFromStepEdge();
    const secret = 'JBSWY3DPEHPK3PXP'; // 16 base32 characters: 80 bits
    const user = await referenceUser('jbsw y3dp ehpk 3pxp');
    const res = await verify(await challenge(t.app, user.email), codeAt(secret, stepAt()));
    expect(res.status).toBe(200);
    expect(isSealedTotpSecret((await storedSecret(user.id))!)).toBe(true);
  });

  it('refuses a stored value that is neither sealed nor base32, logging no part of it', async () => {
    await awayFromStepEdge();
    const odd = 'not-a-secret-1890!';
    const user = await referenceUser(odd);
    const res = await verify(await challenge(t.app, user.email), '123456');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_2FA_CODE');
    expect(await storedSecret(user.id)).toBe(odd);
    expect(logged.some((line) => line.includes(user.id))).toBe(true);
    expect(logged.join('\n')).not.toContain(odd);
  });

  it('requires a code to disable 2FA for a plain-secret user, then clears the secret', async () => {
    await awayFromStepEdge();
    const secret = newPlainSecret();
    const user = await referenceUser(secret);
    const step = stepAt();
    const signIn = await request(t.app)
      .post('/auth/2fa/verify')
      .set('X-Auth-Strategy', 'bearer')
      .send({ tempToken: await challenge(t.app, user.email), totpCode: codeAt(secret, step) });
    expect(signIn.status).toBe(200);
    const bearer = { Authorization: `Bearer ${signIn.body.accessToken as string}` };
    const refused = await request(t.app).post('/auth/2fa/disable').set(bearer).send({});
    expect(refused.status).toBe(400);
    const off = await request(t.app)
      .post('/auth/2fa/disable')
      .set(bearer)
      .send({ totpCode: codeAt(secret, step + 1) });
    expect(off.status).toBe(200);
    const after = await t.store.findById(user.id);
    expect(after?.totpSecret ?? null).toBeNull();
    expect(after?.isTotpEnabled).toBe(false);
  });
});
