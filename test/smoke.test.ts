import request from 'supertest';
import { bearerLogin, createTestApp } from './helpers/app';

describe('smoke', () => {
  const t = createTestApp();
  afterAll(() => t.close());

  it('logs in and reaches a protected route with the bearer token', async () => {
    const user = await t.createUser();
    const { accessToken } = await bearerLogin(t.app, user.email);
    const res = await request(t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body.user.sub).toBe(user.id);
  });
});
