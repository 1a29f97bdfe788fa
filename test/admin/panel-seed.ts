import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  ApiKeyService,
  InMemoryApiKeyStore,
  createAdminRouter,
  createApiKeyMiddleware,
  type AdminRouterOptions,
  type ApiKey,
  type ApiKeyAuditEntry,
  type BaseUser,
} from '../../src';
import { createAdminStores, type AdminStores } from './admin-stores';
import { seedWebhookActions, type ActionsSeed } from './panel-seed-actions';
import { seedEventTools, type EventToolsSeed } from './panel-seed-events';

/** The admin secret of the seeded app (long enough for the router's minimum). */
export const PANEL_SECRET = 'panel-test-secret-0123456789abcdef';

/** A user name that would run script if the panel ever rendered data as HTML. */
export const XSS_NAME = '<img src=x onerror=alert(1)>';

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Margaret',
  'Dennis',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Ritchie',
];
const PROVIDERS = ['local', 'local', 'local', 'google', 'github', 'magic-link'];
const AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
];

/** Index of the XSS user among the 60: on the third page of 20, so paging reaches it. */
export const XSS_INDEX = 44;
export const USER_COUNT = 60;

export interface PanelSeed {
  stores: AdminStores;
  /** The seeded users in listing order. */
  users: BaseUser[];
  xssUser: BaseUser;
  tenantIds: string[];
  /** The seeded API keys, newest first (as the admin lists them). */
  apiKeys: ApiKey[];
  /** Webhooks with deliveries, and a month of events in the log. */
  eventTools: EventToolsSeed;
  /**
   * Actions for inbound webhook scripts, with the calls really made. Serve them with
   * `startPanelServer(stores, { actions: seed.webhookActions.actions })`; without that option the
   * router lists the process-wide default registry.
   */
  webhookActions: ActionsSeed;
}

const DAY = 86_400_000;
const MINUTE = 60_000;

/** The protected route of the panel's test server, guarded by the seeded API key store. */
export const SERVICE_PATH = '/service/reports';

interface SeedKey {
  name: string;
  serviceId?: string;
  scopes: string[];
  allowedIps?: string[];
  /** Ages and offsets from now, in milliseconds. */
  createdAgo: number;
  lastUsedAgo?: number;
  expiresIn?: number;
  revoked?: boolean;
}

const SEED_KEYS: SeedKey[] = [
  {
    name: 'legacy-importer',
    serviceId: 'imports',
    scopes: ['users:write'],
    createdAgo: 200 * DAY,
    lastUsedAgo: 40 * DAY,
    revoked: true,
  },
  {
    name: 'partner-sandbox',
    serviceId: 'acme-partner',
    scopes: ['reports:read'],
    createdAgo: 95 * DAY,
    lastUsedAgo: 6 * DAY,
    expiresIn: -5 * DAY,
  },
  {
    name: 'stripe-webhook',
    serviceId: 'payments',
    scopes: ['webhooks:receive'],
    allowedIps: ['54.187.174.169', '54.187.205.235'],
    createdAgo: 90 * DAY,
    lastUsedAgo: 3 * MINUTE,
  },
  {
    name: 'nightly export',
    serviceId: 'reporting',
    scopes: ['reports:read', 'exports:write'],
    createdAgo: 60 * DAY,
    lastUsedAgo: 9 * 60 * MINUTE,
    expiresIn: 120 * DAY,
  },
  {
    name: 'ci-deploy',
    serviceId: 'github-actions',
    scopes: ['deploy:write', 'releases:read', 'artifacts:read', 'status:write'],
    createdAgo: 45 * DAY,
    lastUsedAgo: 2 * DAY,
    expiresIn: 30 * DAY,
  },
  {
    name: 'billing-worker',
    serviceId: 'billing',
    scopes: ['billing:read', 'billing:write'],
    allowedIps: ['10.0.0.0/8'],
    createdAgo: 30 * DAY,
    lastUsedAgo: MINUTE,
  },
  {
    name: 'support-tools',
    scopes: ['users:read', 'sessions:revoke'],
    createdAgo: 10 * DAY,
  },
  {
    name: 'metrics-scraper',
    serviceId: 'monitoring',
    scopes: ['metrics:read'],
    allowedIps: ['192.0.2.0/24'],
    createdAgo: 3 * DAY,
    lastUsedAgo: 20_000,
  },
];

