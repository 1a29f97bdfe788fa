import request from 'supertest';
import { PasswordService, type RouterOptions } from 'keyward';
import { PASSWORD, appFactory, bearerLoginRequest, type TestApp } from './helpers/app';

const app = appFactory();

describe('PasswordService.hash (the reference: new PasswordService(), hash(password, rounds))', () => {
  const passwordService = new PasswordService({ algorithm: 'bcrypt' });
  afterAll(() => passwordService.close());

  it('hashes a short password as given: hashing is not policy', async () => {
    const hash = await passwordService.hash('1234', 4);
    expect(hash).not.toContain('1234');
    expect(await passwordService.compare('1234', hash)).toBe(true);
    expect(await passwordService.compare('12345', hash)).toBe(false);
  });

  it('hashes a common password as given', async () => {
    const hash = await passwordService.hash('password', 4);
    expect(await passwordService.compare('password', hash)).toBe(true);
  });

  it('still refuses a password over the maximum length, which bounds the work', async () => {
    await expect(passwordService.hash('x'.repeat(257), 4)).rejects.toMatchObject({
      code: 'PASSWORD_TOO_LONG',
    });
  });
});

describe('the password policy stays at the endpoints', () => {
  const created: string[] = [];
  // The reference's onRegister: it only hashes, and relies on the endpoint for the rules.
  const onRegister: NonNullable<RouterOptions['onRegister']> = async (data, config) => {
    const hash = await t.auth.passwordService.hash(
      data['password'] as string,
      config.bcryptSaltRounds,
    );
    created.push(data['email'] as string);
    return t.store.create({
      email: data['email'] as string,
      password: hash,
      loginProvider: 'local',
    });
  };
  const t: TestApp = app({ router: { onRegister } });

  it('POST /register refuses a short password before onRegister runs', async () => {
    const res = await request(t.app)
      .post('/auth/register')
      .send({ email: 'short@example.test', password: 'abc' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('PASSWORD_TOO_SHORT');
    expect(created).not.toContain('short@example.test');
    expect(await t.store.findByEmail('short@example.test')).toBeNull();
  });

  it('POST /register refuses a common password before onRegister runs', async () => {
    const res = await request(t.app)
      .post('/auth/register')
      .send({ email: 'common@example.test', password: 'password123' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('PASSWORD_TOO_COMMON');
    expect(await t.store.findByEmail('common@example.test')).toBeNull();
  });

  it('POST /register accepts a good password and the user signs in with it', async () => {
    const res = await request(t.app)
      .post('/auth/register')
      .send({ email: 'fine@example.test', password: PASSWORD });
    expect(res.status).toBe(201);
    expect((await bearerLoginRequest(t.app, 'fine@example.test')).status).toBe(200);
  });

  it('POST /change-password still refuses a short new password', async () => {
    const user = await t.createUser();
    const login = await bearerLoginRequest(t.app, user.email);
    const res = await request(t.app)
      .post('/auth/change-password')
      .set('Authorization', `Bearer ${login.body.accessToken as string}`)
      .send({ currentPassword: PASSWORD, newPassword: 'abc' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('PASSWORD_TOO_SHORT');
  });
});
