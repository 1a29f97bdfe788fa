import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { createPool as createCallbackPool } from 'mysql2';
import { AuthError, type BaseUser, type SessionInfo } from 'keyward';
import { createSqlStores, type SqlStores } from 'keyward/sql';
import { describeWithService, uniquePrefix } from '../helpers/services';
import { forEachDialect, withMigratedStores, type DialectName, type RawDb } from './dialects';
import { sleep } from '../helpers/app';

/** Every table keyward creates (logical names, sorted), bookkeeping included. */
const ALL_TABLES = [
  'api_key_usage',
  'api_keys',
  'event_cursors',
  'event_log',
  'linked_accounts',
  'migrations',
  'migrations_lock',
  'pending_links',
  'pending_plans',
  'rate_limits',
  'recovery_codes',
  'revocations',
  'role_permissions',
  'roles',
  'sessions',
  'settings',
  'sms_codes',
  'tenant_members',
  'tenants',
  'totp_steps',
  'used_ids',
  'user_metadata',
  'user_roles',
  'users',
  'webhook_deliveries',
  'webhooks',
];

const hash = () => randomBytes(32).toString('hex');
const tag = () => randomBytes(4).toString('hex');
const HOUR = 3_600_000;
/** A date with a non-zero millisecond part. */
const msDate = (offset: number) => new Date(Math.floor((Date.now() + offset) / 1000) * 1000 + 437);

/** Text that breaks naive SQL: quoting, LIKE wildcards, escapes, C strings, narrow encodings. */
const NASTY: Record<string, string> = {
  quotes: `O'Brien "the" \`tick\` ''`,
  wildcards: '100% _under_ %_% [a-z]*?',
  backslashes: 'back\\slash \\\\ \\0 \\n trailing\\',
  nul: 'nul\u0000byte\u0000\u0000end \\\u0000',
  emoji: 'emoji 🔐👩🏽‍💻 ünïcødé 日本語',
  mixedCase: 'MiXeD CaSe',
  injection: "'); DROP TABLE users; --",
  spaces: ' leading and trailing ',
};
/** About 10 000 characters (and more bytes), with the awkward characters at the end. */
const LONG = `${'Ab€ü🔐'.repeat(2_000)}\u0000\\'%_ end`;

const user = (stores: SqlStores, data: Partial<BaseUser> = {}) =>
  stores.userStore.create({ email: `u-${tag()}@Example.test`, password: 'x', ...data });

function sessionInfo(userId: string, extra: Partial<SessionInfo> = {}) {
  const now = new Date();
  return {
    userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + HOUR),
    lastActiveAt: now,
    refreshTokenHash: hash(),
    previousRefreshTokenHash: null,
    rotatedAt: now,
    ...extra,
  };
}

/** A trigger that makes every delete from the users table fail, per dialect. */
function refuseUserDeletes(dialect: DialectName, p: string): { create: string[]; drop: string[] } {
  switch (dialect) {
    case 'sqlite':
      return {
        create: [
          `create trigger "${p}refuse" before delete on "${p}users" begin select raise(abort, 'refused by test'); end`,
        ],
        drop: [`drop trigger "${p}refuse"`],
      };
    case 'postgres':
      return {
        create: [
          `create function "${p}refuse"() returns trigger language plpgsql as $$ begin raise exception 'refused by test'; end $$`,
          `create trigger "${p}refuse" before delete on "${p}users" for each row execute function "${p}refuse"()`,
        ],
        drop: [`drop trigger "${p}refuse" on "${p}users"`, `drop function "${p}refuse"()`],
      };
    case 'mysql':
      return {
        create: [
          `create trigger \`${p}refuse\` before delete on \`${p}users\` for each row signal sqlstate '45000' set message_text = 'refused by test'`,
        ],
        drop: [`drop trigger \`${p}refuse\``],
      };
  }
}

