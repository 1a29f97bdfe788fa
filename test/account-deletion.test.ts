import request from 'supertest';
import {
  AuthEventNames,
  InMemoryRolesPermissionsStore,
  InMemorySessionStore,
  InMemoryTenantStore,
  InMemoryUserMetadataStore,
} from 'keyward';
import { bearerLogin, createTestApp, bearerRefresh, cookieLine, setCookies } from './helpers/app';
import { SECRET_FIELDS } from './helpers/secret-fields';

describe('account deletion and the rich profile', () => {
  const sessionStore = new InMemorySessionStore();
  const metadataStore = new InMemoryUserMetadataStore();
  const rbacStore = new InMemoryRolesPermissionsStore();
  const tenantStore = new InMemoryTenantStore();
  const t = createTestApp({
    configurator: { sessionStore },
    router: { metadataStore, rbacStore, tenantStore },
  });
  afterAll(() => t.close());

  /** A user with sessions on two devices, metadata, global and tenant roles and a membership. */
  async function seedUser(tenantId: string) {
    const user = await t.createUser({
      firstName: 'Ada',
      resetToken: 'a'.repeat(64),
      resetTokenExpiry: new Date(Date.now() + 3600_000),
    });
    const phone = await bearerLogin(t.app, user.email);
    const laptop = await bearerLogin(t.app, user.email);
    // Enabled after signing in: with TOTP on, a password login would answer with a 2FA challenge.
    await t.store.updateTotpSecret(user.id, 'JBSWY3DPEHPK3PXP');
    await metadataStore.updateMetadata(user.id, { theme: 'dark', plan: 'pro' });
    await rbacStore.addRoleToUser(user.id, 'editor');
    await rbacStore.addRoleToUser(user.id, 'tenant-admin', tenantId);
    await tenantStore.associateUserWithTenant(user.id, tenantId);
    return { user, phone, laptop };
  }

  let tenantId: string;
  beforeAll(async () => {
    await rbacStore.createRole('editor', ['posts:write', 'posts:read']);
    await rbacStore.createRole('tenant-admin', ['tenant:manage']);
    tenantId = (await tenantStore.createTenant({ name: 'Acme' })).id;
  });

  it('shows metadata, roles and permissions in GET /auth/me and never secret fields', async () => {
    const { user, phone } = await seedUser(tenantId);
    const res = await request(t.app)
      .get('/auth/me')
      .set('Authorization', `Bearer ${phone.accessToken}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.body).toMatchObject({
      id: user.id,
      email: user.email,
      firstName: 'Ada',
      isTotpEnabled: true,
      hasPassword: true,
      metadata: { theme: 'dark', plan: 'pro' },
      roles: ['editor'],
    });
    expect([...(res.body.permissions as string[])].sort()).toEqual(['posts:read', 'posts:write']);
    for (const field of SECRET_FIELDS) expect(res.body).not.toHaveProperty(field);

    const record = await t.store.findById(user.id);
    const raw = JSON.stringify(res.body);
    for (const secret of [
      record!.password!,
      record!.resetToken!,
      record!.totpSecret!,
      phone.refreshToken,
    ]) {
      expect(raw).not.toContain(secret);
    }
  });

  it('requires authentication to delete an account', async () => {
    const res = await request(t.app).delete('/auth/account');
    expect(res.status).toBe(401);
  });

  it('removes the user with all sessions, roles, memberships and metadata, and publishes USER_DELETED', async () => {
    const { user, phone, laptop } = await seedUser(tenantId);
    const bystander = await seedUser(tenantId);
    expect(await sessionStore.getSessionsForUser(user.id)).toHaveLength(2);

    const res = await request(t.app)
      .delete('/auth/account')
      .set('Authorization', `Bearer ${phone.accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });

    expect(await t.store.findById(user.id)).toBeNull();
    expect(await t.store.findByEmail(user.email)).toBeNull();
    expect(await sessionStore.getSessionsForUser(user.id)).toEqual([]);
    expect(await rbacStore.getRolesForUser(user.id)).toEqual([]);
    expect(await rbacStore.getRolesForUser(user.id, tenantId)).toEqual([]);
    expect(await rbacStore.getPermissionsForUser(user.id)).toEqual([]);
    expect(await tenantStore.getTenantsForUser(user.id)).toEqual([]);
    expect(await tenantStore.getUsersForTenant(tenantId)).not.toContain(user.id);
    expect(await metadataStore.getMetadata(user.id)).toEqual({});

    const deleted = t.events.filter((e) => e.event === AuthEventNames.USER_DELETED);
    expect(deleted.map((e) => e.userId)).toEqual([user.id]);

    // Neither device can refresh any more.
    for (const pair of [phone, laptop]) {
      const refresh = await bearerRefresh(t.app, pair.refreshToken);
      expect(refresh.status).toBe(401);
      expect(refresh.body.code).toBe('SESSION_REVOKED');
    }
    const login = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: 'correct horse battery' });
    expect(login.status).toBe(401);

    // Another user's data is untouched.
    const other = bystander.user.id;
    expect(await t.store.findById(other)).not.toBeNull();
    expect(await sessionStore.getSessionsForUser(other)).toHaveLength(2);
    expect(await rbacStore.getRolesForUser(other)).toEqual(['editor']);
    expect(await rbacStore.getRolesForUser(other, tenantId)).toEqual(['tenant-admin']);
    expect(await tenantStore.getUsersForTenant(tenantId)).toContain(other);
    expect(await metadataStore.getMetadata(other)).toEqual({ theme: 'dark', plan: 'pro' });
  });

  it('refuses the access tokens of a deleted account at once with 401 SESSION_REVOKED', async () => {
    const { phone } = await seedUser(tenantId);
    await request(t.app)
      .delete('/auth/account')
      .set('Authorization', `Bearer ${phone.accessToken}`)
      .expect(200);
    const me = await request(t.app)
      .get('/auth/me')
      .set('Authorization', `Bearer ${phone.accessToken}`);
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('SESSION_REVOKED');
  });

  it('answers 404 USER_NOT_FOUND to GET /auth/me with a token of a user that does not exist', async () => {
    const token = t.auth.tokenService.signAccessToken({ sub: 'no-such-user' });
    const me = await request(t.app).get('/auth/me').set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(404);
    expect(me.body.code).toBe('USER_NOT_FOUND');
  });
});

