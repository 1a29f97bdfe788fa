import request from 'supertest';
import type { AuthConfig } from 'keyward';
import { PASSWORD, appFactory, cookieLine, setCookies, type TestApp } from './helpers/app';

const app = appFactory();

/** Runs `fn` with NODE_ENV as given (undefined: unset), restoring it afterwards. */
async function withNodeEnv<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  // Typed read-only by some environment typings; it is an ordinary property at run time.
  const env = process.env as Record<string, string | undefined>;
  const saved = env.NODE_ENV;
  if (value === undefined) delete env.NODE_ENV;
  else env.NODE_ENV = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete env.NODE_ENV;
    else env.NODE_ENV = saved;
  }
}

/** The app is built inside `withNodeEnv`: the default is decided when the config is resolved. */
function appWith(config: Partial<AuthConfig>): TestApp {
  return app({ config });
}

async function cookieLogin(t: TestApp) {
  const user = await t.createUser();
  const res = await request(t.app)
    .post('/auth/login')
    .send({ email: user.email, password: PASSWORD });
  expect(res.status).toBe(200);
  return res;
}

/** The session cookies of a login: access and refresh, whatever their prefix. */
function sessionCookieLines(res: request.Response): string[] {
  const lines = setCookies(res).filter((l) =>
    /^(__Host-|__Secure-)?(access|refresh)Token=/.test(l),
  );
  expect(lines).toHaveLength(2);
  return lines;
}

const isSecure = (line: string) => /;\s*Secure(;|$)/i.test(line);

describe('Secure cookies follow the site URL', () => {
  it('marks every auth cookie Secure on an https site with NODE_ENV unset', async () => {
    await withNodeEnv(undefined, async () => {
      const t = appWith({
        email: { siteUrl: 'https://app.example.test' },
        csrf: { enabled: true },
      });
      const res = await cookieLogin(t);
      for (const line of sessionCookieLines(res)) expect(isSecure(line)).toBe(true);
      expect(isSecure(cookieLine(res, 'csrf-token')!)).toBe(true);
    });
  });

  it('marks them Secure on an https site with NODE_ENV=development', async () => {
    await withNodeEnv('development', async () => {
      const t = appWith({ email: { siteUrl: 'https://app.example.test' } });
      for (const line of sessionCookieLines(await cookieLogin(t)))
        expect(isSecure(line)).toBe(true);
    });
  });

  it('clears them with Secure too, so the browser matches the cookies it holds', async () => {
    await withNodeEnv(undefined, async () => {
      const t = appWith({ email: { siteUrl: 'https://app.example.test' } });
      const out = await request(t.app).post('/auth/logout');
      for (const line of sessionCookieLines(out)) expect(isSecure(line)).toBe(true);
    });
  });

  for (const siteUrl of ['http://localhost:3000', 'http://127.0.0.1:8080']) {
    it(`leaves Secure off for local development at ${siteUrl}, even with NODE_ENV=production`, async () => {
      await withNodeEnv('production', async () => {
        const t = appWith({ email: { siteUrl } });
        for (const line of sessionCookieLines(await cookieLogin(t))) {
          expect(isSecure(line)).toBe(false);
        }
      });
    });
  }

  it('without a site URL keeps the NODE_ENV rule (Secure in production only)', async () => {
    await withNodeEnv('production', async () => {
      const t = appWith({ email: { siteUrl: undefined } });
      for (const line of sessionCookieLines(await cookieLogin(t)))
        expect(isSecure(line)).toBe(true);
    });
    await withNodeEnv(undefined, async () => {
      const t = appWith({ email: { siteUrl: undefined } });
      for (const line of sessionCookieLines(await cookieLogin(t)))
        expect(isSecure(line)).toBe(false);
    });
  });

  it('lets cookieOptions.secure override the site URL either way', async () => {
    await withNodeEnv(undefined, async () => {
      const off = appWith({
        email: { siteUrl: 'https://app.example.test' },
        cookieOptions: { secure: false },
      });
      for (const line of sessionCookieLines(await cookieLogin(off))) {
        expect(isSecure(line)).toBe(false);
      }
      const on = appWith({
        email: { siteUrl: 'http://localhost:3000' },
        cookieOptions: { secure: true },
      });
      for (const line of sessionCookieLines(await cookieLogin(on)))
        expect(isSecure(line)).toBe(true);
    });
  });

  it('keeps the unprefixed names on an https site: __Host- stays opt-in (hostPrefix)', async () => {
    await withNodeEnv(undefined, async () => {
      const t = appWith({ email: { siteUrl: 'https://app.example.test' } });
      const res = await cookieLogin(t);
      expect(cookieLine(res, 'accessToken')).toBeDefined();
      expect(cookieLine(res, 'refreshToken')).toBeDefined();
      expect(cookieLine(res, '__Host-accessToken')).toBeUndefined();
    });
  });
});
