import { randomUUID } from 'node:crypto';
import type { ISessionStore, RefreshRotation } from '../stores/session';
import type { Check } from './runner';
import { createSession, expectSession, fullSession } from './session-fixtures';
import { expectEqual, expectNull, fail, fakeHash, secondDate, show } from './support';

/** A rotation away from `previous`; `n` makes every date distinct so mixed writes show. */
export function rotation(previous: string, n = 0): RefreshRotation {
  return {
    refreshTokenHash: fakeHash(),
    previousRefreshTokenHash: previous,
    rotatedAt: secondDate(n),
    lastActiveAt: secondDate(n),
    expiresAt: secondDate(7 * 86_400 + n),
  };
}

async function expectOutcome(
  call: Promise<boolean>,
  expected: boolean,
  what: string,
): Promise<void> {
  const outcome = await call;
  if (outcome !== expected) fail(`${what}: expected ${expected}, got ${show(outcome)}`);
}

/** The refresh flow's compare-and-set, which stops two refreshes from forking a session. */
export const rotationChecks: Check<ISessionStore>[] = [
  {
    name: 'rotateRefreshToken with the current hash applies all of next and returns true',
    async run(store, ctx) {
      const info = fullSession(randomUUID(), randomUUID());
      const session = await createSession(store, ctx, info);
      const next = rotation(info.refreshTokenHash!, 1);
      await expectOutcome(
        store.rotateRefreshToken(session.sessionHandle, info.refreshTokenHash!, next),
        true,
        'rotate',
      );
      expectSession(
        await store.getSession(session.sessionHandle),
        { ...info, ...next },
        'after rotation',
      );
    },
  },
  {
    name: 'rotateRefreshToken with a stale or wrong hash returns false and changes nothing',
    async run(store, ctx) {
      const info = fullSession(randomUUID());
      const session = await createSession(store, ctx, info);
      const handle = session.sessionHandle;
      const first = rotation(info.refreshTokenHash!, 1);
      await expectOutcome(
        store.rotateRefreshToken(handle, info.refreshTokenHash!, first),
        true,
        'first rotation',
      );
      const expected = { ...info, ...first };
      await expectOutcome(
        store.rotateRefreshToken(handle, info.refreshTokenHash!, rotation(fakeHash(), 2)),
        false,
        'stale hash',
      );
      expectSession(await store.getSession(handle), expected, 'after the stale attempt');
      await expectOutcome(
        store.rotateRefreshToken(handle, fakeHash(), rotation(fakeHash(), 3)),
        false,
        'unknown hash',
      );
      expectSession(await store.getSession(handle), expected, 'after the wrong attempt');
      const second = rotation(first.refreshTokenHash, 4);
      await expectOutcome(
        store.rotateRefreshToken(handle, first.refreshTokenHash, second),
        true,
        'next rotation in the chain',
      );
      expectSession(
        await store.getSession(handle),
        { ...info, ...second },
        'after the second rotation',
      );
    },
  },
  {
    name: 'rotateRefreshToken of an unknown or revoked session returns false and creates nothing',
    async run(store, ctx) {
      const unknown = `unknown-${fakeHash()}`;
      await expectOutcome(
        store.rotateRefreshToken(unknown, fakeHash(), rotation(fakeHash())),
        false,
        'unknown session',
      );
      expectNull(await store.getSession(unknown), 'getSession(unknown) after the attempt');
      const info = fullSession(randomUUID());
      const session = await createSession(store, ctx, info);
      await store.revokeSession(session.sessionHandle);
      const next = rotation(info.refreshTokenHash!);
      await expectOutcome(
        store.rotateRefreshToken(session.sessionHandle, info.refreshTokenHash!, next),
        false,
        'revoked session',
      );
      expectNull(
        await store.getSession(session.sessionHandle),
        'revoked session after the attempt',
      );
    },
  },
  {
    name: 'of 20 concurrent rotations with the same expected hash exactly one wins, every time',
    async run(store, ctx) {
      const info = fullSession(randomUUID());
      const session = await createSession(store, ctx, info);
      let expected = info.refreshTokenHash!;
      // Several rounds: a race that is lost only sometimes must still show up.
      for (let round = 0; round < 5; round++) {
        const nexts = Array.from({ length: 20 }, (_, i) => rotation(expected, round * 20 + i));
        const outcomes = await Promise.all(
          nexts.map((next) => store.rotateRefreshToken(session.sessionHandle, expected, next)),
        );
        const winners = nexts.filter((_, i) => outcomes[i] === true);
        if (winners.length !== 1) {
          fail(
            `round ${round + 1}: ${winners.length} of 20 calls returned true, outcomes ${show(outcomes)}`,
          );
        }
        const winner = winners[0]!;
        expectSession(
          await store.getSession(session.sessionHandle),
          winner,
          `round ${round + 1}: stored state is the winner's next`,
        );
        expected = winner.refreshTokenHash;
      }
    },
  },
  {
    name: 'concurrent rotations of different sessions all succeed',
    async run(store, ctx) {
      const userId = randomUUID();
      const infos = Array.from({ length: 10 }, () => fullSession(userId));
      const sessions = await Promise.all(infos.map((info) => createSession(store, ctx, info)));
      const nexts = infos.map((info, i) => rotation(info.refreshTokenHash!, i));
      const outcomes = await Promise.all(
        sessions.map((s, i) =>
          store.rotateRefreshToken(s.sessionHandle, infos[i]!.refreshTokenHash!, nexts[i]!),
        ),
      );
      expectEqual(
        outcomes,
        infos.map(() => true),
        'outcomes',
      );
      for (const [i, s] of sessions.entries()) {
        expectSession(await store.getSession(s.sessionHandle), nexts[i]!, `session ${i + 1}`);
      }
    },
  },
];
