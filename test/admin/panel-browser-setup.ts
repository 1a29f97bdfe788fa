/**
 * What the admin panel's browser suites share: the Chromium they drive, and pages watched for
 * script errors, CSP violations and dialogs (none may happen).
 */
import { existsSync } from 'node:fs';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from 'playwright-core';

export const EXECUTABLE = process.env.KEYWARD_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const haveChromium = existsSync(EXECUTABLE);
if (!haveChromium) {
  console.warn(
    `\n!!! No Chromium at ${EXECUTABLE}: SKIPPING the admin panel browser tests.\n` +
      '!!! Install Debian\'s "chromium" package (.ci/run does) or set KEYWARD_CHROMIUM.\n',
  );
}
/** `describe` where Chromium is installed; skipped, loudly, where it is not. */
export const describeInBrowser = haveChromium ? describe : describe.skip;

/**
 * One Chromium for the enclosing describe block: launched before its tests, closed after them.
 * Returns a getter, since the browser exists only once `beforeAll` has run.
 */
export function useChromium(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: EXECUTABLE, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('Chromium is not running (useChromium outside a describe?)');
    return browser;
  };
}

/** What a page did that it should not have: script errors, CSP reports, alert() calls. */
export interface Trouble {
  errors: string[];
  dialogs: string[];
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  trouble: Trouble;
}

/**
 * Opens `url` in a new context with everything that goes wrong on the page collected in
 * `trouble`. `init` scripts run in the page before its own, after the CSP listener.
 */
export async function openWatchedPage(
  browser: Browser,
  url: string,
  options: BrowserContextOptions = {},
  init: string[] = [],
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const trouble: Trouble = { errors: [], dialogs: [] };
  page.on('console', (message) => {
    const text = message.text();
    // An API answering 4xx is logged by Chromium as a failed resource; the tests that
    // provoke one check what the panel shows. Anything else failing to load is a fault.
    if (/^Failed to load resource/.test(text) && message.location().url.includes('/api/')) return;
    // Chromium reports CSP violations as console errors, so this catches those too.
    if (message.type() === 'error' || /Content.Security.Policy/i.test(text)) {
      trouble.errors.push(`${text} (${message.location().url})`);
    }
  });
  page.on('pageerror', (error) => trouble.errors.push(error.message));
  page.on('dialog', (dialog) => {
    trouble.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  // The page's own CSP report events, turned into console errors the listener above sees.
  // (Code run in the page is given as strings: the tests are type-checked without DOM types.)
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
    console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`);
  for (const script of init) await page.addInitScript(script);
  await page.goto(url);
  return { context, page, trouble };
}
