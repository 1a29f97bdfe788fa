import type { Insertable, Selectable } from 'kysely';
import type { IPendingPlanStore, PendingPlan } from '../../stores/pending-plan';
import { requireMillis, toMillis } from './codec';
import type { SqlContext } from './dialect';
import type { PendingPlansTable } from './schema';

function toRow(plan: PendingPlan): Insertable<PendingPlansTable> {
  return {
    github_id: plan.githubId,
    github_login: plan.githubLogin ?? null,
    // Lower-cased here too (the port asks the caller to), so the index finds it either way.
    email: plan.email === undefined ? null : plan.email.toLowerCase(),
    tier: plan.tier ?? null,
    created_at: toMillis(plan.createdAt) ?? Date.now(),
  };
}

/** A row as a plan: NULL columns are left out. */
function toPlan(row: Selectable<PendingPlansTable>): PendingPlan {
  const plan: PendingPlan = { githubId: row.github_id, createdAt: requireMillis(row.created_at) };
  if (row.github_login !== null) plan.githubLogin = row.github_login;
  if (row.email !== null) plan.email = row.email;
  if (row.tier !== null) plan.tier = row.tier;
  return plan;
}

/**
 * {@link IPendingPlanStore} on the `pending_plans` table (migration 0008): one row per GitHub
 * account, replaced by an upsert, so two deliveries for one sponsor racing each other leave one
 * row. When several sponsors gave the same email, `findByEmail` returns the oldest plan.
 */
export class SqlPendingPlanStore implements IPendingPlanStore {
  constructor(private readonly ctx: SqlContext) {}

  async save(plan: PendingPlan): Promise<void> {
    const row = toRow(plan);
    // Every column but the key, so a replaced plan keeps nothing of the old one.
    const update = {
      github_login: row.github_login,
      email: row.email,
      tier: row.tier,
      created_at: row.created_at,
    };
    const insert = this.ctx.db.insertInto('pending_plans').values(row);
    await (
      this.ctx.dialect === 'mysql'
        ? insert.onDuplicateKeyUpdate(update)
        : insert.onConflict((oc) => oc.column('github_id').doUpdateSet(update))
    ).execute();
  }

  async findByGithubId(githubId: string): Promise<PendingPlan | null> {
    const row = await this.ctx.db
      .selectFrom('pending_plans')
      .selectAll()
      .where('github_id', '=', githubId)
      .executeTakeFirst();
    return row ? toPlan(row) : null;
  }

  async findByEmail(email: string): Promise<PendingPlan | null> {
    const row = await this.ctx.db
      .selectFrom('pending_plans')
      .selectAll()
      .where('email', '=', email.toLowerCase())
      .orderBy('created_at')
      .orderBy('github_id')
      .limit(1)
      .executeTakeFirst();
    return row ? toPlan(row) : null;
  }

  async remove(githubId: string): Promise<void> {
    await this.ctx.db.deleteFrom('pending_plans').where('github_id', '=', githubId).execute();
  }
}
