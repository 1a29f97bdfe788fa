import type { IPendingPlanStore, PendingPlan } from '../stores/pending-plan';
import type { ConformanceReport } from './report';
import { runChecks, type Check, type CheckContext, type ConformanceOptions } from './runner';
import {
  TRICKY_TEXT,
  expectNull,
  expectTrue,
  fail,
  isDate,
  msDate,
  nonce,
  sameValue,
  show,
  uniqueEmail,
} from './support';

type Store = IPendingPlanStore;

/** A GitHub account id no other run uses (GitHub's are numbers; the port takes any string). */
const githubId = (): string => `kw-conformance-gh-${nonce()}`;

/** A fresh email, lower-cased as the port asks callers to store it. */
const lowerEmail = (): string => uniqueEmail('Sponsor').toLowerCase();

/** Every field set; the plan is removed after the check. */
function fullPlan(ctx: CheckContext, store: Store, overrides: Partial<PendingPlan> = {}) {
  const plan: PendingPlan = {
    githubId: githubId(),
    githubLogin: `octo-${nonce()}`,
    email: lowerEmail(),
    tier: `$5 a month ${TRICKY_TEXT}`,
    createdAt: msDate(-60_000),
    ...overrides,
  };
  ctx.defer(() => store.remove(plan.githubId));
  return plan;
}

/** Field by field; `createdAt` a Date with its milliseconds; absent fields absent (not null). */
function expectPlan(actual: PendingPlan | null, expected: PendingPlan, what: string): void {
  if (typeof actual !== 'object' || actual === null) {
    fail(`${what}: expected the plan of ${show(expected.githubId)}, got ${show(actual)}`);
  }
  if (!isDate(actual.createdAt)) {
    fail(`${what}: createdAt expected a Date, got ${show(actual.createdAt)}`);
  }
  for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
    const got = (actual as unknown as Record<string, unknown>)[key];
    const want = (expected as unknown as Record<string, unknown>)[key];
    if (!sameValue(got, want)) fail(`${what}: ${key} expected ${show(want)}, got ${show(got)}`);
  }
}