forEachDialect('SQL stores', (d) => {
  const prefix = uniquePrefix('kws');
  const t = (name: string) => prefix + name;
  let stores: SqlStores;
  let raw: RawDb;
  const rowsOf = async (table: string, column: string, value: string) =>
    (await raw.rows(t(table), column, value)).length;

  withMigratedStores(d, prefix, {}, (s, r) => {
    stores = s;
    raw = r;
  });

  it('migrate() creates every table under the prefix and can run again without changing anything', async () => {
    const expected = ALL_TABLES.map(t);
    expect((await raw.tables(prefix)).sort()).toEqual(expected);
    const before = await user(stores);
    await stores.migrate();
    await stores.migrate();
    expect((await raw.tables(prefix)).sort()).toEqual(expected);
    expect((await stores.userStore.findById(before.id))?.email).toBe(before.email);
  });

  it('migrate() upgrades a database migrated before 0002: the two-factor, SMS, rate-limit, revocation, API key, event tools and pending plan tables appear, data stays', async () => {
    const ownPrefix = uniquePrefix('kwm');
    const q = (name: string) => (d.name === 'mysql' ? `\`${name}\`` : `"${name}"`);
    const TWO_FACTOR = [
      'recovery_codes',
      'totp_steps',
      'used_ids',
      'sms_codes',
      'rate_limits',
      'revocations',
      'api_key_usage',
      'api_keys',
      'event_log',
      'event_cursors',
      'webhooks',
      'webhook_deliveries',
      'pending_plans',
    ].map((n) => ownPrefix + n);
    const older = d.open(ownPrefix);
    try {
      await older.migrate();
      const u = await user(older);
      // Back to the schema a release before 0002 left: its tables and its record gone.
      for (const name of TWO_FACTOR) await raw.exec(`drop table ${q(name)}`);
      await raw.exec(
        `delete from ${q(`${ownPrefix}migrations`)} where ${q('name')} in ('0002_two_factor', '0003_sms_codes', '0004_rate_limits', '0005_revocations', '0006_api_keys', '0007_event_tools', '0008_inbound_webhooks')`,
      );
      const before = await raw.tables(ownPrefix);
      expect(before).toHaveLength(13);
      expect(before).not.toContain(TWO_FACTOR[0]);

      await older.migrate();
      expect((await raw.tables(ownPrefix)).sort()).toEqual([...before, ...TWO_FACTOR].sort());
      expect(await raw.rows(`${ownPrefix}migrations`, 'name', '0001_initial')).toHaveLength(1);
      expect(await raw.rows(`${ownPrefix}migrations`, 'name', '0002_two_factor')).toHaveLength(1);
      expect(await raw.rows(`${ownPrefix}migrations`, 'name', '0003_sms_codes')).toHaveLength(1);
      expect(await raw.rows(`${ownPrefix}migrations`, 'name', '0004_rate_limits')).toHaveLength(1);
      expect(await raw.rows(`${ownPrefix}migrations`, 'name', '0005_revocations')).toHaveLength(1);
      expect(await raw.rows(`${ownPrefix}migrations`, 'name', '0006_api_keys')).toHaveLength(1);
      expect(await raw.rows(`${ownPrefix}migrations`, 'name', '0007_event_tools')).toHaveLength(1);
      expect(
        await raw.rows(`${ownPrefix}migrations`, 'name', '0008_inbound_webhooks'),
      ).toHaveLength(1);
      expect((await older.userStore.findById(u.id))?.email).toBe(u.email);
      expect(await older.twoFactorStore.recordTotpStep(u.id, 7)).toBe(true);
      expect(await older.twoFactorStore.recordTotpStep(u.id, 7)).toBe(false);

      // Current now: another migrate() changes nothing.
      await older.migrate();
      expect(await older.twoFactorStore.recordTotpStep(u.id, 7)).toBe(false);
    } finally {
      await older.dropTables();
      await older.destroy();
    }
    expect(await raw.tables(ownPrefix)).toEqual([]);
  });

  it('two-factor state is what the store says: one step row per user, codes as rows, used ids swept once expired', async () => {
    const u = await user(stores);
    const tf = stores.twoFactorStore;
    expect(await tf.recordTotpStep(u.id, 58_000_000)).toBe(true);
    expect(await tf.recordTotpStep(u.id, 58_000_002)).toBe(true);
    expect(await tf.recordTotpStep(u.id, 58_000_001)).toBe(false);
    const steps = await raw.rows(t('totp_steps'), 'user_id', u.id);
    expect(steps.map((r) => Number(r.last_step))).toEqual([58_000_002]);

    const codes = [hash(), hash(), hash(), hash()];
    await tf.replaceRecoveryCodes(u.id, [...codes, codes[0]!]);
    expect(await rowsOf('recovery_codes', 'user_id', u.id)).toBe(4);
    expect(await tf.consumeRecoveryCode(u.id, codes[2]!)).toBe(true);
    expect(await rowsOf('recovery_codes', 'user_id', u.id)).toBe(3);

    const stale = `jti-${tag()}`;
    expect(await tf.markUsed(stale, new Date(Date.now() + 300))).toBe(true);
    expect(await rowsOf('used_ids', 'id', stale)).toBe(1);
    await sleep(400);
    const fresh = `jti-${tag()}`;
    expect(await tf.markUsed(fresh, new Date(Date.now() + HOUR))).toBe(true);
    expect(await rowsOf('used_ids', 'id', stale)).toBe(0);
    expect(await rowsOf('used_ids', 'id', fresh)).toBe(1);
    expect(await tf.markUsed(fresh, new Date(Date.now() + HOUR))).toBe(false);

    await tf.clearUser(u.id);
    expect(await rowsOf('totp_steps', 'user_id', u.id)).toBe(0);
    expect(await rowsOf('recovery_codes', 'user_id', u.id)).toBe(0);
    await stores.userStore.deleteUser(u.id);
  });

  it('text values that break naive SQL round-trip exactly through every store', async () => {
    for (const [name, value] of Object.entries({ ...NASTY, long: LONG })) {
      const short = name === 'long' ? NASTY.wildcards! : value;
      const u0 = tag();
      const fields = {
        firstName: value,
        lastName: value,
        role: value,
        password: value,
        refreshToken: value,
        phoneNumber: value,
        pendingEmail: value,
      };
      const u = await user(stores, { ...fields, resetToken: `${short}${u0}` });
      expect(await stores.userStore.findById(u.id)).toMatchObject(fields);
      expect((await stores.userStore.findByResetToken(`${short}${u0}`))?.id).toBe(u.id);

      const s = await stores.sessionStore.createSession(
        sessionInfo(u.id, { userAgent: value, ipAddress: value, data: { [short]: value } }),
      );
      expect(await stores.sessionStore.getSession(s.sessionHandle)).toMatchObject({
        userAgent: value,
        ipAddress: value,
        data: { [short]: value },
      });

      await stores.metadataStore.updateMetadata(u.id, { [short]: value, nested: { value } });
      expect(await stores.metadataStore.getMetadata(u.id)).toEqual({
        [short]: value,
        nested: { value },
      });

      const tenant = await stores.tenantStore.createTenant({ name: value, config: { value } });
      expect(await stores.tenantStore.getTenantById(tenant.id)).toMatchObject({
        name: value,
        config: { value },
      });

      const key = `${short}-${tag()}`;
      await stores.settingsStore.updateSettings({ [key]: value });
      expect((await stores.settingsStore.getSettings())[key]).toBe(value);

      const account = { provider: short, providerAccountId: `${short}-${tag()}`, email: value };
      await stores.linkedAccountsStore.linkAccount(u.id, account);
      expect(await stores.linkedAccountsStore.getLinkedAccounts(u.id)).toEqual([
        { ...account, linkedAt: expect.any(Date) },
      ]);
      expect(
        await stores.linkedAccountsStore.findUserByProviderAccount(
          short,
          account.providerAccountId,
        ),
      ).toEqual({ userId: u.id });

      const role = `${short}-${tag()}`;
      await stores.rbacStore.createRole(role, [short, `${short}!`]);
      await stores.rbacStore.addRoleToUser(u.id, role, short);
      expect(await stores.rbacStore.getRolesForUser(u.id, short)).toEqual([role]);
      expect(await stores.rbacStore.getPermissionsForUser(u.id, short)).toEqual([
        short,
        `${short}!`,
      ]);
      expect(await stores.rbacStore.userHasPermission(u.id, short, short)).toBe(true);

      const email = `${short}.${tag()}@Example.test`;
      await stores.pendingLinkStore.stash(email, short, value);
      expect(await stores.pendingLinkStore.retrieve(email.toUpperCase(), short)).toEqual({
        providerAccountId: value,
      });
    }
  });

  it('emails are unique case-insensitively, keep their case, and a duplicate is a 409 EMAIL_IN_USE', async () => {
    const email = `Mixed.${tag()}_100%@Example.COM`;
    const a = await user(stores, { email });
    for (const variant of [email, email.toLowerCase(), email.toUpperCase()]) {
      expect((await stores.userStore.findByEmail(variant))?.email).toBe(email);
    }
    // `_` and `%` are not wildcards in a look-up.
    expect(await stores.userStore.findByEmail(email.replace('_', 'x'))).toBeNull();
    expect(await stores.userStore.findByEmail(email.replace('%', ''))).toBeNull();

    const duplicate = stores.userStore.create({ email: email.toUpperCase() });
    await expect(duplicate).rejects.toBeInstanceOf(AuthError);
    await expect(duplicate).rejects.toMatchObject({ code: 'EMAIL_IN_USE', statusCode: 409 });

    const b = await user(stores);
    await expect(stores.userStore.updateEmail(b.id, email.toLowerCase())).rejects.toMatchObject({
      code: 'EMAIL_IN_USE',
      statusCode: 409,
    });
    expect((await stores.userStore.findById(b.id))?.email).toBe(b.email);
    expect((await stores.userStore.findByEmail(email))?.id).toBe(a.id);

    // The holder may change the case of their own address.
    await stores.userStore.updateEmail(a.id, email.toLowerCase());
    expect((await stores.userStore.findByEmail(email))?.email).toBe(email.toLowerCase());
  });

  it('token and id look-ups are exact: another case, a trailing space or a wildcard matches nothing', async () => {
    const token = `${hash()}Ab`;
    const u = await user(stores, { emailVerificationToken: token });
    expect((await stores.userStore.findByEmailVerificationToken(token))?.id).toBe(u.id);
    for (const probe of [token.toUpperCase(), `${token} `, `${token.slice(0, -1)}_`, '%']) {
      expect(await stores.userStore.findByEmailVerificationToken(probe)).toBeNull();
    }
    expect(await stores.userStore.findById(u.id.toUpperCase())).toBeNull();
    expect(await stores.userStore.findById(`${u.id} `)).toBeNull();
  });

  it('instants keep their milliseconds and come back as Dates; flags as booleans', async () => {
    const expiry = msDate(HOUR);
    const createdAt = msDate(-HOUR);
    const u = await user(stores, { isEmailVerified: true, createdAt });
    await stores.userStore.updateResetToken(u.id, hash(), expiry);
    await stores.userStore.updateTotpSecret(u.id, 'SECRET');
    const found = await stores.userStore.findById(u.id);
    expect(found?.resetTokenExpiry).toEqual(expiry);
    expect(found?.resetTokenExpiry).toBeInstanceOf(Date);
    expect(found?.createdAt).toEqual(createdAt);
    expect(found).toMatchObject({ isEmailVerified: true, isTotpEnabled: true, require2FA: false });

    const s = await stores.sessionStore.createSession(sessionInfo(u.id, { expiresAt: expiry }));
    const session = await stores.sessionStore.getSession(s.sessionHandle);
    expect(session?.expiresAt).toEqual(expiry);
    expect(session?.createdAt).toBeInstanceOf(Date);
  });

  it('listUsers and countUsers filter like a plain case-insensitive substring search: no wildcards, NUL and backslash included', async () => {
    const mark = tag();
    const names = ['a%b', 'axb', 'a_b', 'nul\u0000only', 'bs\\0', 'bs\\\u0000', 'MiXeD', '0zero'];
    for (const n of names) await user(stores, { firstName: `${mark} ${n}`, lastName: n });

    const all = await stores.userStore.listUsers({ limit: 100_000 });
    expect(all.length).toBe(await stores.userStore.countUsers());
    for (const needle of [
      '%',
      '_',
      'a%b',
      'a_b',
      '0',
      '\u0000',
      '\\',
      '\\0',
      'mixed',
      'MIXED',
      'ü',
    ]) {
      const expected = all.filter((u) =>
        [u.email, u.firstName, u.lastName].some((v) =>
          v?.toLowerCase().includes(needle.toLowerCase()),
        ),
      );
      const listed = await stores.userStore.listUsers({ filter: needle, limit: 100_000 });
      expect(listed.map((u) => u.id)).toEqual(expected.map((u) => u.id));
      expect(await stores.userStore.countUsers(needle)).toBe(expected.length);
    }
    const ofMark = await stores.userStore.listUsers({ filter: `${mark} a_`, limit: 10 });
    expect(ofMark.map((u) => u.lastName)).toEqual(['a_b']);

    // Paging follows insertion order.
    const page = await stores.userStore.listUsers({ filter: mark, offset: 2, limit: 3 });
    expect(page.map((u) => u.lastName)).toEqual(names.slice(2, 5));
  });

  it('getAllSessions filters by an exact, case-sensitive substring of user id or IP address', async () => {
    const mark = tag();
    const ips = [`${mark}%`, `${mark}x`, `${mark}_`, `${mark}X`, `${mark}\u0000`, `${mark}\\0`];
    for (const ip of ips)
      await stores.sessionStore.createSession(sessionInfo(`user-${mark}`, { ipAddress: ip }));
    const all = await stores.sessionStore.getAllSessions({ limit: 100_000 });
    for (const needle of ['%', '_', 'x', 'X', `${mark}_`, '0', '\u0000', `user-${mark}`]) {
      const expected = all.filter(
        (s) => s.userId.includes(needle) || (s.ipAddress ?? '').includes(needle),
      );
      const listed = await stores.sessionStore.getAllSessions({ filter: needle, limit: 100_000 });
      expect(listed.map((s) => s.sessionHandle)).toEqual(expected.map((s) => s.sessionHandle));
    }
    const page = await stores.sessionStore.getAllSessions({
      filter: `user-${mark}`,
      offset: 1,
      limit: 2,
    });
    expect(page.map((s) => s.ipAddress)).toEqual(ips.slice(1, 3));
  });

  it('rotateRefreshToken is a compare-and-set: of 20 concurrent rotations exactly one wins', async () => {
    const u = await user(stores);
    const first = hash();
    const s = await stores.sessionStore.createSession(
      sessionInfo(u.id, { refreshTokenHash: first }),
    );
    const rotations = Array.from({ length: 20 }, () => {
      const at = msDate(0);
      return {
        refreshTokenHash: hash(),
        previousRefreshTokenHash: first,
        rotatedAt: at,
        lastActiveAt: at,
        expiresAt: msDate(HOUR),
      };
    });
    const results = await Promise.all(
      rotations.map((next) => stores.sessionStore.rotateRefreshToken(s.sessionHandle, first, next)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = rotations[results.indexOf(true)]!;
    expect(await stores.sessionStore.getSession(s.sessionHandle)).toMatchObject(winner);

    // The stale hash no longer matches; the current one does; an unknown session never does.
    expect(
      await stores.sessionStore.rotateRefreshToken(s.sessionHandle, first, rotations[0]!),
    ).toBe(false);
    const again = {
      ...winner,
      refreshTokenHash: hash(),
      previousRefreshTokenHash: winner.refreshTokenHash,
    };
    expect(
      await stores.sessionStore.rotateRefreshToken(s.sessionHandle, winner.refreshTokenHash, again),
    ).toBe(true);
    expect(
      await stores.sessionStore.rotateRefreshToken(
        'no-such-session',
        again.refreshTokenHash,
        again,
      ),
    ).toBe(false);
  });

  /** A user with something in every table, and the ways to find it. */
  async function populatedUser() {
    const u = await user(stores);
    const tenant = await stores.tenantStore.createTenant({ name: `t-${tag()}` });
    await stores.sessionStore.createSession(sessionInfo(u.id));
    await stores.sessionStore.createSession(sessionInfo(u.id, { tenantId: tenant.id }));
    await stores.rbacStore.createRole(`r-${u.id}`, ['p']);
    await stores.rbacStore.addRoleToUser(u.id, `r-${u.id}`);
    await stores.rbacStore.addRoleToUser(u.id, `r-${u.id}`, tenant.id);
    await stores.tenantStore.associateUserWithTenant(u.id, tenant.id);
    await stores.metadataStore.updateMetadata(u.id, { a: 1, b: 2 });
    await stores.linkedAccountsStore.linkAccount(u.id, { provider: 'p', providerAccountId: u.id });
    await stores.pendingLinkStore.stash(u.email, 'p', 'pending');
    await stores.twoFactorStore.recordTotpStep(u.id, 1000);
    await stores.twoFactorStore.replaceRecoveryCodes(u.id, [hash(), hash(), hash()]);
    return u;
  }
  const footprint = async (u: BaseUser) => ({
    users: await rowsOf('users', 'id', u.id),
    sessions: await rowsOf('sessions', 'user_id', u.id),
    user_roles: await rowsOf('user_roles', 'user_id', u.id),
    tenant_members: await rowsOf('tenant_members', 'user_id', u.id),
    user_metadata: await rowsOf('user_metadata', 'user_id', u.id),
    linked_accounts: await rowsOf('linked_accounts', 'user_id', u.id),
    pending_links: await rowsOf('pending_links', 'email_lower', u.email.toLowerCase()),
    totp_steps: await rowsOf('totp_steps', 'user_id', u.id),
    recovery_codes: await rowsOf('recovery_codes', 'user_id', u.id),
  });
  const FULL = {
    users: 1,
    sessions: 2,
    user_roles: 2,
    tenant_members: 1,
    user_metadata: 2,
    linked_accounts: 1,
    pending_links: 1,
    totp_steps: 1,
    recovery_codes: 3,
  };

  it('deleteUser removes the user and their rows from every table, and nobody else’s', async () => {
    const doomed = await populatedUser();
    const bystander = await populatedUser();
    expect(await footprint(doomed)).toEqual(FULL);
    await stores.userStore.deleteUser(doomed.id);
    expect(await footprint(doomed)).toEqual({
      users: 0,
      sessions: 0,
      user_roles: 0,
      tenant_members: 0,
      user_metadata: 0,
      linked_accounts: 0,
      pending_links: 0,
      totp_steps: 0,
      recovery_codes: 0,
    });
    expect(await footprint(bystander)).toEqual(FULL);
  });

  it('deleteUser is one transaction: when removing the user row fails, every other row stays', async () => {
    const u = await populatedUser();
    const trigger = refuseUserDeletes(d.name, prefix);
    for (const statement of trigger.create) await raw.exec(statement);
    try {
      const failed = stores.userStore.deleteUser(u.id);
      // Matched by shape: a driver error may come from another realm than the test's Error.
      await expect(failed).rejects.toMatchObject({
        message: expect.stringMatching(/refused by test/),
      });
      // A failing statement is not an outage.
      await expect(failed).rejects.not.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(await footprint(u)).toEqual(FULL);
    } finally {
      for (const statement of trigger.drop) await raw.exec(statement);
    }
    await stores.userStore.deleteUser(u.id);
    expect((await footprint(u)).users).toBe(0);
  });

  it('concurrent metadata merges and repeated role, membership and permission adds lose nothing and duplicate nothing', async () => {
    const u = await user(stores);
    const tenant = await stores.tenantStore.createTenant({ name: 'concurrent' });
    const role = `role-${tag()}`;
    await Promise.all([
      ...Array.from({ length: 10 }, (_, i) =>
        stores.metadataStore.updateMetadata(u.id, { [`k${i}`]: i }),
      ),
      ...Array.from({ length: 5 }, () => stores.rbacStore.addRoleToUser(u.id, role, tenant.id)),
      ...Array.from({ length: 5 }, () =>
        stores.tenantStore.associateUserWithTenant(u.id, tenant.id),
      ),
      ...Array.from({ length: 5 }, () => stores.rbacStore.addPermissionToRole(role, 'read')),
    ]);
    expect(Object.keys(await stores.metadataStore.getMetadata(u.id)).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `k${i}`).sort(),
    );
    expect(await stores.rbacStore.getRolesForUser(u.id, tenant.id)).toEqual([role]);
    expect(await stores.rbacStore.getRolesForUser(u.id)).toEqual([]);
    expect(await stores.tenantStore.getUsersForTenant(tenant.id)).toEqual([u.id]);
    expect(await stores.rbacStore.getPermissionsForRole(role)).toEqual(['read']);
  });

  it('deleteExpiredSessions removes exactly the expired sessions and reports how many', async () => {
    const u = await user(stores);
    const past = new Date(Date.now() - 1000);
    await stores.sessionStore.createSession(sessionInfo(u.id, { expiresAt: past }));
    await stores.sessionStore.createSession(sessionInfo(u.id, { expiresAt: past }));
    const live = await stores.sessionStore.createSession(sessionInfo(u.id));
    expect(await stores.sessionStore.deleteExpiredSessions()).toBeGreaterThanOrEqual(2);
    expect(
      (await stores.sessionStore.getSessionsForUser(u.id)).map((s) => s.sessionHandle),
    ).toEqual([live.sessionHandle]);
    expect(await stores.sessionStore.deleteExpiredSessions()).toBe(0);
  });

  it('pending links last one hour by default and expire after a configured TTL', async () => {
    const email = `Pending.${tag()}@Example.test`;
    await stores.pendingLinkStore.stash(email, 'google', 'acct');
    const [row] = await raw.rows(t('pending_links'), 'email_lower', email.toLowerCase());
    expect(Number(row!.expires_at) - Date.now()).toBeGreaterThan(HOUR - 60_000);
    expect(Number(row!.expires_at) - Date.now()).toBeLessThanOrEqual(HOUR);

    const shortLived = d.open(prefix, { pendingLinkTtlSeconds: 0.3, poolSize: 2 });
    try {
      await shortLived.pendingLinkStore.stash(email, 'github', 'acct-2');
      expect(await shortLived.pendingLinkStore.retrieve(email, 'github')).toEqual({
        providerAccountId: 'acct-2',
      });
      await sleep(400);
      expect(await shortLived.pendingLinkStore.retrieve(email, 'github')).toBeNull();
      // Met expired, the entry is deleted; the other provider's entry is untouched.
      expect(await rowsOf('pending_links', 'email_lower', email.toLowerCase())).toBe(1);
      expect(await stores.pendingLinkStore.retrieve(email, 'google')).toEqual({
        providerAccountId: 'acct',
      });
    } finally {
      await shortLived.destroy();
    }
  });

  it('every method of every store rejects with 503 STORE_UNAVAILABLE once the database is gone', async () => {
    const ownPrefix = uniquePrefix('kwu');
    const { stores: doomed, closeHandle } = d.openWithHandle(ownPrefix);
    await doomed.migrate();
    const u = await user(doomed);
    await closeHandle();

    const args: Record<string, unknown[]> = {
      create: [{ email: 'x@example.test' }],
      createSession: [sessionInfo(u.id)],
      rotateRefreshToken: [
        'h',
        'e',
        { ...sessionInfo(u.id), refreshTokenHash: 'n', previousRefreshTokenHash: 'e' },
      ],
      createTenant: [{ name: 'n' }],
      updateTenant: ['id', { name: 'n' }],
      updateMetadata: [u.id, { a: 1 }],
      updateSettings: [{ a: 1 }],
      linkAccount: [u.id, { provider: 'p', providerAccountId: 'a' }],
      listUsers: [{}],
      getAllSessions: [{}],
      createRole: ['r', ['p']],
      recordTotpStep: [u.id, 1],
      replaceRecoveryCodes: [u.id, [hash()]],
      markUsed: ['id', new Date(Date.now() + HOUR)],
      save: [
        {
          id: 'k',
          name: 'n',
          keyPrefix: 'ak_00000000',
          keyHash: hash(),
          scopes: [],
          isActive: true,
          createdAt: new Date(),
        },
      ],
      updateLastUsed: ['k', new Date()],
      logUsage: [
        { keyPrefix: 'ak_0', ip: '::1', path: '/', method: 'GET', success: true, at: new Date() },
      ],
      listKeys: [{}],
      listUsage: ['k', {}],
    };
    const storeNames = [
      'userStore',
      'sessionStore',
      'metadataStore',
      'rbacStore',
      'tenantStore',
      'settingsStore',
      'linkedAccountsStore',
      'pendingLinkStore',
      'twoFactorStore',
      'apiKeyStore',
    ] as const;
    let called = 0;
    for (const storeName of storeNames) {
      const store = doomed[storeName] as unknown as Record<
        string,
        (...a: unknown[]) => Promise<unknown>
      >;
      for (const method of Object.getOwnPropertyNames(store)) {
        if (typeof store[method] !== 'function') continue;
        const call = store[method](...(args[method] ?? [u.id, 'b', null, null, null]));
        await expect(call).rejects.toBeInstanceOf(AuthError);
        await expect(call).rejects.toMatchObject({
          code: 'STORE_UNAVAILABLE',
          statusCode: 503,
          message: 'The data store is unavailable',
        });
        called++;
      }
    }
    // Every method of the ten stores, optional ones and deleteOldUsage included.
    expect(called).toBe(23 + 9 + 3 + 12 + 9 + 2 + 4 + 3 + 9 + 10);
    await expect(doomed.migrate()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });

    const cleanup = d.open(ownPrefix);
    await cleanup.dropTables();
    await cleanup.destroy();
  });
});

