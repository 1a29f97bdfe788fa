import {
  InMemoryLinkedAccountsStore,
  InMemoryUserStore,
  type OAuthClientAuthMethod,
} from 'keyward';
import { createTestApp, type TestApp } from '../helpers/app';
import { CookieJar, browse, send, type BrowseOptions } from './browser';
import { startFakeGithub, type FakeGithub } from './github-api';
import { startServer, type LocalServer } from './servers';
import { AppGithubStrategy } from './strategies';

const CLIENT_ID = 'Iv1.keyward-test';
const CLIENT_SECRET = 'github-client-secret-0123456789';

interface GithubEnv {
  t: TestApp;
  app: LocalServer;
  github: FakeGithub;
  strategy: AppGithubStrategy;
  linked: InMemoryLinkedAccountsStore;
  /** Signs `login` in at GitHub from a fresh browser; returns it and where the app sent it. */
  signIn(login: string, options?: BrowseOptions): Promise<{ jar: CookieJar; location: URL }>;
  close(): Promise<void>;
}

async function startGithubEnv(clientAuthMethod?: OAuthClientAuthMethod): Promise<GithubEnv> {
  const github = await startFakeGithub(CLIENT_ID, CLIENT_SECRET);
  github.accounts.set('octocat', {
    id: 583231,
    login: 'octocat',
    name: 'The Octocat',
    email: 'octo.public@example.test',
    emails: [
      { email: 'octo.old@example.test', primary: false, verified: true },
      { email: 'octo@example.test', primary: true, verified: true },
      { email: 'octo.public@example.test', primary: false, verified: false },
    ],
  });
  github.accounts.set('newbie', {
    id: 42,
    login: 'newbie',
    name: null,
    email: 'newbie@example.test',
    emails: [{ email: 'newbie@example.test', primary: true, verified: false }],
  });
  const app = await startServer();
  const users = new InMemoryUserStore();
  const linked = new InMemoryLinkedAccountsStore();
  const strategy = new AppGithubStrategy(users, {
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    callbackUrl: `${app.url}/auth/oauth/github/callback`,
    authorizationUrl: `${github.url}/login/oauth/authorize`,
    tokenUrl: `${github.url}/login/oauth/access_token`,
    userInfoUrl: `${github.url}/user`,
    emailsUrl: `${github.url}/user/emails`,
    ...(clientAuthMethod ? { clientAuthMethod } : {}),
  });
  const quiet = () => undefined;
  const t = createTestApp({
    userStore: users,
    config: { logger: { error: quiet, warn: quiet } },
    router: { githubStrategy: strategy, linkedAccountsStore: linked },
  });
  app.handle(t.app);
  return {
    t,
    app,
    github,
    strategy,
    linked,
    async signIn(login, options) {
      github.signInAs(login);
      const jar = new CookieJar();
      const { location } = await browse(jar, `${app.url}/auth/oauth/github`, options);
      return { jar, location };
    },
    async close() {
      await t.close();
      await app.close();
      await github.close();
    },
  };
}

describe('GithubStrategy against a server with GitHub’s API shape', () => {
  let env: GithubEnv;
  beforeAll(async () => {
    env = await startGithubEnv();
  });
  afterAll(() => env.close());

  it('signs in with the primary verified email of /user/emails, not the public one', async () => {
    const { jar, location } = await env.signIn('octocat');
    expect(location.href).toBe('https://app.example.test/');
    expect(env.strategy.profiles.at(-1)).toMatchObject({
      id: '583231',
      email: 'octo@example.test',
      emailVerified: true,
      name: 'The Octocat',
      picture: 'https://avatars.example/583231',
    });
    const user = await env.t.store.findByEmail('octo@example.test');
    expect(user).toMatchObject({ loginProvider: 'github', providerAccountId: '583231' });
    const me = await send(jar, `${env.app.url}/api/private`);
    expect(me.status).toBe(200);
    expect(await env.linked.findUserByProviderAccount('github', '583231')).toEqual({
      userId: user!.id,
    });
  });

  it('sends the client credentials in the token-request body by default (client_secret_post)', async () => {
    env.github.accounts.set('poster', {
      id: 7001,
      login: 'poster',
      name: 'Poster',
      email: 'poster@example.test',
      emails: [{ email: 'poster@example.test', primary: true, verified: true }],
    });
    const before = env.github.clientAuth.length;
    const { location } = await env.signIn('poster');
    expect(location.href).toBe('https://app.example.test/');
    expect(env.github.clientAuth.slice(before)).toEqual(['client_secret_post']);
  });

  it('reports an account without a verified primary address as unverified', async () => {
    const { location } = await env.signIn('newbie');
    expect(location.href).toBe('https://app.example.test/');
    expect(env.strategy.profiles.at(-1)).toMatchObject({
      id: '42',
      email: 'newbie@example.test',
      emailVerified: false,
      name: 'newbie',
    });
    expect((await env.t.store.findByEmail('newbie@example.test'))!.isEmailVerified).toBe(false);
  });

  it('lands on the error page when the token endpoint refuses the code (GitHub answers 200 + error)', async () => {
    const { jar, location } = await env.signIn('octocat', {
      rewrite: (url) => {
        if (url.pathname.endsWith('/callback')) url.searchParams.set('code', 'not-a-code');
        return url;
      },
    });
    expect(location.pathname).toBe('/auth/error');
    expect(location.searchParams.get('code')).toBe('OAUTH_TOKEN_EXCHANGE_FAILED');
    expect(jar.has('accessToken')).toBe(false);
  });
});

describe('GithubStrategy with clientAuthMethod: client_secret_basic', () => {
  let env: GithubEnv;
  beforeAll(async () => {
    env = await startGithubEnv('client_secret_basic');
  });
  afterAll(() => env.close());

  it('sends the client credentials as HTTP Basic and signs in', async () => {
    const { location } = await env.signIn('octocat');
    expect(location.href).toBe('https://app.example.test/');
    expect(env.github.clientAuth).toEqual(['client_secret_basic']);
  });
});
