import request from 'supertest';
import {
  AuthEventNames,
  InMemoryUserStore,
  type BaseUser,
  type IUserStore,
  type ListUsersOptions,
} from 'keyward';
import { createAdminFixture, SECRET_FIELDS } from './api-setup';

/** A real in-memory store that also notes how it was asked to list. */
class RecordingUserStore extends InMemoryUserStore {
  readonly listCalls: ListUsersOptions[] = [];
  readonly countCalls: Array<string | undefined> = [];
  override async listUsers(options: ListUsersOptions = {}) {
    this.listCalls.push({ ...options });
    return super.listUsers(options);
  }
  override async countUsers(filter?: string) {
    this.countCalls.push(filter);
    return super.countUsers(filter);
  }
}

/** Only the six required methods: no listing, counting or deleting. */
function minimalStore(inner: InMemoryUserStore): IUserStore {
  return {
    findByEmail: (email) => inner.findByEmail(email),
    findById: (id) => inner.findById(id),
    create: (data) => inner.create(data),
    updateRefreshToken: (id, token, expiry) => inner.updateRefreshToken(id, token, expiry),
    updateResetToken: (id, hash, expiry) => inner.updateResetToken(id, hash, expiry),
    updatePassword: (id, hash) => inner.updatePassword(id, hash),
  };
}

async function seed(store: IUserStore, count: number): Promise<BaseUser[]> {
  const created: BaseUser[] = [];
  for (let i = 0; i < count; i++) {
    const n = String(i).padStart(2, '0');
    created.push(
      await store.create({
        id: `user-${n}`,
        email: `person${n}@example.test`,
        firstName: i % 3 === 0 ? 'Grace' : 'Alan',
        lastName: `Number${n}`,
      }),
    );
  }
  return created;
}

describe('admin API: listing users', () => {
  const store = new RecordingUserStore();
  const fx = createAdminFixture({}, store);
  beforeAll(() => seed(store, 60));

  it('pages through 60 users 20 at a time, with total and hasMore, asking the store for each page', async () => {
    const seen: string[] = [];
    for (const offset of [0, 20, 40]) {
      store.listCalls.length = 0;
      const res = await fx.api.get(`/users?limit=20&offset=${offset}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 60, limit: 20, offset, hasMore: offset < 40 });
      expect(res.body.users).toHaveLength(20);
      seen.push(...(res.body.users as BaseUser[]).map((u) => u.id));
      // The store pages: it is asked for one more row than the page, never for everything.
      expect(store.listCalls).toEqual([{ limit: 21, offset, filter: undefined }]);
    }
    expect(new Set(seen).size).toBe(60);
    const past = await fx.api.get('/users?offset=60');
    expect(past.body).toMatchObject({ users: [], hasMore: false, total: 60 });
  });

  it('uses 20 as the default page size and serves at most 100 per page', async () => {
    const byDefault = await fx.api.get('/users');
    expect(byDefault.body).toMatchObject({ limit: 20, offset: 0, hasMore: true });
    expect(byDefault.body.users).toHaveLength(20);
    store.listCalls.length = 0;
    const big = await fx.api.get('/users?limit=5000');
    expect(big.status).toBe(200);
    expect(big.body.limit).toBe(100);
    expect(big.body.users).toHaveLength(60);
    expect(store.listCalls[0]?.limit).toBe(101);
  });

  it('filters on the server: the store receives the filter and counts with it', async () => {
    store.countCalls.length = 0;
    const res = await fx.api.get('/users?filter=grace&limit=5');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(20);
    expect(res.body.users).toHaveLength(5);
    expect(res.body.hasMore).toBe(true);
    for (const u of res.body.users) expect(u.firstName).toBe('Grace');
    expect(store.countCalls).toEqual(['grace']);
    const one = await fx.api.get('/users?filter=PERSON07');
    expect((one.body.users as BaseUser[]).map((u) => u.id)).toEqual(['user-07']);
    expect(one.body).toMatchObject({ total: 1, hasMore: false });
  });

  it.each([
    ['limit=abc'],
    ['limit=-1'],
    ['limit=0'],
    ['limit=2.5'],
    ['limit=1e3'],
    ['offset=-5'],
    ['offset=0x10'],
    ['limit=1&limit=2'],
    ['filter=a&filter=b'],
    [`filter=${'x'.repeat(201)}`],
  ])('refuses ?%s with 400 INVALID_INPUT, never a 500', async (query) => {
    const res = await fx.api.get(`/users?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.any(String), code: 'INVALID_INPUT' });
  });

  it('leaves total out when the store cannot count', async () => {
    const inner = new InMemoryUserStore();
    const noCount = Object.assign(minimalStore(inner), {
      listUsers: (o?: ListUsersOptions) => inner.listUsers(o),
    });
    await seed(noCount, 3);
    const res = await createAdminFixture({}, noCount).api.get('/users?limit=2');
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('total');
    expect(res.body).toMatchObject({ limit: 2, offset: 0, hasMore: true });
  });

  it('answers 404 FEATURE_NOT_ENABLED when the store cannot list users', async () => {
    const res = await createAdminFixture({}, minimalStore(new InMemoryUserStore())).api.get(
      '/users',
    );
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('FEATURE_NOT_ENABLED');
  });
});

