/**
 * The admin web panel in a real headless Chromium, against a real admin router on 127.0.0.1
 * with seeded in-memory stores. Every action is checked where it lands (the stores), not only
 * on screen; every page is also watched for script errors, CSP violations and dialogs.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { WITHOUT_OPTIONAL_STORES } from './admin-stores';
import {
  describeInBrowser,
  openWatchedPage,
  useChromium,
  type Trouble,
} from './panel-browser-setup';
import {
  PANEL_SECRET,
  USER_COUNT,
  XSS_NAME,
  seedPanelStores,
  startPanelServer,
  type PanelSeed,
  type RunningPanel,
} from './panel-seed';

describeInBrowser('admin panel in Chromium', () => {
  const browser = useChromium();
  let seed: PanelSeed;
  let panel: RunningPanel;
  let context: BrowserContext;
  let page: Page;
  let trouble: Trouble;

  async function openPanel(viewport = { width: 1280, height: 800 }): Promise<void> {
    ({ context, page, trouble } = await openWatchedPage(browser(), panel.url, { viewport }));
  }

  async function signIn(secret = PANEL_SECRET): Promise<void> {
    await page.fill('#login-secret', secret);
    await page.click('#login-submit');
  }

  async function signedIn(viewport?: { width: number; height: number }): Promise<void> {
    await openPanel(viewport);
    await signIn();
    await page.locator('#users-table tbody tr[data-user-id]').first().waitFor();
  }

  const rows = () => page.locator('#users-table tbody tr[data-user-id]');
  const toast = (text: string) => page.locator('.toast', { hasText: text });

  async function filterUsers(text: string): Promise<void> {
    const answered = page.waitForResponse(
      (r) =>
        r.url().includes('/api/users?') && new URL(r.url()).searchParams.get('filter') === text,
    );
    await page.fill('#users-filter', text);
    await answered;
    // The table is marked busy from the request until the answer is rendered.
    await page.locator('#users-table:not([aria-busy])').waitFor();
  }

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

  test('signs in with the secret, keeps it only in sessionStorage, and signs out', async () => {
    await openPanel();
    await expect(page.locator('#login').isVisible()).resolves.toBe(true);

    await signIn('not-the-admin-secret-at-all');
    await page.locator('#login-error', { hasText: 'not accepted' }).waitFor();
    await expect(page.locator('#shell').isVisible()).resolves.toBe(false);

    await signIn();
    await rows().first().waitFor();
    const storage = await page.evaluate<{ session: string | null; local: unknown[]; url: string }>(
      `({
        session: sessionStorage.getItem('keyward.admin.secret'),
        local: Object.keys(localStorage).map((k) => localStorage.getItem(k)),
        url: location.href,
      })`,
    );
    expect(storage.session).toBe(PANEL_SECRET);
    expect(storage.local).toEqual([]);
    expect(storage.url).not.toContain(PANEL_SECRET);
    expect(await page.locator('#login-secret').inputValue()).toBe('');

    // A reload keeps the tab signed in (sessionStorage survives it).
    await page.reload();
    await rows().first().waitFor();

    await page.click('#logout');
    await page.locator('#login').waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
  });

  test('pages through all 60 users, paged by the server', async () => {
    const requested: URLSearchParams[] = [];
    await openPanel();
    page.on('request', (r) => {
      if (r.url().includes('/api/users?')) requested.push(new URL(r.url()).searchParams);
    });
    await signIn();
    await rows().first().waitFor();

    const seen: string[] = [];
    const collect = async () => {
      const ids: string[] = [];
      for (const row of await rows().all()) ids.push((await row.getAttribute('data-user-id'))!);
      seen.push(...ids);
      return ids.length;
    };
    expect(await collect()).toBe(20);
    await page.locator('.pager-info', { hasText: '1–20 of 60' }).waitFor();

    for (const range of ['21–40 of 60', '41–60 of 60']) {
      await page.click('button[aria-label="Next page"]');
      await page.locator('.pager-info', { hasText: range }).waitFor();
      expect(await collect()).toBe(20);
    }
    await expect(page.locator('button[aria-label="Next page"]').isDisabled()).resolves.toBe(true);

    expect(new Set(seen).size).toBe(USER_COUNT);
    expect([...seen].sort()).toEqual(seed.users.map((u) => u.id).sort());
    // Each page was its own request with limit/offset: nothing was paged in the browser.
    expect(requested.map((q) => [q.get('limit'), q.get('offset')])).toEqual([
      ['20', '0'],
      ['20', '20'],
      ['20', '40'],
    ]);

    await page.click('button[aria-label="Previous page"]');
    await page.locator('.pager-info', { hasText: '21–40 of 60' }).waitFor();
  });

  test('filters users on the server and shows an empty state when nothing matches', async () => {
    await signedIn();
    await filterUsers('knuth');
    const expected = await seed.stores.users.countUsers('knuth');
    expect(expected).toBeGreaterThan(0);
    await page.locator('.pager-info', { hasText: `of ${expected} users` }).waitFor();
    const texts = await rows().allTextContents();
    expect(texts).toHaveLength(expected);
    for (const text of texts) expect(text.toLowerCase()).toContain('knuth');

    await filterUsers('no-such-person');
    await page.locator('#users-table .empty-title', { hasText: 'No users match' }).waitFor();
    expect(await rows().count()).toBe(0);
  });

  test('shows a user named like an HTML payload as plain text', async () => {
    await signedIn();
    await filterUsers('mallory');
    await expect(rows().count()).resolves.toBe(1);
    const name = page.locator('#users-table .user-name');
    await expect(name.textContent()).resolves.toBe(XSS_NAME);
    await expect(name.isVisible()).resolves.toBe(true);
    // No element was created from the payload, anywhere in the page.
    expect(await page.locator('img[src="x"], #users-table img').count()).toBe(0);

    await page.click('button[aria-label="Manage mallory@example.com"]');
    await expect(page.locator('#drawer-title').textContent()).resolves.toBe(XSS_NAME);
    await page.locator('#drawer-metadata-editor').waitFor();
    expect(await page.locator('#drawer img').count()).toBe(0);
    expect(await page.evaluate<number>(`document.querySelectorAll('img[src="x"]').length`)).toBe(0);
  });

  test('opens Manage, assigns a role and saves edited metadata', async () => {
    const user = seed.users[5]!;
    await signedIn();
    await filterUsers(user.email);
    await page.click(`button[aria-label="Manage ${user.email}"]`);
    await page.locator('#drawer[open]').waitFor();

    // Role: pick one the user does not hold and assign it.
    await page.locator('#drawer-role-select').waitFor();
    await page.selectOption('#drawer-role-select', 'billing');
    await page.click('#drawer-role-assign');
    await page.locator('#drawer-roles .chip', { hasText: 'billing' }).waitFor();
    await expect(seed.stores.rbacStore.getRolesForUser(user.id)).resolves.toContain('billing');

    // Metadata: invalid JSON is refused in place, valid JSON replaces the document.
    const editor = page.locator('#drawer-metadata-editor');
    await editor.fill('{ "plan": ');
    await page.locator('#drawer-metadata-status', { hasText: 'Not valid JSON' }).waitFor();
    await expect(page.locator('#drawer-metadata-save').isDisabled()).resolves.toBe(true);
    await editor.fill('["not", "an", "object"]');
    await page.locator('#drawer-metadata-status', { hasText: 'must be a JSON object' }).waitFor();

    await editor.fill('{"plan":"enterprise","seats":25}');
    await page.click('#drawer-metadata-save');
    await toast('Metadata saved').waitFor();
    await expect(seed.stores.userMetadataStore.getMetadata(user.id)).resolves.toEqual({
      plan: 'enterprise',
      seats: 25,
    });
    // The editor shows what the server now holds, formatted.
    await expect(editor.inputValue()).resolves.toContain('"seats": 25');

    await page.keyboard.press('Escape');
    await page.locator('#drawer[open]').waitFor({ state: 'detached' });
  });

  test('batch-deletes two selected users, only after confirmation', async () => {
    const [a, b] = [seed.users[3]!, seed.users[4]!];
    await signedIn();
    await page.check(`input[aria-label="Select ${a.email}"]`);
    await page.check(`input[aria-label="Select ${b.email}"]`);
    await page.locator('.selection-info', { hasText: '2 selected' }).waitFor();

    // Cancel first: nothing is deleted.
    await page.click('#users-delete-selected');
    await page.locator('#confirm[open]', { hasText: a.email }).waitFor();
    await page.click('#confirm-cancel');
    await expect(seed.stores.users.countUsers()).resolves.toBe(USER_COUNT);

    await page.click('#users-delete-selected');
    await page.click('#confirm-ok');
    await toast('Deleted 2 users').waitFor();
    await expect(seed.stores.users.findById(a.id)).resolves.toBeNull();
    await expect(seed.stores.users.findById(b.id)).resolves.toBeNull();
    await expect(seed.stores.users.countUsers()).resolves.toBe(USER_COUNT - 2);
    await page.locator('.pager-info', { hasText: `of ${USER_COUNT - 2} users` }).waitFor();
    expect(await page.locator(`tr[data-user-id="${a.id}"]`).count()).toBe(0);
  });

  test('revokes a session after confirmation', async () => {
    const [target] = await seed.stores.sessionStore.getAllSessions({ limit: 1 });
    await signedIn();
    await page.click('#tab-sessions');
    const row = page.locator(`tr[data-session="${target!.sessionHandle}"]`);
    await row.waitFor();
    await row.locator('button', { hasText: 'Revoke' }).click();
    await page.locator('#confirm[open]', { hasText: 'Revoke this session?' }).waitFor();
    await page.click('#confirm-ok');
    await toast('Session revoked').waitFor();
    await row.waitFor({ state: 'detached' });
    await expect(seed.stores.sessionStore.getSession(target!.sessionHandle)).resolves.toBeNull();
  });

  test('signs a user out everywhere from the drawer, only after confirmation', async () => {
    const all = await seed.stores.sessionStore.getAllSessions({ limit: 100 });
    const user = seed.users.find((u) => all.filter((s) => s.userId === u.id).length >= 2)!;
    const othersBefore = all.filter((s) => s.userId !== user.id).length;
    await signedIn();
    await filterUsers(user.email);
    await page.click(`button[aria-label="Manage ${user.email}"]`);
    await page.locator('#drawer[open]').waitFor();

    // Cancel first: nothing ends.
    await page.click('#drawer-sign-out-everywhere');
    await page.locator('#confirm[open]', { hasText: 'Sign out everywhere?' }).waitFor();
    await page.locator('#confirm-message', { hasText: user.email }).waitFor();
    await page.click('#confirm-cancel');
    await expect(seed.stores.sessionStore.getSessionsForUser(user.id)).resolves.not.toEqual([]);

    await page.click('#drawer-sign-out-everywhere');
    await page.click('#confirm-ok');
    await toast(`Signed ${user.email} out everywhere`).waitFor();
    await expect(seed.stores.sessionStore.getSessionsForUser(user.id)).resolves.toEqual([]);
    const after = await seed.stores.sessionStore.getAllSessions({ limit: 100 });
    expect(after).toHaveLength(othersBefore);
    // The drawer stays open on the user: they still exist.
    await expect(page.locator('#drawer[open]').isVisible()).resolves.toBe(true);
  });

  test('flips the Control settings and keeps them after a reload', async () => {
    await signedIn();
    await page.click('#tab-control');
    const toggle = page.locator('#control-require-2fa');
    await toggle.waitFor({ state: 'attached' });
    await expect(toggle.isChecked()).resolves.toBe(false);

    await page.click('label[for="control-require-2fa"]');
    await toast('now mandatory').waitFor();
    await expect(seed.stores.settingsStore.getSettings()).resolves.toMatchObject({
      require2FA: true,
    });

    await page.click('label[for="mode-strict"]');
    await toast('Email verification: required').waitFor();
    await expect(seed.stores.settingsStore.getSettings()).resolves.toMatchObject({
      emailVerificationMode: 'strict',
      require2FA: true,
    });

    await page.reload();
    await page.locator('#control-require-2fa').waitFor({ state: 'attached' });
    await expect(page.locator('#control-require-2fa').isChecked()).resolves.toBe(true);
    await expect(page.locator('#mode-strict').isChecked()).resolves.toBe(true);
  });

  test('creates and deletes a role, and manages tenant members', async () => {
    await signedIn();
    await page.click('#tab-roles');
    await page.fill('#role-name', 'auditor');
    await page.fill('#role-permissions', 'logs:read, users:read');
    await page.click('button:has-text("Create role")');
    await page.locator('tr[data-role="auditor"]').waitFor();
    await expect(seed.stores.rbacStore.getPermissionsForRole('auditor')).resolves.toEqual([
      'logs:read',
      'users:read',
    ]);
    await page.click('button[aria-label="Delete role auditor"]');
    await page.click('#confirm-ok');
    await page.locator('tr[data-role="auditor"]').waitFor({ state: 'detached' });
    const roles = await seed.stores.rbacStore.getAllRoles();
    expect(roles.map((r) => r.name)).not.toContain('auditor');

    const tenantId = seed.tenantIds[3]!;
    const member = seed.users[7]!;
    await page.click('#tab-tenants');
    await page.locator(`tr[data-tenant="${tenantId}"] button:has-text("Members")`).click();
    await page.locator('#tenant-members .empty-title', { hasText: 'No members yet' }).waitFor();
    await page.fill('#member-add', member.email);
    await page.click('button:has-text("Add member")');
    await page.locator('#tenant-members .member', { hasText: member.email }).waitFor();
    await expect(seed.stores.tenantStore.getUsersForTenant(tenantId)).resolves.toEqual([member.id]);
  });

  test('shows only the tabs whose stores are configured', async () => {
    await panel.close();
    panel = await startPanelServer(seed.stores, WITHOUT_OPTIONAL_STORES);
    await signedIn();
    const tabs = await page.locator('#tabs .tab').allTextContents();
    expect(tabs).toEqual(['Users']);
    await page.click(`button[aria-label="Manage ${seed.users[0]!.email}"]`);
    const sections = await page.locator('#drawer .drawer-section h3').allTextContents();
    expect(sections).toEqual(['Profile', 'Danger zone']);
    // Signing out everywhere needs no optional store (the session may be on the user record).
    await expect(page.locator('#drawer-sign-out-everywhere').isVisible()).resolves.toBe(true);
  });

  test('shows API errors instead of failing silently', async () => {
    await signedIn();
    await page.click('#tab-roles');
    await page.fill('#role-name', 'admin');
    // A role that exists already, or any refusal, is shown with the server's message and code.
    await page.route('**/api/roles', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      return route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({ error: 'Role name is not valid', code: 'INVALID_INPUT' }),
      });
    });
    await page.click('button:has-text("Create role")');
    const shown = page.locator('.create-form .form-error', {
      hasText: 'Role name is not valid (INVALID_INPUT)',
    });
    await shown.waitFor();
    expect(await shown.isVisible()).toBe(true);
  });

  test('signs out when the secret stops being accepted', async () => {
    await signedIn();
    await page.evaluate(
      `sessionStorage.setItem('keyward.admin.secret', 'a-stale-or-rotated-secret')`,
    );
    await page.click('#tab-sessions');
    await page.locator('#login-error', { hasText: 'no longer accepted' }).waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
  });

  test('is usable on a 390 px phone screen', async () => {
    await signedIn({ width: 390, height: 844 });
    const width = () => page.evaluate<number>('document.documentElement.scrollWidth');
    const overflow = await width();
    expect(overflow).toBeLessThanOrEqual(390);
    await expect(rows().first().isVisible()).resolves.toBe(true);
    await page.click('#tab-sessions');
    await page.locator('#sessions-table tbody tr[data-session]').first().waitFor();
    expect(await width()).toBeLessThanOrEqual(390);
  });

  test('can be driven from the keyboard', async () => {
    await signedIn();
    await page.focus('#tab-users');
    await page.keyboard.press('ArrowDown');
    await page.locator('#sessions-table').waitFor();
    await expect(page.evaluate<string>('document.activeElement.id')).resolves.toBe('tab-sessions');
    expect(page.url()).toMatch(/#\/sessions$/);
  });
});
