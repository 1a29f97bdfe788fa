import request from 'supertest';
import {
  AuthConfigError,
  AuthTools,
  GithubSponsorsPreset,
  InMemoryLinkedAccountsStore,
  InMemoryRolesPermissionsStore,
  InMemoryUserMetadataStore,
  SponsorshipEvents,
  createToolsRouter,
} from 'keyward';
import { appFactory, bearerLogin, type TestApp } from '../helpers/app';
import { GITHUB_SECRET, githubHeaders } from './inbound-app';

const app = appFactory();

function sponsorship(
  action: string,
  sponsor: { id: number; login: string; email?: string | null },
  tier = 'Gold',
) {
  return JSON.stringify({
    action,
    sponsorship: { sponsor, tier: { name: tier } },
    sender: { login: sponsor.login },
  });
}

describe('GitHub Sponsors preset through POST /tools/webhook/github-sponsors', () => {
  // Sign-up goes through the real router, with the app's own registration hook.
  const t: TestApp = app({
    router: {
      onRegister: async (data) =>
        t.store.create({
          email: String(data.email),
          password: await t.auth.passwordService.hash(String(data.password)),
          loginProvider: 'local',
        }),
    },
  });
  let tools: AuthTools;
  let rbac: InMemoryRolesPermissionsStore;
  let linked: InMemoryLinkedAccountsStore;
  let preset: GithubSponsorsPreset;
  let detach: () => void;

  // Mounted once: the app keeps every router mounted on it, so each test uses its own sponsor ids.
  beforeAll(() => {
    rbac = new InMemoryRolesPermissionsStore();
    linked = new InMemoryLinkedAccountsStore();
    preset = new GithubSponsorsPreset({
      secret: GITHUB_SECRET,
      plan: { role: 'sponsor' },
      userStore: t.store,
      linkedAccountsStore: linked,
      rbacStore: rbac,
    });
    detach = preset.attach(t.bus);
    tools = new AuthTools(t.bus, { logger: { error: () => undefined, warn: () => undefined } });
    t.app.use(
      '/tools',
      createToolsRouter(tools, {
        telemetry: false,
        notify: false,
        webhook: true,
        providers: { [preset.provider]: preset.providerConfig },
        onWebhook: preset.handler(),
      }),
    );
  });
  afterAll(async () => {
    detach();
    await tools.close();
  });

  const deliver = (raw: string, event = 'sponsorship', secret = GITHUB_SECRET) =>
    request(t.app)
      .post('/tools/webhook/github-sponsors')
      .set({ ...githubHeaders(raw, secret), 'x-github-event': event })
      .send(raw);

  it('assigns the plan to the user who linked the sponsoring GitHub account, and a cancellation revokes it', async () => {
    const user = await t.createUser({ isEmailVerified: true });
    await linked.linkAccount(user.id, { provider: 'github', providerAccountId: '4242' });
    const created = await deliver(sponsorship('created', { id: 4242, login: 'ada' }));
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ ok: true, event: SponsorshipEvents.ASSIGNED });
    expect(await rbac.getRolesForUser(user.id)).toEqual(['sponsor']);
    const [logged] = await tools.eventLog.query({ event: SponsorshipEvents.ASSIGNED });
    expect(logged!.data).toMatchObject({
      githubId: '4242',
      githubLogin: 'ada',
      tier: 'Gold',
      userId: user.id,
    });

    expect(
      (await deliver(sponsorship('pending_cancellation', { id: 4242, login: 'ada' }))).body,
    ).toEqual({ ok: true });
    expect((await deliver(sponsorship('edited', { id: 4242, login: 'ada' }))).body).toEqual({
      ok: true,
    });
    expect(await rbac.getRolesForUser(user.id)).toEqual(['sponsor']);

    const cancelled = await deliver(sponsorship('cancelled', { id: 4242, login: 'ada' }));
    expect(cancelled.body).toEqual({ ok: true, event: SponsorshipEvents.REVOKED });
    expect(await rbac.getRolesForUser(user.id)).toEqual([]);
  });

  it('runs nothing for an unsigned or wrongly signed delivery, or another GitHub event', async () => {
    const user = await t.createUser({ isEmailVerified: true });
    await linked.linkAccount(user.id, { provider: 'github', providerAccountId: '7' });
    const raw = sponsorship('created', { id: 7, login: 'eve' });
    expect((await deliver(raw, 'sponsorship', 'not-the-secret-0123')).status).toBe(401);
    const unsigned = await request(t.app)
      .post('/tools/webhook/github-sponsors')
      .set({ 'content-type': 'application/json', 'x-github-event': 'sponsorship' })
      .send(raw);
    expect(unsigned.status).toBe(401);
    expect((await deliver(raw, 'ping')).body).toEqual({ ok: true });
    expect(await rbac.getRolesForUser(user.id)).toEqual([]);
  });

  it('matches a verified email only, and keeps an unknown sponsor pending until that user verifies it', async () => {
    const email = `sponsor-${Date.now()}@example.test`;
    const pending = await deliver(sponsorship('created', { id: 99, login: 'grace', email }));
    expect(pending.body).toEqual({ ok: true, event: SponsorshipEvents.PENDING });

    // Sign-up through the real router: the address is not proven yet, so nothing is given.
    const registered = await request(t.app)
      .post('/auth/register')
      .send({ email, password: 'correct horse battery' });
    expect(registered.status).toBe(201);
    const user = (await t.store.findByEmail(email))!;
    expect(await rbac.getRolesForUser(user.id)).toEqual([]);

    // Proving the address applies the waiting plan.
    const { accessToken } = await bearerLogin(t.app, email);
    const mail = t.nextMail();
    await request(t.app)
      .post('/auth/send-verification-email')
      .set('Authorization', `Bearer ${accessToken}`)
      .send({});
    const verified = await request(t.app)
      .get('/auth/verify-email')
      .query({ token: (await mail).token });
    expect(verified.status).toBe(200);
    for (let i = 0; i < 50 && (await rbac.getRolesForUser(user.id)).length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(await rbac.getRolesForUser(user.id)).toEqual(['sponsor']);
    // Given once: a later sponsorship update finds the linked user by email, not a second pending plan.
    expect(await preset.applyPending(user.id)).toBeNull();
  });

  it('keeps the plan in metadata when configured so, and refuses a plan without its store', async () => {
    const metadata = new InMemoryUserMetadataStore();
    const inMetadata = new GithubSponsorsPreset({
      secret: GITHUB_SECRET,
      plan: { metadataKey: 'sponsorship' },
      userStore: t.store,
      linkedAccountsStore: linked,
      metadataStore: metadata,
    });
    const user = await t.createUser({ isEmailVerified: true });
    await linked.linkAccount(user.id, { provider: 'github', providerAccountId: '55' });
    await inMetadata.handle(
      JSON.parse(sponsorship('created', { id: 55, login: 'lin' }, 'Silver')),
      'sponsorship',
    );
    expect((await metadata.getMetadata(user.id)).sponsorship).toMatchObject({
      tier: 'Silver',
      githubLogin: 'lin',
    });
    await inMetadata.handle(
      JSON.parse(sponsorship('cancelled', { id: 55, login: 'lin' })),
      'sponsorship',
    );
    expect((await metadata.getMetadata(user.id)).sponsorship).toBeNull();
    expect(
      () =>
        new GithubSponsorsPreset({
          secret: GITHUB_SECRET,
          plan: { role: 'sponsor' },
          userStore: t.store,
        }),
    ).toThrow(AuthConfigError);
  });
});