describe('SQL stores: naming', () => {
  it('names tables keyward_… when no tablePrefix is given', async () => {
    const database = new Database(':memory:');
    const stores = createSqlStores({ dialect: 'sqlite', database });
    await stores.migrate();
    const names = database
      .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite%'`)
      .all() as { name: string }[];
    expect(names.map((r) => r.name).sort()).toEqual(ALL_TABLES.map((n) => `keyward_${n}`));
    await stores.dropTables();
    // Only SQLite's own bookkeeping (sqlite_sequence, from AUTOINCREMENT) is left.
    expect(
      database.prepare(`select name from sqlite_master where name not like 'sqlite%'`).all(),
    ).toEqual([]);
    await stores.destroy();
    expect(database.open).toBe(false);
  });

  it('refuses a table prefix that would need quoting', () => {
    for (const tablePrefix of ['bad-prefix', 'x"; drop', '1abc', 'a'.repeat(31)]) {
      expect(() =>
        createSqlStores({ dialect: 'sqlite', database: new Database(':memory:'), tablePrefix }),
      ).toThrow(TypeError);
    }
  });

  it('keeps the data of different prefixes apart in one database', async () => {
    const database = new Database(':memory:');
    const a = createSqlStores({ dialect: 'sqlite', database, tablePrefix: 'a_' });
    const b = createSqlStores({ dialect: 'sqlite', database, tablePrefix: 'b_' });
    await a.migrate();
    await b.migrate();
    const id = randomUUID();
    await a.userStore.create({ id, email: 'same@example.test' });
    await b.userStore.create({ email: 'same@example.test' });
    expect((await a.userStore.findById(id))?.email).toBe('same@example.test');
    expect(await b.userStore.findById(id)).toBeNull();
    await b.dropTables();
    expect(await a.userStore.countUsers()).toBe(1);
    await a.destroy();
  });
});

describeWithService('mysql', 'SQL stores on a mysql2 callback pool', (url) => {
  it('work with the callback pool as well as with a mysql2/promise pool', async () => {
    const stores = createSqlStores({
      dialect: 'mysql',
      pool: createCallbackPool({ uri: url, connectionLimit: 2 }),
      tablePrefix: uniquePrefix('kwm'),
    });
    try {
      await stores.migrate();
      const created = await stores.userStore.create({ email: 'Callback@Example.test' });
      expect((await stores.userStore.findByEmail('callback@example.test'))?.id).toBe(created.id);
    } finally {
      await stores.dropTables();
      await stores.destroy();
    }
  });
});