/**
 * Keys with a history: made by the ApiKeyService (so their hashes are real) in a scratch store,
 * then saved with past dates, a revocation or an expiry the service would refuse to set.
 */
async function seedApiKeys(store: InMemoryApiKeyStore, now: number): Promise<ApiKey[]> {
  const service = new ApiKeyService();
  const scratch = new InMemoryApiKeyStore();
  const keys: ApiKey[] = [];
  for (const seed of SEED_KEYS) {
    const { record } = await service.createKey(scratch, {
      name: seed.name,
      serviceId: seed.serviceId,
      scopes: seed.scopes,
      allowedIps: seed.allowedIps,
    });
    const key: ApiKey = {
      ...record,
      isActive: !seed.revoked,
      createdAt: new Date(now - seed.createdAgo),
      ...(seed.lastUsedAgo !== undefined && { lastUsedAt: new Date(now - seed.lastUsedAgo) }),
      ...(seed.expiresIn !== undefined && { expiresAt: new Date(now + seed.expiresIn) }),
    };
    await store.save(key);
    keys.push(key);
  }
  const webhook = keys.find((k) => k.name === 'stripe-webhook')!;
  await seedUsage(store, webhook, now, 'POST /webhooks/stripe', webhook.allowedIps!);
  const billing = keys.find((k) => k.name === 'billing-worker')!;
  await seedUsage(store, billing, now, 'GET /api/invoices', ['10.4.2.17', '10.4.7.3']);
  return keys.reverse();
}

/** 26 attempts, oldest first, three of them refused: more than one page of the usage log. */
async function seedUsage(
  store: InMemoryApiKeyStore,
  key: ApiKey,
  now: number,
  request: string,
  clientIps: string[],
): Promise<void> {
  const [method, path] = request.split(' ') as [string, string];
  const refusals: Record<number, Pick<ApiKeyAuditEntry, 'reason' | 'ip'>> = {
    4: { reason: 'API_KEY_IP_BLOCKED', ip: '198.51.100.23' },
    11: { reason: 'API_KEY_INVALID', ip: '198.51.100.23' },
    23: { reason: 'API_KEY_INSUFFICIENT_SCOPE', ip: '54.187.174.169' },
  };
  for (let i = 0; i < 26; i += 1) {
    const refusal = refusals[i];
    await store.logUsage({
      keyId: key.id,
      keyPrefix: key.keyPrefix,
      ip: refusal?.ip ?? clientIps[i % clientIps.length]!,
      method,
      path,
      success: !refusal,
      ...(refusal && { reason: refusal.reason }),
      at: new Date(now - (26 - i) * 47 * MINUTE),
    });
  }
}

/**
 * In-memory stores filled with a small, realistic organisation: 60 users (one named like an
 * HTML payload), roles, tenants, sessions, metadata, linked accounts, settings, API keys,
 * webhooks and a month of events.
 */
