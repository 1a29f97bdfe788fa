// POST /auth/register with an onRegister written as the reference SDK documents it: the third
// argument is the options the router was built with, so the callback can reach its stores.
import request from 'supertest';
import { InMemoryRolesPermissionsStore, type RouterOptions } from 'keyward';
import { PASSWORD, createTestApp } from './helpers/app';

describe('onRegister(data, config, options)', () => {
  const rbacStore = new InMemoryRolesPermissionsStore();
  const seen: Array<RouterOptions | undefined> = [];
  const t = createTestApp({
    router: {
      rbacStore,
      onRegister: async (data, config, options) => {
        seen.push(options);
        const user = await t.store.create({
          email: data['email'] as string,
          password: await t.auth.passwordService.hash(data['password'] as string),
          loginProvider: 'local',
        });
        // What the third argument is for: the router's own stores.
        await options.rbacStore?.addRoleToUser(user.id, 'member');
        expect(config.accessTokenSecret).toBeDefined();
        return user;
      },
    },
  });
  afterAll(() => t.close());

  it("receives the router's options as the third argument", async () => {
    const res = await request(t.app)
      .post('/auth/register')
      .send({ email: 'third-arg@example.test', password: PASSWORD });
    expect(res.status).toBe(201);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.rbacStore).toBe(rbacStore);
    expect(seen[0]?.onRegister).toEqual(expect.any(Function));
    expect(await rbacStore.getRolesForUser(res.body.userId)).toEqual(['member']);
  });
});