describe('account deletion without a session store', () => {
  const t = createTestApp({ sessionsOnUserRecord: true });
  afterAll(() => t.close());

  it('never exposes the session state kept on the user record in GET /auth/me', async () => {
    const user = await t.createUser({ totpSecret: 'JBSWY3DPEHPK3PXP' });
    const pair = await bearerLogin(t.app, user.email);
    const record = await t.store.findById(user.id);
    expect(typeof record?.refreshToken).toBe('string');
    const res = await request(t.app)
      .get('/auth/me')
      .set('Authorization', `Bearer ${pair.accessToken}`);
    expect(res.status).toBe(200);
    for (const field of SECRET_FIELDS) expect(res.body).not.toHaveProperty(field);
    const raw = JSON.stringify(res.body);
    for (const secret of [record!.refreshToken!, record!.password!, record!.totpSecret!]) {
      expect(raw).not.toContain(secret);
    }
  });

  it('deletes the user and makes the refresh token stop working', async () => {
    const user = await t.createUser();
    const pair = await bearerLogin(t.app, user.email);
    const res = await request(t.app)
      .delete('/auth/account')
      .set('Authorization', `Bearer ${pair.accessToken}`);
    expect(res.status).toBe(200);
    expect(await t.store.findById(user.id)).toBeNull();
    const refresh = await bearerRefresh(t.app, pair.refreshToken);
    expect(refresh.status).toBe(401);
    expect(
      t.events.some((e) => e.event === AuthEventNames.USER_DELETED && e.userId === user.id),
    ).toBe(true);
  });

  it('clears the token cookies of a cookie-authenticated client', async () => {
    const user = await t.createUser();
    const login = await request(t.app)
      .post('/auth/login')
      .send({ email: user.email, password: 'correct horse battery' });
    const access = cookieLine(login, 'accessToken')!.split(';')[0]!;
    const res = await request(t.app).delete('/auth/account').set('Cookie', access);
    expect(res.status).toBe(200);
    const cleared = setCookies(res);
    expect(cleared.some((c) => /^accessToken=;.*Expires=Thu, 01 Jan 1970/.test(c))).toBe(true);
    expect(cleared.some((c) => /^refreshToken=;.*Expires=Thu, 01 Jan 1970/.test(c))).toBe(true);
  });
});
