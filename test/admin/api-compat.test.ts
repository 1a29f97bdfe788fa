// The admin API over stores written the way the reference SDK documents them: listings that
// take (limit, offset), getAllRoles() answering role names, an API key store that lists with
// listAll, a webhook store with listAll/add/update/remove and no findById. Each is adapted when
// the router is built; the one that cannot be is refused at start-up with the fix. The user and
// roles stores need no cast: keyward's interfaces accept the reference's signatures.
import express from 'express';
import request from 'supertest';
import {
  AuthConfigError,
  InMemoryApiKeyStore,
  createAdminRouter,
  type ApiKey,
  type AdminRouterOptions,
  type BaseUser,
  type ISettingsStore,
  type ISessionStore,
  type SessionInfo,
  type WebhookConfig,
} from 'keyward';
import { ADMIN_SECRET } from './api-setup';

/** A user store as the reference documents it: `listUsers(limit, offset)`, no filter. */
class ReferenceUserStore {
  readonly users: BaseUser[] = [];
  async findByEmail(email: string) {
    return this.users.find((u) => u.email === email) ?? null;
  }
  async findById(id: string) {
    return this.users.find((u) => u.id === id) ?? null;
  }
  async create(data: Partial<BaseUser>) {
    const user: BaseUser = { id: `u${this.users.length + 1}`, email: '', ...data };
    this.users.push(user);
    return user;
  }
  async updateRefreshToken() {}
  async updateResetToken() {}
  async updatePassword() {}
  async listUsers(limit: number, offset: number): Promise<BaseUser[]> {
    return this.users.slice(offset, offset + limit);
  }
  async deleteUser(id: string) {
    this.users.splice(
      this.users.findIndex((u) => u.id === id),
      1,
    );
  }
}

/** An RBAC store whose getAllRoles() answers names, as the reference's does. */
class ReferenceRbacStore {
  readonly roles = new Map<string, string[]>();
  async addRoleToUser() {}
  async removeRoleFromUser() {}
  async getRolesForUser() {
    return [];
  }
  async createRole(role: string, permissions: string[] = []) {
    this.roles.set(role, permissions);
  }
  async deleteRole(role: string) {
    this.roles.delete(role);
  }
  async addPermissionToRole() {}
  async removePermissionFromRole() {}
  async getPermissionsForRole(role: string) {
    return this.roles.get(role) ?? [];
  }
  async getPermissionsForUser() {
    return [];
  }
  async userHasPermission() {
    return false;
  }
  async getAllRoles(): Promise<string[]> {
    return [...this.roles.keys()];
  }
}

/** A session store whose admin listing is `getAllSessions(limit, offset)`. */
class ReferenceSessionStore {
  readonly sessions: SessionInfo[] = [];
  async createSession(info: Omit<SessionInfo, 'sessionHandle'>) {
    const session = { sessionHandle: `s${this.sessions.length + 1}`, ...info };
    this.sessions.push(session);
    return session;
  }
  async getSession(handle: string) {
    return this.sessions.find((s) => s.sessionHandle === handle) ?? null;
  }
  async getSessionsForUser(userId: string) {
    return this.sessions.filter((s) => s.userId === userId);
  }
  async updateSessionLastActive() {}
  async revokeSession(handle: string) {
    this.sessions.splice(
      this.sessions.findIndex((s) => s.sessionHandle === handle),
      1,
    );
  }
  async revokeAllSessionsForUser() {}
  async getAllSessions(limit: number, offset: number) {
    return this.sessions.slice(offset, offset + limit);
  }
}

/** A webhook store with the reference's admin methods and no findById. */
class ReferenceWebhookStore {
  readonly hooks: WebhookConfig[] = [];
  async findByEvent() {
    return [];
  }
  async listAll(limit: number, offset: number) {
    return this.hooks.slice(offset, offset + limit);
  }
  async add(config: WebhookConfig) {
    this.hooks.push(config);
  }
  async update(id: string, changes: Partial<WebhookConfig>) {
    const hook = this.hooks.find((h) => h.id === id);
    if (hook) Object.assign(hook, changes);
  }
  async remove(id: string) {
    this.hooks.splice(
      this.hooks.findIndex((h) => h.id === id),
      1,
    );
  }
}

/** One field of every row of a listing answer. */
function field(res: request.Response, list: string, name: string): unknown[] {
  const rows = (res.body as Record<string, Array<Record<string, unknown>>>)[list] ?? [];
  return rows.map((row) => row[name]);
}

