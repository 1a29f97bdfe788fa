import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { GithubSponsorsPreset, SponsorshipEvents } from 'keyward';
import type { SqlStores } from 'keyward/sql';
import { uniquePrefix } from '../helpers/services';
import {
  GITHUB_SECRET,
  HMAC_SECRET,
  PROVIDERS,
  githubHeaders,
  hmacHeaders,
  inboundApp,
} from '../tools/inbound-app';
import { forEachDialect } from './dialects';

const tag = () => randomBytes(4).toString('hex');

function sponsorship(action: string, id: number, login: string) {
  return JSON.stringify({
    action,
    sponsorship: { sponsor: { id, login }, tier: { name: 'Gold' } },
  });
}

/**
 * Inbound webhooks on SQL stores, through real HTTP: the router finds the provider, its secret
 * and its signature scheme (`verify`) in the SQL webhook store, with no `providers` option, and
 * the GitHub Sponsors preset keeps an unmatched sponsor in the SQL pending plan store, where
 * another instance of the preset finds it.
 */
forEachDialect('inbound webhooks on the SQL stores', (d) => {
  const prefix = uniquePrefix('kwh');
  let stores: SqlStores;
  let built: ReturnType<typeof inboundApp>;
  let presetOf: () => GithubSponsorsPreset;

  beforeAll(async () => {
    stores = d.open(prefix);
    await stores.migrate();
    presetOf = () =>
      new GithubSponsorsPreset({
        secret: GITHUB_SECRET,
        plan: { role: 'sponsor' },
        userStore: stores.userStore,
        linkedAccountsStore: stores.linkedAccountsStore,
        rbacStore: stores.rbacStore,
        pendingStore: stores.pendingPlanStore,
      });
    await stores.webhookStore.add({
      id: `hook-${tag()}`,
      url: 'https://example.com/unused',
      events: [],
      provider: 'github-sponsors',
      verify: 'github',
      secret: GITHUB_SECRET,
    });
    await stores.webhookStore.add({
      id: `hook-${tag()}`,
      url: 'https://example.com/unused',
      events: [],
      provider: 'custom',
      verify: PROVIDERS.custom!.verify,
      secret: HMAC_SECRET,
    });
    built = inboundApp({
      providers: {},
      webhookStore: stores.webhookStore,
      onWebhook: presetOf().handler(() => ({ event: 'inbound.received', data: {} })),
    });
  });
  afterAll(async () => {
    await built.tools.close();
    await stores.dropTables();
    await stores.destroy();
  });

  const post = (provider: string, raw: string, headers: Record<string, string>) =>
    request(built.app).post(`/tools/webhook/${provider}`).set(headers).send(raw);

  it('verifies each stored provider by the scheme its stored verify names', async () => {
    const raw = JSON.stringify({ hello: 'world' });
    expect((await post('custom', raw, hmacHeaders(raw))).body).toEqual({
      ok: true,
      event: 'inbound.received',
    });
    expect((await post('custom', raw, hmacHeaders(raw, 'another-secret-0123'))).status).toBe(401);
    // Signed as GitHub signs, which the custom provider's stored scheme does not accept.
    const asGithub = { ...githubHeaders(raw, HMAC_SECRET), 'x-github-event': 'ping' };
    expect((await post('custom', raw, asGithub)).status).toBe(401);
  });

  it('keeps an unmatched sponsor pending in SQL, and another preset instance applies it once the account is linked', async () => {
    const githubId = Math.floor(Math.random() * 1e9);
    const raw = sponsorship('created', githubId, 'grace');
    const wrong = { ...githubHeaders(raw, 'not-the-secret-0123'), 'x-github-event': 'sponsorship' };
    expect((await post('github-sponsors', raw, wrong)).status).toBe(401);
    expect(await stores.pendingPlanStore.findByGithubId(String(githubId))).toBeNull();

    const signed = { ...githubHeaders(raw), 'x-github-event': 'sponsorship' };
    const pending = await post('github-sponsors', raw, signed);
    expect(pending.body).toEqual({ ok: true, event: SponsorshipEvents.PENDING });
    expect(await stores.pendingPlanStore.findByGithubId(String(githubId))).toMatchObject({
      githubId: String(githubId),
      githubLogin: 'grace',
      tier: 'Gold',
    });

    // Another instance (or this one after a restart): a new preset over the same database.
    const user = await stores.userStore.create({ email: `grace-${tag()}@example.test` });
    await stores.linkedAccountsStore.linkAccount(user.id, {
      provider: 'github',
      providerAccountId: String(githubId),
    });
    const applied = await presetOf().applyPending(user.id);
    expect(applied?.githubId).toBe(String(githubId));
    expect(await stores.rbacStore.getRolesForUser(user.id)).toEqual(['sponsor']);
    expect(await stores.pendingPlanStore.findByGithubId(String(githubId))).toBeNull();
  });
});
