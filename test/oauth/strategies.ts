import {
  AuthError,
  GenericOAuthStrategy,
  GithubStrategy,
  GoogleStrategy,
  type BaseUser,
  type GenericOAuthProviderConfig,
  type GithubStrategyOptions,
  type IUserStore,
  type OAuthProfile,
  type OAuthStrategyOptions,
} from 'keyward';

/**
 * What an application writes: find by (provider, account id), refuse an email that belongs to
 * another account (with the data that lets the router stash it), else create.
 */
async function findOrCreate(users: IUserStore, provider: string, profile: OAuthProfile) {
  const existing = await users.findByProviderAccount?.(provider, profile.id);
  if (existing) return existing;
  if (await users.findByEmail(profile.email)) {
    throw new AuthError('Email already registered', 'OAUTH_ACCOUNT_CONFLICT', 409, {
      email: profile.email,
      providerAccountId: profile.id,
    });
  }
  return users.create({
    email: profile.email,
    loginProvider: provider,
    providerAccountId: profile.id,
    isEmailVerified: profile.emailVerified === true,
    firstName: profile.name ?? null,
  });
}

export class AppOidcStrategy extends GenericOAuthStrategy<BaseUser> {
  constructor(
    private readonly users: IUserStore,
    config: GenericOAuthProviderConfig,
  ) {
    super(config);
  }
  findOrCreateUser(profile: OAuthProfile) {
    return findOrCreate(this.users, this.name, profile);
  }
}

/** The mistake the library must catch: matching an existing account by email alone. */
export class NaiveStrategy extends GenericOAuthStrategy<BaseUser> {
  constructor(
    private readonly users: IUserStore,
    config: GenericOAuthProviderConfig,
  ) {
    super(config);
  }
  async findOrCreateUser(profile: OAuthProfile) {
    return (
      (await this.users.findByEmail(profile.email)) ??
      this.users.create({ email: profile.email, loginProvider: this.name })
    );
  }
}

export class AppGoogleStrategy extends GoogleStrategy<BaseUser> {
  constructor(
    private readonly users: IUserStore,
    options: OAuthStrategyOptions,
  ) {
    super(options);
  }
  findOrCreateUser(profile: OAuthProfile) {
    return findOrCreate(this.users, this.name, profile);
  }
}

export class AppGithubStrategy extends GithubStrategy<BaseUser> {
  readonly profiles: OAuthProfile[] = [];
  constructor(
    private readonly users: IUserStore,
    options: GithubStrategyOptions,
  ) {
    super(options);
  }
  findOrCreateUser(profile: OAuthProfile) {
    this.profiles.push(profile);
    return findOrCreate(this.users, this.name, profile);
  }
}