/** Every check {@link checkPendingPlanStore} runs, in order (names are stable). */
export const pendingPlanStoreChecks: readonly Check<Store>[] = [
  {
    name: 'save then findByGithubId and findByEmail return every field, createdAt as a Date',
    async run(store, ctx) {
      const plan = fullPlan(ctx, store);
      await store.save(structuredClone(plan));
      expectPlan(await store.findByGithubId(plan.githubId), plan, 'findByGithubId');
      expectPlan(await store.findByEmail(plan.email!), plan, 'findByEmail');
    },
  },
  {
    name: 'a plan saved without optional fields comes back without them',
    async run(store, ctx) {
      const plan: PendingPlan = { githubId: githubId(), createdAt: msDate(0) };
      ctx.defer(() => store.remove(plan.githubId));
      await store.save(structuredClone(plan));
      expectPlan(await store.findByGithubId(plan.githubId), plan, 'findByGithubId');
    },
  },
  {
    name: 'findByEmail is case-insensitive and returns the stored, lower-cased email',
    async run(store, ctx) {
      const plan = fullPlan(ctx, store);
      await store.save(structuredClone(plan));
      for (const asked of [plan.email!.toUpperCase(), uniqueCase(plan.email!)]) {
        expectPlan(await store.findByEmail(asked), plan, `findByEmail(${show(asked)})`);
      }
    },
  },
  {
    name: 'findByGithubId and findByEmail of unknown values are null',
    async run(store, ctx) {
      const plan = fullPlan(ctx, store);
      await store.save(structuredClone(plan));
      expectNull(await store.findByGithubId(githubId()), 'findByGithubId of an unknown id');
      expectNull(await store.findByEmail(lowerEmail()), 'findByEmail of an unknown email');
      // A prefix of a stored value must not match (a LIKE or a prefix scan would).
      expectNull(await store.findByGithubId(plan.githubId.slice(0, -1)), 'an id prefix');
      expectNull(await store.findByEmail(plan.email!.slice(0, -1)), 'an email prefix');
    },
  },
  {
    name: 'save replaces the plan of the same GitHub id as a whole',
    async run(store, ctx) {
      const first = fullPlan(ctx, store);
      await store.save(structuredClone(first));
      const second: PendingPlan = {
        githubId: first.githubId,
        tier: `$25 a month ${nonce()}`,
        createdAt: msDate(1_000),
      };
      await store.save(structuredClone(second));
      expectPlan(
        await store.findByGithubId(first.githubId),
        second,
        'findByGithubId after replace',
      );
      expectNull(
        await store.findByEmail(first.email!),
        'findByEmail of the email it no longer has',
      );
    },
  },
  {
    name: 'replacing a plan with another email moves it in the email look-up',
    async run(store, ctx) {
      const plan = fullPlan(ctx, store);
      await store.save(structuredClone(plan));
      const moved = { ...plan, email: lowerEmail() };
      await store.save(structuredClone(moved));
      expectNull(await store.findByEmail(plan.email!), 'findByEmail of the old email');
      expectPlan(await store.findByEmail(moved.email), moved, 'findByEmail of the new email');
      const back = { ...plan, tier: 'back' };
      await store.save(structuredClone(back));
      expectNull(await store.findByEmail(moved.email), 'findByEmail of the second email');
      expectPlan(await store.findByEmail(plan.email!), back, 'findByEmail after moving back');
    },
  },
  {
    name: 'plans of two GitHub ids sharing an email are both kept; removing one leaves the other',
    async run(store, ctx) {
      const older = fullPlan(ctx, store, { createdAt: msDate(-120_000) });
      const newer = fullPlan(ctx, store, { email: older.email, createdAt: msDate(-60_000) });
      await store.save(structuredClone(older));
      await store.save(structuredClone(newer));
      const found = await store.findByEmail(older.email!);
      expectTrue(
        found?.githubId === older.githubId || found?.githubId === newer.githubId,
        `findByEmail of a shared email: expected one of the two plans, got ${show(found)}`,
      );
      await store.remove(found!.githubId);
      const other = found!.githubId === older.githubId ? newer : older;
      expectPlan(await store.findByEmail(older.email!), other, 'findByEmail after removing one');
      expectPlan(await store.findByGithubId(other.githubId), other, 'the other plan by id');
    },
  },
  {
    name: 'remove deletes the plan from both look-ups, leaves others alone, and an unknown id does nothing',
    async run(store, ctx) {
      const gone = fullPlan(ctx, store);
      const kept = fullPlan(ctx, store);
      await store.save(structuredClone(gone));
      await store.save(structuredClone(kept));
      await store.remove(gone.githubId);
      await store.remove(gone.githubId);
      await store.remove(githubId());
      expectNull(await store.findByGithubId(gone.githubId), 'findByGithubId after remove');
      expectNull(await store.findByEmail(gone.email!), 'findByEmail after remove');
      expectPlan(await store.findByGithubId(kept.githubId), kept, 'the other plan by id');
      expectPlan(await store.findByEmail(kept.email!), kept, 'the other plan by email');
      await store.save(structuredClone(gone));
      expectPlan(await store.findByEmail(gone.email!), gone, 'findByEmail after saving it again');
    },
  },
];

/** The address with every other letter upper-cased: neither all lower nor all upper. */
function uniqueCase(email: string): string {
  return [...email].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c)).join('');
}

/**
 * Checks an {@link IPendingPlanStore}: save and replace, look-up by GitHub id and by email
 * (case-insensitive, the email stored lower-cased, the look-up following a changed email, two
 * sponsors sharing one), remove. Plans have random ids and emails and are removed afterwards,
 * so the kit can run against a shared store.
 */
export function checkPendingPlanStore(
  store: Store,
  options?: ConformanceOptions,
): Promise<ConformanceReport> {
  return runChecks('IPendingPlanStore', store, pendingPlanStoreChecks, options);
}