function adminApp(
  userStore: ReferenceUserStore,
  options: Partial<AdminRouterOptions> = {},
): (path: string) => request.Test {
  const app = express();
  app.use('/admin', createAdminRouter(userStore, { adminSecret: ADMIN_SECRET, ...options }));
  return (path: string) =>
    request(app).get(`/admin/api${path}`).set('Authorization', `Bearer ${ADMIN_SECRET}`);
}

describe('admin API over reference-shaped stores', () => {
  const userStore = new ReferenceUserStore();
  beforeAll(async () => {
    for (let i = 1; i <= 130; i++) {
      await userStore.create({
        email: `user${i}@example.test`,
        firstName: i === 117 ? 'Grace' : null,
      });
    }
  });

  it('lists users from listUsers(limit, offset), paged by the store', async () => {
    const get = adminApp(userStore);
    const first = await get('/users?limit=10&offset=0');
    expect(first.status).toBe(200);
    expect(field(first, 'users', 'email')).toEqual(
      Array.from({ length: 10 }, (_, i) => `user${i + 1}@example.test`),
    );
    expect(first.body.hasMore).toBe(true);
    const last = await get('/users?limit=20&offset=120');
    expect(field(last, 'users', 'email')).toEqual(
      Array.from({ length: 10 }, (_, i) => `user${i + 121}@example.test`),
    );
    expect(last.body.hasMore).toBe(false);
  });

  it('filters a listing the store cannot filter, across its pages', async () => {
    const get = adminApp(userStore);
    const byEmail = await get('/users?filter=USER12');
    expect(field(byEmail, 'users', 'email')).toEqual([
      'user12@example.test',
      ...Array.from({ length: 10 }, (_, i) => `user${120 + i}@example.test`),
    ]);
    const byName = await get('/users?filter=grace');
    expect(field(byName, 'users', 'id')).toEqual(['u117']);
    const paged = await get('/users?filter=user12&limit=5&offset=5');
    expect(field(paged, 'users', 'email')).toEqual(
      Array.from({ length: 5 }, (_, i) => `user${124 + i}@example.test`),
    );
  });

  it('gets and deletes a single user of the reference-shaped store', async () => {
    const store = new ReferenceUserStore();
    const user = await store.create({ email: 'ada@example.test' });
    const app = express();
    app.use('/admin', createAdminRouter(store, { adminSecret: ADMIN_SECRET }));
    const one = await request(app)
      .get(`/admin/api/users/${user.id}`)
      .set('Authorization', `Bearer ${ADMIN_SECRET}`);
    expect(one.body).toMatchObject({ id: user.id, email: 'ada@example.test' });
    const del = await request(app)
      .delete(`/admin/api/users/${user.id}`)
      .set('Authorization', `Bearer ${ADMIN_SECRET}`);
    expect(del.status).toBe(200);
    expect(store.users).toEqual([]);
  });

  it('lists roles from getAllRoles(): string[] with their permissions, and deletes one', async () => {
    const rbacStore = new ReferenceRbacStore();
    await rbacStore.createRole('editor', ['posts:read', 'posts:write']);
    await rbacStore.createRole('viewer');
    const app = express();
    app.use(
      '/admin',
      createAdminRouter(userStore, {
        adminSecret: ADMIN_SECRET,
        rbacStore,
      }),
    );
    const auth = { Authorization: `Bearer ${ADMIN_SECRET}` };
    const listed = await request(app).get('/admin/api/roles').set(auth);
    expect(listed.status).toBe(200);
    expect(listed.body.roles).toEqual([
      { name: 'editor', permissions: ['posts:read', 'posts:write'] },
      { name: 'viewer', permissions: [] },
    ]);
    // Deleting first checks that the role exists, through the same adapted listing.
    expect((await request(app).delete('/admin/api/roles/viewer').set(auth)).status).toBe(200);
    expect([...rbacStore.roles.keys()]).toEqual(['editor']);
    expect((await request(app).delete('/admin/api/roles/nobody').set(auth)).status).toBe(404);
  });

  it('lists sessions from getAllSessions(limit, offset), filtered by user id', async () => {
    const sessionStore = new ReferenceSessionStore();
    for (const userId of ['u1', 'u2', 'u1']) {
      await sessionStore.createSession({
        userId,
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 3_600_000),
      });
    }
    const get = adminApp(userStore, { sessionStore: sessionStore as unknown as ISessionStore });
    const all = await get('/sessions');
    expect(field(all, 'sessions', 'sessionHandle')).toEqual(['s1', 's2', 's3']);
    const mine = await get('/sessions?filter=u2');
    expect(field(mine, 'sessions', 'sessionHandle')).toEqual(['s2']);
  });

  it('lists API keys from listAll(limit, offset) when the store has no listKeys', async () => {
    const inner = new InMemoryApiKeyStore();
    const keys: ApiKey[] = [];
    // The reference's store: save/find/revoke plus listAll, no listKeys.
    const apiKeyStore = {
      save: async (key: ApiKey) => {
        keys.push(key);
        await inner.save(key);
      },
      findByPrefix: (prefix: string) => inner.findByPrefix(prefix),
      findById: (id: string) => inner.findById(id),
      revoke: (id: string) => inner.revoke(id),
      updateLastUsed: (id: string, at?: Date) => inner.updateLastUsed(id, at),
      listAll: async (limit: number, offset: number) => keys.slice(offset, offset + limit),
    };
    const app = express();
    app.use(
      '/admin',
      createAdminRouter(userStore, {
        adminSecret: ADMIN_SECRET,
        apiKeyStore,
      }),
    );
    const auth = { Authorization: `Bearer ${ADMIN_SECRET}` };
    const created = await request(app)
      .post('/admin/api/api-keys')
      .set(auth)
      .send({ name: 'stripe-webhook' });
    expect(created.status).toBe(201);
    const listed = await request(app).get('/admin/api/api-keys').set(auth);
    expect(listed.status).toBe(200);
    expect(field(listed, 'apiKeys', 'name')).toEqual(['stripe-webhook']);
    const ping = await request(app).get('/admin/api/ping').set(auth);
    expect(ping.body.features.apiKeys).toBe(true);
  });

  it('finds, changes and deletes webhooks of a store without findById', async () => {
    const webhookStore = new ReferenceWebhookStore();
    webhookStore.hooks.push({
      id: 'wh_1',
      url: 'https://hooks.example.test/in',
      events: ['identity.user.created'],
      isActive: true,
    });
    const app = express();
    app.use(
      '/admin',
      createAdminRouter(userStore, {
        adminSecret: ADMIN_SECRET,
        webhookStore,
      }),
    );
    const auth = { Authorization: `Bearer ${ADMIN_SECRET}` };
    const patched = await request(app)
      .patch('/admin/api/webhooks/wh_1')
      .set(auth)
      .send({ isActive: false });
    expect(patched.status).toBe(200);
    expect(webhookStore.hooks[0]?.isActive).toBe(false);
    expect((await request(app).delete('/admin/api/webhooks/wh_1').set(auth)).status).toBe(200);
    expect(webhookStore.hooks).toEqual([]);
    expect((await request(app).delete('/admin/api/webhooks/wh_1').set(auth)).status).toBe(404);
  });

  it('refuses at start-up a webhook store that changes webhooks but can neither find nor list them', () => {
    const webhookStore = {
      findByEvent: async () => [],
      update: async () => undefined,
      remove: async () => undefined,
    };
    const build = () =>
      createAdminRouter(userStore, {
        adminSecret: ADMIN_SECRET,
        webhookStore,
      });
    expect(build).toThrow(AuthConfigError);
    expect(build).toThrow(/add findById\(id\)/);
  });
});

