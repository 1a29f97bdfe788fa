import { z } from 'zod';
import { AuthConfigError } from '../../../core/errors';
import { AuthEventNames, type AuthEventBus } from '../../../core/events';
import { InMemoryPendingPlanStore } from '../../../stores/in-memory/in-memory-pending-plan-store';
import type { IPendingPlanStore, PendingPlan } from '../../../stores/pending-plan';
import type {
  ILinkedAccountsStore,
  IRolesPermissionsStore,
  IUserMetadataStore,
} from '../../../stores/profile-stores';
import type { BaseUser, IUserStore } from '../../../stores/user';
import type { InboundWebhookHandler } from '../../router/options';
import type { InboundProviderConfig } from '../providers/types';

/** The plan a sponsorship grants: a role, or a key of the user's metadata. */
export type SponsorPlan = { role: string; tenantId?: string } | { metadataKey: string };

/** Options of {@link GithubSponsorsPreset}. */
export interface GithubSponsorsOptions {
  /** The secret of the sponsors webhook on GitHub (it signs `X-Hub-Signature-256`). */
  secret: string;
  plan: SponsorPlan;
  userStore: IUserStore<BaseUser>;
  /** Matches sponsors by their linked GitHub account (recommended). */
  linkedAccountsStore?: ILinkedAccountsStore;
  /** Required for a role plan. */
  rbacStore?: IRolesPermissionsStore;
  /** Required for a metadata plan. */
  metadataStore?: IUserMetadataStore;
  /** Where sponsors without an account wait. Default: process memory. */
  pendingStore?: IPendingPlanStore;
  /** The `:provider` of `POST /tools/webhook/:provider`. Default `github-sponsors`. */
  provider?: string;
  /** The name GitHub accounts are linked under. Default `github`. */
  githubProvider?: string;
}

/** Events the preset reports (tracked on the event log by the inbound route). */
export const SponsorshipEvents = {
  ASSIGNED: 'sponsorship.plan.assigned',
  REVOKED: 'sponsorship.plan.revoked',
  PENDING: 'sponsorship.plan.pending',
} as const;

const sponsorshipBody = z.object({
  action: z.string().max(64),
  sponsorship: z.object({
    sponsor: z.object({
      id: z.union([z.number().int(), z.string().max(64)]),
      login: z.string().max(100).optional(),
      email: z.string().max(254).nullish(),
    }),
    tier: z
      .object({ name: z.string().max(200).optional() })
      .partial()
      .nullish(),
  }),
});

/** What the preset makes of one delivery: an event to track, or nothing. */
export interface SponsorshipOutcome {
  event: string;
  data: Record<string, unknown>;
}

/**
 * GitHub Sponsors as a provider preset: `sponsorship` deliveries assign a plan (`created`,
 * `tier_changed`), revoke it (`cancelled`) or change nothing (`pending_*`, `edited`). A sponsor
 * is matched by linked GitHub account id, then by verified email; one who has no account yet is
 * kept as a pending plan and given it when such a user signs up, verifies that email or links
 * GitHub (call `attach(bus)`).
 */
export class GithubSponsorsPreset {
  readonly provider: string;
  readonly secret: string;
  private readonly pending: IPendingPlanStore;
  private readonly github: string;

  constructor(private readonly options: GithubSponsorsOptions) {
    const problems: string[] = [];
    if (typeof options.secret !== 'string' || options.secret.length < 16) {
      problems.push(
        'GitHub Sponsors: `secret` must be the webhook secret (at least 16 characters)',
      );
    }
    if ('role' in options.plan && !options.rbacStore) {
      problems.push('GitHub Sponsors: a role plan needs `rbacStore`');
    }
    if ('metadataKey' in options.plan && !options.metadataStore) {
      problems.push('GitHub Sponsors: a metadata plan needs `metadataStore`');
    }
    if (problems.length > 0) throw new AuthConfigError(problems);
    this.provider = options.provider ?? 'github-sponsors';
    this.secret = options.secret;
    this.pending = options.pendingStore ?? new InMemoryPendingPlanStore();
    this.github = options.githubProvider ?? 'github';
  }

  /** Its entry in the tools router's `providers`: GitHub's signature under the secret. */
  get providerConfig(): InboundProviderConfig {
    return { verify: 'github', secret: this.secret };
  }

  /**
   * An `onWebhook` for the tools router: this preset's deliveries are handled here, any other
   * provider's go to `next` (your own handler), if given.
   */
  handler(next?: InboundWebhookHandler): InboundWebhookHandler {
    return (provider, body, req) => {
      if (provider !== this.provider) return next ? next(provider, body, req) : null;
      const event = req.headers['x-github-event'];
      return this.handle(body, typeof event === 'string' ? event : undefined);
    };
  }

