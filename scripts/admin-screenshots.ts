/**
 * Takes the screenshots of docs/admin.md: every tab of the admin panel at 1280×800, the Manage
 * drawer, a new API key's banner, a key's usage log, a webhook's deliveries, the sign-in screen
 * and the Users tab on a 390 px phone, against seeded in-memory stores. Run with `npx tsx scripts/admin-screenshots.ts` (needs Chromium: Debian's `chromium`
 * package, or KEYWARD_CHROMIUM pointing at one).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { PANEL_SECRET, seedPanelStores, startPanelServer } from '../test/admin/panel-seed';

const EXECUTABLE = process.env.KEYWARD_CHROMIUM ?? '/usr/bin/chromium';
const OUT = resolve(__dirname, '..', 'docs', 'images');

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  // Let toasts and the drawer's slide-in finish so shots are steady.
  // (Page code as a string: these scripts are type-checked without the DOM library.)
  await page.evaluate(`document.querySelectorAll('.toast').forEach((t) => t.remove())`);
  await page.waitForTimeout(250);
}

async function shoot(page: Page, name: string): Promise<void> {
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
  const panel = await startPanelServer(seed.stores);
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
