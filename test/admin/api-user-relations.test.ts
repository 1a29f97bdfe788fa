import request from 'supertest';
import { AuthEventNames } from 'keyward';
import { createAdminFixture } from './api-setup';

describe('admin API: a user roles', () => {
  const fx = createAdminFixture();
  let tenantId: string;
  beforeAll(async () => {
    await fx.users.create({ id: 'ada', email: 'ada@example.test' });
    await fx.rbacStore.createRole('editor', ['posts:write']);
    tenantId = (await fx.tenantStore.createTenant({ name: 'Acme' })).id;
  });

  it('assigns, lists and removes a role, publishing events with the actor', async () => {
    const assigned = await fx.api.post('/users/ada/roles').send({ role: 'editor' });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toEqual({ success: true });
    expect((await fx.api.get('/users/ada/roles')).body).toEqual({ roles: ['editor'] });
    expect(await fx.rbacStore.userHasPermission('ada', 'posts:write')).toBe(true);
    expect(fx.eventsNamed(AuthEventNames.ADMIN_ROLE_ASSIGNED)[0]).toMatchObject({
      userId: 'ada',
      data: { role: 'editor', actor: 'admin-secret' },
    });
    expect(fx.eventsNamed(AuthEventNames.ROLE_ASSIGNED)).toHaveLength(1);

    const removed = await fx.api.delete('/users/ada/roles/editor');
    expect(removed.body).toEqual({ success: true });
    expect((await fx.api.get('/users/ada/roles')).body).toEqual({ roles: [] });
    expect(fx.eventsNamed(AuthEventNames.ADMIN_ROLE_REMOVED)[0]).toMatchObject({
      userId: 'ada',
      data: { role: 'editor', actor: 'admin-secret' },
    });
    expect(fx.eventsNamed(AuthEventNames.ROLE_REVOKED)).toHaveLength(1);
  });

  it('scopes a role to a tenant with tenantId (body when assigning, query when listing or removing)', async () => {
    await fx.api.post('/users/ada/roles').send({ role: 'owner', tenantId });
    expect((await fx.api.get(`/users/ada/roles?tenantId=${tenantId}`)).body.roles).toEqual([
      'owner',
    ]);
    expect((await fx.api.get('/users/ada/roles')).body.roles).toEqual([]);
    expect(fx.eventsNamed(AuthEventNames.ADMIN_ROLE_ASSIGNED).at(-1)?.tenantId).toBe(tenantId);
    await fx.api.delete(`/users/ada/roles/owner?tenantId=${tenantId}`);
    expect(await fx.rbacStore.getRolesForUser('ada', tenantId)).toEqual([]);
  });

  it('keeps a role name with spaces or a slash intact through the path', async () => {
    await fx.rbacStore.addRoleToUser('ada', 'ops/on call');
    const res = await fx.api.delete(`/users/ada/roles/${encodeURIComponent('ops/on call')}`);
    expect(res.status).toBe(200);
    expect(await fx.rbacStore.getRolesForUser('ada')).toEqual([]);
  });

  it.each([
    [{}],
    [{ role: '' }],
    [{ role: '   ' }],
    [{ role: 42 }],
    [{ role: 'x'.repeat(201) }],
    [{ role: 'editor', tenantId: ['a'] }],
    [['editor']],
  ])('refuses the body %j with 400 INVALID_INPUT', async (body) => {
    const res = await fx.api.post('/users/ada/roles').send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_INPUT');
  });

  it('refuses malformed JSON with 400 INVALID_JSON', async () => {
    const res = await fx.api
      .post('/users/ada/roles')
      .set('Content-Type', 'application/json')
      .send('{"role": ');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_JSON');
  });

  it('answers 404 USER_NOT_FOUND for an unknown user on every roles route', async () => {
    for (const res of [
      await fx.api.get('/users/nobody/roles'),
      await fx.api.post('/users/nobody/roles').send({ role: 'editor' }),
      await fx.api.delete('/users/nobody/roles/editor'),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('USER_NOT_FOUND');
    }
    expect(await fx.rbacStore.getRolesForUser('nobody')).toEqual([]);
  });
});

describe('admin API: a user metadata', () => {
  const fx = createAdminFixture();
  beforeAll(() => fx.users.create({ id: 'bob', email: 'bob@example.test' }));

  it('reads and replaces the whole document, publishing the changed keys', async () => {
    await fx.userMetadataStore.updateMetadata('bob', { theme: 'dark', plan: 'free' });
    expect((await fx.api.get('/users/bob/metadata')).body).toEqual({ theme: 'dark', plan: 'free' });
    const put = await fx.api
      .put('/users/bob/metadata')
      .send({ plan: 'pro', limits: { seats: 5 }, tags: ['beta'] });
    expect(put.status).toBe(200);
    // theme is gone: PUT replaces, it does not merge.
    const expected = { plan: 'pro', limits: { seats: 5 }, tags: ['beta'] };
    expect(put.body).toEqual({ success: true, metadata: expected });
    expect(await fx.userMetadataStore.getMetadata('bob')).toEqual(expected);
    expect(fx.eventsNamed(AuthEventNames.ADMIN_USER_METADATA_UPDATED)[0]).toMatchObject({
      userId: 'bob',
      data: { actor: 'admin-secret', keys: ['plan', 'limits', 'tags'] },
    });
  });

  it('clears the document with an empty object', async () => {
    const res = await fx.api.put('/users/bob/metadata').send({});
    expect(res.body).toEqual({ success: true, metadata: {} });
  });

  it.each([
    ['an array', '["a"]'],
    ['a string', '"text"'],
    ['null', 'null'],
    ['a number', '5'],
  ])('refuses %s with 400, never a 500', async (_what, raw) => {
    const res = await fx.api
      .put('/users/bob/metadata')
      .set('Content-Type', 'application/json')
      .send(raw);
    expect(res.status).toBe(400);
    expect(['INVALID_INPUT', 'INVALID_JSON']).toContain(res.body.code);
  });

  it('refuses a __proto__ key that a store might turn into a prototype', async () => {
    const res = await fx.api
      .put('/users/bob/metadata')
      .set('Content-Type', 'application/json')
      .send('{"__proto__": {"isAdmin": true}}');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_INPUT');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('answers 404 USER_NOT_FOUND for an unknown user', async () => {
    expect((await fx.api.get('/users/nobody/metadata')).status).toBe(404);
    const put = await fx.api.put('/users/nobody/metadata').send({ a: 1 });
    expect(put.status).toBe(404);
    expect(put.body.code).toBe('USER_NOT_FOUND');
    expect(await fx.userMetadataStore.getMetadata('nobody')).toEqual({});
  });
});

describe('admin API: a user linked accounts and tenants', () => {
  const fx = createAdminFixture();

  it('lists the linked accounts and the tenants a user belongs to', async () => {
    await fx.users.create({ id: 'cy', email: 'cy@example.test' });
    await fx.linkedAccountsStore.linkAccount('cy', {
      provider: 'github',
      providerAccountId: '7',
      email: 'cy@github.test',
    });
    const acme = await fx.tenantStore.createTenant({ name: 'Acme' });
    await fx.tenantStore.createTenant({ name: 'Other' });
    await fx.tenantStore.associateUserWithTenant('cy', acme.id);

    const links = await fx.api.get('/users/cy/linked-accounts');
    expect(links.status).toBe(200);
    expect(links.body.linkedAccounts).toEqual([
      {
        provider: 'github',
        providerAccountId: '7',
        email: 'cy@github.test',
        linkedAt: expect.any(String),
      },
    ]);
    const tenants = await fx.api.get('/users/cy/tenants');
    expect(tenants.body).toEqual({
      tenantIds: [acme.id],
      tenants: [{ id: acme.id, name: 'Acme' }],
    });
  });

  it('answers 404 USER_NOT_FOUND for an unknown user', async () => {
    expect((await fx.api.get('/users/nobody/linked-accounts')).body.code).toBe('USER_NOT_FOUND');
    expect((await fx.api.get('/users/nobody/tenants')).body.code).toBe('USER_NOT_FOUND');
  });
});

describe('admin API: user routes whose store is not configured', () => {
  const fx = createAdminFixture({
    rbacStore: undefined,
    userMetadataStore: undefined,
    linkedAccountsStore: undefined,
    tenantStore: undefined,
  });
  beforeAll(() => fx.users.create({ id: 'dee', email: 'dee@example.test' }));

  it.each([
    ['get', '/users/dee/roles'],
    ['post', '/users/dee/roles'],
    ['delete', '/users/dee/roles/editor'],
    ['get', '/users/dee/metadata'],
    ['put', '/users/dee/metadata'],
    ['get', '/users/dee/linked-accounts'],
    ['get', '/users/dee/tenants'],
  ] as const)('%s %s answers 404 FEATURE_NOT_ENABLED', async (method, path) => {
    const res = await fx.api[method](path).send({ role: 'x' });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('FEATURE_NOT_ENABLED');
  });

  it('still asks for the secret first', async () => {
    expect((await request(fx.app).get('/admin/api/users/dee/roles')).status).toBe(401);
  });
});
