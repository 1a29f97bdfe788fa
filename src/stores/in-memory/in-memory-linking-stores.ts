import type { ILinkedAccountsStore, LinkedAccount } from '../profile-stores';
import type { IPendingLinkStore, PendingLink } from '../linking';
import type { IRateLimitStore, RateLimitHit } from '../rate-limit';

/** Linked provider accounts in process memory. */
export class InMemoryLinkedAccountsStore implements ILinkedAccountsStore {
  /** `${provider}\0${providerAccountId}` → link */
  private readonly links = new Map<string, LinkedAccount & { userId: string }>();

  async getLinkedAccounts(userId: string) {
    return [...this.links.values()]
      .filter((l) => l.userId === userId)
      .map(({ userId: _userId, ...account }) => structuredClone(account));
  }
  async linkAccount(userId: string, account: LinkedAccount) {
    const key = `${account.provider}\0${account.providerAccountId}`;
    const existing = this.links.get(key);
    if (existing && existing.userId !== userId) {
      throw new Error(`${account.provider} account is already linked to another user`);
    }
    this.links.set(key, { linkedAt: new Date(), ...structuredClone(account), userId });
  }
  async unlinkAccount(userId: string, provider: string, providerAccountId: string) {
    const key = `${provider}\0${providerAccountId}`;
    if (this.links.get(key)?.userId === userId) this.links.delete(key);
  }
  async findUserByProviderAccount(provider: string, providerAccountId: string) {
    const link = this.links.get(`${provider}\0${providerAccountId}`);
    return link ? { userId: link.userId } : null;
  }
}

/** Pending conflict links in process memory; entries expire after `ttlSeconds` (default 1 h). */
export class InMemoryPendingLinkStore implements IPendingLinkStore {
  private readonly entries = new Map<string, PendingLink & { expiresAt: number }>();
  constructor(private readonly ttlSeconds = 3600) {}

  async stash(email: string, provider: string, providerAccountId: string) {
    this.entries.set(key(email, provider), {
      providerAccountId,
      expiresAt: Date.now() + this.ttlSeconds * 1000,
    });
  }
  async retrieve(email: string, provider: string) {
    const entry = this.entries.get(key(email, provider));
    if (!entry) return null;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key(email, provider));
      return null;
    }
    return { providerAccountId: entry.providerAccountId };
  }
  async remove(email: string, provider: string) {
    this.entries.delete(key(email, provider));
  }
}

const key = (email: string, provider: string) => `${email.toLowerCase()}\0${provider}`;

/** Fixed-window counters in process memory (one instance only). */
export class InMemoryRateLimitStore implements IRateLimitStore {
  private readonly windows = new Map<string, RateLimitHit>();

  async hit(key: string, windowMs: number) {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.resetAt.getTime() <= now) {
      window = { count: 0, resetAt: new Date(now + windowMs) };
      this.windows.set(key, window);
    }
    window.count++;
    return { count: window.count, resetAt: new Date(window.resetAt) };
  }
  async reset(key: string) {
    this.windows.delete(key);
  }
  async peek(key: string) {
    const window = this.windows.get(key);
    return window && window.resetAt.getTime() > Date.now() ? window.count : 0;
  }
}
