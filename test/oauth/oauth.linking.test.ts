import request from 'supertest';
import { AuthEventNames } from 'keyward';
import { PASSWORD, bearerLogin } from '../helpers/app';
import { CookieJar, send } from './browser';
import { startOidcEnv, type OidcEnv } from './oidc-env';

describe('OAuth with second factors, account conflicts and linking', () => {
  let env: OidcEnv;
  beforeAll(async () => {
    // A magic-link sender makes 'magic-link' a second factor on offer.
    env = await startOidcEnv({ captureMagicLinks: true });
  });
  afterAll(() => env.close());

  // Each test makes its own accounts (names unique within the file), so none depends on another.
  let serial = 0;

  /** A verified local account with a password, and a provider account with the same address. */
  async function conflictingAccounts(name: string) {
    serial += 1;
    const email = `${name}-${serial}@example.test`;
    const sub = `${name}-${serial}-idp`;
    const local = await env.t.createUser({ email, isEmailVerified: true });
    await env.provider.addAccount({ sub, email, email_verified: true });
    return { local, email, sub };
  }

  /** Signs in at the provider as `sub`: its address is taken, so the app stashes the account. */
  async function stashConflict(sub: string): Promise<URL> {
    const { location } = await env.signIn(new CookieJar(), 'idp', { login: sub });
    expect(location.searchParams.get('code')).toBe('OAUTH_ACCOUNT_CONFLICT');
    return location;
  }

  /** The owner of `email` links the stashed provider account (link-request, then the mail). */
  async function linkStashed(email: string): Promise<void> {
    const { accessToken } = await bearerLogin(env.t.app, email, PASSWORD);
    const mail = env.t.nextMail(`the link mail to ${email}`);
    await request(env.t.app)
      .post('/auth/link-request')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ email, provider: 'idp' })
      .expect(200);
    const { token } = await mail;
    await request(env.t.app).post('/auth/link-verify').send({ token }).expect(200);
  }

  it('sends a user with 2FA to {site}/auth/2fa with a temporary token instead of a session', async () => {
    const user = await env.t.createUser({
      email: 'tess@example.test',
      isEmailVerified: true,
      loginProvider: 'idp',
      providerAccountId: 'tess-idp',
      require2FA: true,
    });
    await env.provider.addAccount({
      sub: 'tess-idp',
      email: 'tess@example.test',
      email_verified: true,
    });
    const jar = new CookieJar();
    const { location } = await env.signIn(jar, 'idp', { login: 'tess-idp' });
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example.test/auth/2fa');
    // The temporary token travels in the fragment, which browsers never send to a server.
    expect(location.search).toBe('');
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get('methods')).toBe('magic-link');
    const tempToken = fragment.get('tempToken')!;
    expect(tempToken).toBeTruthy();
    expect(jar.has('accessToken')).toBe(false);
    expect((await env.whoAmI(jar)).status).toBe(401);

    // The challenge completes through the ordinary second-factor endpoints.
    const mail = env.t.nextMail();
    await request(env.t.app)
      .post('/auth/magic-link/send')
      .send({ mode: '2fa', tempToken })
      .expect(200);
    const { token } = await mail;
    const done = await request(env.t.app)
      .post('/auth/magic-link/verify')
      .set('X-Auth-Strategy', 'bearer')
      .send({ mode: '2fa', token, tempToken });
    expect(done.status).toBe(200);
    expect(done.body.accessToken).toBeTruthy();
    const me = await request(env.t.app)
      .get('/api/private')
      .set('Authorization', `Bearer ${done.body.accessToken as string}`);
    expect(me.body.user.sub).toBe(user.id);
  });

  describe('an OAuth sign-in whose email belongs to an existing account', () => {
    it('redirects to the account-conflict page and stashes the provider account', async () => {
      const { email, sub } = await conflictingAccounts('dave');
      const jar = new CookieJar();
      const { location } = await env.signIn(jar, 'idp', { login: sub });
      expect(`${location.origin}${location.pathname}`).toBe(
        'https://app.example.test/auth/account-conflict',
      );
      expect(Object.fromEntries(location.searchParams)).toEqual({
        provider: 'idp',
        code: 'OAUTH_ACCOUNT_CONFLICT',
        email,
      });
      expect(jar.has('accessToken')).toBe(false);
      expect(await env.pending.retrieve(email, 'idp')).toEqual({ providerAccountId: sub });
      expect(env.t.events.map((e) => e.event)).toContain(AuthEventNames.AUTH_OAUTH_CONFLICT);
    });

    it('links the stashed account after link-request and link-verify, with loginAfterLinking', async () => {
      const { local: dave, email, sub } = await conflictingAccounts('dave');
      await stashConflict(sub);
      // The owner proves the account is theirs by signing in to it…
      const { accessToken } = await bearerLogin(env.t.app, email, PASSWORD);
      const mail = env.t.nextMail();
      const asked = await request(env.t.app)
        .post('/auth/link-request')
        .set('Authorization', `Bearer ${accessToken}`)
        .send({ email, provider: 'idp' });
      expect(asked.status).toBe(200);
      // …and the address by opening the mail.
      const { to, token, link } = await mail;
      expect(to).toBe(email);
      expect(link).toBe(
        `https://app.example.test/auth/link-verify?token=${encodeURIComponent(token!)}`,
      );
      // Only the token's hash is stored.
      const stored = (await env.t.store.findById(dave.id))!;
      expect(stored.accountLinkToken).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.accountLinkToken).not.toBe(token);

      const verified = await request(env.t.app)
        .post('/auth/link-verify')
        .set('X-Auth-Strategy', 'bearer')
        .send({ token, loginAfterLinking: true });
      expect(verified.status).toBe(200);
      expect(verified.body.accessToken).toBeTruthy();
      expect(await env.linked.findUserByProviderAccount('idp', sub)).toEqual({ userId: dave.id });
      expect(await env.pending.retrieve(email, 'idp')).toBeNull();

      // The token works once.
      const again = await request(env.t.app).post('/auth/link-verify').send({ token });
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('INVALID_OR_EXPIRED_TOKEN');

      // From now on the provider account signs in as dave.
      const jar = new CookieJar();
      const { location } = await env.signIn(jar, 'idp', { login: sub });
      expect(location.href).toBe('https://app.example.test/');
      expect((await env.whoAmI(jar)).sub).toBe(dave.id);
    });

    it('refuses link-request without a signed-in user', async () => {
      const { email, sub } = await conflictingAccounts('dora');
      await stashConflict(sub);
      const res = await request(env.t.app)
        .post('/auth/link-request')
        .send({ email, provider: 'idp' });
      expect(res.status).toBe(401);
    });

    it('never lets an unverified local account absorb an OAuth sign-in (pre-account hijack)', async () => {
      // Someone registered the victim's address first and never verified it.
      const squatter = await env.t.createUser({
        email: 'erin@example.test',
        isEmailVerified: false,
      });
      await env.provider.addAccount({
        sub: 'erin-idp',
        email: 'erin@example.test',
        email_verified: true,
      });
      const jar = new CookieJar();
      // This strategy's findOrCreateUser matches by email alone; the router refuses its answer.
      const { location } = await env.signIn(jar, 'idp-naive', { login: 'erin-idp' });
      expect(location.pathname).toBe('/auth/account-conflict');
      expect(location.searchParams.get('code')).toBe('OAUTH_ACCOUNT_CONFLICT');
      expect(jar.has('accessToken')).toBe(false);
      expect(await env.linked.getLinkedAccounts(squatter.id)).toEqual([]);
    });
  });

  describe('GET and DELETE /linked-accounts', () => {
    it('lists the links of the signed-in user and unlinks one when a password remains', async () => {
      const { local: dan, email, sub } = await conflictingAccounts('dan');
      await stashConflict(sub);
      await linkStashed(email);
      const { accessToken } = await bearerLogin(env.t.app, email, PASSWORD);
      const auth = { Authorization: `Bearer ${accessToken}` };
      const list = await request(env.t.app).get('/auth/linked-accounts').set(auth);
      expect(list.status).toBe(200);
      expect(list.body.linkedAccounts).toEqual([
        expect.objectContaining({ provider: 'idp', providerAccountId: sub }),
      ]);
      const del = await request(env.t.app).delete(`/auth/linked-accounts/idp/${sub}`).set(auth);
      expect(del.status).toBe(200);
      expect(await env.linked.getLinkedAccounts(dan.id)).toEqual([]);
      expect(
        env.t.events.filter((e) => e.event === AuthEventNames.USER_UNLINKED && e.userId === dan.id),
      ).toHaveLength(1);
      const missing = await request(env.t.app).delete(`/auth/linked-accounts/idp/${sub}`).set(auth);
      expect(missing.status).toBe(404);
    });

    it('refuses to remove the last way to sign in', async () => {
      await env.provider.addAccount({
        sub: 'olga-idp',
        email: 'olga@example.test',
        email_verified: true,
      });
      const jar = new CookieJar();
      await env.signIn(jar, 'idp', { login: 'olga-idp' });
      const listed = await send(jar, `${env.app}/auth/linked-accounts`);
      expect(listed.status).toBe(200);
      const res = await send(jar, `${env.app}/auth/linked-accounts/idp/olga-idp`, {
        method: 'DELETE',
      });
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ code: 'LAST_SIGN_IN_METHOD' });
      const olga = (await env.t.store.findByEmail('olga@example.test'))!;
      expect(await env.linked.getLinkedAccounts(olga.id)).toHaveLength(1);
    });

    it('requires a signed-in user', async () => {
      expect((await request(env.t.app).get('/auth/linked-accounts')).status).toBe(401);
    });
  });

  it('links a confirmed secondary address without loginAfterLinking', async () => {
    const user = await env.t.createUser({ email: 'max@example.test', isEmailVerified: true });
    const { accessToken } = await bearerLogin(env.t.app, 'max@example.test', PASSWORD);
    const mail = env.t.nextMail();
    await request(env.t.app)
      .post('/auth/link-request')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({ email: 'max.work@example.test' })
      .expect(200);
    const { token } = await mail;
    const res = await request(env.t.app).post('/auth/link-verify').send({ token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: true,
      linkedAccount: { provider: 'email', providerAccountId: 'max.work@example.test' },
    });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await env.linked.getLinkedAccounts(user.id)).toEqual([
      expect.objectContaining({ provider: 'email', email: 'max.work@example.test' }),
    ]);
  });
});
