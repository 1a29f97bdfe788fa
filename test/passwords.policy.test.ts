import request from 'supertest';
import {
  AuthConfigError,
  AuthConfigurator,
  InMemoryUserStore,
  isCommonPassword,
  type PasswordHasher,
  type RouterOptions,
} from 'keyward';
import {
  ACCESS_SECRET,
  PASSWORD,
  REFRESH_SECRET,
  appFactory,
  bearerLogin,
  bearerLoginRequest,
  serverFactory,
  sha256Hex,
  type TestApp,
} from './helpers/app';

const NEW_PASSWORD = 'a brand new passphrase';
const app = appFactory();
const listen = serverFactory();

async function resetToken(t: TestApp, email: string): Promise<string> {
  const mail = t.nextMail();
  const res = await request(t.app).post('/auth/forgot-password').send({ email });
  expect(res.status).toBe(200);
  return (await mail).token!;
}

function reset(t: TestApp, token: string, newPassword: string) {
  return request(t.app).post('/auth/reset-password').send({ token, newPassword });
}

async function changePassword(t: TestApp, email: string, newPassword: string) {
  const { accessToken } = await bearerLogin(t.app, email);
  return request(t.app)
    .post('/auth/change-password')
    .set('Authorization', `Bearer ${accessToken}`)
    .send({ currentPassword: PASSWORD, newPassword });
}

/**
 * A hasher that counts its calls and can hold verifications until released: plain text with a
 * prefix, for tests only.
 */
function countingHasher() {
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  const counts = { hash: 0, verify: 0 };
  const hasher: PasswordHasher = {
    async hash(password) {
      counts.hash++;
      return `plain:${password}`;
    },
    async verify(password, hash) {
      counts.verify++;
      await gate;
      return hash === `plain:${password}`;
    },
  };
  return {
    hasher,
    counts,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      open?.();
      gate = undefined;
    },
  };
}

describe('the common-password list', () => {
  it('holds the zxcvbn-ts list, compared case-insensitively', () => {
    expect(isCommonPassword('password123')).toBe(true);
    expect(isCommonPassword('PassWord123')).toBe(true);
    expect(isCommonPassword('iloveyou1')).toBe(true);
    expect(isCommonPassword(PASSWORD)).toBe(false);
    expect(isCommonPassword(NEW_PASSWORD)).toBe(false);
  });
});

describe('PASSWORD_TOO_COMMON', () => {
  const t = app();

  it('refuses a common password at /reset-password and keeps the token usable', async () => {
    const user = await t.createUser();
    const token = await resetToken(t, user.email);
    const res = await reset(t, token, 'Password123');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.any(String), code: 'PASSWORD_TOO_COMMON' });
    expect((await t.store.findById(user.id))?.resetToken).toBe(sha256Hex(token));
    expect((await reset(t, token, NEW_PASSWORD)).status).toBe(200);
    expect((await bearerLoginRequest(t.app, user.email, NEW_PASSWORD)).status).toBe(200);
  });

  it('refuses a common password at /change-password and keeps the old one', async () => {
    const user = await t.createUser();
    const res = await changePassword(t, user.email, 'qwertyuiop');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('PASSWORD_TOO_COMMON');
    expect((await bearerLoginRequest(t.app, user.email, PASSWORD)).status).toBe(200);
  });

  it('is what onRegister gets from auth.passwordService.assertAcceptable', async () => {
    const onRegister: NonNullable<RouterOptions['onRegister']> = async (data) => {
      const password = String(data.password);
      r.auth.passwordService.assertAcceptable(password);
      return r.store.create({
        email: String(data.email),
        password: await r.auth.passwordService.hash(password),
        loginProvider: 'local',
      });
    };
    const r: TestApp = app({ router: { onRegister } });
    const common = await request(r.app)
      .post('/auth/register')
      .send({ email: 'common@example.test', password: 'letmein123' });
    expect(common.status).toBe(400);
    expect(common.body.code).toBe('PASSWORD_TOO_COMMON');
    const fine = await request(r.app)
      .post('/auth/register')
      .send({ email: 'fine@example.test', password: PASSWORD });
    expect(fine.status).toBe(201);
  });

  it('can be switched off with passwordPolicy.rejectCommon: false', async () => {
    const off = app({ config: { passwordPolicy: { rejectCommon: false } } });
    const user = await off.createUser();
    expect((await changePassword(off, user.email, 'password123')).status).toBe(200);
    expect((await bearerLoginRequest(off.app, user.email, 'password123')).status).toBe(200);
  });
});

