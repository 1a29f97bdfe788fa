import { randomBytes } from 'node:crypto';
import { AuthError, type GenericHmacVerify } from 'keyward';
import type { SqlStores } from 'keyward/sql';
import { uniquePrefix } from '../helpers/services';
import { forEachDialect, withMigratedStores, type RawDb } from './dialects';

const tag = () => randomBytes(4).toString('hex');

const hmac: GenericHmacVerify = {
  kind: 'hmac',
  header: 'X-Signature',
  algorithm: 'sha512',
  encoding: 'base64',
  prefix: 'sha512=',
};

forEachDialect('the SQL inbound webhook stores (migration 0008)', (d) => {
  const prefix = uniquePrefix('kwi');
  let stores: SqlStores;
  let raw: RawDb;
  const q = (name: string) => (d.name === 'mysql' ? `\`${name}\`` : `"${name}"`);

  withMigratedStores(d, prefix, {}, (s, r) => {
    stores = s;
    raw = r;
  });

  it('keeps verify as JSON text, NULL when absent, and clears it with an update to undefined', async () => {
    const id = `hook-${tag()}`;
    const provider = `prov-${tag()}`;
    await stores.webhookStore.add({ id, url: 'https://example.com/h', events: [], provider });
    const verifyOf = async () => (await raw.rows(`${prefix}webhooks`, 'id', id))[0]?.verify;
    expect(await verifyOf()).toBeNull();

    await stores.webhookStore.update(id, { verify: hmac });
    expect(JSON.parse(String(await verifyOf()))).toEqual(hmac);
    expect((await stores.webhookStore.findByProvider(provider))?.verify).toEqual(hmac);

    await stores.webhookStore.update(id, { verify: 'github' });
    expect(await verifyOf()).toBe('"github"');
    await stores.webhookStore.update(id, { verify: undefined });
    expect(await verifyOf()).toBeNull();
    expect(await stores.webhookStore.findById(id)).not.toHaveProperty('verify');
    await stores.webhookStore.remove(id);
  });

  it('keeps a pending plan in one row with its email lower-cased, and replaces that row', async () => {
    const githubId = String(Date.now());
    const createdAt = new Date(Date.now() - 5_437);
    await stores.pendingPlanStore.save({
      githubId,
      githubLogin: 'Octo',
      email: `Sponsor.${tag()}@Example.TEST`,
      createdAt,
    });
    const rows = () => raw.rows(`${prefix}pending_plans`, 'github_id', githubId);
    const [row] = await rows();
    expect(row).toMatchObject({ github_login: 'Octo', tier: null });
    expect(row!.email).toMatch(/^sponsor\.[0-9a-f]{8}@example\.test$/);
    expect(Number(row!.created_at)).toBe(createdAt.getTime());

    await stores.pendingPlanStore.save({ githubId, tier: 'Gold', createdAt });
    expect(await rows()).toHaveLength(1);
    expect((await rows())[0]).toMatchObject({ github_login: null, email: null, tier: 'Gold' });
    await stores.pendingPlanStore.remove(githubId);
    expect(await rows()).toEqual([]);
  });

  it('migrate() upgrades a database at 0007: webhooks keep their rows and gain verify, pending_plans appears', async () => {
    const ownPrefix = uniquePrefix('kwm');
    const older = d.open(ownPrefix);
    try {
      await older.migrate();
      const id = `hook-${tag()}`;
      const hook = { id, url: 'https://example.com/old', events: ['a.*'], provider: 'p' };
      await older.webhookStore.add(hook);
      // Back to the schema 0007 left: no pending_plans, no verify column, no record of 0008.
      await raw.exec(`drop table ${q(`${ownPrefix}pending_plans`)}`);
      await raw.exec(`alter table ${q(`${ownPrefix}webhooks`)} drop column ${q('verify')}`);
      await raw.exec(
        `delete from ${q(`${ownPrefix}migrations`)} where ${q('name')} = '0008_inbound_webhooks'`,
      );
      expect(await raw.tables(ownPrefix)).not.toContain(`${ownPrefix}pending_plans`);
      expect((await raw.rows(`${ownPrefix}webhooks`, 'id', id))[0]).not.toHaveProperty('verify');

      await older.migrate();
      expect(await raw.tables(ownPrefix)).toContain(`${ownPrefix}pending_plans`);
      expect(
        await raw.rows(`${ownPrefix}migrations`, 'name', '0008_inbound_webhooks'),
      ).toHaveLength(1);
      const upgraded = await older.webhookStore.findById(id);
      expect(upgraded).toMatchObject(hook);
      expect(upgraded).not.toHaveProperty('verify');
      await older.webhookStore.update(id, { verify: 'stripe' });
      expect((await older.webhookStore.findById(id))?.verify).toBe('stripe');
      await older.pendingPlanStore.save({ githubId: '1', createdAt: new Date() });
      expect(await older.pendingPlanStore.findByGithubId('1')).toMatchObject({ githubId: '1' });

      // Current now: another migrate() changes nothing.
      await older.migrate();
      expect((await older.webhookStore.findById(id))?.verify).toBe('stripe');
    } finally {
      await older.dropTables();
      await older.destroy();
    }
    expect(await raw.tables(ownPrefix)).toEqual([]);
  });

  it('every pendingPlanStore method rejects with 503 STORE_UNAVAILABLE once the database is gone', async () => {
    const ownPrefix = uniquePrefix('kwu');
    const { stores: doomed, closeHandle } = d.openWithHandle(ownPrefix);
    await doomed.migrate();
    await closeHandle();
    const calls = [
      () => doomed.pendingPlanStore.save({ githubId: '1', createdAt: new Date() }),
      () => doomed.pendingPlanStore.findByGithubId('1'),
      () => doomed.pendingPlanStore.findByEmail('a@example.test'),
      () => doomed.pendingPlanStore.remove('1'),
    ];
    for (const call of calls) {
      const outcome = call();
      await expect(outcome).rejects.toBeInstanceOf(AuthError);
      await expect(outcome).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', statusCode: 503 });
    }
    const cleanup = d.open(ownPrefix);
    await cleanup.dropTables();
    await cleanup.destroy();
  });
});
