import type { IPendingPlanStore, PendingPlan } from '../pending-plan';

/** Pending plans in process memory: lost on a restart, so a production app gives its own store. */
export class InMemoryPendingPlanStore implements IPendingPlanStore {
  private readonly plans = new Map<string, PendingPlan>();

  async save(plan: PendingPlan): Promise<void> {
    this.plans.set(plan.githubId, structuredClone(plan));
  }

  async findByGithubId(githubId: string): Promise<PendingPlan | null> {
    const plan = this.plans.get(githubId);
    return plan ? structuredClone(plan) : null;
  }

  async findByEmail(email: string): Promise<PendingPlan | null> {
    const wanted = email.toLowerCase();
    const plan = [...this.plans.values()].find((p) => p.email === wanted);
    return plan ? structuredClone(plan) : null;
  }

  async remove(githubId: string): Promise<void> {
    this.plans.delete(githubId);
  }
}
