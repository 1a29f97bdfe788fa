import Database from 'better-sqlite3';
import express from 'express';
import request from 'supertest';
import { createAdminRouter, type BaseUser } from 'keyward';
import { createSqlStores } from 'keyward/sql';
import { ADMIN_SECRET, SECRET_FIELDS } from './api-setup';

describe('admin API on SQLite stores (createSqlStores)', () => {
  // better-sqlite3 reports every statement it runs, so the test can see where paging happens.
  const statements: string[] = [];
  const database = new Database(':memory:', { verbose: (sql) => statements.push(String(sql)) });
  const stores = createSqlStores({ dialect: 'sqlite', database });
  const app = express();
  app.use(
    '/admin',
    createAdminRouter(stores.userStore, {
      adminSecret: ADMIN_SECRET,
      sessionStore: stores.sessionStore,
      rbacStore: stores.rbacStore,
      tenantStore: stores.tenantStore,
      userMetadataStore: stores.metadataStore,
      settingsStore: stores.settingsStore,
      linkedAccountsStore: stores.linkedAccountsStore,
      twoFactorStore: stores.twoFactorStore,
    }),
  );
  const get = (path: string) =>
    request(app).get(`/admin/api${path}`).set('Authorization', `Bearer ${ADMIN_SECRET}`);
  const del = (path: string) =>
    request(app).delete(`/admin/api${path}`).set('Authorization', `Bearer ${ADMIN_SECRET}`);

  beforeAll(async () => {
    await stores.migrate();
    for (let i = 0; i < 60; i++) {
      const n = String(i).padStart(2, '0');
      await stores.userStore.create({
        email: `member${n}@example.test`,
        firstName: i < 15 ? 'Marie' : 'Pierre',
        lastName: `Curie${n}`,
        password: '$2b$04$abcdefghijklmnopqrstuuD3Y7y9m7n1xj1mVw0kJbqkHQ0s8R7uK',
        resetToken: 'a'.repeat(64),
      });
    }
  });
  afterAll(() => stores.destroy());

  function userSelects(): string[] {
    return statements.filter((s) => /^select/i.test(s) && /from "keyward_users"/i.test(s));
  }

  it('pages through 60 users with LIMIT/OFFSET in SQL', async () => {
    const emails: string[] = [];
    for (const offset of [0, 20, 40]) {
      statements.length = 0;
      const res = await get(`/users?limit=20&offset=${offset}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 60, limit: 20, offset, hasMore: offset < 40 });
      emails.push(...(res.body.users as BaseUser[]).map((u) => u.email));
      for (const user of res.body.users)
        for (const f of SECRET_FIELDS) expect(user).not.toHaveProperty(f);
      // One more row than the page (21), from this page's offset: the database does the paging.
      const limits = userSelects().map((s) => /limit ([\d.]+) offset ([\d.]+)/i.exec(s));
      expect(limits.filter(Boolean).map((m) => [Number(m![1]), Number(m![2])])).toEqual([
        [21, offset],
      ]);
      expect(userSelects().some((s) => /count\(\*\)/i.test(s))).toBe(true);
    }
    expect(emails).toEqual(
      Array.from({ length: 60 }, (_, i) => `member${String(i).padStart(2, '0')}@example.test`),
    );
  });

  it('filters in SQL (a WHERE on the lower-cased columns) and counts the matches', async () => {
    statements.length = 0;
    const res = await get('/users?filter=MARIE&limit=10');
    expect(res.body).toMatchObject({ total: 15, hasMore: true });
    expect(res.body.users).toHaveLength(10);
    for (const user of res.body.users) expect(user.firstName).toBe('Marie');
    expect(userSelects().some((s) => /where .*first_name_lower/i.test(s))).toBe(true);
    // A % in the filter is a literal character, not a wildcard.
    expect((await get('/users?filter=%25')).body).toMatchObject({ users: [], total: 0 });
  });

  it('lists sessions from SQL and deletes a user with everything they own', async () => {
    const [victim] = await stores.userStore.listUsers({ limit: 1 });
    const session = await stores.sessionStore.createSession({
      userId: victim!.id,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 3600_000),
      ipAddress: '198.51.100.7',
    });
    await stores.metadataStore.updateMetadata(victim!.id, { plan: 'pro' });
    await stores.rbacStore.addRoleToUser(victim!.id, 'editor');

    const listed = await get('/sessions?filter=198.51.100');
    expect(
      (listed.body.sessions as Array<{ sessionHandle: string }>).map((s) => s.sessionHandle),
    ).toEqual([session.sessionHandle]);

    expect((await del(`/users/${victim!.id}`)).status).toBe(200);
    expect(await stores.userStore.findById(victim!.id)).toBeNull();
    expect(await stores.sessionStore.getSession(session.sessionHandle)).toBeNull();
    expect(await stores.metadataStore.getMetadata(victim!.id)).toEqual({});
    expect(await stores.rbacStore.getRolesForUser(victim!.id)).toEqual([]);
    expect((await get('/users?limit=1')).body.total).toBe(59);
  });
});
