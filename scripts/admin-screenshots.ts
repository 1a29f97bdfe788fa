/**
 * Takes the screenshots of docs/admin.md: every tab of the admin panel at 1280×800, the Manage
 * drawer, a new API key's banner, a key's usage log, a webhook's deliveries, the Control tab's
 * webhook actions, an inbound webhook's dry run, the sign-in screen and the Users tab on a 390 px
 * phone, against seeded in-memory stores. Run with `npx tsx scripts/admin-screenshots.ts` (needs
 * Chromium: Debian's `chromium` package, or KEYWARD_CHROMIUM pointing at one). Names given as
 * arguments (`control-actions inbound-dry-run`) retake only those shots, so the others keep
 * their pixels.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { PANEL_SECRET, seedPanelStores, startPanelServer } from '../test/admin/panel-seed';

const EXECUTABLE = process.env.KEYWARD_CHROMIUM ?? '/usr/bin/chromium';
const OUT = resolve(__dirname, '..', 'docs', 'images');
const ONLY = new Set(process.argv.slice(2));

/** The inbound webhook of the shots: GitHub Sponsors revoking a plan on a cancellation. */
const SPONSORS_SCRIPT = `if (body.action === 'cancelled') {
  const login = body.sponsorship.sponsor.login;
  await actions['plan.revoke'](login);
  console.log('revoked the plan of', login);
  result = { event: 'billing.plan.revoked', data: { login } };
}`;

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  // Let toasts and the drawer's slide-in finish so shots are steady.
  // (Page code as a string: these scripts are type-checked without the DOM library.)
  await page.evaluate(`document.querySelectorAll('.toast').forEach((t) => t.remove())`);
  await page.waitForTimeout(250);
}

async function shoot(page: Page, name: string): Promise<void> {
  if (ONLY.size > 0 && !ONLY.has(name)) return;
  await page.mouse.move(0, 0);
  await settle(page);
  const file = join(OUT, `admin-${name}.png`);
  await page.screenshot({ path: file });
  console.log(`wrote ${file}`);
}

