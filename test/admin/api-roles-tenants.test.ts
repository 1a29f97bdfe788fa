import {
  AuthEventNames,
  InMemoryRolesPermissionsStore,
  type IRolesPermissionsStore,
} from 'keyward';
import { createAdminFixture } from './api-setup';

describe('admin API: roles and permissions', () => {
  const fx = createAdminFixture();

  it('creates a role with permissions (201), lists it and deletes it, with events', async () => {
    const created = await fx.api
      .post('/roles')
      .send({ name: 'editor', permissions: ['posts:read', 'posts:write', 'posts:read'] });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ success: true });
    await fx.api.post('/roles').send({ name: 'viewer' });

    const listed = await fx.api.get('/roles');
    expect(listed.status).toBe(200);
    expect(listed.body.roles).toEqual(
      expect.arrayContaining([
        { name: 'editor', permissions: ['posts:read', 'posts:write'] },
        { name: 'viewer', permissions: [] },
      ]),
    );
    expect(fx.eventsNamed(AuthEventNames.ADMIN_ROLE_CREATED)[0]).toMatchObject({
      data: { role: 'editor', permissions: ['posts:read', 'posts:write'], actor: 'admin-secret' },
    });

    const deleted = await fx.api.delete('/roles/viewer');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ success: true });
    expect(
      ((await fx.api.get('/roles')).body.roles as Array<{ name: string }>).map((r) => r.name),
    ).toEqual(['editor']);
    expect(fx.eventsNamed(AuthEventNames.ADMIN_ROLE_DELETED)[0]).toMatchObject({
      data: { role: 'viewer', actor: 'admin-secret' },
    });
  });

  it('answers 404 ROLE_NOT_FOUND when deleting a role that does not exist', async () => {
    const res = await fx.api.delete('/roles/ghost');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ROLE_NOT_FOUND');
  });

  it.each([
    [{}],
    [{ name: '' }],
    [{ name: 'x', permissions: 'posts:read' }],
    [{ name: 'x', permissions: [1] }],
    [{ name: 'x', permissions: Array.from({ length: 501 }, (_, i) => `p${i}`) }],
  ])('refuses the role %j with 400 INVALID_INPUT', async (body) => {
    const res = await fx.api.post('/roles').send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_INPUT');
  });

  it('answers 501 NOT_SUPPORTED for the listing when the roles store cannot list', async () => {
    const inner = new InMemoryRolesPermissionsStore();
    const store: IRolesPermissionsStore = {
      addRoleToUser: (u, r, t) => inner.addRoleToUser(u, r, t),
      removeRoleFromUser: (u, r, t) => inner.removeRoleFromUser(u, r, t),
      getRolesForUser: (u, t) => inner.getRolesForUser(u, t),
      createRole: (r, p) => inner.createRole(r, p),
      deleteRole: (r) => inner.deleteRole(r),
      addPermissionToRole: (r, p) => inner.addPermissionToRole(r, p),
      removePermissionFromRole: (r, p) => inner.removePermissionFromRole(r, p),
      getPermissionsForRole: (r) => inner.getPermissionsForRole(r),
      getPermissionsForUser: (u, t) => inner.getPermissionsForUser(u, t),
      userHasPermission: (u, p, t) => inner.userHasPermission(u, p, t),
    };
    const limited = createAdminFixture({ rbacStore: store });
    const res = await limited.api.get('/roles');
    expect(res.status).toBe(501);
    expect(res.body.code).toBe('NOT_SUPPORTED');
    // Without a listing, deleting cannot tell a missing role apart and simply succeeds.
    await inner.createRole('temp');
    expect((await limited.api.delete('/roles/temp')).status).toBe(200);
    expect(await inner.getAllRoles()).toEqual([]);
  });
});

