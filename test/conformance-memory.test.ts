import {
  InMemoryApiKeyStore,
  InMemoryEventLog,
  InMemoryLinkedAccountsStore,
  InMemoryPendingLinkStore,
  InMemoryPendingPlanStore,
  InMemoryRateLimitStore,
  InMemoryRevocationFeed,
  InMemoryRolesPermissionsStore,
  InMemorySessionStore,
  InMemorySettingsStore,
  InMemoryTenantStore,
  InMemoryTwoFactorStore,
  InMemoryUserMetadataStore,
  InMemoryUserStore,
  InMemoryWebhookStore,
  type ApiKey,
  type BaseUser,
  type IRateLimitStore,
  type IUserMetadataStore,
  type LoggedEvent,
  type PendingPlan,
  type RefreshRotation,
  type WebhookConfig,
} from 'keyward';
import {
  checkApiKeyStore,
  checkEventLog,
  checkLinkedAccountsStore,
  checkPendingLinkStore,
  checkPendingPlanStore,
  checkRateLimitStore,
  checkRevocationFeed,
  checkRolesPermissionsStore,
  checkSessionStore,
  checkSettingsStore,
  checkTenantStore,
  checkTwoFactorStore,
  checkUserMetadataStore,
  checkUserStore,
  checkWebhookStore,
  formatReport,
  type ConformanceReport,
} from 'keyward/testing';

/** Makes a fresh store and returns a function that runs the kit against that same store. */
const on =
  <S>(make: () => S, check: (store: S) => Promise<ConformanceReport>) =>
  () => {
    const store = make();
    return () => check(store);
  };

const kits: [string, () => () => Promise<ConformanceReport>][] = [
  ['InMemoryUserStore', on(() => new InMemoryUserStore(), checkUserStore)],
  ['InMemorySessionStore', on(() => new InMemorySessionStore(), checkSessionStore)],
  ['InMemoryUserMetadataStore', on(() => new InMemoryUserMetadataStore(), checkUserMetadataStore)],
  [
    'InMemoryRolesPermissionsStore',
    on(() => new InMemoryRolesPermissionsStore(), checkRolesPermissionsStore),
  ],
  ['InMemoryTenantStore', on(() => new InMemoryTenantStore(), checkTenantStore)],
  ['InMemorySettingsStore', on(() => new InMemorySettingsStore(), checkSettingsStore)],
  [
    'InMemoryLinkedAccountsStore',
    on(() => new InMemoryLinkedAccountsStore(), checkLinkedAccountsStore),
  ],
  ['InMemoryPendingLinkStore', on(() => new InMemoryPendingLinkStore(), checkPendingLinkStore)],
  ['InMemoryRateLimitStore', on(() => new InMemoryRateLimitStore(), checkRateLimitStore)],
  ['InMemoryTwoFactorStore', on(() => new InMemoryTwoFactorStore(), checkTwoFactorStore)],
  ['InMemoryRevocationFeed', on(() => new InMemoryRevocationFeed(), checkRevocationFeed)],
  ['InMemoryApiKeyStore', on(() => new InMemoryApiKeyStore(), checkApiKeyStore)],
  ['InMemoryEventLog', on(() => new InMemoryEventLog(), checkEventLog)],
  ['InMemoryWebhookStore', on(() => new InMemoryWebhookStore(), checkWebhookStore)],
  ['InMemoryPendingPlanStore', on(() => new InMemoryPendingPlanStore(), checkPendingPlanStore)],
];

describe('the in-memory stores pass the conformance kit', () => {
  it.each(kits)('%s passes every check', async (_name, open) => {
    const report = await open()();
    console.log(formatReport(report));
    expect(report.failures).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.passed.length).toBeGreaterThan(3);
  });

  it.each(kits)('%s passes again when run a second time on the same store', async (_name, open) => {
    const run = open();
    const first = await run();
    const second = await run();
    expect(second.failures).toEqual([]);
    expect(second.passed).toEqual(first.passed);
  });
});

