import http from 'node:http';
import request from 'supertest';
import { createTestApp, serverFactory } from './helpers/app';
import { STEP_SECONDS, challenge, codeForStep, enrol } from './helpers/totp';

async function verify(app: Parameters<typeof request>[0], tempToken: string, totpCode: string) {
  return request(app).post('/auth/2fa/verify').send({ tempToken, totpCode });
}

describe('TOTP codes are accepted once, within one step of drift (RFC 6238 §5.2)', () => {
  const t = createTestApp();
  const listen = serverFactory();
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  /** Moves the server's clock `seconds` ahead of the authenticator app's. */
  function serverClockAhead(seconds: number) {
    const realNow = Date.now.bind(Date);
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + seconds * 1000);
  }

  it('refuses the same code a second time, even within its window', async () => {
    const { user, secret, step } = await enrol(t);
    const code = codeForStep(secret, step);
    expect((await verify(t.app, await challenge(t.app, user.email), code)).status).toBe(200);
    const replay = await verify(t.app, await challenge(t.app, user.email), code);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('INVALID_2FA_CODE');
  });

  it('refuses the code that enabled 2FA as a sign-in code', async () => {
    const { user, secret, step } = await enrol(t);
    const res = await verify(
      t.app,
      await challenge(t.app, user.email),
      codeForStep(secret, step - 1),
    );
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_2FA_CODE');
  });

  it('refuses a drifted code once a later one has been accepted', async () => {
    const { user, secret, step } = await enrol(t);
    expect(
      (await verify(t.app, await challenge(t.app, user.email), codeForStep(secret, step + 1)))
        .status,
    ).toBe(200);
    const older = await verify(
      t.app,
      await challenge(t.app, user.email),
      codeForStep(secret, step),
    );
    expect(older.status).toBe(401);
  });

  it('accepts the code of the next step (app clock 30 s ahead) once', async () => {
    const { user, secret, step } = await enrol(t);
    const ahead = codeForStep(secret, step + 1);
    expect((await verify(t.app, await challenge(t.app, user.email), ahead)).status).toBe(200);
    expect((await verify(t.app, await challenge(t.app, user.email), ahead)).status).toBe(401);
  });

  it('refuses the code two steps ahead (app clock 60 s ahead)', async () => {
    const { user, secret, step } = await enrol(t);
    const res = await verify(
      t.app,
      await challenge(t.app, user.email),
      codeForStep(secret, step + 2),
    );
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_2FA_CODE');
  });

  it('accepts the code of the previous step (app clock 30 s behind)', async () => {
    const { user, secret, step } = await enrol(t);
    serverClockAhead(STEP_SECONDS);
    const res = await verify(t.app, await challenge(t.app, user.email), codeForStep(secret, step));
    expect(res.status).toBe(200);
  });

  it('refuses the code two steps behind (app clock 60 s behind), though never used', async () => {
    const { user, secret, step } = await enrol(t);
    serverClockAhead(2 * STEP_SECONDS);
    const tempToken = await challenge(t.app, user.email);
    const res = await verify(t.app, tempToken, codeForStep(secret, step));
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_2FA_CODE');
    // The step was not spent by the refusal: the current code still works.
    expect((await verify(t.app, tempToken, codeForStep(secret, step + 2))).status).toBe(200);
  });

  it('lets exactly one of several concurrent verifications with the same code through', async () => {
    const server = await listen(t.app);
    const { user, secret, step } = await enrol(t);
    const code = codeForStep(secret, step);
    // One sign-in per request first, so the verifications themselves start together, each on a
    // connection of its own, and race for the same step in the two-factor store.
    const tempTokens = await Promise.all(
      Array.from({ length: 4 }, () => challenge(t.app, user.email)),
    );
    const agents = tempTokens.map(() => new http.Agent({ keepAlive: false }));
    try {
      const answers = await Promise.all(
        tempTokens.map((tempToken, i) =>
          request(server)
            .post('/auth/2fa/verify')
            .agent(agents[i]!)
            .send({ tempToken, totpCode: code }),
        ),
      );
      const statuses = answers.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 401, 401, 401]);
      for (const refused of answers.filter((r) => r.status === 401)) {
        expect(refused.body.code).toBe('INVALID_2FA_CODE');
      }
    } finally {
      for (const agent of agents) agent.destroy();
    }
  });
});
