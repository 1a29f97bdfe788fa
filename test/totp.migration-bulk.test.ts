import Database from 'better-sqlite3';
import express from 'express';
import { Pool } from 'pg';
import request from 'supertest';
import {
  AuthConfigurator,
  InMemoryUserStore,
  TotpStrategy,
  isSealedTotpSecret,
  migrateTotpSecrets,
  type AuthConfig,
  type BaseUser,
  type IUserStore,
  type ListUsersOptions,
} from 'keyward';
import { createSqlStores } from 'keyward/sql';
import { ACCESS_SECRET, PASSWORD, REFRESH_SECRET } from './helpers/app';
import { describeWithService, uniquePrefix } from './helpers/services';
import { STEP_SECONDS, awayFromStepEdge, challenge, stepAt } from './helpers/totp';

const config: AuthConfig = {
  accessTokenSecret: ACCESS_SECRET,
  refreshTokenSecret: REFRESH_SECRET,
  passwordHashing: { argon2: { memoryCost: 64, timeCost: 1 } },
  email: { siteUrl: 'https://app.example.test' },
};
/** Another deployment's key: what it sealed does not open here. */
const otherConfig: AuthConfig = { ...config, accessTokenSecret: `${ACCESS_SECRET}-other-app` };
const totp = new TotpStrategy();
const codeAt = (secret: string, step: number) => totp.generate(secret, step * STEP_SECONDS);

/** One user of each kind the helper meets, written straight into the store. */
async function seed(store: IUserStore) {
  const auth = new AuthConfigurator(config, store);
  const password = await auth.passwordService.hash(PASSWORD);
  const make = (email: string, data: Partial<BaseUser>) =>
    store.create({ email, password, loginProvider: 'local', ...data });
  const secrets = [totp.generateSecret('a').secret, totp.generateSecret('b').secret];
  const plain = [
    await make('plain-1@example.test', { totpSecret: secrets[0], isTotpEnabled: true }),
    await make('plain-2@example.test', { totpSecret: secrets[1], isTotpEnabled: true }),
  ];
  const inactive = await make('inactive@example.test', {
    totpSecret: totp.generateSecret('c').secret,
    isTotpEnabled: false,
  });
  const none = await make('none@example.test', {});
  const odd = await make('odd@example.test', { totpSecret: 'not base32!', isTotpEnabled: true });
  // Sealed by another deployment (another accessTokenSecret): unreadable with this key.
  const foreign = await make('foreign@example.test', {
    totpSecret: totp.generateSecret('d').secret,
    isTotpEnabled: true,
  });
  await auth.close();
  return { plain, secrets, inactive, none, odd, foreign };
}

/** The helper's contract on one store; `open` gives a fresh, empty store and its cleanup. */
function bulkSuite(open: () => Promise<{ store: IUserStore; close(): Promise<void> }>) {
  let store: IUserStore;
  let close: () => Promise<void>;
  let seeded: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    const opened = await open();
    store = opened.store;
    close = () => opened.close();
    seeded = await seed(store);
    // The foreign user's secret gets sealed under the other key first.
    const foreignOnly = {
      listUsers: async () => [(await store.findById(seeded.foreign.id))!],
      findById: (id: string) => store.findById(id),
      updateTotpSecret: (id: string, value: string | null) => store.updateTotpSecret!(id, value),
    } as unknown as IUserStore;
    await migrateTotpSecrets(foreignOnly, { config: otherConfig });
  });
  afterAll(() => close());

  const stored = async (id: string) => (await store.findById(id))?.totpSecret;

  it('counts without writing on a dry run', async () => {
    const report = await migrateTotpSecrets(store, { config, dryRun: true, batchSize: 2 });
    expect(report).toMatchObject({ scanned: 6, sealed: 2, alreadySealed: 0, withoutSecret: 1 });
    expect(await stored(seeded.plain[0]!.id)).toBe(seeded.secrets[0]);
  });

  it('seals every enabled plain secret, paging through listUsers, and reports the rest by id', async () => {
    const report = await migrateTotpSecrets(store, { config, batchSize: 2 });
    expect(report).toEqual({
      scanned: 6,
      sealed: 2,
      alreadySealed: 0,
      withoutSecret: 1,
      inactivePlain: [seeded.inactive.id],
      unreadable: [seeded.foreign.id],
      unrecognised: [seeded.odd.id],
      changedMeanwhile: [],
    });
    for (const [i, user] of seeded.plain.entries()) {
      const value = (await stored(user.id))!;
      expect(isSealedTotpSecret(value)).toBe(true);
      expect(value).not.toContain(seeded.secrets[i]!);
      expect((await store.findById(user.id))?.isTotpEnabled).toBe(true);
    }
    expect((await store.findById(seeded.inactive.id))?.isTotpEnabled).toBe(false);
    expect(await stored(seeded.odd.id)).toBe('not base32!');
    expect(await stored(seeded.none.id)).toBeFalsy();
  });

  it('changes nothing on a second run (idempotent)', async () => {
    const before = await Promise.all(seeded.plain.map((u) => stored(u.id)));
    const report = await migrateTotpSecrets(store, { config, batchSize: 4 });
    expect(report).toMatchObject({ scanned: 6, sealed: 0, alreadySealed: 2 });
    expect(await Promise.all(seeded.plain.map((u) => stored(u.id)))).toEqual(before);
  });

  it('leaves users able to sign in with their app, once per code', async () => {
    await awayFromStepEdge();
    const auth = new AuthConfigurator(config, store);
    const app = express().use('/auth', auth.router());
    try {
      const user = seeded.plain[1]!;
      const code = codeAt(seeded.secrets[1]!, stepAt());
      const verify = async () =>
        request(app)
          .post('/auth/2fa/verify')
          .send({ tempToken: await challenge(app, user.email), totpCode: code });
      expect((await verify()).status).toBe(200);
      expect((await verify()).status).toBe(401);
    } finally {
      await auth.close();
    }
  });
}