describe('passwordPolicy lengths', () => {
  const t = app({ config: { passwordPolicy: { minLength: 12, maxLength: 64 } } });

  it('refuses a new password under minLength with PASSWORD_TOO_SHORT', async () => {
    const user = await t.createUser();
    const res = await changePassword(t, user.email, 'elevenchars');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('PASSWORD_TOO_SHORT');
  });

  it('refuses over maxLength at change-password and at login, for every email', async () => {
    const user = await t.createUser();
    const long = 'ß'.repeat(65);
    expect((await changePassword(t, user.email, long)).body.code).toBe('PASSWORD_TOO_LONG');
    expect((await bearerLoginRequest(t.app, user.email, long)).body.code).toBe('PASSWORD_TOO_LONG');
    const unknown = await bearerLoginRequest(t.app, 'nobody@example.test', long);
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('PASSWORD_TOO_LONG');
  });

  it('refuses policies outside their ranges at construction', () => {
    const store = new InMemoryUserStore();
    const make = (passwordPolicy: object) => () =>
      new AuthConfigurator(
        { accessTokenSecret: ACCESS_SECRET, refreshTokenSecret: REFRESH_SECRET, passwordPolicy },
        store,
      );
    expect(make({ minLength: 6 })).toThrow(AuthConfigError);
    expect(make({ maxLength: 1000 })).toThrow(AuthConfigError);
    expect(make({ minLength: 64, maxLength: 64 })).not.toThrow();
  });

  it('refuses hashing settings outside their ranges at construction', () => {
    const make = (passwordHashing: object) => () =>
      new AuthConfigurator(
        { accessTokenSecret: ACCESS_SECRET, refreshTokenSecret: REFRESH_SECRET, passwordHashing },
        new InMemoryUserStore(),
      );
    expect(make({ maxPending: 0 })).toThrow(AuthConfigError);
    expect(make({ argon2: { memoryCost: 8, parallelism: 2 } })).toThrow(AuthConfigError);
    expect(make({ algorithm: 'scrypt' })).toThrow(AuthConfigError);
  });
});

describe('/reset-password spends no hash on a refused request', () => {
  const counting = countingHasher();
  const t = app({ configurator: { passwordHasher: counting.hasher } });

  it('does not hash for an unknown token', async () => {
    const before = counting.counts.hash;
    const res = await reset(t, 'not-a-real-token', NEW_PASSWORD);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');
    expect(counting.counts.hash).toBe(before);
  });

  it('does not hash or spend the token for a refused password, then hashes once', async () => {
    const user = await t.createUser();
    const token = await resetToken(t, user.email);
    const before = counting.counts.hash;
    expect((await reset(t, token, 'short')).body.code).toBe('PASSWORD_TOO_SHORT');
    expect((await reset(t, token, 'password123')).body.code).toBe('PASSWORD_TOO_COMMON');
    expect(counting.counts.hash).toBe(before);
    expect((await reset(t, token, NEW_PASSWORD)).status).toBe(200);
    expect(counting.counts.hash).toBe(before + 1);
    expect((await t.store.findById(user.id))?.password).toBe(`plain:${NEW_PASSWORD}`);
  });
});

describe('SERVER_BUSY', () => {
  const counting = countingHasher();
  const t = app({
    config: { passwordHashing: { maxPending: 1 } },
    configurator: { passwordHasher: counting.hasher },
  });

  afterEach(() => counting.release());

  it('answers 503 with Retry-After when the hashing bound is reached, for known and unknown emails', async () => {
    const server = await listen(t.app);
    const user = await t.createUser();
    // Made before the first login holds the only slot.
    await bearerLoginRequest(server, 'warm-up@example.test', PASSWORD);
    const v0 = counting.counts.verify;
    counting.hold();
    const held = bearerLoginRequest(server, user.email).then((r) => r);
    await waitFor(() => counting.counts.verify > v0);
    const verifiesBefore = counting.counts.verify;

    for (const email of [user.email, 'nobody-busy@example.test']) {
      const busy = await bearerLoginRequest(server, email);
      expect(busy.status).toBe(503);
      expect(busy.headers['retry-after']).toBe('1');
      expect(busy.body).toEqual({
        error: expect.any(String),
        code: 'SERVER_BUSY',
        retryAfterSeconds: 1,
      });
    }
    // Refused before any hashing work.
    expect(counting.counts.verify).toBe(verifiesBefore);

    counting.release();
    expect((await held).status).toBe(200);
    expect((await bearerLoginRequest(server, user.email)).status).toBe(200);
  });

  it('refuses a reset while busy without spending the token', async () => {
    const user = await t.createUser();
    const token = await resetToken(t, user.email);
    const v0 = counting.counts.verify;
    counting.hold();
    const held = bearerLoginRequest(t.app, user.email).then((r) => r);
    await waitFor(() => counting.counts.verify > v0);
    const res = await reset(t, token, NEW_PASSWORD);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('SERVER_BUSY');
    counting.release();
    expect((await held).status).toBe(200);
    expect((await t.store.findById(user.id))?.resetToken).toBe(sha256Hex(token));
    expect((await reset(t, token, NEW_PASSWORD)).status).toBe(200);
  });
});

async function waitFor(condition: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