/** Looks up emails exactly as given: the classic `WHERE email = $1` mistake. */
class CaseSensitiveUserStore extends InMemoryUserStore {
  private readonly byExactEmail = new Map<string, string>();
  override async create(data: Partial<BaseUser>) {
    const user = await super.create(data);
    this.byExactEmail.set(user.email, user.id);
    return user;
  }
  override async findByEmail(email: string) {
    const id = this.byExactEmail.get(email);
    return id ? this.findById(id) : null;
  }
}

/** Reads, compares and writes in separate steps, so concurrent refreshes all "win". */
class ReadThenWriteSessionStore extends InMemorySessionStore {
  private readonly overrides = new Map<string, RefreshRotation>();
  override async getSession(handle: string) {
    const session = await super.getSession(handle);
    const override = this.overrides.get(handle);
    return session && override ? { ...session, ...override } : session;
  }
  override async rotateRefreshToken(handle: string, expectedHash: string, next: RefreshRotation) {
    const session = await this.getSession(handle);
    if (!session || session.refreshTokenHash !== expectedHash) return false;
    await new Promise((resolve) => setImmediate(resolve));
    this.overrides.set(handle, next);
    return true;
  }
}

/** Reads, compares and writes in separate steps: concurrent equal steps all "win". */
class ReadThenWriteTwoFactorStore extends InMemoryTwoFactorStore {
  private readonly steps = new Map<string, number>();
  override async recordTotpStep(userId: string, step: number) {
    const last = this.steps.get(userId) ?? -Infinity;
    await new Promise((resolve) => setImmediate(resolve));
    if (last >= step) return false;
    this.steps.set(userId, step);
    return true;
  }
  override async clearUser(userId: string) {
    this.steps.delete(userId);
    await super.clearUser(userId);
  }
}

/**
 * Refuses a prefix it sees taken, but checks and writes in separate steps (with an upsert by
 * prefix), so concurrent saves with one prefix all "succeed".
 */
class CheckThenWriteApiKeyStore extends InMemoryApiKeyStore {
  override async save(key: ApiKey) {
    if (await this.findByPrefix(key.keyPrefix)) throw new Error('prefix taken');
    await new Promise((resolve) => setImmediate(resolve));
    const holder = await this.findByPrefix(key.keyPrefix);
    if (holder) await this.delete(holder.id);
    await super.save(key);
  }
}

/** Reads absent optional fields back as null, as a careless row mapping does. */
class NullingApiKeyStore extends InMemoryApiKeyStore {
  override async findById(id: string) {
    const key = await super.findById(id);
    return key && ({ serviceId: null, userId: null, ...key } as unknown as ApiKey);
  }
}

/** Finds the due deliveries, then leases them in a second step: concurrent claims overlap. */
class ReadThenLeaseWebhookStore extends InMemoryWebhookStore {
  override async claimDueDeliveries(now: Date, limit: number, leaseMs: number) {
    const due = await super.claimDueDeliveries(now, limit, 0);
    await new Promise((resolve) => setImmediate(resolve));
    const leased = await super.claimDueDeliveries(now, limit, leaseMs);
    return leased.length > 0 ? leased : due;
  }
}

/** Keeps `verify` only when it is a kind, as a text column written without JSON would. */
class KindOnlyWebhookStore extends InMemoryWebhookStore {
  override async add(config: WebhookConfig) {
    const { verify, ...rest } = config;
    await super.add(typeof verify === 'string' ? config : rest);
  }
}

/** Indexes plans by email on save but never moves or drops an entry: the index goes stale. */
class StaleEmailIndexPlanStore extends InMemoryPendingPlanStore {
  private readonly byEmail = new Map<string, string>();
  override async save(plan: PendingPlan) {
    await super.save(plan);
    if (plan.email) this.byEmail.set(plan.email, plan.githubId);
  }
  override async findByEmail(email: string) {
    const githubId = this.byEmail.get(email.toLowerCase());
    return githubId === undefined ? null : this.findByGithubId(githubId);
  }
}

