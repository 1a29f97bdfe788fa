import { randomUUID } from 'node:crypto';
import type { ISessionStore, SessionInfo } from '../stores/session';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type ConformanceOptions } from './runner';
import {
  expectEqual,
  expectNull,
  expectSameMembers,
  expectTrue,
  fail,
  fakeHash,
  isDate,
  secondDate,
  show,
} from './support';
import { rotation, rotationChecks } from './session-rotation-checks';
import { createSession, expectSession, fullSession, type NewSession } from './session-fixtures';

const handlesOf = (sessions: SessionInfo[]): string[] => sessions.map((s) => s.sessionHandle);

const crudChecks: Check<ISessionStore>[] = [
  {
    name: 'createSession returns every field and a handle of at least 16 characters',
    async run(store, ctx) {
      const info = fullSession(randomUUID(), randomUUID());
      const session = await createSession(store, ctx, info);
      expectSession(session, info, 'createSession result');
    },
  },
  {
    name: 'getSession returns every field exactly as created, including data and refresh state',
    async run(store, ctx) {
      const info = fullSession(randomUUID(), randomUUID());
      const session = await createSession(store, ctx, info);
      expectSession(
        await store.getSession(session.sessionHandle),
        { ...info, sessionHandle: session.sessionHandle },
        'getSession',
      );
    },
  },
  {
    name: 'a session without optional fields round-trips with them absent',
    async run(store, ctx) {
      const info: NewSession = {
        userId: randomUUID(),
        createdAt: secondDate(0),
        expiresAt: secondDate(3_600),
        refreshTokenHash: fakeHash(),
        previousRefreshTokenHash: null,
        rotatedAt: secondDate(0),
      };
      const session = await createSession(store, ctx, info);
      expectSession(
        await store.getSession(session.sessionHandle),
        { ...info, tenantId: undefined },
        'getSession',
      );
    },
  },
  {
    name: 'session handles are unique and not predictable from one another',
    async run(store, ctx) {
      const userId = randomUUID();
      const handles: string[] = [];
      for (let i = 0; i < 20; i++) {
        handles.push((await createSession(store, ctx, fullSession(userId))).sessionHandle);
      }
      expectEqual(new Set(handles).size, 20, 'distinct handles among 20');
      for (let i = 1; i < handles.length; i++) {
        const [a, b] = [handles[i - 1]!, handles[i]!];
        let differing = Math.abs(a.length - b.length);
        for (let j = 0; j < Math.min(a.length, b.length); j++) if (a[j] !== b[j]) differing++;
        // A counter or a timestamp changes a few characters; random handles change nearly all.
        if (differing < 8)
          fail(`consecutive handles ${show(a)} and ${show(b)} differ in ${differing} characters`);
        if (a.includes(userId)) fail(`handle ${show(a)} contains the user id`);
      }
    },
  },
  {
    name: 'getSession of an unknown handle gives null',
    async run(store) {
      expectNull(await store.getSession(`unknown-${fakeHash()}`), 'getSession(unknown)');
    },
  },
  {
    name: "getSessionsForUser lists the user's sessions, only one tenant's when given",
    async run(store, ctx) {
      const [userId, tenantA, tenantB] = [randomUUID(), randomUUID(), randomUUID()];
      const fullA = fullSession(userId, tenantA);
      const a = await createSession(store, ctx, fullA);
      const b = await createSession(store, ctx, fullSession(userId, tenantB));
      const none = await createSession(store, ctx, fullSession(userId));
      await createSession(store, ctx, fullSession(randomUUID(), tenantA));
      const all = await store.getSessionsForUser(userId);
      expectSameMembers(
        handlesOf(all),
        [a, b, none].map((s) => s.sessionHandle),
        'all sessions',
      );
      const listed = all.find((s) => s.sessionHandle === a.sessionHandle) ?? null;
      expectSession(listed, fullA, 'listed session');
      expectSameMembers(
        handlesOf(await store.getSessionsForUser(userId, tenantA)),
        [a.sessionHandle],
        'tenant A',
      );
      expectSameMembers(
        handlesOf(await store.getSessionsForUser(randomUUID())),
        [],
        'unknown user',
      );
    },
  },
  {
    name: 'updateSessionLastActive sets lastActiveAt to now and leaves the rest',
    async run(store, ctx) {
      const info = fullSession(randomUUID());
      const session = await createSession(store, ctx, info);
      const before = Date.now();
      await store.updateSessionLastActive(session.sessionHandle);
      const after = await store.getSession(session.sessionHandle);
      const at = after?.lastActiveAt;
      if (!isDate(at)) fail(`lastActiveAt expected a Date, got ${show(at)}`);
      // Whole-second storage may round down; clocks of a remote store may drift a little.
      if (at.getTime() < before - 5_000 || at.getTime() > Date.now() + 5_000) {
        fail(`lastActiveAt expected about ${show(new Date(before))}, got ${show(at)}`);
      }
      const rest: Partial<SessionInfo> = { ...info };
      delete rest.lastActiveAt;
      expectSession(after, rest, 'other fields');
    },
  },
  {
    name: 'revokeSession ends that session only, and ignores unknown handles',
    async run(store, ctx) {
      const userId = randomUUID();
      const gone = await createSession(store, ctx, fullSession(userId));
      const kept = await createSession(store, ctx, fullSession(userId));
      await store.revokeSession(gone.sessionHandle);
      expectNull(await store.getSession(gone.sessionHandle), 'getSession after revokeSession');
      expectSameMembers(
        handlesOf(await store.getSessionsForUser(userId)),
        [kept.sessionHandle],
        'remaining',
      );
      await store.revokeSession(`unknown-${fakeHash()}`);
      await store.revokeSession(gone.sessionHandle);
    },
  },
  {
    name: "revokeAllSessionsForUser ends the user's sessions, one tenant's when given",
    async run(store, ctx) {
      const [userId, tenantA, tenantB] = [randomUUID(), randomUUID(), randomUUID()];
      const a = await createSession(store, ctx, fullSession(userId, tenantA));
      const b = await createSession(store, ctx, fullSession(userId, tenantB));
      const none = await createSession(store, ctx, fullSession(userId));
      const stranger = await createSession(store, ctx, fullSession(randomUUID(), tenantA));
      await store.revokeAllSessionsForUser(userId, tenantA);
      expectNull(await store.getSession(a.sessionHandle), 'tenant A session');
      expectSameMembers(
        handlesOf(await store.getSessionsForUser(userId)),
        [b, none].map((s) => s.sessionHandle),
        'after tenant A',
      );
      await store.revokeAllSessionsForUser(userId);
      expectSameMembers(handlesOf(await store.getSessionsForUser(userId)), [], 'after all');
      expectNull(await store.getSession(b.sessionHandle), 'tenant B session');
      expectNull(await store.getSession(none.sessionHandle), 'session without tenant');
      expectSession(
        await store.getSession(stranger.sessionHandle),
        { userId: stranger.userId },
        "another user's session",
      );
    },
  },
  {
    name: 'mutating inputs or returned sessions does not change the stored one',
    async run(store, ctx) {
      const info = fullSession(randomUUID());
      const expected = structuredClone(info);
      const session = await createSession(store, ctx, info);
      // Stores that keep references (in memory, caches) would see these.
      info.expiresAt.setTime(0);
      (info.data as Record<string, unknown>).text = 'changed by caller';
      session.refreshTokenHash = 'changed by caller';
      const found = await store.getSession(session.sessionHandle);
      if (!found) fail('getSession did not find the session');
      if (isDate(found.createdAt)) found.createdAt.setTime(0);
      if (found.data) found.data.int = -1;
      expectSession(await store.getSession(session.sessionHandle), expected, 'after mutating');
      const next = rotation(expected.refreshTokenHash!, 1);
      const applied = structuredClone(next);
      if (
        !(await store.rotateRefreshToken(session.sessionHandle, expected.refreshTokenHash!, next))
      ) {
        fail('rotateRefreshToken with the current hash returned false');
      }
      next.expiresAt.setTime(0);
      next.rotatedAt.setTime(0);
      expectSession(
        await store.getSession(session.sessionHandle),
        { ...expected, ...applied },
        'after mutating the rotation',
      );
    },
  },
];