describe('admin API: one user', () => {
  const fx = createAdminFixture();
  const now = new Date(Date.now() + 3600_000);

  it('shows a user without a single secret field, keeping custom non-secret fields', async () => {
    await fx.users.create({
      id: 'secretive',
      email: 'secretive@example.test',
      firstName: 'Ada',
      password: '$2b$04$abcdefghijklmnopqrstuuD3Y7y9m7n1xj1mVw0kJbqkHQ0s8R7uK',
      refreshToken: 'r'.repeat(64),
      refreshTokenExpiry: now,
      resetToken: 'a'.repeat(64),
      resetTokenExpiry: now,
      totpSecret: 'JBSWY3DPEHPK3PXP',
      isTotpEnabled: true,
      magicLinkToken: 'm'.repeat(64),
      magicLinkTokenExpiry: now,
      smsCode: 'c'.repeat(64),
      smsCodeExpiry: now,
      emailVerificationToken: 'e'.repeat(64),
      emailVerificationTokenExpiry: now,
      emailChangeToken: 'x'.repeat(64),
      emailChangeTokenExpiry: now,
      accountLinkToken: 'l'.repeat(64),
      accountLinkTokenExpiry: now,
      phoneNumber: '+15555550100',
      // Custom fields of the application's own user type:
      department: 'research',
      apiKeyHash: 'h'.repeat(64),
      recoverySecret: 'do not show',
    } as Partial<BaseUser>);

    const one = await fx.api.get('/users/secretive');
    const listed = (await fx.api.get('/users?filter=secretive')).body.users[0];
    for (const user of [one.body, listed]) {
      for (const field of [...SECRET_FIELDS, 'apiKeyHash', 'recoverySecret']) {
        expect(user).not.toHaveProperty(field);
      }
      expect(user).toMatchObject({
        id: 'secretive',
        email: 'secretive@example.test',
        firstName: 'Ada',
        lastName: null,
        role: null,
        loginProvider: 'local',
        isEmailVerified: false,
        isTotpEnabled: true,
        require2FA: false,
        phoneNumber: '+15555550100',
        hasPassword: true,
        department: 'research',
        createdAt: expect.any(String),
      });
    }
    const raw = JSON.stringify(one.body);
    for (const secret of ['r'.repeat(64), 'JBSWY3DPEHPK3PXP', '$2b$04$', 'do not show']) {
      expect(raw).not.toContain(secret);
    }
  });

  it('answers 404 USER_NOT_FOUND for an unknown id', async () => {
    const res = await fx.api.get('/users/nobody');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: expect.any(String), code: 'USER_NOT_FOUND' });
  });
});