  /**
   * Handles one verified delivery. `githubEvent` is its `X-GitHub-Event` header: anything but
   * `sponsorship` (a `ping`, say) changes nothing.
   */
  async handle(body: unknown, githubEvent: string | undefined): Promise<SponsorshipOutcome | null> {
    if (githubEvent !== undefined && githubEvent !== 'sponsorship') return null;
    const parsed = sponsorshipBody.safeParse(body);
    if (!parsed.success) return null;
    const { action, sponsorship } = parsed.data;
    const sponsor = sponsorship.sponsor;
    const plan: PendingPlan = {
      githubId: String(sponsor.id),
      createdAt: new Date(),
      ...(sponsor.login !== undefined && { githubLogin: sponsor.login }),
      ...(typeof sponsor.email === 'string' && { email: sponsor.email.toLowerCase() }),
      ...(typeof sponsorship.tier?.name === 'string' && { tier: sponsorship.tier.name }),
    };
    const about = {
      githubId: plan.githubId,
      githubLogin: plan.githubLogin ?? null,
      tier: plan.tier ?? null,
    };
    if (action === 'created' || action === 'tier_changed') {
      const userId = await this.matchSponsor(plan);
      if (!userId) {
        await this.pending.save(plan);
        return { event: SponsorshipEvents.PENDING, data: about };
      }
      await this.grant(userId, plan);
      return { event: SponsorshipEvents.ASSIGNED, data: { ...about, userId } };
    }
    if (action === 'cancelled') {
      await this.pending.remove(plan.githubId);
      const userId = await this.matchSponsor(plan);
      if (userId) await this.revoke(userId);
      return { event: SponsorshipEvents.REVOKED, data: { ...about, userId: userId ?? null } };
    }
    // pending_cancellation, pending_tier_change, edited: nothing changes until GitHub says so.
    return null;
  }

  /**
   * Gives waiting plans to users as they appear: on sign-up, email verification and GitHub
   * linking. Returns a function that stops listening.
   */
  attach(bus: AuthEventBus): () => void {
    const apply = async (userId: string | undefined) => {
      if (!userId) return;
      const granted = await this.applyPending(userId);
      if (granted) {
        bus.publish(SponsorshipEvents.ASSIGNED, {
          userId,
          data: {
            githubId: granted.githubId,
            githubLogin: granted.githubLogin ?? null,
            tier: granted.tier ?? null,
          },
        });
      }
    };
    const stops = [
      bus.onEvent(AuthEventNames.USER_CREATED, (e) => apply(e.userId)),
      bus.onEvent(AuthEventNames.USER_EMAIL_VERIFIED, (e) => apply(e.userId)),
      bus.onEvent(AuthEventNames.USER_LINKED, (e) =>
        e.data?.provider === this.github ? apply(e.userId) : undefined,
      ),
    ];
    return () => stops.forEach((stop) => stop());
  }

  /** Gives `userId` the plan waiting for their GitHub account or verified email, if any. */
  async applyPending(userId: string): Promise<PendingPlan | null> {
    const user = await this.options.userStore.findById(userId);
    if (!user) return null;
    let plan: PendingPlan | null = null;
    for (const account of (await this.options.linkedAccountsStore?.getLinkedAccounts(userId)) ??
      []) {
      if (account.provider === this.github)
        plan ??= await this.pending.findByGithubId(account.providerAccountId);
    }
    if (!plan && user.isEmailVerified === true) plan = await this.pending.findByEmail(user.email);
    if (!plan) return null;
    await this.grant(userId, plan);
    await this.pending.remove(plan.githubId);
    return plan;
  }

  /** The user a sponsor is: by linked GitHub account, then by verified email. */
  private async matchSponsor(plan: PendingPlan): Promise<string | undefined> {
    const linked = await this.options.linkedAccountsStore?.findUserByProviderAccount(
      this.github,
      plan.githubId,
    );
    if (linked) return linked.userId;
    const byAccount = await this.options.userStore.findByProviderAccount?.(
      this.github,
      plan.githubId,
    );
    if (byAccount) return byAccount.id;
    if (plan.email) {
      const user = await this.options.userStore.findByEmail(plan.email);
      // An unverified address proves nothing: anyone can register with a sponsor's email.
      if (user && user.isEmailVerified === true) return user.id;
    }
    return undefined;
  }

  private async grant(userId: string, plan: PendingPlan): Promise<void> {
    const target = this.options.plan;
    if ('role' in target)
      await this.options.rbacStore!.addRoleToUser(userId, target.role, target.tenantId);
    else {
      await this.options.metadataStore!.updateMetadata(userId, {
        [target.metadataKey]: {
          tier: plan.tier ?? null,
          githubLogin: plan.githubLogin ?? null,
          since: plan.createdAt.toISOString(),
        },
      });
    }
  }

  private async revoke(userId: string): Promise<void> {
    const target = this.options.plan;
    if ('role' in target)
      await this.options.rbacStore!.removeRoleFromUser(userId, target.role, target.tenantId);
    else await this.options.metadataStore!.updateMetadata(userId, { [target.metadataKey]: null });
  }
}
