import request from 'supertest';
import { PASSWORD, createTestApp } from './helpers/app';
import { awayFromStepEdge, bearer, codeForStep, stepAt } from './helpers/totp';

describe('enrolling in TOTP during sign-in when policy requires a second factor', () => {
  const t = createTestApp();
  afterAll(() => t.close());

  async function setupRequired() {
    const user = await t.createUser({ require2FA: true });
    const res = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('2FA_SETUP_REQUIRED');
    return { user, tempToken: res.body.tempToken as string };
  }

  it('sets up with the temporary token and signs in once the first code is confirmed', async () => {
    const { user, tempToken } = await setupRequired();
    const setup = await request(t.app).post('/auth/2fa/setup').send({ tempToken });
    expect(setup.status).toBe(200);
    const secret = setup.body.secret as string;

    await awayFromStepEdge();
    const done = await request(t.app)
      .post('/auth/2fa/verify-setup')
      .set('X-Auth-Strategy', 'bearer')
      .send({ tempToken, secret, token: codeForStep(secret, stepAt()) });
    expect(done.status).toBe(200);
    expect(done.body.recoveryCodes).toHaveLength(10);
    expect(typeof done.body.accessToken).toBe('string');

    const me = await request(t.app)
      .get('/auth/me')
      .set(bearer(done.body.accessToken as string));
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, isTotpEnabled: true });

    // The temporary token finished this sign-in: it cannot start another session.
    const again = await request(t.app)
      .post('/auth/2fa/verify-setup')
      .send({ tempToken, secret, token: codeForStep(secret, stepAt()) });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('2FA_ALREADY_ENABLED');
  });

  it('sets the session cookies in cookie mode', async () => {
    const { tempToken } = await setupRequired();
    const { secret } = (await request(t.app).post('/auth/2fa/setup').send({ tempToken })).body as {
      secret: string;
    };
    await awayFromStepEdge();
    const done = await request(t.app)
      .post('/auth/2fa/verify-setup')
      .send({ tempToken, secret, token: codeForStep(secret, stepAt()) });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ success: true, recoveryCodes: expect.any(Array) });
    expect(String(done.headers['set-cookie'])).toContain('accessToken=');
  });

  it('refuses a wrong first code and keeps the temporary token usable', async () => {
    const { tempToken } = await setupRequired();
    const { secret } = (await request(t.app).post('/auth/2fa/setup').send({ tempToken })).body as {
      secret: string;
    };
    await awayFromStepEdge();
    const wrong = await request(t.app)
      .post('/auth/2fa/verify-setup')
      .send({ tempToken, secret, token: codeForStep(secret, stepAt() + 5) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_2FA_CODE');
    const right = await request(t.app)
      .post('/auth/2fa/verify-setup')
      .send({ tempToken, secret, token: codeForStep(secret, stepAt()) });
    expect(right.status).toBe(200);
  });

  it('refuses setup with a forged or missing credential', async () => {
    expect((await request(t.app).post('/auth/2fa/setup').send({ tempToken: 'x.y.z' })).status).toBe(
      401,
    );
    expect((await request(t.app).post('/auth/2fa/setup').send({})).status).toBe(401);
  });
});
