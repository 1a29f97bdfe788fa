/**
 * The API Keys tab in a real headless Chromium, against the admin router and, on the same
 * server, an app route guarded by the same key store: keys made in the panel are used over
 * HTTP, and revoking one in the panel refuses the next request.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { API_KEY_PATTERN, ApiKeyService } from 'keyward';
import {
  describeInBrowser,
  openWatchedPage,
  useChromium,
  type Trouble,
} from './panel-browser-setup';
import {
  PANEL_SECRET,
  SERVICE_PATH,
  XSS_NAME,
  seedPanelStores,
  startPanelServer,
  type PanelSeed,
  type RunningPanel,
} from './panel-seed';

const DAY = 86_400_000;

/** `YYYY-MM-DD` of a date in local time, as a date input takes it. */
function localDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

describeInBrowser('admin panel: API Keys tab in Chromium', () => {
  const browser = useChromium();
  let seed: PanelSeed;
  let panel: RunningPanel;
  let context: BrowserContext;
  let page: Page;
  let trouble: Trouble;

  beforeEach(async () => {
    trouble = { errors: [], dialogs: [] };
    seed = await seedPanelStores();
    panel = await startPanelServer(seed.stores);
  });

  afterEach(async () => {
    await context?.close();
    await panel?.close();
    // No test may leave a script error, a CSP violation or a fired dialog behind.
    expect(trouble.errors).toEqual([]);
    expect(trouble.dialogs).toEqual([]);
  });

  /** Signs in and opens the API Keys tab; `options` and `init` go to the browser context. */
  async function openKeysTab(
    options: Parameters<typeof openWatchedPage>[2] = {},
    init: string[] = [],
  ): Promise<void> {
    ({ context, page, trouble } = await openWatchedPage(browser(), panel.url, options, init));
    await page.fill('#login-secret', PANEL_SECRET);
    await page.click('#login-submit');
    await page.locator('#tab-api-keys').click();
    await page.locator('#api-keys-table tbody tr[data-key-id]').first().waitFor();
  }

  const keyRow = (name: string) =>
    page.locator('#api-keys-table tbody tr[data-key-id]', { hasText: name });
  const toast = (text: string) => page.locator('.toast', { hasText: text });

  /** Calls the app's key-protected route on the panel's server, as a service would. */
  async function callService(
    rawKey: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${panel.origin}${SERVICE_PATH}`, { headers: { 'X-Api-Key': rawKey } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function createInForm(fields: { name: string; scopes?: string; ips?: string }) {
    await page.fill('#api-key-name', fields.name);
    if (fields.scopes) await page.fill('#api-key-scopes', fields.scopes);
    if (fields.ips) await page.fill('#api-key-ips', fields.ips);
    await page.click('#api-key-create');
  }

  test('lists the seeded keys with their service, scopes, status and dates', async () => {
    await openKeysTab();
    const rows = page.locator('#api-keys-table tbody tr[data-key-id]');
    await expect(rows.count()).resolves.toBe(seed.apiKeys.length);
    // Newest first, as the store lists them; each row is the key of its id.
    const ids: string[] = [];
    for (const row of await rows.all()) ids.push((await row.getAttribute('data-key-id'))!);
    expect(ids).toEqual(seed.apiKeys.map((k) => k.id));

    const webhook = keyRow('stripe-webhook');
    const prefix = seed.apiKeys.find((k) => k.name === 'stripe-webhook')!.keyPrefix;
    await expect(webhook.textContent()).resolves.toContain(`${prefix}…`);
    await expect(webhook.textContent()).resolves.toContain('payments');
    await expect(webhook.locator('.chip').allTextContents()).resolves.toEqual(['webhooks:receive']);
    await expect(webhook.locator('.badge').allTextContents()).resolves.toEqual([
      'Active',
      'IP-limited',
    ]);
    await expect(keyRow('legacy-importer').locator('.badge').first().textContent()).resolves.toBe(
      'Revoked',
    );
    await expect(keyRow('partner-sandbox').locator('.badge').first().textContent()).resolves.toBe(
      'Expired',
    );
    await expect(keyRow('stripe-webhook').textContent()).resolves.toContain('Created');
    // A revoked key has nothing left to revoke.
    await expect(
      keyRow('legacy-importer').locator('button:has-text("Revoke")').count(),
    ).resolves.toBe(0);
    // Four scopes: two shown, the rest counted (the drawer lists them all).
    await expect(keyRow('ci-deploy').locator('.chip').allTextContents()).resolves.toEqual([
      'deploy:write',
      'releases:read',
      '+2',
    ]);
    await expect(keyRow('support-tools').textContent()).resolves.toContain('Never');
    // No hash ever reaches the page.
    const html = await page.content();
    for (const key of seed.apiKeys) expect(html).not.toContain(key.keyHash);
  });

  test('creates a key, shows it once, and it works until it is revoked in the panel', async () => {
    await openKeysTab();
    const day = localDay(new Date(Date.now() + 30 * DAY));
    await page.fill('#api-key-service', 'reports');
    await page.fill('#api-key-expires', day);
    await createInForm({
      name: 'reporting-bot',
      scopes: 'reports:read, exports:write',
      ips: '127.0.0.1\n::1, ::ffff:127.0.0.1',
    });

    const banner = page.locator('#api-key-banner');
    await banner.waitFor();
    const rawKey = (await page.locator('#api-key-raw').textContent())!;
    expect(rawKey).toMatch(API_KEY_PATTERN);
    await expect(page.locator('#api-key-warning').textContent()).resolves.toMatch(
      /only time the key “reporting-bot” \(ak_[0-9a-f]{8}…\) is shown/,
    );
    await toast('Created API key reporting-bot').waitFor();

    // What the store holds: the hash, never the key, with every field from the form.
    const [stored] = await seed.stores.apiKeyStore.listKeys({ filter: 'reporting-bot' });
    expect(stored).toMatchObject({
      name: 'reporting-bot',
      serviceId: 'reports',
      scopes: ['reports:read', 'exports:write'],
      allowedIps: ['127.0.0.1', '::1', '::ffff:127.0.0.1'],
      keyPrefix: rawKey.slice(0, 11),
      isActive: true,
    });
    expect(stored!.keyHash).not.toContain(rawKey);
    // The expiry is the end of the chosen day in the browser's time zone.
    expect(stored!.expiresAt).toEqual(new Date(`${day}T23:59:59.999`));

    const row = page.locator(`#api-keys-table tr[data-key-id="${stored!.id}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(`${rawKey.slice(0, 11)}…`);
    await expect(row.textContent()).resolves.not.toContain(rawKey);

    const accepted = await callService(rawKey);
    expect(accepted.status).toBe(200);
    expect(accepted.body.apiKey).toMatchObject({ keyId: stored!.id, name: 'reporting-bot' });

    // Dismissed, the key is gone from the page for good.
    await page.click('#api-key-banner-done');
    await banner.waitFor({ state: 'detached' });
    await expect(page.content()).resolves.not.toContain(rawKey);

    // Revoke: Cancel first changes nothing, then the confirmed revocation takes effect at once.
    const revoke = row.locator('button[aria-label="Revoke API key reporting-bot"]');
    await revoke.click();
    await page.locator('#confirm[open]', { hasText: 'Revoke API key “reporting-bot”?' }).waitFor();
    await page.click('#confirm-cancel');
    expect((await callService(rawKey)).status).toBe(200);
    await revoke.click();
    await page.click('#confirm-ok');
    await toast('Revoked API key reporting-bot').waitFor();
    await row.locator('.badge', { hasText: 'Revoked' }).waitFor();
    await expect(seed.stores.apiKeyStore.findById(stored!.id)).resolves.toMatchObject({
      isActive: false,
    });

    const refused = await callService(rawKey);
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: expect.any(String), code: 'API_KEY_REVOKED' });

    // The usage log has all three requests, newest first: the refusal on top. (Each entry is
    // written just after its answer is sent, so wait for the last one to land first.)
    for (let tries = 0; (await seed.stores.apiKeyStore.listUsage(stored!.id)).length < 3;) {
      if (++tries > 100) throw new Error('the third usage entry was never written');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await row.locator('button[aria-label="Usage log of reporting-bot"]').click();
    await page.locator('#drawer[open]').waitFor();
    await expect(page.locator('#drawer-title').textContent()).resolves.toBe('reporting-bot');
    const usage = page.locator('#api-key-usage-table tbody tr:not(.row-full)');
    await usage.nth(2).waitFor();
    await expect(usage.count()).resolves.toBe(3);
    const cells = async (n: number) => usage.nth(n).locator('td').allTextContents();
    const [, result, ip, requested] = await cells(0);
    expect([result, requested]).toEqual(['RefusedAPI_KEY_REVOKED', `GET ${SERVICE_PATH}`]);
    await expect(usage.nth(0).locator('.usage-reason').textContent()).resolves.toBe(
      'API_KEY_REVOKED',
    );
    expect(ip).toMatch(/127\.0\.0\.1/);
    expect((await cells(1))[1]).toBe('Accepted');
    expect((await cells(2))[1]).toBe('Accepted');
  });

  test('deletes a key after confirmation: gone from the list and the store, refused as unknown', async () => {
    const { rawKey, record } = await new ApiKeyService().createKey(seed.stores.apiKeyStore, {
      name: 'short-lived',
    });
    await openKeysTab();
    expect((await callService(rawKey)).status).toBe(200);
    const row = keyRow('short-lived');
    await row.locator('button[aria-label="Delete API key short-lived"]').click();
    await page.locator('#confirm[open]', { hasText: 'Delete API key “short-lived”?' }).waitFor();
    await page.click('#confirm-cancel');
    await expect(seed.stores.apiKeyStore.findById(record.id)).resolves.not.toBeNull();

    await row.locator('button[aria-label="Delete API key short-lived"]').click();
    await page.click('#confirm-ok');
    await toast('Deleted API key short-lived').waitFor();
    await row.waitFor({ state: 'detached' });
    await expect(seed.stores.apiKeyStore.findById(record.id)).resolves.toBeNull();
    const refused = await callService(rawKey);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('API_KEY_INVALID');
  });

  test('pages the usage log of a key on the server', async () => {
    await openKeysTab();
    await keyRow('stripe-webhook').locator('button:has-text("Usage")').click();
    const usage = page.locator('#api-key-usage-table tbody tr:not(.row-full)');
    await usage.first().waitFor();
    await expect(usage.count()).resolves.toBe(20);
    await page.locator('#drawer .pager-info', { hasText: '1–20 requests' }).waitFor();
    await page.click('#drawer button[aria-label="Next page"]');
    await page.locator('#drawer .pager-info', { hasText: '21–26 requests' }).waitFor();
    await expect(usage.count()).resolves.toBe(6);
    // The oldest page holds the IP-blocked attempt from an address outside the allowlist.
    const blocked = usage.filter({ hasText: 'API_KEY_IP_BLOCKED' });
    await expect(blocked.textContent()).resolves.toContain('198.51.100.23');
    // The key's facts, allowlist included, head the drawer.
    await expect(page.locator('#drawer .facts').textContent()).resolves.toContain('54.187.174.169');
  });

  test('pages and filters the list on the server', async () => {
    const service = new ApiKeyService();
    for (let i = 0; i < 25; i++) {
      await service.createKey(seed.stores.apiKeyStore, { name: `batch-${i}`, serviceId: 'batch' });
    }
    const total = seed.apiKeys.length + 25;
    await openKeysTab();
    const rows = page.locator('#api-keys-table tbody tr[data-key-id]');
    await page.locator('#view .pager-info', { hasText: '1–20 keys' }).waitFor();
    await expect(rows.count()).resolves.toBe(20);
    await page.click('#view button[aria-label="Next page"]');
    await page.locator('#view .pager-info', { hasText: `21–${total} keys` }).waitFor();
    await expect(rows.count()).resolves.toBe(total - 20);

    const answered = page.waitForResponse(
      (r) => r.url().includes('/api/api-keys?') && r.url().includes('filter=billing'),
    );
    await page.fill('#api-keys-filter', 'billing');
    await answered;
    await page.locator('#api-keys-table:not([aria-busy])').waitFor();
    await expect(rows.allTextContents()).resolves.toEqual([
      expect.stringContaining('billing-worker'),
    ]);

    await page.fill('#api-keys-filter', 'nothing-like-this');
    await page.locator('#api-keys-table .empty-title', { hasText: 'No keys match' }).waitFor();
  });

  test('shows a key named like an HTML payload as plain text', async () => {
    await openKeysTab();
    await createInForm({ name: XSS_NAME });
    await page.locator('#api-key-banner').waitFor();
    await expect(page.locator('#api-key-warning').textContent()).resolves.toContain(
      `“${XSS_NAME}”`,
    );
    const row = keyRow(XSS_NAME);
    await row.waitFor();
    await expect(row.locator('.user-name').textContent()).resolves.toBe(XSS_NAME);
    await row.locator('button:has-text("Usage")').click();
    await expect(page.locator('#drawer-title').textContent()).resolves.toBe(XSS_NAME);
    await page
      .locator('#api-key-usage .empty-title', { hasText: 'No requests recorded' })
      .waitFor();
    expect(await page.evaluate<number>(`document.querySelectorAll('img[src="x"]').length`)).toBe(0);
    expect(await page.locator('#view img, #drawer img').count()).toBe(0);
  });

  test('copies the new key to the clipboard', async () => {
    await openKeysTab({ permissions: ['clipboard-read', 'clipboard-write'] });
    await createInForm({ name: 'copied' });
    const rawKey = await page.locator('#api-key-raw').textContent();
    await page.click('#api-key-copy');
    await page.locator('#api-key-copy-status', { hasText: 'Copied to the clipboard.' }).waitFor();
    await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(rawKey);
  });

  test('selects the key for copying by hand where the clipboard is not available', async () => {
    // As in a page served over plain http from another host: no navigator.clipboard at all.
    await openKeysTab({}, [
      `Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });`,
    ]);
    await createInForm({ name: 'by-hand' });
    const rawKey = await page.locator('#api-key-raw').textContent();
    await page.click('#api-key-copy');
    const status = page.locator('#api-key-copy-status');
    await status.waitFor();
    await expect(status.textContent()).resolves.toContain('press Ctrl+C');
    await expect(status.isVisible()).resolves.toBe(true);
    await expect(page.evaluate<string>('String(window.getSelection())')).resolves.toBe(rawKey);
  });

  test('shows refusals in the form and creates nothing', async () => {
    await openKeysTab();
    const before = (await seed.stores.apiKeyStore.listKeys()).length;
    await page.click('#api-key-create');
    await page.locator('.key-form .form-error', { hasText: 'Give the key a name' }).waitFor();

    await createInForm({ name: 'bad-range', ips: '10.0.0.0/33' });
    await page
      .locator('.key-form .form-error', { hasText: /allowedIps: .*\(INVALID_INPUT\)/ })
      .waitFor();
    await createInForm({ name: 'bad-scope', ips: ' ', scopes: 'ok, caf\u00e9' });
    await page.locator('.key-form .form-error', { hasText: 'scopes.1' }).waitFor();
    await expect(page.locator('#api-key-banner').count()).resolves.toBe(0);
    await expect(seed.stores.apiKeyStore.listKeys()).resolves.toHaveLength(before);
  });

  test('is usable on a 390 px phone screen, the new key banner included', async () => {
    await openKeysTab({ viewport: { width: 390, height: 844 } });
    const width = () => page.evaluate<number>('document.documentElement.scrollWidth');
    expect(await width()).toBeLessThanOrEqual(390);
    await createInForm({ name: 'from-a-phone', scopes: 'a:b, c:d', ips: '10.0.0.0/8' });
    await page.locator('#api-key-banner').waitFor();
    await expect(page.locator('#api-key-copy').isVisible()).resolves.toBe(true);
    expect(await width()).toBeLessThanOrEqual(390);
  });

  test('shows the tab only when the router has an API key store that can list', async () => {
    await openKeysTab();
    await expect(page.locator('#tabs .tab').allTextContents()).resolves.toContain('API Keys');
    await context.close();
    await panel.close();

    panel = await startPanelServer(seed.stores, { apiKeyStore: undefined });
    ({ context, page, trouble } = await openWatchedPage(browser(), panel.url));
    await page.fill('#login-secret', PANEL_SECRET);
    await page.click('#login-submit');
    await page.locator('#tab-users').waitFor();
    await expect(page.locator('#tabs .tab').allTextContents()).resolves.not.toContain('API Keys');
    // The URL of the tab falls back to the first tab rather than a dead page.
    await page.goto(`${panel.url}#/api-keys`);
    await page.locator('#users-table').waitFor();
  });
});
