import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { InMemorySessionStore, InMemoryUserStore, type AuthConfig } from 'keyward';
import { AppModule } from '../examples/nestjs/app.module';
import { registerWithPassword } from '../examples/shared/setup';

const config: AuthConfig = {
  accessTokenSecret: 'nest-test-access-secret-0123456789abcdefghijk',
  refreshTokenSecret: 'nest-test-refresh-secret-0123456789abcdefghij',
  bcryptSaltRounds: 4,
  csrf: { enabled: true },
};
const password = 'nest password 1';

async function bootApp(globalPrefix?: string): Promise<INestApplication> {
  const app = await NestFactory.create(
    AppModule.forRoot({
      config,
      userStore: new InMemoryUserStore(),
      sessionStore: new InMemorySessionStore(),
      router: (auth) => ({ onRegister: registerWithPassword(auth) }),
    }),
    { logger: false },
  );
  if (globalPrefix) app.setGlobalPrefix(globalPrefix);
  await app.init();
  return app;
}

/** The claims inside a JWT, read without verifying (the server verified it). */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

describe('NestJS example (AuthModule, JwtAuthGuard, @CurrentUser)', () => {
  let app: INestApplication;
  let server: Parameters<typeof request>[0];
  let accessToken: string;

  beforeAll(async () => {
    app = await bootApp();
    server = app.getHttpServer() as Parameters<typeof request>[0];
    const reg = await request(server)
      .post('/auth/register')
      .send({ email: 'nest@example.test', password, firstName: 'Nestor' });
    expect(reg.status).toBe(201);
    const login = await request(server)
      .post('/auth/login')
      .set('X-Auth-Strategy', 'bearer')
      .send({ email: 'nest@example.test', password });
    expect(login.status).toBe(200);
    accessToken = login.body.accessToken as string;
  });

  afterAll(async () => {
    await app.close();
  });

  it('forwards /auth requests, query string included, to the keyward router', async () => {
    const me = await request(server)
      .get('/auth/me?fields=all')
      .set('Authorization', `Bearer ${accessToken}`);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('nest@example.test');
  });

  it('refuses a second registration of the same email through the forwarded router', async () => {
    const again = await request(server)
      .post('/auth/register')
      .send({ email: 'nest@example.test', password });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('EMAIL_IN_USE');
  });

  it('lets the guarded route through with a bearer token', async () => {
    const res = await request(server).get('/profile').set('Authorization', `Bearer ${accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body.firstName).toBe('Nestor');
  });

  it('lets the guarded route through with the access cookie set by a cookie login', async () => {
    const agent = request.agent(server);
    const login = await agent.post('/auth/login').send({ email: 'nest@example.test', password });
    expect(login.status).toBe(200);
    expect(login.body.accessToken).toBeUndefined();
    const res = await agent.get('/profile');
    expect(res.status).toBe(200);
    expect(res.body.claims.email).toBe('nest@example.test');
  });

  it('answers 401 with keyward’s error body when the token is missing or invalid', async () => {
    const missing = await request(server).get('/profile');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: 'Authentication required', code: 'UNAUTHORIZED' });
    const invalid = await request(server)
      .get('/profile')
      .set('Authorization', `Bearer ${accessToken}x`);
    expect(invalid.status).toBe(401);
    expect(invalid.body.code).toBe('INVALID_TOKEN');
  });

  it('gives @CurrentUser() the verified token claims and @CurrentUser(claim) one of them', async () => {
    const res = await request(server).get('/profile').set('Authorization', `Bearer ${accessToken}`);
    expect(res.body.claims).toEqual(claimsOf(accessToken));
    expect(res.body.claims.typ).toBe('access');
    const email = await request(server)
      .get('/profile/email')
      .set('Authorization', `Bearer ${accessToken}`);
    expect(email.body).toEqual({ email: 'nest@example.test' });
  });

  it('leaves paths the router does not serve to Nest’s 404', async () => {
    const res = await request(server).get('/auth/no-such-endpoint');
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('Cannot GET /auth/no-such-endpoint');
  });
});

describe('NestJS example under a global prefix', () => {
  let app: INestApplication;
  afterAll(async () => {
    await app.close();
  });

  it('serves the auth endpoints and the guard under the prefix', async () => {
    app = await bootApp('api');
    const server = app.getHttpServer() as Parameters<typeof request>[0];
    const reg = await request(server)
      .post('/api/auth/register')
      .send({ email: 'prefixed@example.test', password });
    expect(reg.status).toBe(201);
    const login = await request(server)
      .post('/api/auth/login')
      .set('X-Auth-Strategy', 'bearer')
      .send({ email: 'prefixed@example.test', password });
    expect(login.status).toBe(200);
    const profile = await request(server)
      .get('/api/profile')
      .set('Authorization', `Bearer ${login.body.accessToken as string}`);
    expect(profile.status).toBe(200);
    expect(profile.body.claims.email).toBe('prefixed@example.test');
  });
});