/** Reads the log's entries back with null for absent fields, as a careless row mapping does. */
class NullingEventLog extends InMemoryEventLog {
  override async readAfter(afterId: string | null, limit: number) {
    const entries = await super.readAfter(afterId, limit);
    return entries.map((e) => ({ topic: null, userId: null, ...e }) as unknown as LoggedEvent);
  }
}

/** Has no optional methods at all: only the six required ones. */
function requiredOnly(store: InMemoryUserStore) {
  return {
    findByEmail: (email: string) => store.findByEmail(email),
    findById: (id: string) => store.findById(id),
    create: (data: Partial<BaseUser>) => store.create(data),
    updateRefreshToken: (id: string, t: string | null, e: Date | null) =>
      store.updateRefreshToken(id, t, e),
    updateResetToken: (id: string, t: string | null, e: Date | null) =>
      store.updateResetToken(id, t, e),
    updatePassword: (id: string, hash: string) => store.updatePassword(id, hash),
  };
}

const failedChecks = (report: ConformanceReport) => report.failures.map((f) => f.check);

describe('the conformance kit reports broken stores', () => {
  it('fails a user store whose findByEmail is case-sensitive, and keeps running', async () => {
    const report = await checkUserStore(new CaseSensitiveUserStore());
    expect(failedChecks(report)).toContain(
      'findByEmail is case-insensitive and the stored email keeps its case',
    );
    expect(report.passed).toContain('findById returns every field exactly as created');
  });

  it('fails a session store whose rotateRefreshToken is not a compare-and-set', async () => {
    const report = await checkSessionStore(new ReadThenWriteSessionStore());
    const failure = report.failures.find((f) =>
      f.check.startsWith('of 20 concurrent rotations with the same expected hash'),
    );
    expect(failure?.message).toMatch(/20 of 20 calls returned true/);
    expect(report.passed).toContain(
      'rotateRefreshToken with the current hash applies all of next and returns true',
    );
  });

  it('fails a two-factor store whose recordTotpStep is not atomic', async () => {
    const report = await checkTwoFactorStore(new ReadThenWriteTwoFactorStore());
    const failure = report.failures.find((f) =>
      f.check.startsWith('of 20 concurrent recordTotpStep calls'),
    );
    expect(failure?.message).toMatch(/exactly one call must return true, but 20 of 20 calls did/);
    expect(report.failures).toHaveLength(1);
    expect(report.passed).toContain(
      'recovery codes are replaced as a whole, counted, and each consumed once',
    );
  });

  it('fails an API key store whose prefix check is not atomic with the save', async () => {
    const report = await checkApiKeyStore(new CheckThenWriteApiKeyStore());
    expect(report.failures).toEqual([
      {
        check: 'of 10 concurrent saves with one keyPrefix exactly one succeeds',
        message: 'exactly one save must succeed, but 10 of 10 did',
      },
    ]);
  });

  it('fails an API key store that reads absent optional fields back as null', async () => {
    const report = await checkApiKeyStore(new NullingApiKeyStore());
    const failure = report.failures.find(
      (f) => f.check === 'a key saved without its optional fields comes back without them',
    );
    expect(failure?.message).toBe('findById: serviceId expected undefined, got null');
    expect(report.passed).toContain(
      'save then findById and findByPrefix return every field, dates as Dates',
    );
  });

  it('fails a webhook store whose concurrent claims can hand out one delivery twice', async () => {
    const report = await checkWebhookStore(new ReadThenLeaseWebhookStore());
    const failure = report.failures.find(
      (f) => f.check === 'of 10 concurrent claims none hands out a delivery another one took',
    );
    expect(failure?.message).toMatch(/^claimed more than once: /);
    expect(report.passed).toContain(
      'findByEvent takes exact names, "*" and prefixes ending in ".*", nothing else',
    );
  });

  it('fails a webhook store that drops a generic HMAC verify object', async () => {
    const report = await checkWebhookStore(new KindOnlyWebhookStore());
    const failure = report.failures.find((f) =>
      f.check.startsWith('verify (a kind or a generic HMAC object) round-trips'),
    );
    expect(failure?.message).toMatch(/^findById: verify expected \{"kind":"hmac",.*got undefined$/);
    expect(report.passed).toContain('update with an inbound field set to undefined clears it');
  });

  it('fails a pending plan store whose email index is not moved on replace', async () => {
    const report = await checkPendingPlanStore(new StaleEmailIndexPlanStore());
    const failure = report.failures.find(
      (f) => f.check === 'replacing a plan with another email moves it in the email look-up',
    );
    expect(failure?.message).toMatch(/^findByEmail of the old email: expected null, got \{/);
    expect(report.passed).toContain(
      'save then findByGithubId and findByEmail return every field, createdAt as a Date',
    );
  });

  it('fails an event log that reads absent fields back as null', async () => {
    const report = await checkEventLog(new NullingEventLog());
    const failure = report.failures.find((f) =>
      f.check.startsWith('append returns the entry with a new id'),
    );
    expect(failure?.message).toBe('readAfter the anchor[1]: topic expected undefined, got null');
    expect(report.passed).toContain('cursors are kept per name; an unknown name has none');
  });

  it('records a check that throws, or hangs, as a failure with its message', async () => {
    const memory = new InMemoryRateLimitStore();
    const flaky: IRateLimitStore = {
      // Hangs for the short window only, so just that check runs into the time limit.
      hit: (key, windowMs) =>
        windowMs < 1000 ? new Promise<never>(() => undefined) : memory.hit(key, windowMs),
      reset: () => Promise.reject(new Error('connection refused')),
    };
    const report = await checkRateLimitStore(flaky, { timeoutMs: 300 });
    expect(report.failures).toEqual([
      {
        check: 'a new window starts at 1 once windowMs has passed',
        message: 'did not finish within 300 ms',
      },
      {
        check: 'reset starts the count again at 1 and leaves other keys alone',
        message: 'connection refused',
      },
    ]);
    expect(report.passed).toHaveLength(3);
  });

  it('bounds clean-ups by the time limit, so a hanging store cannot hang the run', async () => {
    const memory = new InMemoryUserMetadataStore();
    const store: IUserMetadataStore = {
      getMetadata: (userId) => memory.getMetadata(userId),
      updateMetadata: (userId, metadata) => memory.updateMetadata(userId, metadata),
      // Every check clears its users afterwards; only one check calls this itself.
      clearMetadata: () => new Promise<never>(() => undefined),
    };
    const report = await checkUserMetadataStore(store, { timeoutMs: 200 });
    expect(report.failures).toEqual([
      {
        check: 'clearMetadata removes everything for that user only',
        message: 'did not finish within 200 ms',
      },
    ]);
    expect(report.passed).toHaveLength(5);
  });

  it('skips checks of missing optional methods by default and fails them when required', async () => {
    const store = requiredOnly(new InMemoryUserStore());
    const lenient = await checkUserStore(store);
    expect(lenient.failures).toEqual([]);
    expect(lenient.skipped).toContain(
      'findByResetToken finds the user holding the hash, and null for unknown or cleared hashes',
    );
    expect(formatReport(lenient)).toMatch(/^IUserStore: \d+\/\d+ checks passed, \d+ skipped/);

    const strict = await checkUserStore(store, { optional: 'require' });
    expect(strict.skipped).toEqual([]);
    expect(strict.failures).toContainEqual({
      check: 'deleteUser of an unknown id does nothing',
      message: 'not implemented: deleteUser',
    });
    expect(strict.failures).toHaveLength(lenient.skipped!.length);
  });
});
