import request from 'supertest';
import { AuthConfigError, AuthConfigurator, InMemoryUserStore, type AuthConfig } from 'keyward';
import { ACCESS_SECRET, PASSWORD, REFRESH_SECRET, appFactory, type TestApp } from './helpers/app';

const app = appFactory();
const SITES = ['https://app.example.test', 'https://other.example.test', 'myapp://auth'];

/** POST /auth/forgot-password for a new user with an Origin; resolves with the mailed link. */
async function resetLinkFrom(t: TestApp, origin: string | undefined): Promise<string> {
  const user = await t.createUser();
  const mail = t.nextMail();
  const req = request(t.app).post('/auth/forgot-password');
  if (origin) req.set('Origin', origin);
  expect((await req.send({ email: user.email })).status).toBe(200);
  return (await mail).link!;
}

describe('email.siteUrl as a list of origins and app links', () => {
  const t = app({ config: { email: { siteUrl: SITES } }, captureMagicLinks: true });

  describe('attacks', () => {
    it('an Origin outside the list does not steer a reset link: the first site is used', async () => {
      const link = await resetLinkFrom(t, 'https://evil.example');
      expect(link.startsWith('https://app.example.test/auth/reset-password?token=')).toBe(true);
    });

    it('a look-alike Origin (other port, scheme or subdomain) does not steer it either', async () => {
      for (const origin of [
        'https://other.example.test:8443',
        'http://other.example.test',
        'https://x.other.example.test',
        'null',
      ]) {
        expect(await resetLinkFrom(t, origin)).toMatch(/^https:\/\/app\.example\.test\//);
      }
    });

    it('an Origin outside the list does not steer a magic link', async () => {
      const user = await t.createUser();
      const mail = t.nextMail();
      await request(t.app)
        .post('/auth/magic-link/send')
        .set('Origin', 'https://evil.example')
        .send({ email: user.email })
        .expect(200);
      expect((await mail).link).toMatch(
        /^https:\/\/app\.example\.test\/auth\/magic-link\/verify\?/,
      );
    });

    it('a cookie sign-in from the opaque Origin null is still refused (no app link trusts it)', async () => {
      const user = await t.createUser();
      const res = await request(t.app)
        .post('/auth/login')
        .set('Origin', 'null')
        .send({ email: user.email, password: PASSWORD });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('CSRF_ORIGIN_MISMATCH');
    });
  });

  it('a request from a listed origin gets links to that origin', async () => {
    expect(await resetLinkFrom(t, 'https://other.example.test')).toMatch(
      /^https:\/\/other\.example\.test\/auth\/reset-password\?token=/,
    );
  });

  it('a request without Origin (a server, a mobile app) gets the first site', async () => {
    expect(await resetLinkFrom(t, undefined)).toMatch(/^https:\/\/app\.example\.test\//);
  });

  it('a magic link from a listed origin points there', async () => {
    const user = await t.createUser();
    const mail = t.nextMail();
    await request(t.app)
      .post('/auth/magic-link/send')
      .set('Origin', 'https://other.example.test')
      .send({ email: user.email })
      .expect(200);
    expect((await mail).link).toMatch(
      /^https:\/\/other\.example\.test\/auth\/magic-link\/verify\?/,
    );
  });

  it('a verification mail from a listed origin points there', async () => {
    const user = await t.createUser();
    const login = await request(t.app)
      .post('/auth/login')
      .set('X-Auth-Strategy', 'bearer')
      .send({ email: user.email, password: PASSWORD });
    const mail = t.nextMail();
    await request(t.app)
      .post('/auth/send-verification-email')
      .set('Origin', 'https://other.example.test')
      .set('Authorization', `Bearer ${login.body.accessToken as string}`)
      .send({})
      .expect(200);
    expect((await mail).link).toMatch(
      /^https:\/\/other\.example\.test\/auth\/verify-email\?token=/,
    );
  });

  it('a listed origin may sign in with cookies (the origin check trusts every web entry)', async () => {
    const user = await t.createUser();
    const res = await request(t.app)
      .post('/auth/login')
      .set('Origin', 'https://other.example.test')
      .send({ email: user.email, password: PASSWORD });
    expect(res.status).toBe(200);
  });
});

describe('email.siteUrl as an app link', () => {
  const t = app({ config: { email: { siteUrl: 'myapp://auth' } } });

  it('mails links on the app link', async () => {
    expect(await resetLinkFrom(t, undefined)).toMatch(
      /^myapp:\/\/auth\/auth\/reset-password\?token=/,
    );
  });
});

describe('email.siteUrl validation', () => {
  const build = (siteUrl: unknown) => () =>
    new AuthConfigurator(
      {
        accessTokenSecret: ACCESS_SECRET,
        refreshTokenSecret: REFRESH_SECRET,
        email: { siteUrl },
      } as AuthConfig,
      new InMemoryUserStore(),
    );

  it.each([
    'javascript:alert(1)',
    'javascript://auth/%0aalert(1)',
    'data:text/html,hi',
    'data://auth/x',
    'file:///etc/passwd',
    'vbscript://auth',
    'blob://auth/x',
    'myapp:no-slashes',
    'myapp://user:pw@auth',
    'not a url',
  ])('refuses %s', (siteUrl) => {
    expect(build(siteUrl)).toThrow(AuthConfigError);
    expect(build(['https://app.example.test', siteUrl])).toThrow(AuthConfigError);
  });

  it('refuses an empty list', () => {
    expect(build([])).toThrow(AuthConfigError);
  });

  it.each([
    'https://app.example.test',
    'myapp://auth',
    'myapp://auth/callback',
    'com.example.app://oauth',
  ])('accepts %s', async (siteUrl) => {
    const auth = build([siteUrl, 'https://app.example.test'])();
    try {
      expect(auth.config.siteUrls).toContain(siteUrl);
    } finally {
      await auth.close();
    }
  });
});
