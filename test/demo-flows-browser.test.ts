/**
 * The demo page (`npm start`) in a real headless Chromium, as a newcomer would try it: every
 * flow is driven through the page only, with links and codes read from its demo-only outbox
 * panel, and every page is watched for script errors and CSP violations (none may happen).
 */
import type { Page } from 'playwright-core';
import {
  describeInBrowser,
  openWatchedPage,
  startDemo,
  useChromium,
  type RunningDemo,
  type WatchedPage,
} from './helpers/demo-browser';
import { awayFromStepEdge, codeForStep, stepAt } from './helpers/totp';

jest.setTimeout(60000);

const PASSWORD = 'demo password 1';

describeInBrowser('demo page in Chromium (npm start)', () => {
  const browser = useChromium();
  let demo: RunningDemo;
  const opened: WatchedPage[] = [];

  beforeAll(async () => {
    demo = await startDemo();
  });
  afterEach(async () => {
    for (const watched of opened.splice(0)) await watched.context.close();
  });
  afterAll(() => demo.close());

  /** A fresh browser (its own cookies) on the demo page. */
  async function open(): Promise<WatchedPage> {
    const watched = await openWatchedPage(browser(), `${demo.url}/`);
    opened.push(watched);
    return watched;
  }

  const status = (page: Page, text: string | RegExp) =>
    page.locator('#status', { hasText: text }).waitFor();

  async function register(page: Page, email: string, phoneNumber = ''): Promise<void> {
    await page.fill('#register [name=email]', email);
    await page.fill('#register [name=password]', PASSWORD);
    await page.fill('#register [name=phoneNumber]', phoneNumber);
    await page.click('#register button');
    await status(page, 'Account created');
  }

  async function submitPassword(page: Page, email: string): Promise<void> {
    await page.fill('#login [name=email]', email);
    await page.fill('#login [name=password]', PASSWORD);
    await page.click('#login button:not([type=button])');
  }

  async function signIn(page: Page, email: string): Promise<void> {
    await submitPassword(page, email);
    await page.locator('#signed-in').waitFor();
  }

  async function signOut(page: Page): Promise<void> {
    await page.click('#logout');
    await page.locator('#signed-out').waitFor();
  }

  /** The newest outbox entry of `channel` whose text mentions `about`, once it is shown. */
  function outboxEntry(page: Page, channel: 'mail' | 'sms', about: string) {
    const entry = page
      .locator(`#outbox-messages li[data-channel=${channel}]`, { hasText: about })
      .first();
    return entry.waitFor().then(() => entry);
  }

  it('links to the API docs and the admin panel, under a CSP without inline script', async () => {
    const { page, errors } = await open();
    expect(await page.getAttribute('#link-docs', 'href')).toBe('/auth/docs');
    expect(await page.getAttribute('#link-admin', 'href')).toBe('/admin/');
    const answer = await page.request.get(`${demo.url}/`);
    const csp = answer.headers()['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    await page.locator('#outbox-empty').waitFor();
    expect(await page.locator('#outbox .badge').textContent()).toBe('demo only');
    expect(errors).toEqual([]);
  });

  it('enrols TOTP from the QR code, shows the recovery codes, then asks for the second factor', async () => {
    const { page, errors } = await open();
    const email = 'totp@example.test';
    await register(page, email, '+15550000001');
    await signIn(page, email);

    await page.click('#enrol-start');
    await page.locator('#enrol').waitFor();
    expect(await page.getAttribute('#totp-qr', 'src')).toMatch(/^data:image\/png;base64,/);
    const secret = (await page.textContent('#totp-secret'))!.replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    // The authenticator app's code, one step late (drift): the next steps stay unused.
    await awayFromStepEdge();
    const step = stepAt();
    await page.fill('#enrol-code', codeForStep(secret, step - 1));
    await page.click('#enrol-confirm button:not([type=button])');
    await page.locator('#recovery').waitFor();
    const recoveryCodes = await page.locator('#recovery-codes li').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    await page.locator('#totp-on').waitFor();
    await page.click('#recovery-done');
    await page.locator('#recovery').waitFor({ state: 'hidden' });

    await signOut(page);
    await submitPassword(page, email);
    await page.locator('#challenge').waitFor();
    expect(await page.textContent('#challenge-hint')).toContain('authenticator app');
    // A phone number is no way around the authenticator: TOTP only.
    expect(await page.isVisible('#challenge-sms')).toBe(false);
    // A mistyped code keeps the challenge open.
    const code = codeForStep(secret, step);
    await page.fill('#challenge-code', String((Number(code) + 1) % 1e6).padStart(6, '0'));
    await page.click('#challenge button:not([type=button])');
    await status(page, 'INVALID_2FA_CODE');
    expect(await page.isVisible('#challenge')).toBe(true);
    await page.fill('#challenge-code', code);
    await page.click('#challenge button:not([type=button])');
    await page.locator('#signed-in').waitFor();
    expect(await page.textContent('#profile')).toContain('"isTotpEnabled": true');

    // A lost phone: a recovery code answers the challenge instead.
    await signOut(page);
    await submitPassword(page, email);
    await page.fill('#challenge-code', recoveryCodes[0]!);
    await page.click('#challenge button:not([type=button])');
    await page.locator('#signed-in').waitFor();
    await status(page, 'recovery code');
    expect(errors).toEqual([]);
  });

  /** An account an administrator has marked as having to use a second factor. */
  async function accountRequiring2FA(email: string, phoneNumber: string | null = null) {
    const password = await demo.auth.passwordService.hash(PASSWORD);
    await demo.auth.userStore.create({ email, password, phoneNumber, require2FA: true });
  }

  it('enrols TOTP during sign-in when the account must have a second factor', async () => {
    const { page, errors } = await open();
    const email = 'required@example.test';
    await accountRequiring2FA(email);
    await submitPassword(page, email);
    await status(page, 'must set up two-factor sign-in first');
    await page.locator('#enrol').waitFor();
    expect(await page.isVisible('#signed-in')).toBe(false);
    const secret = (await page.textContent('#totp-secret'))!.replace(/\s/g, '');
    await awayFromStepEdge();
    await page.fill('#enrol-code', codeForStep(secret, stepAt()));
    await page.click('#enrol-confirm button:not([type=button])');
    // Confirming the first code is the second factor: it signs in, with the recovery codes.
    await page.locator('#recovery').waitFor();
    expect(await page.locator('#recovery-codes li').count()).toBe(10);
    await page.locator('#signed-in').waitFor();
    expect(await page.textContent('#profile')).toContain('"isTotpEnabled": true');
    expect(errors).toEqual([]);
  });

  it('answers the second-factor challenge with a code texted to the phone', async () => {
    const { page, errors } = await open();
    const email = 'sms-2fa@example.test';
    const phone = '+15550000004';
    await accountRequiring2FA(email, phone);
    await submitPassword(page, email);
    await page.locator('#challenge').waitFor();
    expect(await page.textContent('#challenge-hint')).toContain('Text me a code');
    await page.click('#challenge-sms');
    const entry = await outboxEntry(page, 'sms', phone);
    const code = /\b(\d{6})\b/.exec((await entry.textContent())!)![1]!;
    await page.fill('#challenge-code', code);
    await page.click('#challenge button:not([type=button])');
    await page.locator('#signed-in').waitFor();
    expect(await page.textContent('#profile')).toContain(`"email": "${email}"`);
    expect(errors).toEqual([]);
  });

  it('signs in with the magic link from the outbox', async () => {
    const { page, errors } = await open();
    const email = 'magic@example.test';
    await register(page, email);
    await page.fill('#passwordless [name=email]', email);
    await page.click('#send-link');
    await status(page, 'sign-in link is in the outbox');
    const entry = await outboxEntry(page, 'mail', `sign-in link for ${email}`);
    const link = (await entry.locator('a').getAttribute('href'))!;
    expect(link).toMatch(new RegExp(`^${demo.url}/magic-link\\?token=`));
    await entry.locator('a').click();
    await page.locator('#signed-in').waitFor();
    expect(await page.textContent('#profile')).toContain(`"email": "${email}"`);
    // The token is taken out of the address bar, and a link works once.
    expect(new URL(page.url()).search).toBe('');
    await signOut(page);
    await page.goto(link);
    await status(page, 'INVALID_OR_EXPIRED_TOKEN');
    expect(await page.isVisible('#signed-out')).toBe(true);
    expect(demo.lines.some((l) => l.startsWith(`[mail] sign-in link for ${email}: `))).toBe(true);
    expect(errors).toEqual([]);
  });

  it('resets the password with the link from the outbox', async () => {
    const { page, errors } = await open();
    const email = 'reset@example.test';
    await register(page, email);
    await page.fill('#login [name=email]', email);
    await page.click('#forgot');
    const entry = await outboxEntry(page, 'mail', `reset link for ${email}`);
    await entry.locator('a').click();
    await page.locator('#reset').waitFor();
    expect(new URL(page.url()).search).toBe('');
    await page.fill('#reset [name=newPassword]', 'a brand new password');
    await page.click('#reset button');
    await status(page, 'Password changed');
    await page.fill('#login [name=email]', email);
    await page.fill('#login [name=password]', 'a brand new password');
    await page.click('#login button:not([type=button])');
    await page.locator('#signed-in').waitFor();
    expect(errors).toEqual([]);
  });

  it('signs in with the SMS code from the outbox', async () => {
    const { page, errors } = await open();
    const email = 'sms@example.test';
    const phone = '+15550000002';
    await register(page, email, phone);
    await page.fill('#passwordless [name=email]', email);
    await page.click('#send-sms');
    await status(page, 'a code is in the outbox');
    const entry = await outboxEntry(page, 'sms', phone);
    const code = /\b(\d{6})\b/.exec((await entry.textContent())!)![1]!;
    expect(demo.lines).toContain(
      `[sms] to ${phone}: Your sign-in code is ${code}. It expires in 10 minutes.`,
    );
    await page.fill('#sms-code', code);
    await page.click('#verify-sms');
    await page.locator('#signed-in').waitFor();
    expect(await page.textContent('#profile')).toContain(`"phoneNumber": "${phone}"`);
    expect(errors).toEqual([]);
  });

  it('lists the devices and signs the other ones out', async () => {
    const here = await open();
    const email = 'devices@example.test';
    await register(here.page, email);
    await signIn(here.page, email);
    await here.page.locator('#sessions li').first().waitFor();
    expect(await here.page.isDisabled('#revoke-others')).toBe(true);

    const there = await open();
    await signIn(there.page, email);

    await here.page.reload();
    await here.page.locator('#sessions li:nth-child(2)').waitFor();
    expect(await here.page.locator('#sessions li[data-current=true]').count()).toBe(1);
    await here.page.click('#revoke-others');
    await status(here.page, 'Signed out 1 other device.');
    await here.page.locator('#sessions li:nth-child(2)').waitFor({ state: 'detached' });
    expect(await here.page.locator('#sessions li[data-current=true]').count()).toBe(1);

    // The other browser's access token is refused at once, and reloading shows it signed out.
    await there.page.click('#call-api');
    await status(there.page, 'SESSION_REVOKED');
    await there.page.reload();
    await there.page.locator('#signed-out').waitFor();
    expect(await there.page.isVisible('#signed-in')).toBe(false);
    // This browser is still signed in.
    await here.page.click('#call-api');
    await status(here.page, `Hello ${email}`);
    expect([...here.errors, ...there.errors]).toEqual([]);
  });
});