describe('admin API answers the reference returns bare', () => {
  it('GET /users/:id, /users/:id/metadata and /settings answer the objects themselves', async () => {
    const store = new ReferenceUserStore();
    const user = await store.create({ email: 'lin@example.test', role: 'user' });
    // The settings store exactly as the reference's documentation writes it.
    const settings: Record<string, unknown> = { require2FA: false };
    const metadata: Record<string, Record<string, unknown>> = { [user.id]: { plan: 'pro' } };
    const get = adminApp(store, {
      settingsStore: {
        async getSettings() {
          return { ...settings };
        },
        async updateSettings(s: Record<string, unknown>) {
          Object.assign(settings, s);
        },
      },
      userMetadataStore: {
        getMetadata: async (id: string) => metadata[id] ?? {},
        updateMetadata: async () => undefined,
        clearMetadata: async () => undefined,
      },
    });
    const one = await get(`/users/${user.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: user.id, email: 'lin@example.test', role: 'user' });
    expect(one.body).not.toHaveProperty('user');
    expect((await get(`/users/${user.id}/metadata`)).body).toEqual({ plan: 'pro' });
    expect((await get('/settings')).body).toEqual({ require2FA: false });
  });

  it('answers {} for a settings store with no row yet (undefined)', async () => {
    const get = adminApp(new ReferenceUserStore(), {
      // db('settings').first() on an empty table: undefined, which the types do not allow.
      settingsStore: {
        getSettings: async () => undefined,
        updateSettings: async () => undefined,
      } as unknown as ISettingsStore,
    });
    const res = await get('/settings');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
  });
});