describe('migrateTotpSecrets on the in-memory store', () => {
  bulkSuite(() =>
    Promise.resolve({ store: new InMemoryUserStore(), close: () => Promise.resolve() }),
  );

  it('takes auth.config as well as the AuthConfig, and refuses a store without listUsers', async () => {
    const store = new InMemoryUserStore();
    const auth = new AuthConfigurator(config, store);
    await store.create({
      email: 'x@example.test',
      totpSecret: 'JBSWY3DPEHPK3PXP',
      isTotpEnabled: true,
    });
    expect((await migrateTotpSecrets(store, { config: auth.config })).sealed).toBe(1);
    await auth.close();
    const withoutListing = {
      findById: store.findById.bind(store),
      updateTotpSecret: store.updateTotpSecret.bind(store),
    } as unknown as IUserStore;
    await expect(migrateTotpSecrets(withoutListing, { config })).rejects.toThrow(/listUsers/);
  });

  it("pages a store written to the reference's listUsers(limit, offset)", async () => {
    const store = new InMemoryUserStore();
    for (let i = 0; i < 5; i++) {
      await store.create({
        email: `ref${i}@example.test`,
        totpSecret: 'JBSWY3DPEHPK3PXP',
        isTotpEnabled: true,
      });
    }
    // The reference's shape: positional paging, nothing else.
    const referenceShaped = {
      findById: store.findById.bind(store),
      updateTotpSecret: store.updateTotpSecret.bind(store),
      async listUsers(limit: number, offset: number) {
        return (await store.listUsers()).slice(offset, offset + limit);
      },
    } as unknown as IUserStore;
    const report = await migrateTotpSecrets(referenceShaped, { config, batchSize: 2 });
    expect(report).toMatchObject({ scanned: 5, sealed: 5 });
    for (const user of await store.listUsers())
      expect(isSealedTotpSecret(user.totpSecret!)).toBe(true);
  });
});

describe('migrateTotpSecrets while the app serves traffic', () => {
  it('does not bring back a secret cleared (2FA switched off) after it was listed', async () => {
    const store = new InMemoryUserStore();
    const user = await store.create({
      email: 'turning-off@example.test',
      totpSecret: totp.generateSecret('e').secret,
      isTotpEnabled: true,
    });
    // The user disables 2FA between the listing and the write.
    const racing = {
      listUsers: async (options?: ListUsersOptions) => {
        const listed = await store.listUsers(options);
        await store.updateTotpSecret(user.id, null);
        return listed;
      },
      findById: (id: string) => store.findById(id),
      updateTotpSecret: (id: string, value: string | null) => store.updateTotpSecret(id, value),
    } as unknown as IUserStore;
    const report = await migrateTotpSecrets(racing, { config });
    expect(report).toMatchObject({ sealed: 0, changedMeanwhile: [user.id] });
    const after = await store.findById(user.id);
    expect(after?.totpSecret ?? null).toBeNull();
    expect(after?.isTotpEnabled).toBe(false);
  });
});

describe('migrateTotpSecrets on SQLite', () => {
  bulkSuite(async () => {
    const stores = createSqlStores({ dialect: 'sqlite', database: new Database(':memory:') });
    await stores.migrate();
    return { store: stores.userStore, close: () => stores.destroy() };
  });
});

describeWithService('postgres', 'migrateTotpSecrets on PostgreSQL', (url) => {
  bulkSuite(async () => {
    const pool = new Pool({ connectionString: url, max: 2 });
    const stores = createSqlStores({ dialect: 'postgres', pool, tablePrefix: uniquePrefix('kwm') });
    await stores.migrate();
    return {
      store: stores.userStore,
      close: async () => {
        await stores.dropTables();
        await stores.destroy();
      },
    };
  });
});
