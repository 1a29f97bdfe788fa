import type { SessionInfo } from 'keyward';
import { RedisSessionStore, createRedisStores, type RedisStores } from 'keyward/redis';
import type { Redis } from 'ioredis';
import { sleep } from '../helpers/app';
import { describeWithService } from '../helpers/services';
import { HOUR, RedisFixture, at, rotation, sessionFor } from './redis-support';

describeWithService('redis', 'RedisSessionStore', (url) => {
  const fixture = new RedisFixture(url);
  let client: Redis;
  let prefix: string;
  let stores: RedisStores;
  let userSeq = 0;
  const newUser = () => `user-${++userSeq}`;
  /** When a key expires, as Unix ms (PEXPIRETIME): exact, unlike a PTTL read a moment later. */
  const expiryOf = async (key: string) => Number(await client.call('PEXPIRETIME', key));

  beforeAll(() => {
    client = fixture.client();
    prefix = fixture.prefix();
    stores = createRedisStores({ client, keyPrefix: prefix });
  });
  afterAll(() => fixture.closeAll());

  it('round-trips every field: dates to the millisecond, data as JSON, null apart from absent', async () => {
    const info = sessionFor(newUser(), {
      tenantId: 'tenant-a',
      userAgent: 'Mozilla/5.0 (X11) "quoted" ünïcode',
      ipAddress: '203.0.113.7',
      data: { plan: 'pro', nested: { list: [1, 'two', null, true] }, empty: {} },
    });
    const created = await stores.sessionStore.createSession(info);
    expect(created).toEqual({ ...info, sessionHandle: created.sessionHandle });

    const read = await stores.sessionStore.getSession(created.sessionHandle);
    expect(read).toEqual(created);
    expect(read!.createdAt.getTime()).toBe(info.createdAt.getTime());
    expect(read!.expiresAt.getTime() % 1000).toBe(437);
    expect(read!.previousRefreshTokenHash).toBeNull();

    const minimal = await stores.sessionStore.createSession({
      userId: newUser(),
      createdAt: at(0),
      expiresAt: at(HOUR),
    });
    const readMinimal = await stores.sessionStore.getSession(minimal.sessionHandle);
    expect(readMinimal).toEqual(minimal);
    for (const field of ['tenantId', 'lastActiveAt', 'data', 'refreshTokenHash', 'rotatedAt'])
      expect(readMinimal).not.toHaveProperty(field);
  });

  it('answers null for a handle that does not exist', async () => {
    expect(await stores.sessionStore.getSession('no-such-handle')).toBeNull();
  });

  it('creates unguessable handles: at least 128 random bits, base64url', async () => {
    const userId = newUser();
    const handles = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const s = await stores.sessionStore.createSession(sessionFor(userId));
        return s.sessionHandle;
      }),
    );
    expect(new Set(handles).size).toBe(30);
    for (const h of handles) {
      expect(h).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(h, 'base64url').length).toBeGreaterThanOrEqual(16);
    }
    await stores.sessionStore.revokeAllSessionsForUser(userId);
  });

  it('sets the session to expire at expiresAt and keeps the user index alive at least as long', async () => {
    const userId = newUser();
    const expiresAt = new Date(Date.now() + 90_000);
    const s = await stores.sessionStore.createSession(sessionFor(userId, { expiresAt }));

    const sessionKey = `${prefix}session:${s.sessionHandle}`;
    const indexKey = `${prefix}user-sessions:${userId}`;
    const pttl = await client.pttl(sessionKey);
    expect(pttl).toBeGreaterThan(85_000);
    expect(pttl).toBeLessThanOrEqual(90_000);
    expect(await expiryOf(sessionKey)).toBe(expiresAt.getTime());
    expect(await expiryOf(indexKey)).toBeGreaterThanOrEqual(expiresAt.getTime());

    // A shorter session later does not shorten the index.
    await stores.sessionStore.createSession(sessionFor(userId, { expiresAt: at(10_000) }));
    expect(await expiryOf(indexKey)).toBeGreaterThanOrEqual(expiresAt.getTime());
    // A longer one lengthens it.
    const longer = new Date(Date.now() + 3 * HOUR);
    await stores.sessionStore.createSession(sessionFor(userId, { expiresAt: longer }));
    expect(await expiryOf(indexKey)).toBe(longer.getTime());
  });

  it('moves the expiry (and the index expiry) to the new expiresAt on rotation', async () => {
    const userId = newUser();
    const s = await stores.sessionStore.createSession(
      sessionFor(userId, { expiresAt: new Date(Date.now() + 60_000) }),
    );
    const next = rotation('hash-1', 'hash-0', 5 * HOUR);
    expect(await stores.sessionStore.rotateRefreshToken(s.sessionHandle, 'hash-0', next)).toBe(
      true,
    );

    expect(await expiryOf(`${prefix}session:${s.sessionHandle}`)).toBe(next.expiresAt.getTime());
    expect(await expiryOf(`${prefix}user-sessions:${userId}`)).toBeGreaterThanOrEqual(
      next.expiresAt.getTime(),
    );
  });

  it('lets Redis remove a session when expiresAt passes, and prunes it from the user list', async () => {
    const userId = newUser();
    const short = await stores.sessionStore.createSession(
      sessionFor(userId, { expiresAt: new Date(Date.now() + 300) }),
    );
    const long = await stores.sessionStore.createSession(sessionFor(userId));
    expect(await stores.sessionStore.getSessionsForUser(userId)).toHaveLength(2);

    await sleep(450);
    expect(await stores.sessionStore.getSession(short.sessionHandle)).toBeNull();
    const left = await stores.sessionStore.getSessionsForUser(userId);
    expect(left.map((s) => s.sessionHandle)).toEqual([long.sessionHandle]);
    expect(await client.smembers(`${prefix}user-sessions:${userId}`)).toEqual([long.sessionHandle]);
  });

  it('updates lastActiveAt of a live session and never recreates a revoked one', async () => {
    const s = await stores.sessionStore.createSession(
      sessionFor(newUser(), { lastActiveAt: new Date(Date.now() - HOUR) }),
    );
    const before = Date.now();
    await stores.sessionStore.updateSessionLastActive(s.sessionHandle);
    const read = await stores.sessionStore.getSession(s.sessionHandle);
    expect(read!.lastActiveAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(read!.expiresAt).toEqual(s.expiresAt);

    await stores.sessionStore.revokeSession(s.sessionHandle);
    await stores.sessionStore.updateSessionLastActive(s.sessionHandle);
    expect(await client.exists(`${prefix}session:${s.sessionHandle}`)).toBe(0);
  });

  it('rotates with compare-and-set: writes every field, refuses a stale hash or a missing session', async () => {
    const s = await stores.sessionStore.createSession(sessionFor(newUser()));
    const next = rotation('hash-1', 'hash-0');
    expect(await stores.sessionStore.rotateRefreshToken(s.sessionHandle, 'hash-0', next)).toBe(
      true,
    );
    expect(await stores.sessionStore.getSession(s.sessionHandle)).toEqual({ ...s, ...next });

    // hash-0 is no longer current: a second rotation from it must fail and change nothing.
    const stale = rotation('hash-x', 'hash-0', 9 * HOUR);
    expect(await stores.sessionStore.rotateRefreshToken(s.sessionHandle, 'hash-0', stale)).toBe(
      false,
    );
    expect(await stores.sessionStore.getSession(s.sessionHandle)).toEqual({ ...s, ...next });

    expect(await stores.sessionStore.rotateRefreshToken('no-such-handle', 'hash-0', next)).toBe(
      false,
    );
    expect(await client.exists(`${prefix}session:no-such-handle`)).toBe(0);
  });

  it('of 20 concurrent rotations from the same hash, over several connections, exactly one wins', async () => {
    const connections = [client, fixture.client(), fixture.client(), fixture.client()];
    const perConnection = connections.map((c) => new RedisSessionStore(c, { keyPrefix: prefix }));
    for (let round = 0; round < 5; round++) {
      const s = await stores.sessionStore.createSession(sessionFor(newUser()));
      const attempts = Array.from({ length: 20 }, (_, i) => rotation(`hash-1-${i}`, 'hash-0'));
      const results = await Promise.all(
        attempts.map((next, i) =>
          perConnection[i % perConnection.length]!.rotateRefreshToken(
            s.sessionHandle,
            'hash-0',
            next,
          ),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = attempts[results.indexOf(true)]!;
      expect(await stores.sessionStore.getSession(s.sessionHandle)).toEqual({ ...s, ...winner });
    }
  });

  it('revokes one session and removes it from the user list', async () => {
    const userId = newUser();
    const a = await stores.sessionStore.createSession(sessionFor(userId));
    const b = await stores.sessionStore.createSession(sessionFor(userId));
    await stores.sessionStore.revokeSession(a.sessionHandle);
    expect(await stores.sessionStore.getSession(a.sessionHandle)).toBeNull();
    expect(
      (await stores.sessionStore.getSessionsForUser(userId)).map((s) => s.sessionHandle),
    ).toEqual([b.sessionHandle]);
    expect(await client.smembers(`${prefix}user-sessions:${userId}`)).toEqual([b.sessionHandle]);
    // Revoking what is already gone is not an error.
    await stores.sessionStore.revokeSession(a.sessionHandle);
  });

  it('lists and revokes by tenant without touching other tenants or other users', async () => {
    const userId = newUser();
    const other = newUser();
    const inA = await stores.sessionStore.createSession(sessionFor(userId, { tenantId: 'a' }));
    const inB = await stores.sessionStore.createSession(sessionFor(userId, { tenantId: 'b' }));
    const none = await stores.sessionStore.createSession(sessionFor(userId));
    const othersA = await stores.sessionStore.createSession(sessionFor(other, { tenantId: 'a' }));
    const handles = (list: SessionInfo[]) => list.map((s) => s.sessionHandle).sort();

    expect(handles(await stores.sessionStore.getSessionsForUser(userId))).toEqual(
      [inA, inB, none].map((s) => s.sessionHandle).sort(),
    );
    expect(handles(await stores.sessionStore.getSessionsForUser(userId, 'a'))).toEqual([
      inA.sessionHandle,
    ]);

    await stores.sessionStore.revokeAllSessionsForUser(userId, 'a');
    expect(await stores.sessionStore.getSession(inA.sessionHandle)).toBeNull();
    expect(handles(await stores.sessionStore.getSessionsForUser(userId))).toEqual(
      [inB, none].map((s) => s.sessionHandle).sort(),
    );
    expect(await stores.sessionStore.getSession(othersA.sessionHandle)).not.toBeNull();

    await stores.sessionStore.revokeAllSessionsForUser(userId);
    expect(await stores.sessionStore.getSessionsForUser(userId)).toEqual([]);
    expect(await stores.sessionStore.getSession(inB.sessionHandle)).toBeNull();
    expect(await stores.sessionStore.getSession(none.sessionHandle)).toBeNull();
    expect(await client.exists(`${prefix}user-sessions:${userId}`)).toBe(0);
    expect(await stores.sessionStore.getSessionsForUser(other)).toHaveLength(1);
  });

  it('lists all sessions of its prefix for admins, with limit, offset and filter', async () => {
    const own = fixture.prefix();
    const store = new RedisSessionStore(client, { keyPrefix: own });
    const created: SessionInfo[] = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        await store.createSession(
          sessionFor(`admin-user-${i}`, {
            createdAt: at(i * 1000),
            ipAddress: `198.51.100.${i}`,
          }),
        ),
      );
    }
    // Sessions under another prefix are not listed.
    await stores.sessionStore.createSession(sessionFor('admin-user-0'));

    expect(await store.getAllSessions()).toEqual(created);
    expect(await store.getAllSessions({ limit: 2, offset: 1 })).toEqual(created.slice(1, 3));
    expect(await store.getAllSessions({ filter: 'admin-user-3' })).toEqual([created[3]]);
    expect(await store.getAllSessions({ filter: '198.51.100.4' })).toEqual([created[4]]);
    expect(await store.getAllSessions({ filter: 'nobody' })).toEqual([]);
  });

  it('lists only its own prefix even when the prefix contains glob characters', async () => {
    const base = fixture.prefix();
    const starred = new RedisSessionStore(client, { keyPrefix: `${base}[ab]*:` });
    const lookalike = new RedisSessionStore(client, { keyPrefix: `${base}a*:` });
    const mine = await starred.createSession(sessionFor('glob-user'));
    await lookalike.createSession(sessionFor('glob-user'));
    expect(await starred.getAllSessions()).toEqual([mine]);
  });

  it('keeps working after the server forgets its cached scripts', async () => {
    await client.script('FLUSH');
    const s = await stores.sessionStore.createSession(sessionFor(newUser()));
    await client.script('FLUSH');
    expect(
      await stores.sessionStore.rotateRefreshToken(
        s.sessionHandle,
        'hash-0',
        rotation('hash-1', 'hash-0'),
      ),
    ).toBe(true);
  });
});
