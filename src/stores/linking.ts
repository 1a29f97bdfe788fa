/** A provider account waiting to be linked once the user proves they own the existing account. */
export interface PendingLink {
  providerAccountId: string;
}

/**
 * Short-lived stash for OAuth sign-ins that collided with an existing account
 * (OAUTH_ACCOUNT_CONFLICT), keyed by email (case-insensitive) and provider.
 */
export interface IPendingLinkStore {
  stash(email: string, provider: string, providerAccountId: string): Promise<void>;
  retrieve(email: string, provider: string): Promise<PendingLink | null>;
  remove(email: string, provider: string): Promise<void>;
}