export async function seedPanelStores(now = Date.now()): Promise<PanelSeed> {
  const stores = createAdminStores({ emailVerificationMode: 'lazy', require2FA: false });

  await stores.rbacStore.createRole('admin', ['users:manage', 'billing:manage', 'posts:write']);
  await stores.rbacStore.createRole('editor', ['posts:read', 'posts:write']);
  await stores.rbacStore.createRole('viewer', ['posts:read']);
  await stores.rbacStore.createRole('billing', ['billing:read', 'billing:manage']);
  await stores.rbacStore.createRole('support', ['users:read', 'sessions:revoke']);

  const tenants = await Promise.all(
    ['Acme Corporation', 'Globex', 'Initech', 'Umbrella Labs'].map((name, i) =>
      stores.tenantStore.createTenant({
        name,
        isActive: i !== 3,
        createdAt: new Date(now - (200 - i * 30) * DAY),
      }),
    ),
  );

  const users: BaseUser[] = [];
  for (let i = 0; i < USER_COUNT; i += 1) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 3 + Math.floor(i / FIRST.length)) % LAST.length]!;
    const xss = i === XSS_INDEX;
    const user = await stores.users.create({
      email: xss
        ? 'mallory@example.com'
        : `${first}.${last}${i >= 10 ? i : ''}@example.com`.toLowerCase(),
      firstName: xss ? XSS_NAME : first,
      lastName: xss ? null : last,
      loginProvider: PROVIDERS[i % PROVIDERS.length]!,
      isEmailVerified: i % 4 !== 3,
      isTotpEnabled: i % 5 === 0,
      require2FA: i % 7 === 0,
      role: i < 3 ? 'admin' : 'user',
      createdAt: new Date(now - (USER_COUNT - i) * 3 * DAY),
      password: '$2b$10$abcdefghijklmnopqrstuuJ1Q0mB8w8R2xjH1x7b0k1o6C1yWw2m', // a hash, never shown
    });
    users.push(user);
    if (i < 3) await stores.rbacStore.addRoleToUser(user.id, 'admin');
    else if (i % 3 === 0) await stores.rbacStore.addRoleToUser(user.id, 'editor');
    else await stores.rbacStore.addRoleToUser(user.id, 'viewer');
    await stores.tenantStore.associateUserWithTenant(user.id, tenants[i % 3]!.id);
    if (i % 2 === 0) {
      await stores.userMetadataStore.updateMetadata(user.id, {
        plan: ['free', 'pro', 'team'][i % 3],
        onboarding: { completed: i % 4 === 0 },
      });
    }
    const provider = PROVIDERS[i % PROVIDERS.length];
    if (provider === 'google' || provider === 'github') {
      await stores.linkedAccountsStore.linkAccount(user.id, {
        provider,
        providerAccountId: `${provider}-${100_000 + i}`,
        email: user.email,
        linkedAt: new Date(now - (USER_COUNT - i) * 2 * DAY),
      });
    }
  }

  for (let i = 0; i < 26; i += 1) {
    const user = users[(i * 7) % 24]!;
    await stores.sessionStore.createSession({
      userId: user.id,
      tenantId: i % 4 === 0 ? tenants[0]!.id : undefined,
      createdAt: new Date(now - (i + 1) * 5 * 3_600_000),
      lastActiveAt: new Date(now - i * 17 * 60_000),
      expiresAt: new Date(now + (30 - i) * DAY),
      userAgent: AGENTS[i % AGENTS.length],
      ipAddress: `203.0.113.${10 + i}`,
    });
  }

  const apiKeys = await seedApiKeys(stores.apiKeyStore, now);
  const tenantIds = tenants.map((t) => t.id);
  // The newest event carries a name that would run script if the log were rendered as HTML.
  const eventTools = await seedEventTools(stores, users, tenantIds, now, [
    {
      event: 'identity.admin.tenant.created',
      data: { actor: 'admin-secret', name: XSS_NAME },
    },
  ]);

  return {
    stores,
    users,
    xssUser: users[XSS_INDEX]!,
    tenantIds,
    apiKeys,
    eventTools,
    webhookActions: seedWebhookActions(),
  };
}

export interface RunningPanel {
  /** The panel's URL, with the trailing slash. */
  url: string;
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves the admin router over `stores` at /admin on 127.0.0.1 (a free port); `extra` overrides
 * its options. Beside it, the app's own {@link SERVICE_PATH}, guarded by keys from the same
 * API key store with the audit log on, as an application would serve it.
 */
export async function startPanelServer(
  stores: AdminStores,
  extra: Partial<AdminRouterOptions> = {},
): Promise<RunningPanel> {
  const app = express();
  const { users, ...optional } = stores;
  app.get(
    SERVICE_PATH,
    createApiKeyMiddleware(stores.apiKeyStore, { auditLog: true }),
    (req, res) => {
      res.json({ apiKey: req.apiKey });
    },
  );
  app.use('/admin', createAdminRouter(users, { adminSecret: PANEL_SECRET, ...optional, ...extra }));
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/admin/`,
    origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
