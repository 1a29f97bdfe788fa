import express from 'express';
import request from 'supertest';
import {
  AuthConfigurator,
  InMemoryTwoFactorStore,
  InMemoryUserStore,
  type BaseUser,
  type ITwoFactorStore,
} from 'keyward';
import { ACCESS_SECRET, PASSWORD, REFRESH_SECRET, sleep } from './helpers/app';
import { Waiters } from './helpers/waiters';

/** A user store shared by two app instances, with a database's latency on the token look-up. */
class SharedSlowUserStore extends InMemoryUserStore {
  override async findByResetToken(tokenHash: string): Promise<BaseUser | null> {
    const user = await super.findByResetToken(tokenHash);
    await sleep(150); // both instances find the token before either clears it
    return user;
  }
}

/**
 * Two app instances (two AuthConfigurators, as two processes would have) over one user store and
 * one two-factor store, mailing reset tokens into `tokens`.
 */
function twoInstances(twoFactorStore: ITwoFactorStore) {
  const users = new SharedSlowUserStore();
  const tokens: string[] = [];
  const waiters = new Waiters<string>();
  const instance = () => {
    const auth = new AuthConfigurator(
      {
        accessTokenSecret: ACCESS_SECRET,
        refreshTokenSecret: REFRESH_SECRET,
        bcryptSaltRounds: 4,
        email: {
          siteUrl: 'https://app.example.test',
          sendPasswordReset: async (_to, token) => {
            tokens.push(token);
            waiters.deliver(token);
          },
        },
      },
      users,
      { twoFactorStore },
    );
    const app = express();
    app.use('/auth', auth.router());
    return { auth, app };
  };
  const [a, b] = [instance(), instance()];
  return {
    users,
    a,
    b,
    nextToken: () => waiters.next('a mailed reset token'),
    tokens,
    close: () => Promise.all([a.auth.close(), b.auth.close()]),
  };
}

describe('One-time tokens across processes', () => {
  const shared = twoInstances(new InMemoryTwoFactorStore());
  afterAll(() => shared.close());

  it('a reset token presented to two instances at once works on exactly one', async () => {
    const user = await shared.users.create({
      email: 'race@example.test',
      password: await shared.a.auth.passwordService.hash(PASSWORD),
    });
    const mailed = shared.nextToken();
    await request(shared.a.app).post('/auth/forgot-password').send({ email: user.email });
    await mailed;
    const token = shared.tokens.at(-1)!;
    // Both instances' hashing workers are warm, so the two requests reach the token together.
    await Promise.all([shared.a, shared.b].map((i) => i.auth.passwordService.hash(PASSWORD)));
    const results = await Promise.all(
      [shared.a.app, shared.b.app].map((app, i) =>
        request(app)
          .post('/auth/reset-password')
          .send({ token, newPassword: `new password number ${i}` }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(results.find((r) => r.status === 400)!.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
  });
});