async function main(): Promise<void> {
  if (!existsSync(EXECUTABLE)) {
    throw new Error(`No Chromium at ${EXECUTABLE}; install it or set KEYWARD_CHROMIUM`);
  }
  mkdirSync(OUT, { recursive: true });
  const seed = await seedPanelStores();
  // Two actions on, one of them waiting for its dependency, so the card shows the note.
  await seed.stores.settingsStore.updateSettings({
    enabledWebhookActions: ['plan.revoke', 'plan.notify'],
  });
  await seed.stores.webhookStore.add({
    id: 'wh_sponsors',
    url: '',
    events: [],
    isActive: true,
    createdAt: new Date(),
    provider: 'github',
    verify: 'github',
    secret: 'whsec_c2NyZWVuc2hvdC1vbmx5LXNlY3JldA==',
    allowedActions: ['plan.revoke'],
    jsScript: SPONSORS_SCRIPT,
  });
  const panel = await startPanelServer(seed.stores, { actions: seed.webhookActions.actions });
  const browser = await chromium.launch({
    executablePath: EXECUTABLE,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'light',
    });
    const page = await context.newPage();
    await page.goto(panel.url);
    await page.locator('#login-secret').waitFor();
    await shoot(page, 'login');

    await page.fill('#login-secret', PANEL_SECRET);
    await page.click('#login-submit');
    await page.locator('#users-table tbody tr[data-user-id]').first().waitFor();
    // Two rows selected show the batch-delete bar.
    const boxes = page.locator('#users-table tbody input[type=checkbox]');
    await boxes.nth(3).check();
    await boxes.nth(4).check();
    await shoot(page, 'users');
    await page.click('.selection-bar button:has-text("Clear")');

    // A user with a linked account and metadata, so every drawer section has content.
    await page.click(`button[aria-label="Manage ${seed.users[4]!.email}"]`);
    await page.locator('#drawer-metadata-editor').waitFor();
    await shoot(page, 'manage');
    await page.evaluate(`document.querySelector('.drawer-content').scrollTo(0, 1e6)`);
    await shoot(page, 'manage-metadata');
    await page.keyboard.press('Escape');

    for (const tab of ['sessions', 'roles', 'tenants', 'control']) {
      await page.click(`#tab-${tab}`);
      await page.locator(`#view[data-tab="${tab}"] .card`).first().waitFor();
      await shoot(page, tab);
    }
    await page.evaluate(`document.querySelector('#control-webhook-actions').scrollIntoView()`);
    await shoot(page, 'control-actions');

    await page.click('#tab-api-keys');
    await page.locator('#api-keys-table tbody tr[data-key-id]').first().waitFor();
    // The list itself, from its search box down (the create form is in the next shot).
    await page.evaluate(
      `document.querySelector('#api-keys-filter').closest('.card').scrollIntoView()`,
    );
    await shoot(page, 'api-keys');
    // A key just made: the one-time banner with its raw value.
    await page.fill('#api-key-name', 'warehouse-sync');
    await page.fill('#api-key-service', 'inventory');
    await page.fill('#api-key-scopes', 'stock:read, stock:write');
    await page.fill('#api-key-ips', '10.20.0.0/16');
    await page.click('#api-key-create');
    await page.locator('#api-key-banner').waitFor();
    await page.locator('#api-keys-table tbody tr', { hasText: 'warehouse-sync' }).waitFor();
    await page.evaluate(`window.scrollTo(0, 0)`);
    await shoot(page, 'api-keys-created');
    await page.click('#api-key-banner-done');
    await page.click('button[aria-label="Usage log of stripe-webhook"]');
    await page.locator('#api-key-usage-table tbody tr:not(.row-full)').first().waitFor();
    await page.evaluate(`document.querySelector('.drawer-content').scrollTo(0, 330)`);
    await shoot(page, 'api-keys-usage');
    await page.keyboard.press('Escape');

    await page.click('#tab-webhooks');
    await page.locator('#webhooks-table tbody tr[data-webhook-id]').first().waitFor();
    await shoot(page, 'webhooks');
    // The billing webhook's deliveries, two of them dead with a Replay button.
    const billing = seed.eventTools.webhooks.find((w) => w.id === seed.eventTools.billingHookId)!;
    await page.click(`button[aria-label="Deliveries of ${billing.url}"]`);
    await page.locator('#webhook-deliveries-table tbody tr[data-delivery-id]').first().waitFor();
    await page.evaluate(`document.querySelector('.drawer-content').scrollTo(0, 290)`);
    await shoot(page, 'webhook-deliveries');
    await page.keyboard.press('Escape');
    // The inbound webhook's dry run with a GitHub Sponsors cancellation as the sample.
    await page.click('button[aria-label="Dry run inbound github"]');
    await page.fill(
      '#dry-run-body',
      JSON.stringify(
        { action: 'cancelled', sponsorship: { sponsor: { login: 'octocat' }, tier: 'Pro' } },
        null,
        2,
      ),
    );
    await page.click('#dry-run-run');
    await page.locator('#dry-run-logs').waitFor();
    await page.evaluate(`document.querySelector('#inbound-dry-run').scrollIntoView()`);
    await shoot(page, 'inbound-dry-run');
    await page.keyboard.press('Escape');

    await page.click('#tab-events');
    await page.locator('#events-table tbody tr[data-event-id]').first().waitFor();
    // An entry opened, to show what the log keeps of an event.
    await page.click('#events-table tbody tr:nth-child(2) summary');
    await shoot(page, 'events');

    await page.click('#tab-overview');
    await page.locator('#chart-webhooks').waitFor();
    await shoot(page, 'overview');
    await context.close();

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      colorScheme: 'light',
    });
    const small = await phone.newPage();
    await small.goto(panel.url);
    await small.fill('#login-secret', PANEL_SECRET);
    await small.click('#login-submit');
    await small.locator('#users-table tbody tr[data-user-id]').first().waitFor();
    await shoot(small, 'users-phone');
    await phone.close();
  } finally {
    await browser.close();
    await panel.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