describe('admin API: deleting a user', () => {
  it('removes the user, their sessions, roles, memberships, metadata and links, and publishes events with the actor', async () => {
    const fx = createAdminFixture();
    const user = await fx.users.create({ id: 'doomed', email: 'doomed@example.test' });
    const keeper = await fx.users.create({ id: 'keeper', email: 'keeper@example.test' });
    const session = (id: string) =>
      fx.sessionStore.createSession({
        userId: id,
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 3600_000),
      });
    await session(user.id);
    await session(user.id);
    const kept = await session(keeper.id);
    const tenant = await fx.tenantStore.createTenant({ name: 'Acme' });
    await fx.tenantStore.associateUserWithTenant(user.id, tenant.id);
    await fx.rbacStore.addRoleToUser(user.id, 'editor');
    await fx.rbacStore.addRoleToUser(user.id, 'owner', tenant.id);
    await fx.userMetadataStore.updateMetadata(user.id, { plan: 'pro' });
    await fx.linkedAccountsStore.linkAccount(user.id, {
      provider: 'github',
      providerAccountId: '42',
    });

    const res = await fx.api.delete('/users/doomed');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });

    expect(await fx.users.findById('doomed')).toBeNull();
    expect(await fx.sessionStore.getSessionsForUser('doomed')).toEqual([]);
    expect(await fx.sessionStore.getSession(kept.sessionHandle)).not.toBeNull();
    expect(await fx.tenantStore.getUsersForTenant(tenant.id)).toEqual([]);
    expect(await fx.rbacStore.getRolesForUser('doomed')).toEqual([]);
    expect(await fx.rbacStore.getRolesForUser('doomed', tenant.id)).toEqual([]);
    expect(await fx.userMetadataStore.getMetadata('doomed')).toEqual({});
    expect(await fx.linkedAccountsStore.findUserByProviderAccount('github', '42')).toBeNull();

    const [audit] = fx.eventsNamed(AuthEventNames.ADMIN_USER_DELETED);
    expect(audit).toMatchObject({
      userId: 'doomed',
      data: { actor: 'admin-secret', email: 'doomed@example.test' },
    });
    expect(fx.eventsNamed(AuthEventNames.USER_DELETED)[0]).toMatchObject({
      userId: 'doomed',
      data: { actor: 'admin-secret' },
    });
    expect(fx.eventsNamed(AuthEventNames.SESSION_REVOKED)[0]).toMatchObject({
      userId: 'doomed',
      data: { reason: 'admin_deleted', allSessions: true, actor: 'admin-secret' },
    });

    const again = await fx.api.delete('/users/doomed');
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('USER_NOT_FOUND');
  });

  it('answers 501 NOT_SUPPORTED when the store cannot delete users', async () => {
    const inner = new InMemoryUserStore();
    await inner.create({ id: 'u', email: 'u@example.test' });
    const fx = createAdminFixture({}, minimalStore(inner));
    const res = await fx.api.delete('/users/u');
    expect(res.status).toBe(501);
    expect(res.body.code).toBe('NOT_SUPPORTED');
    expect(await inner.findById('u')).not.toBeNull();
    expect((await fx.api.get('/ping')).body.features).toMatchObject({
      users: false,
      deleteUser: false,
    });
  });

  it('refuses the deletion without the secret, leaving the user in place', async () => {
    const fx = createAdminFixture();
    await fx.users.create({ id: 'safe', email: 'safe@example.test' });
    expect((await request(fx.app).delete('/admin/api/users/safe')).status).toBe(401);
    expect(await fx.users.findById('safe')).not.toBeNull();
    expect(fx.eventsNamed(AuthEventNames.ADMIN_USER_DELETED)).toEqual([]);
  });
});
