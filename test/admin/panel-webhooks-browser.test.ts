/**
 * The Webhooks, Events and Overview tabs in a real headless Chromium, against the admin router
 * over the seeded stores (webhooks with a delivery history, a month of events in the log).
 */
import type { BrowserContext, Page } from 'playwright-core';
import {
  describeInBrowser,
  openWatchedPage,
  useChromium,
  type Trouble,
} from './panel-browser-setup';
import {
  PANEL_SECRET,
  XSS_NAME,
  seedPanelStores,
  startPanelServer,
  type PanelSeed,
  type RunningPanel,
} from './panel-seed';

const BILLING_URL = 'https://billing.example.com/webhooks/keyward';

describeInBrowser('admin panel: Webhooks, Events and Overview tabs in Chromium', () => {
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

  async function openTab(tab: 'webhooks' | 'events' | 'overview'): Promise<void> {
    ({ context, page, trouble } = await openWatchedPage(browser(), panel.url));
    await page.fill('#login-secret', PANEL_SECRET);
    await page.click('#login-submit');
    await page.locator(`#tab-${tab}`).click();
    await page.locator(`#view[data-tab="${tab}"] .card`).first().waitFor();
  }

  const hookRow = (id: string) => page.locator(`#webhooks-table tr[data-webhook-id="${id}"]`);
  const toast = (text: string) => page.locator('.toast', { hasText: text });
  const noInlineStyles = () => page.evaluate<number>(`document.querySelectorAll('[style]').length`);

  test('lists the webhooks with their events, scope, state and signing, never a secret', async () => {
    await openTab('webhooks');
    const rows = page.locator('#webhooks-table tbody tr[data-webhook-id]');
    await rows.first().waitFor();
    const ids: string[] = [];
    for (const row of await rows.all()) ids.push((await row.getAttribute('data-webhook-id'))!);
    expect(ids).toEqual(seed.eventTools.webhooks.map((w) => w.id));

    const billing = hookRow(seed.eventTools.billingHookId);
    await expect(billing.textContent()).resolves.toContain(BILLING_URL);
    await expect(billing.locator('.chip').allTextContents()).resolves.toEqual([
      'identity.user.*',
      'identity.auth.login.success',
      '+2',
    ]);
    await expect(billing.locator('.badge').allTextContents()).resolves.toEqual(['Signed']);
    await expect(billing.locator('input[role="switch"]').isChecked()).resolves.toBe(true);
    const legacy = hookRow(seed.eventTools.webhooks[3]!.id);
    await expect(legacy.locator('.badge').allTextContents()).resolves.toEqual(['Unsigned']);
    await expect(legacy.locator('input[role="switch"]').isChecked()).resolves.toBe(false);
    await expect(legacy.getAttribute('class')).resolves.toBe('is-inactive');
    const crm = hookRow(seed.eventTools.webhooks[1]!.id);
    await expect(crm.locator('td[data-label="Scope"] span').getAttribute('title')).resolves.toBe(
      `Only events of tenant ${seed.tenantIds[0]}`,
    );
    const html = await page.content();
    for (const hook of seed.eventTools.webhooks) {
      if (hook.secret) expect(html).not.toContain(hook.secret.slice(6, 30));
    }
  });

  test('registers a webhook: refuses a private address, then shows the generated secret once', async () => {
    await openTab('webhooks');
    await page.locator('#webhooks-table tbody tr[data-webhook-id]').first().waitFor();
    await page.fill('#webhook-url', 'http://169.254.169.254/latest/meta-data/');
    await page.click('#webhook-create');
    await page.locator('.webhook-form .form-error', { hasText: '(WEBHOOK_URL_REFUSED)' }).waitFor();
    await expect(seed.stores.webhookStore.listAll()).resolves.toHaveLength(4);

    await page.fill('#webhook-url', 'https://93.184.215.14/keyward');
    await page.fill('#webhook-events', 'identity.user.*, identity.auth.*');
    await page.fill('#webhook-tenant', 'acme');
    await page.click('#webhook-create');
    await page.locator('#webhook-secret-banner').waitFor();
    const secret = (await page.locator('#webhook-secret-raw').textContent())!;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await expect(page.locator('#webhook-secret-warning').textContent()).resolves.toContain(
      'only time the signing secret of https://93.184.215.14/keyward is shown',
    );
    await toast('Registered webhook').waitFor();

    const [stored] = await seed.stores.webhookStore.listAll(1);
    expect(stored).toMatchObject({
      url: 'https://93.184.215.14/keyward',
      events: ['identity.user.*', 'identity.auth.*'],
      tenantId: 'acme',
      isActive: true,
      secret,
    });
    const row = hookRow(stored!.id);
    await row.waitFor();
    await expect(row.locator('.chip').allTextContents()).resolves.toEqual([
      'identity.user.*',
      'identity.auth.*',
    ]);
    await expect(row.textContent()).resolves.not.toContain(secret);
    // The form emptied; dismissed, the secret is gone from the page for good.
    await expect(page.inputValue('#webhook-url')).resolves.toBe('');
    await page.click('#webhook-secret-banner-done');
    await page.locator('#webhook-secret-banner').waitFor({ state: 'detached' });
    await expect(page.content()).resolves.not.toContain(secret.slice(6));
    expect(await noInlineStyles()).toBe(0);
  });

  test('registers with a secret of its own: no banner, the secret kept as given', async () => {
    await openTab('webhooks');
    await page.fill('#webhook-url', 'https://93.184.215.14/own');
    await page.fill('#webhook-secret', 'my-own-signing-secret-42');
    await page.click('#webhook-create');
    await toast('Registered webhook').waitFor();
    const [stored] = await seed.stores.webhookStore.listAll(1);
    expect(stored).toMatchObject({ events: ['*'], secret: 'my-own-signing-secret-42' });
    await hookRow(stored!.id).waitFor();
    await expect(page.locator('#webhook-secret-banner').count()).resolves.toBe(0);
  });

  test('switches a webhook off and on again, saved at once', async () => {
    await openTab('webhooks');
    const row = hookRow(seed.eventTools.billingHookId);
    const toggle = row.locator('input[role="switch"]');
    await row.locator('label.switch').click();
    await toast('Webhook disabled').waitFor();
    await expect(toggle.isChecked()).resolves.toBe(false);
    await expect(row.getAttribute('class')).resolves.toBe('is-inactive');
    await expect(
      seed.stores.webhookStore.findById(seed.eventTools.billingHookId),
    ).resolves.toMatchObject({ isActive: false });
    await expect(
      seed.stores.webhookStore.findByEvent('identity.user.created'),
    ).resolves.not.toContainEqual(expect.objectContaining({ id: seed.eventTools.billingHookId }));

    await row.locator('label.switch').click();
    await toast('Webhook enabled').waitFor();
    await expect(
      seed.stores.webhookStore.findById(seed.eventTools.billingHookId),
    ).resolves.toMatchObject({ isActive: true });
  });

  test('deletes a webhook after confirmation', async () => {
    await openTab('webhooks');
    const id = seed.eventTools.webhooks[1]!.id;
    const button = hookRow(id).locator('button[aria-label^="Delete webhook"]');
    await button.click();
    await page.locator('#confirm[open]', { hasText: 'Delete this webhook?' }).waitFor();
    await page.click('#confirm-cancel');
    await expect(seed.stores.webhookStore.findById(id)).resolves.not.toBeNull();
    await button.click();
    await page.click('#confirm-ok');
    await toast('Deleted webhook').waitFor();
    await hookRow(id).waitFor({ state: 'detached' });
    await expect(seed.stores.webhookStore.findById(id)).resolves.toBeNull();
  });

  test('replays a dead delivery from the webhook’s deliveries', async () => {
    await openTab('webhooks');
    const { billingHookId, deadDeliveryId } = seed.eventTools;
    await hookRow(billingHookId).locator('button:has-text("Deliveries")').click();
    await page.locator('#drawer[open]').waitFor();
    const rows = page.locator('#webhook-deliveries-table tbody tr[data-delivery-id]');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(7);
    // Only dead deliveries can be replayed.
    await expect(
      page.locator('#webhook-deliveries-table button:has-text("Replay")').count(),
    ).resolves.toBe(2);

    await page.selectOption('#webhook-deliveries-status', 'dead');
    await page.locator('#webhook-deliveries-table tbody tr[data-status="pending"]').waitFor({
      state: 'detached',
    });
    await expect(rows.count()).resolves.toBe(2);
    const dead = page.locator(`#webhook-deliveries-table tr[data-delivery-id="${deadDeliveryId}"]`);
    await expect(dead.textContent()).resolves.toContain('HTTP 503 Service Unavailable');
    await expect(dead.textContent()).resolves.toContain('6 attempts');
    await dead.locator('button:has-text("Replay")').click();
    await toast('Delivery queued again').waitFor();
    await expect(seed.stores.webhookStore.findDelivery(deadDeliveryId)).resolves.toMatchObject({
      status: 'pending',
      attempts: 0,
    });
    // The dead-only list no longer holds it; among all, it is pending again, without Replay.
    await dead.waitFor({ state: 'detached' });
    await page.selectOption('#webhook-deliveries-status', '');
    await dead.waitFor();
    await expect(dead.getAttribute('data-status')).resolves.toBe('pending');
    await expect(dead.locator('button').count()).resolves.toBe(0);
  });

  test('filters the event log on the server and pages it', async () => {
    await openTab('events');
    const rows = page.locator('#events-table tbody tr[data-event-id]');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(25);
    await page.locator('#view .pager-info', { hasText: '1–25 events' }).waitFor();
    await page.click('#view button[aria-label="Next page"]');
    await page.locator('#view .pager-info', { hasText: '26–50 events' }).waitFor();

    // The newest entry's data is named like an HTML payload: it stays text.
    await page.click('#view button[aria-label="Previous page"]');
    await page.locator('#view .pager-info', { hasText: '1–25 events' }).waitFor();
    const newest = rows.first();
    await expect(newest.locator('.event-name').textContent()).resolves.toBe(
      'identity.admin.tenant.created',
    );
    await newest.locator('summary').click();
    await expect(newest.locator('pre').textContent()).resolves.toContain(XSS_NAME);
    expect(await page.locator('#view img').count()).toBe(0);

    const deadCount = seed.eventTools.counts['identity.webhook.delivery.dead']!;
    const answered = page.waitForResponse(
      (r) => r.url().includes('/api/events?') && r.url().includes('event=identity.webhook'),
    );
    await page.fill('#events-filter-event', 'identity.webhook.delivery.dead');
    await page.click('#events-apply');
    await answered;
    await page.locator('#events-table:not([aria-busy])').waitFor();
    await expect(rows.count()).resolves.toBe(deadCount);
    await expect(rows.locator('.event-name').allTextContents()).resolves.toEqual(
      Array(deadCount).fill('identity.webhook.delivery.dead'),
    );

    // A user id in a row narrows the list to that user, on top of the other filters.
    await page.click('#events-clear');
    await page.locator('#view .pager-info', { hasText: '1–25 events' }).waitFor();
    const userButton = rows.first().locator('td[data-label="User"] button');
    const userId = (await userButton.getAttribute('title'))!.replace('Only user ', '');
    await userButton.click();
    await expect(page.inputValue('#events-filter-user')).resolves.toBe(userId);
    await page.locator('#events-table:not([aria-busy])').waitFor();
    const expected = await seed.stores.eventLog.query({ userId, limit: 25 });
    await expect(rows.count()).resolves.toBe(expected.length);
    const shown: string[] = [];
    for (const row of await rows.all()) shown.push((await row.getAttribute('data-event-id'))!);
    expect(shown).toEqual(expected.map((e) => e.id));

    // A time range in the browser's zone goes to the server as an exact moment.
    await page.click('#events-clear');
    const fromLocal = '2000-01-01T00:00:00';
    const toLocal = '2000-01-02T00:00:00';
    await page.fill('#events-filter-from', fromLocal);
    await page.fill('#events-filter-to', toLocal);
    const ranged = page.waitForResponse((r) => r.url().includes('from='));
    await page.click('#events-apply');
    const url = new URL((await ranged).url());
    const zoned = await page.evaluate<string[]>(
      `[new Date('${fromLocal}').toISOString(), new Date('${toLocal}').toISOString()]`,
    );
    expect([url.searchParams.get('from'), url.searchParams.get('to')]).toEqual(zoned);
    await page.locator('#events-table .empty-title', { hasText: 'No events match' }).waitFor();
  });

  test('draws the Overview charts as SVG from the one aggregate endpoint', async () => {
    const calls: string[] = [];
    ({ context, page, trouble } = await openWatchedPage(browser(), panel.url));
    page.on('request', (r) => {
      if (r.url().includes('/api/')) calls.push(new URL(r.url()).pathname.replace(/.*\/api\//, ''));
    });
    await page.fill('#login-secret', PANEL_SECRET);
    await page.click('#login-submit');
    await page.locator('#users-table tbody tr[data-user-id]').first().waitFor();
    calls.length = 0;
    const answered = page.waitForResponse((r) => r.url().includes('/api/overview'));
    await page.locator('#tab-overview').click();
    const overview = (await (await answered).json()) as {
      dates: string[];
      totals: Record<string, number>;
      metrics: Array<{ key: string; counts: number[] }>;
    };
    await page.locator('#chart-webhooks').waitFor();
    expect(calls).toEqual(['overview']);

    expect(overview.dates).toHaveLength(14);
    const lines = page.locator('#chart-sign-ins polyline');
    await expect(lines.count()).resolves.toBe(2);
    const points = (await lines.first().getAttribute('points'))!.trim().split(' ');
    expect(points).toHaveLength(14);
    await expect(page.locator('#chart-sign-ins circle').count()).resolves.toBe(28);
    await expect(page.locator('#chart-users polyline').count()).resolves.toBe(2);
    // Each stat card shows the server's total; the legends agree.
    for (const key of ['loginSucceeded', 'loginFailed', 'usersCreated', 'webhookDead']) {
      const value = await page.locator(`.stat[data-metric="${key}"] .stat-value`).textContent();
      expect(Number(value!.replace(/\D/g, ''))).toBe(overview.totals[key]);
    }
    expect(overview.totals.loginSucceeded).toBeGreaterThan(0);
    const legend = await page.locator('#chart-sign-ins + .chart-legend li').allTextContents();
    expect(legend).toEqual([
      `Succeeded ${overview.totals.loginSucceeded}`,
      `Failed ${overview.totals.loginFailed}`,
    ]);
    // One bar group per day; segments only where something happened.
    await expect(page.locator('#chart-webhooks .chart-bar').count()).resolves.toBe(14);
    const webhookCounts = overview.metrics
      .filter((m) => m.key.startsWith('webhook'))
      .flatMap((m) => m.counts);
    await expect(page.locator('#chart-webhooks rect').count()).resolves.toBe(
      webhookCounts.filter((n) => n > 0).length,
    );
    // The tooltip of a dot names its day and count.
    const lastDot = page.locator('#chart-sign-ins .chart-series').first().locator('circle').last();
    const loginCounts = overview.metrics.find((m) => m.key === 'loginSucceeded')!.counts;
    await expect(lastDot.locator('title').textContent()).resolves.toMatch(
      new RegExp(`Succeeded: ${loginCounts[13]}$`),
    );

    const wider = page.waitForResponse((r) => r.url().includes('/api/overview?days=30'));
    await page.selectOption('#overview-days', '30');
    await wider;
    await page.locator('#overview:not([aria-busy])').waitFor();
    const more = (await page.locator('#chart-sign-ins polyline').first().getAttribute('points'))!;
    expect(more.trim().split(' ')).toHaveLength(30);
    expect(await noInlineStyles()).toBe(0);
  });
});
