import type { ITwoFactorStore } from '../stores/two-factor';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type CheckContext, type ConformanceOptions } from './runner';
import { expectEqual, fail, fakeHash, nonce, show } from './support';

type Store = ITwoFactorStore;

const CONCURRENT = 20;
const MINUTE = 60_000;

/** A user id no other run uses; its step and codes are cleared after the check. */
function userFor(store: Store, ctx: CheckContext): string {
  const userId = `kw-2fa-${nonce()}`;
  ctx.defer(() => store.clearUser(userId));
  return userId;
}

/** A one-time id no other run uses (like a temporary token's `jti`). */
const freshId = (): string => `kw-jti-${nonce(12)}`;

/** A TOTP time step like keyward computes: floor(unix seconds / 30). */
const currentStep = (): number => Math.floor(Date.now() / 30_000);

/** An SMS code issue as keyward makes one: live for `ttlMs`, replaceable after `resendMs`. */
const smsIssue = (ttlMs = 5 * MINUTE, resendMs = 30_000) => ({
  codeHash: fakeHash(),
  expiresAt: new Date(Date.now() + ttlMs),
  resendAt: new Date(Date.now() + resendMs),
});

/** Exactly one of `results` must be true, the rest false. */
function expectOneWinner(results: unknown[], what: string): void {
  const wins = results.filter((r) => r === true).length;
  const others = results.filter((r) => r !== true && r !== false);
  if (others.length > 0) fail(`${what}: expected booleans, got ${show(others[0])}`);
  if (wins !== 1) {
    fail(`${what}: exactly one call must return true, but ${wins} of ${results.length} calls did`);
  }
}

