import bcrypt from 'bcryptjs';
import request from 'supertest';
import { InMemoryUserStore, PasswordService, PREHASHED_BCRYPT_PREFIX } from 'keyward';
import { PASSWORD, appFactory, bearerLogin, bearerLoginRequest } from './helpers/app';

/** 64 characters of each script: 128, 192 and 256 bytes in UTF-8, all past bcrypt's 72. */
const SCRIPTS = {
  cyrillic: 'съешь же ещё этих мягких французских булок да выпей чаю ёжик ждёт'.slice(0, 64),
  cjk: [
    ...'春眠不覺曉處處聞啼鳥夜來風雨聲花落知多少白日依山盡黃河入海流欲窮千里目更上一層樓床前明月光疑是地上霜舉頭望明月低頭思故鄉紅豆生南國春來發幾枝',
  ]
    .slice(0, 64)
    .join(''),
  emoji: '🔐🌍🚀🎉🐙🍕🎸🌈🦊🍀🧩🎲🛸🌵🐝🍩'.repeat(4),
};

const app = appFactory();

/** Two passwords that agree on their first 72 bytes and differ after. */
function sharingFirst72Bytes(): [string, string] {
  const head = 'ж'.repeat(36); // 72 bytes
  expect(Buffer.byteLength(head, 'utf8')).toBe(72);
  return [`${head} first ending`, `${head} other ending`];
}

describe('passwords of any script, used whole', () => {
  for (const [algorithm, prefix] of [
    ['argon2id', '$argon2id$'],
    ['bcrypt', PREHASHED_BCRYPT_PREFIX],
  ] as const) {
    describe(`with ${algorithm}`, () => {
      const t = app({
        config: { passwordHashing: { algorithm, argon2: { memoryCost: 64, timeCost: 1 } } },
      });

      it.each(Object.entries(SCRIPTS))(
        'signs in with a 64-character %s password',
        async (_name, password) => {
          expect([...password]).toHaveLength(64);
          const user = await t.createUser({ plainPassword: password });
          expect((await t.store.findById(user.id))?.password?.startsWith(prefix)).toBe(true);
          expect((await bearerLoginRequest(t.app, user.email, password)).status).toBe(200);
          // One character less, at the very end, is another password.
          const res = await bearerLoginRequest(
            t.app,
            user.email,
            [...password].slice(0, 63).join(''),
          );
          expect(res.status).toBe(401);
        },
      );

      it('tells apart two passwords that share their first 72 bytes', async () => {
        const [first, second] = sharingFirst72Bytes();
        const user = await t.createUser({ plainPassword: first });
        expect((await bearerLoginRequest(t.app, user.email, second)).status).toBe(401);
        expect((await bearerLoginRequest(t.app, user.email, first)).status).toBe(200);
      });
    });
  }
});

describe('stored formats', () => {
  it('stores argon2id with OWASP parameters by default', async () => {
    const t = app({ config: { passwordHashing: {} } });
    const hash = await t.auth.passwordService.hash(PASSWORD);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(t.auth.config.passwordHashing.algorithm).toBe('argon2id');
    expect(await t.auth.passwordService.compare(PASSWORD, hash)).toBe(true);
  });

  it('stores argon2id when a new password is set over HTTP', async () => {
    const t = app();
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const res = await request(t.app)
      .post('/auth/change-password')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ currentPassword: PASSWORD, newPassword: 'a different passphrase' });
    expect(res.status).toBe(200);
    expect((await t.store.findById(user.id))?.password).toMatch(
      /^\$argon2id\$v=19\$m=64,t=1,p=1\$/,
    );
  });

  it('writes the bcrypt fallback as $kwb1$ + bcrypt of the keyed pre-hash, and verifies it', async () => {
    const t = app({ config: { passwordHashing: { algorithm: 'bcrypt' } } });
    const user = await t.createUser();
    const stored = (await t.store.findById(user.id))!.password!;
    expect(stored).toMatch(/^\$kwb1\$\$2b\$04\$[./A-Za-z0-9]{53}$/);
    // Not bcrypt of the password itself: the inner hash is of the pre-hash.
    expect(bcrypt.compareSync(PASSWORD, stored.slice(PREHASHED_BCRYPT_PREFIX.length))).toBe(false);
    expect((await bearerLoginRequest(t.app, user.email)).status).toBe(200);
    expect((await bearerLoginRequest(t.app, user.email, `${PASSWORD}!`)).status).toBe(401);
  });

  it('verifies an argon2id hash while configured for bcrypt, then moves it to the fallback', async () => {
    const t = app({ config: { passwordHashing: { algorithm: 'bcrypt' } } });
    const argon = new PasswordService({
      algorithm: 'argon2id',
      argon2: { memoryCost: 64, timeCost: 1, parallelism: 1 },
    });
    const user = await t.createUser({ password: await argon.hash(PASSWORD) });
    expect((await bearerLoginRequest(t.app, user.email)).status).toBe(200);
    expect((await t.store.findById(user.id))?.password?.startsWith('$kwb1$$2b$04$')).toBe(true);
    await argon.close();
  });
});

