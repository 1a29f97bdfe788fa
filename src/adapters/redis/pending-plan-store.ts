import type { IPendingPlanStore, PendingPlan } from '../../stores/pending-plan';
import { DEFAULT_KEY_PREFIX, type RedisKeyOptions, type RedisLike } from './client';
import { guarded } from './errors';
import {
  PENDING_PLAN_IDS_BY_EMAIL,
  REMOVE_PENDING_PLAN,
  SAVE_PENDING_PLAN,
} from './pending-plan-scripts';

/** A plan as the field/value pairs of its hash; absent fields are not written. */
function toFields(plan: PendingPlan, email: string): string[] {
  const fields = ['githubId', plan.githubId, 'createdAt', String(plan.createdAt.getTime())];
  if (plan.githubLogin !== undefined) fields.push('githubLogin', plan.githubLogin);
  if (email !== '') fields.push('email', email);
  if (plan.tier !== undefined) fields.push('tier', plan.tier);
  return fields;
}

/** A plan from its hash; null for a missing (empty) hash. */
function fromFields(hash: Record<string, string>): PendingPlan | null {
  const { githubId, createdAt, githubLogin, email, tier } = hash;
  if (githubId === undefined || createdAt === undefined) return null;
  const plan: PendingPlan = { githubId, createdAt: new Date(Number(createdAt)) };
  if (githubLogin !== undefined) plan.githubLogin = githubLogin;
  if (email !== undefined) plan.email = email;
  if (tier !== undefined) plan.tier = tier;
  return plan;
}

/** Oldest first, then by GitHub id: the order the SQL store answers `findByEmail` in. */
const oldestFirst = (a: PendingPlan, b: PendingPlan): number =>
  a.createdAt.getTime() - b.createdAt.getTime() ||
  (a.githubId < b.githubId ? -1 : a.githubId > b.githubId ? 1 : 0);

/**
 * Pending sponsor plans in Redis. Layout (under the key prefix):
 * - `pending-plan:<githubId>`: a hash per plan;
 * - `pending-plan-emails`: the index by (lower-cased) email, a sorted set searched by prefix
 *   (see pending-plan-scripts.ts), which keeps every plan of an email, so two sponsors sharing
 *   an address do not hide each other.
 * Saves and removals change the hash and the index in one script. Plans do not expire: they wait
 * for their user as long as the sponsorship lasts. Every method rejects with STORE_UNAVAILABLE
 * (503) when Redis cannot be reached.
 */
export class RedisPendingPlanStore implements IPendingPlanStore {
  private readonly prefix: string;

  constructor(
    private readonly client: RedisLike,
    options: RedisKeyOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  save(plan: PendingPlan): Promise<void> {
    return guarded(async () => {
      // Lower-cased here too (the port asks the caller to), so the index finds it either way.
      const email = plan.email?.toLowerCase() ?? '';
      await SAVE_PENDING_PLAN.run(
        this.client,
        [this.planKey(plan.githubId), this.emailIndexKey()],
        [plan.githubId, email, ...toFields(plan, email)],
      );
    });
  }

  findByGithubId(githubId: string): Promise<PendingPlan | null> {
    return guarded(async () => fromFields(await this.client.hgetall(this.planKey(githubId))));
  }

  /** The oldest plan with that email (ties: the smaller id), as the SQL store answers. */
  findByEmail(email: string): Promise<PendingPlan | null> {
    return guarded(async () => {
      const wanted = email.toLowerCase();
      const reply = await PENDING_PLAN_IDS_BY_EMAIL.run(
        this.client,
        [this.emailIndexKey()],
        [wanted],
      );
      const plans: PendingPlan[] = [];
      for (const id of Array.isArray(reply) ? reply.map(String) : []) {
        const plan = fromFields(await this.client.hgetall(this.planKey(id)));
        if (plan?.email === wanted) plans.push(plan);
      }
      return plans.sort(oldestFirst)[0] ?? null;
    });
  }

  remove(githubId: string): Promise<void> {
    return guarded(async () => {
      await REMOVE_PENDING_PLAN.run(
        this.client,
        [this.planKey(githubId), this.emailIndexKey()],
        [githubId],
      );
    });
  }

  private planKey(githubId: string): string {
    return `${this.prefix}pending-plan:${githubId}`;
  }

  private emailIndexKey(): string {
    return `${this.prefix}pending-plan-emails`;
  }
}