/** Every check {@link checkTwoFactorStore} runs, in order (names are stable). */
export const twoFactorStoreChecks: readonly Check<Store>[] = [
  {
    name: 'recordTotpStep accepts a first step and each greater one, and refuses equal or lower steps',
    async run(store, ctx) {
      const userId = userFor(store, ctx);
      const step = currentStep();
      expectEqual(await store.recordTotpStep(userId, step), true, 'the first step');
      expectEqual(await store.recordTotpStep(userId, step), false, 'the same step again');
      expectEqual(await store.recordTotpStep(userId, step - 1), false, 'a lower step');
      expectEqual(await store.recordTotpStep(userId, step + 1), true, 'the next step');
      expectEqual(await store.recordTotpStep(userId, step + 1), false, 'the next step again');
      expectEqual(await store.recordTotpStep(userId, step), false, 'the first step after the next');
      expectEqual(await store.recordTotpStep(userId, step + 5), true, 'a step further ahead');
    },
  },
  {
    name: `of ${CONCURRENT} concurrent recordTotpStep calls with the same new step exactly one wins`,
    async run(store, ctx) {
      const userId = userFor(store, ctx);
      const step = currentStep();
      expectEqual(await store.recordTotpStep(userId, step - 1), true, 'the previous step');
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, () => store.recordTotpStep(userId, step)),
      );
      expectOneWinner(results, 'concurrent calls with the same step');
      expectEqual(await store.recordTotpStep(userId, step), false, 'the same step afterwards');

      // A user with no step yet: the concurrent first calls race the insert, too.
      const fresh = userFor(store, ctx);
      const first = await Promise.all(
        Array.from({ length: CONCURRENT }, () => store.recordTotpStep(fresh, step)),
      );
      expectOneWinner(first, 'concurrent first calls for a new user');
    },
  },
  {
    name: 'recovery codes are replaced as a whole, counted, and each consumed once',
    async run(store, ctx) {
      const userId = userFor(store, ctx);
      expectEqual(await store.countRecoveryCodes(userId), 0, 'count before any codes');
      const codes = Array.from({ length: 10 }, fakeHash);
      await store.replaceRecoveryCodes(userId, codes);
      expectEqual(await store.countRecoveryCodes(userId), 10, 'count after replaceRecoveryCodes');
      expectEqual(await store.consumeRecoveryCode(userId, codes[3]!), true, 'consume a code');
      expectEqual(await store.consumeRecoveryCode(userId, codes[3]!), false, 'consume it again');
      expectEqual(await store.countRecoveryCodes(userId), 9, 'count after one use');

      const next = Array.from({ length: 8 }, fakeHash);
      await store.replaceRecoveryCodes(userId, next);
      expectEqual(await store.countRecoveryCodes(userId), 8, 'count after replacing the codes');
      expectEqual(
        await store.consumeRecoveryCode(userId, codes[0]!),
        false,
        'a code of the replaced set',
      );
      expectEqual(await store.consumeRecoveryCode(userId, next[7]!), true, 'a code of the new set');
      expectEqual(await store.countRecoveryCodes(userId), 7, 'count after using a new code');

      await store.replaceRecoveryCodes(userId, []);
      expectEqual(await store.countRecoveryCodes(userId), 0, 'count after replacing with none');
      expectEqual(await store.consumeRecoveryCode(userId, next[0]!), false, 'after clearing');
    },
  },
  {
    name: 'consumeRecoveryCode of an unknown code, or of another user’s code, returns false',
    async run(store, ctx) {
      const [a, b] = [userFor(store, ctx), userFor(store, ctx)];
      const code = fakeHash();
      expectEqual(await store.consumeRecoveryCode(a, fakeHash()), false, 'a user with no codes');
      await store.replaceRecoveryCodes(a, [code]);
      expectEqual(await store.consumeRecoveryCode(a, fakeHash()), false, 'an unknown code');
      expectEqual(
        await store.consumeRecoveryCode(a, code.toUpperCase()),
        false,
        'the code in another case',
      );
      expectEqual(await store.consumeRecoveryCode(b, code), false, 'another user’s code');
      expectEqual(await store.countRecoveryCodes(a), 1, 'the owner’s count afterwards');
      expectEqual(await store.consumeRecoveryCode(a, code), true, 'the owner’s code');
    },
  },
  {
    name: `of ${CONCURRENT} concurrent consumes of one recovery code exactly one succeeds`,
    async run(store, ctx) {
      const userId = userFor(store, ctx);
      const codes = Array.from({ length: 3 }, fakeHash);
      await store.replaceRecoveryCodes(userId, codes);
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, () => store.consumeRecoveryCode(userId, codes[1]!)),
      );
      expectOneWinner(results, 'concurrent consumes');
      expectEqual(await store.countRecoveryCodes(userId), 2, 'count afterwards');
    },
  },
  {
    name: 'markUsed returns true for the first use of an id only',
    async run(store) {
      const id = freshId();
      const expiresAt = new Date(Date.now() + 5 * MINUTE);
      expectEqual(await store.markUsed(id, expiresAt), true, 'the first use');
      expectEqual(await store.markUsed(id, expiresAt), false, 'the second use');
      expectEqual(
        await store.markUsed(id, new Date(Date.now() + 10 * MINUTE)),
        false,
        'a use with a later expiry',
      );
      expectEqual(await store.markUsed(freshId(), expiresAt), true, 'another id');
    },
  },
  {
    name: `of ${CONCURRENT} concurrent markUsed calls with one id exactly one returns true`,
    async run(store) {
      const id = freshId();
      const expiresAt = new Date(Date.now() + 5 * MINUTE);
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, () => store.markUsed(id, expiresAt)),
      );
      expectOneWinner(results, 'concurrent markUsed');
      expectEqual(await store.markUsed(id, expiresAt), false, 'markUsed afterwards');
    },
  },
  {
    name: 'an SMS code is claimed attempt by attempt, consumed once, and dead after the limit',
    async run(store, ctx) {
      const userId = userFor(store, ctx);
      expectEqual(await store.claimSmsAttempt(userId, 5), null, 'a claim with no code');
      const issue = smsIssue();
      expectEqual(await store.saveSmsCode(userId, issue), true, 'the first code');
      expectEqual(await store.claimSmsAttempt(userId, 5), issue.codeHash, 'the first claim');
      expectEqual(await store.consumeSmsCode(userId, fakeHash()), false, 'consume another hash');
      expectEqual(await store.consumeSmsCode(userId, issue.codeHash), true, 'consume the code');
      expectEqual(await store.consumeSmsCode(userId, issue.codeHash), false, 'consume it again');
      expectEqual(await store.claimSmsAttempt(userId, 5), null, 'a claim after it was used');

      const limited = userFor(store, ctx);
      const code = smsIssue();
      await store.saveSmsCode(limited, code);
      for (let i = 1; i <= 5; i++) {
        expectEqual(await store.claimSmsAttempt(limited, 5), code.codeHash, `claim ${i} of 5`);
      }
      expectEqual(await store.claimSmsAttempt(limited, 5), null, 'a sixth claim');
      expectEqual(await store.claimSmsAttempt(limited, 6), code.codeHash, 'under a higher limit');
    },
  },
  {
    name: `of ${CONCURRENT} concurrent SMS attempt claims with a limit of 5 exactly 5 get the hash`,
    async run(store, ctx) {
      const userId = userFor(store, ctx);
      const issue = smsIssue();
      await store.saveSmsCode(userId, issue);
      const results = await Promise.all(
        Array.from({ length: CONCURRENT }, () => store.claimSmsAttempt(userId, 5)),
      );
      const granted = results.filter((r) => r === issue.codeHash).length;
      if (granted !== 5) fail(`expected 5 claims to get the hash, ${granted} did`);
      expectEqual(results.filter((r) => r === null).length, CONCURRENT - 5, 'refused claims');

      const consumes = await Promise.all(
        Array.from({ length: CONCURRENT }, () => store.consumeSmsCode(userId, issue.codeHash)),
      );
      expectOneWinner(consumes, 'concurrent consumes of one SMS code');
    },
  },
  {
    name: 'an SMS code cannot be replaced before its resend time, and a new one resets attempts',
    async run(store, ctx) {
      const userId = userFor(store, ctx);
      const first = smsIssue(5 * MINUTE, 5 * MINUTE);
      expectEqual(await store.saveSmsCode(userId, first), true, 'the first code');
      expectEqual(await store.saveSmsCode(userId, smsIssue()), false, 'a code before resendAt');
      expectEqual(await store.claimSmsAttempt(userId, 5), first.codeHash, 'the first code stays');

      const other = userFor(store, ctx);
      const old = smsIssue(5 * MINUTE, -1000);
      await store.saveSmsCode(other, old);
      for (let i = 0; i < 5; i++) await store.claimSmsAttempt(other, 5);
      const next = smsIssue();
      expectEqual(await store.saveSmsCode(other, next), true, 'a code after resendAt');
      expectEqual(
        await store.claimSmsAttempt(other, 5),
        next.codeHash,
        'the new code, attempts reset',
      );
      expectEqual(await store.consumeSmsCode(other, old.codeHash), false, 'the replaced code');

      const fresh = userFor(store, ctx);
      const saves = await Promise.all(
        Array.from({ length: CONCURRENT }, () => store.saveSmsCode(fresh, smsIssue())),
      );
      expectOneWinner(saves, 'concurrent first saves within the resend time');
    },
  },
  {
    name: 'an expired SMS code is refused',
    async run(store, ctx) {
      const userId = userFor(store, ctx);
      const issue = smsIssue(-1000, -1000);
      expectEqual(await store.saveSmsCode(userId, issue), true, 'an expired code is stored');
      expectEqual(await store.claimSmsAttempt(userId, 5), null, 'a claim of the expired code');
    },
  },
  {
    name: 'clearUser forgets the TOTP step, recovery codes and SMS code of that user only',
    async run(store, ctx) {
      const [a, b] = [userFor(store, ctx), userFor(store, ctx)];
      const step = currentStep();
      const [codeA, codeB] = [fakeHash(), fakeHash()];
      await store.recordTotpStep(a, step);
      await store.recordTotpStep(b, step);
      await store.replaceRecoveryCodes(a, [codeA, fakeHash()]);
      await store.replaceRecoveryCodes(b, [codeB]);
      const id = freshId();
      await store.markUsed(id, new Date(Date.now() + 5 * MINUTE));

      await store.clearUser(a);
      expectEqual(await store.countRecoveryCodes(a), 0, 'the cleared user’s codes');
      expectEqual(await store.consumeRecoveryCode(a, codeA), false, 'a cleared code');
      expectEqual(await store.recordTotpStep(a, step - 1), true, 'an older step after clearUser');
      expectEqual(await store.countRecoveryCodes(b), 1, 'the other user’s codes');
      expectEqual(await store.recordTotpStep(b, step), false, 'the other user’s step');
      expectEqual(await store.markUsed(id, new Date(Date.now() + MINUTE)), false, 'a used id');

      const smsA = smsIssue(5 * MINUTE, 5 * MINUTE);
      const smsB = smsIssue(5 * MINUTE, 5 * MINUTE);
      await store.saveSmsCode(a, smsA);
      await store.saveSmsCode(b, smsB);
      await store.clearUser(a);
      expectEqual(await store.claimSmsAttempt(a, 5), null, 'the cleared user’s SMS code');
      expectEqual(await store.saveSmsCode(a, smsIssue()), true, 'a new SMS code after clearUser');
      expectEqual(await store.claimSmsAttempt(b, 5), smsB.codeHash, 'the other user’s SMS code');
      await store.clearUser(`kw-2fa-${nonce()}`);
    },
  },
  {
    name: 'users are independent: steps and recovery codes of one never affect another',
    async run(store, ctx) {
      const [a, b] = [userFor(store, ctx), userFor(store, ctx)];
      const step = currentStep();
      const shared = fakeHash();
      expectEqual(await store.recordTotpStep(a, step + 3), true, 'a step for one user');
      expectEqual(await store.recordTotpStep(b, step), true, 'a lower step for another user');
      expectEqual(await store.recordTotpStep(b, step + 1), true, 'the other user’s next step');
      expectEqual(await store.recordTotpStep(a, step + 2), false, 'a lower step for the first');

      await store.replaceRecoveryCodes(a, [shared, fakeHash()]);
      await store.replaceRecoveryCodes(b, [shared]);
      expectEqual(await store.consumeRecoveryCode(a, shared), true, 'the code for one user');
      expectEqual(await store.countRecoveryCodes(b), 1, 'the other user’s count');
      expectEqual(await store.consumeRecoveryCode(b, shared), true, 'the same code for the other');
      await store.replaceRecoveryCodes(b, []);
      expectEqual(await store.countRecoveryCodes(a), 1, 'the first user after the other replaced');
    },
  },
];

/**
 * Checks an {@link ITwoFactorStore}: TOTP steps only go up and a step wins once, recovery codes
 * are single use, one-time ids are used once, all under concurrency. User ids and one-time ids
 * are random; users are cleared afterwards (used ids expire within minutes).
 */
export function checkTwoFactorStore(
  store: Store,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('ITwoFactorStore', store, twoFactorStoreChecks, options);
}
