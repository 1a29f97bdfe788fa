/**
 * A plan bought by someone who has no account yet (a GitHub sponsor nobody could match): kept
 * until a user with that GitHub account or verified email appears, then applied and removed.
 */
export interface PendingPlan {
  /** The sponsor's GitHub account id. */
  githubId: string;
  githubLogin?: string;
  /** The sponsor's public email, lower-cased, when GitHub sent one. */
  email?: string;
  /** The tier's name, as GitHub sent it. */
  tier?: string;
  createdAt: Date;
}

/** Where pending plans wait. In memory by default. */
export interface IPendingPlanStore {
  /** Saves or replaces the pending plan of `githubId`. */
  save(plan: PendingPlan): Promise<void>;
  findByGithubId(githubId: string): Promise<PendingPlan | null>;
  findByEmail(email: string): Promise<PendingPlan | null>;
  remove(githubId: string): Promise<void>;
}