describe('re-hash on the next successful login', () => {
  const t = app();

  it.each(['$2a$', '$2b$', '$2y$'])(
    'signs in with a bare bcrypt hash (%s) and stores argon2id',
    async (variant) => {
      const legacy = bcrypt.hashSync(PASSWORD, 4).replace(/^\$2[aby]\$/, variant);
      const user = await t.createUser({ password: legacy });
      expect((await bearerLoginRequest(t.app, user.email)).status).toBe(200);
      const upgraded = (await t.store.findById(user.id))?.password;
      expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
      // The new hash works; the old one is gone.
      expect((await bearerLoginRequest(t.app, user.email)).status).toBe(200);
      expect((await t.store.findById(user.id))?.password).toBe(upgraded);
    },
  );

  it('leaves a bare bcrypt hash alone after a failed login', async () => {
    const legacy = bcrypt.hashSync(PASSWORD, 4);
    const user = await t.createUser({ password: legacy });
    expect((await bearerLoginRequest(t.app, user.email, 'not the password')).status).toBe(401);
    expect((await t.store.findById(user.id))?.password).toBe(legacy);
  });

  it('refuses a password longer than 72 bytes against a bare bcrypt hash instead of matching its prefix', async () => {
    const password = 'e'.repeat(72);
    const user = await t.createUser({ password: bcrypt.hashSync(password, 4) });
    expect((await bearerLoginRequest(t.app, user.email, `${password}tail`)).status).toBe(401);
    expect((await bearerLoginRequest(t.app, user.email, password)).status).toBe(200);
  });

  it('re-hashes argon2id made with other parameters', async () => {
    const other = new PasswordService({
      algorithm: 'argon2id',
      argon2: { memoryCost: 128, timeCost: 2, parallelism: 1 },
    });
    const user = await t.createUser({ password: await other.hash(PASSWORD) });
    expect((await bearerLoginRequest(t.app, user.email)).status).toBe(200);
    expect((await t.store.findById(user.id))?.password).toMatch(
      /^\$argon2id\$v=19\$m=64,t=1,p=1\$/,
    );
    await other.close();
  });

  it('re-hashes the bcrypt fallback when its cost changed (5 to the configured 4)', async () => {
    const fallback = app({ config: { passwordHashing: { algorithm: 'bcrypt' } } });
    const older = new PasswordService({ algorithm: 'bcrypt', bcryptCost: 5 });
    const user = await fallback.createUser({ password: await older.hash(PASSWORD) });
    expect((await fallback.store.findById(user.id))?.password?.startsWith('$kwb1$$2b$05$')).toBe(
      true,
    );
    expect((await bearerLoginRequest(fallback.app, user.email)).status).toBe(200);
    expect((await fallback.store.findById(user.id))?.password?.startsWith('$kwb1$$2b$04$')).toBe(
      true,
    );
    await older.close();
  });

  it('keeps the login when storing the new hash fails, and logs it', async () => {
    class FailingUpdates extends InMemoryUserStore {
      override async updatePassword(): Promise<void> {
        throw new Error('disk full');
      }
    }
    const warn = jest.fn();
    const f = app({
      userStore: new FailingUpdates(),
      config: { logger: { warn, error: jest.fn() } },
    });
    const user = await f.createUser({ password: bcrypt.hashSync(PASSWORD, 4) });
    expect((await bearerLoginRequest(f.app, user.email)).status).toBe(200);
    expect(warn).toHaveBeenCalledWith(
      'login: could not upgrade the stored password hash',
      expect.objectContaining({ message: 'disk full' }),
    );
  });
});
