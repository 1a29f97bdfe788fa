/**
 * Inbound webhooks in the admin panel, in a real headless Chromium against the admin router over
 * the seeded stores and a registry of actions: the Control tab's webhook actions, registering an
 * inbound webhook, editing it, and dry runs of its script in the server's sandbox.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { ActionRegistry, type AdminRouterOptions } from '../../src';
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

const SCRIPT = `if (body.action === 'cancelled') {
  await actions['plan.revoke'](body.sponsorship.sponsor.login);
  console.log('revoked', body.sponsorship.sponsor.login);
  result = { event: 'billing.plan.revoked', data: { login: body.sponsorship.sponsor.login } };
}`;

const SAMPLE = JSON.stringify({ action: 'cancelled', sponsorship: { sponsor: { login: 'octo' } } });

describeInBrowser('admin panel: inbound webhooks in Chromium', () => {
  const browser = useChromium();
  let seed: PanelSeed;
  let panel: RunningPanel;
  let context: BrowserContext;
  let page: Page;
  let trouble: Trouble;

  async function start(extra: Partial<AdminRouterOptions> = {}): Promise<void> {
    panel = await startPanelServer(seed.stores, {
      actions: seed.webhookActions.actions,
      ...extra,
    });
  }

  beforeEach(async () => {
    trouble = { errors: [], dialogs: [] };
    seed = await seedPanelStores();
  });

  afterEach(async () => {
    await context?.close();
    await panel?.close();
    // No test may leave a script error, a CSP violation or a fired dialog behind.
    expect(trouble.errors).toEqual([]);
    expect(trouble.dialogs).toEqual([]);
    // A dry run records the calls a script would make; it never makes one.
    expect(seed.webhookActions.made).toEqual([]);
  });

  async function openTab(tab: 'webhooks' | 'control'): Promise<void> {
    ({ context, page, trouble } = await openWatchedPage(browser(), panel.url));
    await page.fill('#login-secret', PANEL_SECRET);
    await page.click('#login-submit');
    await page.locator(`#tab-${tab}`).click();
    await page.locator(`#view[data-tab="${tab}"] .card`).first().waitFor();
  }

  const toast = (text: string) => page.locator('.toast', { hasText: text });
  const actionRow = (id: string) =>
    page.locator(`#control-webhook-actions li[data-action-id="${id}"]`);
  const enabledInStore = async () =>
    (await seed.stores.settingsStore.getSettings()).enabledWebhookActions;
  const noInlineStyles = () => page.evaluate<number>(`document.querySelectorAll('[style]').length`);

  test('switches webhook actions on in Control, grouped, explaining a missing dependency', async () => {
    await start();
    await openTab('control');
    const card = page.locator('#control-webhook-actions');
    await card.waitFor();
    await expect(card.locator('.action-category').allTextContents()).resolves.toEqual([
      'Billing',
      'Users',
    ]);
    const notify = actionRow('plan.notify');
    await expect(notify.textContent()).resolves.toContain('Depends on plan.assign');
    await expect(notify.textContent()).resolves.toContain('Emails the user about their plan');
    await expect(notify.locator('input[role="switch"]').isChecked()).resolves.toBe(false);

    // On without its dependency: saved, but said to be unavailable to scripts.
    await notify.locator('label.switch').click();
    await toast('Webhook action enabled').waitFor();
    await expect(enabledInStore()).resolves.toEqual(['plan.notify']);
    const note = notify.locator('.action-missing');
    await note.waitFor();
    await expect(note.textContent()).resolves.toBe(
      'Enabled, but not available to scripts: plan.assign must be enabled too.',
    );

    // The dependency on: the full list is saved, and the note goes.
    await actionRow('plan.assign').locator('label.switch').click();
    await note.waitFor({ state: 'hidden' });
    await expect(enabledInStore()).resolves.toEqual(['plan.assign', 'plan.notify']);
    const listed = await page.evaluate<{ enabled: string[] }>(
      `fetch('api/webhook-actions', { headers: { Authorization: 'Bearer ${PANEL_SECRET}' } }).then((r) => r.json())`,
    );
    expect(listed.enabled).toEqual(['plan.assign', 'plan.notify']);

    // Off again, from the switch that was turned on first.
    await notify.locator('label.switch').click();
    await toast('Webhook action disabled').waitFor();
    await expect(enabledInStore()).resolves.toEqual(['plan.assign']);
    // The list is not shown again among the read-only "other" settings.
    await expect(page.locator('#view', { hasText: 'Other settings' }).count()).resolves.toBe(0);
    expect(await noInlineStyles()).toBe(0);
  });

  test('puts a switch back when saving fails', async () => {
    await start();
    // Written by other code: an id the API refuses, so saving the full list fails.
    await seed.stores.settingsStore.updateSettings({ enabledWebhookActions: ['not an id!'] });
    await openTab('control');
    const toggle = actionRow('plan.revoke').locator('input[role="switch"]');
    await actionRow('plan.revoke').locator('label.switch').click();
    await page.locator('.toast-error', { hasText: 'Could not save the webhook actions' }).waitFor();
    await expect(toggle.isChecked()).resolves.toBe(false);
    await expect(actionRow('plan.revoke').locator('.switch-state').textContent()).resolves.toBe(
      'Off',
    );
    await expect(enabledInStore()).resolves.toEqual(['not an id!']);
  });

  test('explains how to register actions when the registry is empty', async () => {
    await start({ actions: new ActionRegistry() });
    await openTab('control');
    const empty = page.locator('#control-webhook-actions .empty');
    await empty.waitFor();
    await expect(empty.textContent()).resolves.toContain('No webhook actions registered');
    await expect(empty.textContent()).resolves.toContain('@webhookAction');
    await expect(empty.textContent()).resolves.toContain('ActionRegistry.register');
  });

  test('registers an inbound GitHub webhook with a script, then dry-runs it from its row', async () => {
    await start();
    await seed.stores.settingsStore.updateSettings({ enabledWebhookActions: ['plan.revoke'] });
    await openTab('webhooks');
    await page.locator('#webhooks-table tbody tr[data-webhook-id]').first().waitFor();
    await page.click('label[for="webhook-direction-inbound"]');
    await page.locator('#webhook-url').waitFor({ state: 'hidden' });
    const revoke = page.locator('#inbound-actions label[data-action-id="plan.revoke"]');
    await revoke.waitFor();
    // Actions off in Control can be allowed, and say that scripts do not get them yet.
    await expect(
      page.locator('#inbound-actions label[data-action-id="plan.assign"]').textContent(),
    ).resolves.toContain('not enabled globally');
    await expect(revoke.textContent()).resolves.not.toContain('not enabled globally');

    // The provider is checked before anything is sent.
    await page.click('#webhook-create');
    await page.locator('.webhook-form .form-error', { hasText: 'Name the provider' }).waitFor();
    await page.fill('#inbound-provider', 'github');
    await page.selectOption('#inbound-verify', 'github');
    await revoke.locator('input').check();
    await page.fill('#inbound-script', SCRIPT);
    await page.click('#webhook-create');
    await page.locator('#webhook-secret-banner').waitFor();
    const secret = (await page.locator('#webhook-secret-raw').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await expect(page.locator('#webhook-secret-warning').textContent()).resolves.toContain(
      'signing secret of the inbound webhook github',
    );
    await toast('Registered webhook').waitFor();

    const stored = (await seed.stores.webhookStore.findByProvider('github'))!;
    expect(stored).toMatchObject({
      url: '',
      events: [],
      provider: 'github',
      verify: 'github',
      allowedActions: ['plan.revoke'],
      jsScript: SCRIPT,
      isActive: true,
      secret,
    });
    const row = page.locator(`#webhooks-table tr[data-webhook-id="${stored.id}"]`);
    await row.waitFor();
    await expect(row.getAttribute('data-direction')).resolves.toBe('inbound');
    await expect(row.locator('.direction').textContent()).resolves.toBe('Inbound');
    await expect(row.locator('.webhook-url').textContent()).resolves.toBe('github');
    await expect(row.locator('.chip').allTextContents()).resolves.toEqual(['plan.revoke']);
    await expect(row.locator('.scheme').textContent()).resolves.toBe('GitHub');
    await expect(row.textContent()).resolves.not.toContain(secret);
    // An outgoing row keeps its URL, with its own badge.
    const billing = page.locator(
      `#webhooks-table tr[data-webhook-id="${seed.eventTools.billingHookId}"]`,
    );
    await expect(billing.locator('.direction').textContent()).resolves.toBe('Outgoing');
    await page.click('#webhook-secret-banner-done');

    // The dry run: a sample body that is not JSON is refused in the page.
    await row.locator('button:has-text("Dry run")').click();
    await page.locator('#drawer[open]').waitFor();
    await page.fill('#dry-run-body', '{ action: cancelled }');
    await page.click('#dry-run-run');
    await page
      .locator('#inbound-dry-run .form-error', { hasText: 'The sample body is not valid JSON' })
      .waitFor();
    await page.fill('#dry-run-body', SAMPLE);
    const answered = page.waitForResponse((r) => r.url().endsWith(`/${stored.id}/dry-run`));
    await page.click('#dry-run-run');
    const run = (await (await answered).json()) as { calls: unknown[] };
    expect(run.calls).toEqual([{ id: 'plan.revoke', args: ['octo'] }]);
    await page.locator('#dry-run-result').waitFor();
    await page.locator('#inbound-dry-run .form-error').waitFor({ state: 'hidden' });
    const shown = (await page.locator('#dry-run-result pre').textContent())!;
    expect(JSON.parse(shown)).toEqual({ event: 'billing.plan.revoked', data: { login: 'octo' } });
    await expect(page.locator('#dry-run-calls li').allTextContents()).resolves.toEqual([
      'plan.revoke("octo")',
    ]);
    await expect(page.locator('#dry-run-calls h4').textContent()).resolves.toContain(
      'recorded, not made',
    );
    await expect(page.locator('#dry-run-logs pre').textContent()).resolves.toBe('revoked octo');
    await expect(page.locator('#dry-run-actions .chip').allTextContents()).resolves.toEqual([
      'plan.revoke',
    ]);
    await expect(page.locator('#dry-run-duration').textContent()).resolves.toMatch(
      /^(\d+|under 1) ms$/,
    );
    await expect(page.locator('#dry-run-error').count()).resolves.toBe(0);
    expect(await noInlineStyles()).toBe(0);
  });

  test('edits an inbound webhook’s script, actions and scheme, and dry-runs the edit', async () => {
    await start();
    await seed.stores.settingsStore.updateSettings({
      enabledWebhookActions: ['plan.revoke', 'user.suspend'],
    });
    const created = await fetchJson('webhooks', {
      provider: 'sponsors',
      verify: 'github',
      allowedActions: ['plan.revoke'],
      jsScript: SCRIPT,
    });
    const id = (created.webhook as { id: string }).id;
    await openTab('webhooks');
    const row = page.locator(`#webhooks-table tr[data-webhook-id="${id}"]`);
    await row.locator('button:has-text("Edit")').click();
    await page.locator('#drawer[open]').waitFor();
    await expect(page.inputValue('#inbound-edit-script')).resolves.toBe(SCRIPT);
    const suspend = page.locator(
      '#inbound-edit-actions label[data-action-id="user.suspend"] input',
    );
    await suspend.waitFor();
    await expect(
      page.locator('#inbound-edit-actions label[data-action-id="plan.revoke"] input').isChecked(),
    ).resolves.toBe(true);

    // A script that throws: its error is shown, not a result.
    await page.fill('#inbound-edit-script', "throw new Error('no sponsor in ' + body.action);");
    await page.fill('#dry-run-body', SAMPLE);
    await page.click('#dry-run-run');
    const error = page.locator('#dry-run-error pre');
    await error.waitFor();
    await expect(error.textContent()).resolves.toContain('no sponsor in cancelled');
    await expect(page.locator('#dry-run-outcome .badge').textContent()).resolves.toBe('Failed');
    // The stored script is untouched by a dry run of the draft.
    await expect(seed.stores.webhookStore.findById(id)).resolves.toMatchObject({
      jsScript: SCRIPT,
    });

    // Generic HMAC needs its header; then the edit is saved.
    const edited = "await actions['user.suspend'](body.user); result = null;";
    await page.fill('#inbound-edit-script', edited);
    await suspend.check();
    await page.selectOption('#inbound-edit-verify', 'hmac');
    await page.click('#inbound-edit-save');
    await page
      .locator('#inbound-edit .form-error', { hasText: 'header that carries the signature' })
      .waitFor();
    await page.fill('#inbound-edit-hmac-header', 'X-Signature');
    await page.selectOption('#inbound-edit-hmac-encoding', 'base64');
    await page.fill('#inbound-edit-hmac-prefix', 'v1=');
    await page.click('#inbound-edit-save');
    await toast('Saved the inbound webhook').waitFor();
    await expect(seed.stores.webhookStore.findById(id)).resolves.toMatchObject({
      jsScript: edited,
      allowedActions: ['plan.revoke', 'user.suspend'],
      verify: {
        kind: 'hmac',
        header: 'x-signature',
        algorithm: 'sha256',
        encoding: 'base64',
        prefix: 'v1=',
      },
    });
    await expect(row.locator('.scheme').textContent()).resolves.toBe('HMAC sha256 (x-signature)');
  });

  test('dry-runs a draft from the register form, reporting a script error', async () => {
    await start();
    await openTab('webhooks');
    await page.click('label[for="webhook-direction-inbound"]');
    await page.fill('#inbound-script', 'result = {');
    await page.click('#draft-dry-run summary');
    await page.fill('#draft-dry-run-body', '{}');
    await page.click('#draft-dry-run-run');
    await page.locator('#draft-dry-run-error pre', { hasText: 'SyntaxError' }).waitFor();
    await page.fill('#inbound-script', "console.log('draft', body.n); result = { n: body.n };");
    await page.fill('#draft-dry-run-body', '{"n": 7}');
    await page.click('#draft-dry-run-run');
    await page.locator('#draft-dry-run-logs pre', { hasText: 'draft 7' }).waitFor();
    await expect(page.locator('#draft-dry-run-error').count()).resolves.toBe(0);
    await expect(page.locator('#draft-dry-run-calls').textContent()).resolves.toContain(
      'No action was called',
    );
    // Nothing was registered by trying it.
    await expect(seed.stores.webhookStore.listAll()).resolves.toHaveLength(4);
  });

  test('shows a provider, a script and its output that contain HTML as text', async () => {
    await start();
    const html = '<img src=x onerror=alert(2)>';
    // The API refuses such a provider name; a store written to by other code may still hold one.
    await seed.stores.webhookStore.add({
      id: 'wh_xss',
      url: '',
      events: [],
      isActive: true,
      createdAt: new Date(),
      provider: XSS_NAME,
      verify: 'standard',
      secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=',
      allowedActions: [],
      jsScript: `console.log('${html}'); result = { event: 'x.y', data: { html: '<script>alert(3)</script>' } };`,
    });
    await openTab('webhooks');
    const row = page.locator('#webhooks-table tr[data-webhook-id="wh_xss"]');
    await expect(row.locator('.webhook-url').textContent()).resolves.toBe(XSS_NAME);
    await row.locator('button:has-text("Dry run")').click();
    await page.locator('#drawer[open]').waitFor();
    await expect(page.inputValue('#inbound-edit-script')).resolves.toContain(html);
    await page.click('#dry-run-run');
    await expect(page.locator('#dry-run-logs pre').textContent()).resolves.toBe(html);
    await expect(page.locator('#dry-run-result pre').textContent()).resolves.toContain(
      '<script>alert(3)</script>',
    );
    expect(await page.locator('#view img, #drawer img, #drawer script').count()).toBe(0);
  });

  /** POSTs to the admin API from the test, as another admin would. */
  async function fetchJson(path: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${panel.url}api/${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${PANEL_SECRET}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Record<string, unknown>;
  }
});