const optionalSessionChecks: Check<ISessionStore>[] = [
  {
    name: 'deleteExpiredSessions deletes only expired sessions and returns how many',
    needs: ['deleteExpiredSessions'],
    async run(store, ctx) {
      const userId = randomUUID();
      const expired = (offset: number) => ({
        ...fullSession(userId),
        createdAt: secondDate(offset - 60),
        expiresAt: secondDate(offset),
      });
      const old1 = await createSession(store, ctx, expired(-10));
      const old2 = await createSession(store, ctx, expired(-86_400));
      const live = await createSession(store, ctx, fullSession(userId));
      const deleted = await store.deleteExpiredSessions!();
      // Other expired sessions in a shared store may be counted too.
      expectTrue(
        Number.isInteger(deleted) && deleted >= 2,
        `returned ${show(deleted)}, expected at least 2`,
      );
      expectNull(await store.getSession(old1.sessionHandle), 'expired session');
      expectNull(await store.getSession(old2.sessionHandle), 'long-expired session');
      expectSession(await store.getSession(live.sessionHandle), { userId }, 'live session');
    },
  },
  {
    name: 'getAllSessions pages with limit and offset and filters by user id',
    needs: ['getAllSessions'],
    async run(store, ctx) {
      const userId = randomUUID();
      const mine: string[] = [];
      for (let i = 0; i < 3; i++)
        mine.push((await createSession(store, ctx, fullSession(userId))).sessionHandle);
      const pages: string[][] = [];
      for (const offset of [0, 2, 4]) {
        pages.push(handlesOf(await store.getAllSessions!({ filter: userId, limit: 2, offset })));
      }
      expectEqual(
        pages.map((p) => p.length),
        [2, 1, 0],
        'page sizes for limit 2',
      );
      expectSameMembers(pages.flat(), mine, 'handles over all pages');
      const one = await store.getAllSessions!({ limit: 1 });
      expectTrue(one.length === 1, `getAllSessions({ limit: 1 }) returned ${one.length} sessions`);
    },
  },
];

/** Every check {@link checkSessionStore} runs, in order (names are stable). */
export const sessionStoreChecks: readonly Check<ISessionStore>[] = [
  ...crudChecks,
  ...rotationChecks,
  ...optionalSessionChecks,
];

/**
 * Checks an {@link ISessionStore}: exact round-trips, tenant-scoped listing and revocation,
 * and above all that `rotateRefreshToken` is an atomic compare-and-set (of concurrent calls
 * with the same expected hash exactly one wins). Sessions belong to random user ids and are
 * revoked afterwards.
 */
export function checkSessionStore(
  store: ISessionStore,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('ISessionStore', store, sessionStoreChecks, options);
}