describe('admin API: tenants', () => {
  const fx = createAdminFixture();
  beforeAll(async () => {
    await fx.users.create({ id: 'u1', email: 'u1@example.test' });
    await fx.users.create({ id: 'u2', email: 'u2@example.test' });
  });

  it('creates (201, store-assigned id), lists and deletes tenants, with events', async () => {
    const created = await fx.api
      .post('/tenants')
      .send({ name: 'Acme', id: 'chosen-by-client', config: { plan: 'gold' } });
    expect(created.status).toBe(201);
    const tenant = created.body.tenant;
    expect(created.body).toMatchObject({
      success: true,
      tenant: { name: 'Acme', isActive: true, config: { plan: 'gold' } },
    });
    expect(tenant.id).toEqual(expect.any(String));
    expect(tenant.id).not.toBe('chosen-by-client');
    expect((await fx.api.get('/tenants')).body.tenants).toEqual([tenant]);
    expect(fx.eventsNamed(AuthEventNames.ADMIN_TENANT_CREATED)[0]).toMatchObject({
      tenantId: tenant.id,
      data: { name: 'Acme', actor: 'admin-secret' },
    });
    expect(fx.eventsNamed(AuthEventNames.TENANT_CREATED)).toHaveLength(1);

    const gone = await fx.api.delete(`/tenants/${tenant.id}`);
    expect(gone.body).toEqual({ success: true });
    expect((await fx.api.get('/tenants')).body.tenants).toEqual([]);
    expect(fx.eventsNamed(AuthEventNames.ADMIN_TENANT_DELETED)[0]).toMatchObject({
      tenantId: tenant.id,
      data: { actor: 'admin-secret' },
    });
  });

  it('adds, lists and removes members, with events', async () => {
    const { id } = (await fx.api.post('/tenants').send({ name: 'Members' })).body.tenant;
    expect((await fx.api.post(`/tenants/${id}/users`).send({ userId: 'u1' })).body).toEqual({
      success: true,
    });
    await fx.api.post(`/tenants/${id}/users`).send({ userId: 'u2' });
    expect(((await fx.api.get(`/tenants/${id}/users`)).body.userIds as string[]).sort()).toEqual([
      'u1',
      'u2',
    ]);
    expect((await fx.api.get('/users/u1/tenants')).body.tenantIds).toEqual([id]);

    expect((await fx.api.delete(`/tenants/${id}/users/u1`)).body).toEqual({ success: true });
    expect((await fx.api.get(`/tenants/${id}/users`)).body).toEqual({ userIds: ['u2'] });
    expect(fx.eventsNamed(AuthEventNames.ADMIN_TENANT_USER_ADDED)[0]).toMatchObject({
      tenantId: id,
      userId: 'u1',
      data: { actor: 'admin-secret' },
    });
    expect(fx.eventsNamed(AuthEventNames.ADMIN_TENANT_USER_REMOVED)[0]).toMatchObject({
      tenantId: id,
      userId: 'u1',
    });
    expect(fx.eventsNamed(AuthEventNames.TENANT_USER_ADDED)).toHaveLength(2);
  });

  it('answers 404 TENANT_NOT_FOUND for an unknown tenant on every tenant route', async () => {
    for (const res of [
      await fx.api.delete('/tenants/nope'),
      await fx.api.get('/tenants/nope/users'),
      await fx.api.post('/tenants/nope/users').send({ userId: 'u1' }),
      await fx.api.delete('/tenants/nope/users/u1'),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('TENANT_NOT_FOUND');
    }
  });

  it('answers 404 USER_NOT_FOUND when adding someone who is not a user', async () => {
    const { id } = (await fx.api.post('/tenants').send({ name: 'Strict' })).body.tenant;
    const res = await fx.api.post(`/tenants/${id}/users`).send({ userId: 'ghost' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('USER_NOT_FOUND');
    expect(await fx.tenantStore.getUsersForTenant(id)).toEqual([]);
  });

  it.each([
    ['/tenants', {}],
    ['/tenants', { name: '  ' }],
    ['/tenants', { name: 'A', isActive: 'yes' }],
    ['/tenants', { name: 'A', config: [1, 2] }],
    ['/tenants/any/users', {}],
    ['/tenants/any/users', { userId: 7 }],
  ])('POST %s refuses %j with 400 INVALID_INPUT', async (path, body) => {
    const res = await fx.api.post(path).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_INPUT');
  });
});

describe('admin API: roles and tenants not configured', () => {
  const fx = createAdminFixture({ rbacStore: undefined, tenantStore: undefined });

  it.each([
    ['get', '/roles'],
    ['post', '/roles'],
    ['delete', '/roles/x'],
    ['get', '/tenants'],
    ['post', '/tenants'],
    ['delete', '/tenants/x'],
    ['get', '/tenants/x/users'],
    ['post', '/tenants/x/users'],
    ['delete', '/tenants/x/users/y'],
  ] as const)('%s %s answers 404 FEATURE_NOT_ENABLED', async (method, path) => {
    const res = await fx.api[method](path).send({ name: 'x', userId: 'y' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('FEATURE_NOT_ENABLED');
  });
});
