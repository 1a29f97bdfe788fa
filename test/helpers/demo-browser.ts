/**
 * The demo page in a real headless Chromium: the demo app (examples/demo-server/app.ts) served
 * on 127.0.0.1 with in-memory stores, and pages watched for script errors and CSP violations.
 * Chromium is launched as the admin panel's browser suites launch it.
 */
import { createServer, type Server } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AuthConfigurator } from 'keyward';
import { createDemoApp } from '../../examples/demo-server/app';
// Launched, and skipped loudly where missing, as the admin panel's browser suites do.
export { EXECUTABLE, describeInBrowser, useChromium } from '../admin/panel-browser-setup';

export interface RunningDemo {
  /** `http://127.0.0.1:<port>`, also the demo's siteUrl, so mailed links come back here. */
  url: string;
  /** What the demo printed (mail, SMS, events). */
  lines: string[];
  /** The demo's configurator, for accounts an administrator would have set up. */
  auth: AuthConfigurator;
  close(): Promise<void>;
}

/** The demo app on a free port of 127.0.0.1, in memory. */
export async function startDemo(): Promise<RunningDemo> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const lines: string[] = [];
  const { app, auth } = createDemoApp(
    url,
    {
      accessTokenSecret: 'demo-browser-access-secret-0123456789abcdefgh',
      refreshTokenSecret: 'demo-browser-refresh-secret-0123456789abcdefg',
    },
    undefined,
    (line) => lines.push(line),
  );
  server.on('request', app);
  return {
    url,
    lines,
    auth,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await auth.close();
    },
  };
}

/** Script errors and CSP violations a page had; there must be none. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/** Opens `url` in a new browser context (its own cookies: another device), watched. */
export async function openWatchedPage(browser: Browser, url: string): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    const text = message.text();
    const where = message.location().url;
    // The router or the protected route answering 4xx (signed out, a wrong code) is logged by
    // Chromium as a failed resource; the tests check what the page shows then. Anything else
    // failing to load (the page, its assets) is a fault.
    if (/^Failed to load resource/.test(text) && /^\/(auth|api)\//.test(new URL(where).pathname)) {
      return;
    }
    // Chromium reports CSP violations as console errors, so this catches those too.
    if (message.type() === 'error' || /Content.Security.Policy/i.test(text)) {
      errors.push(`${text} (${where})`);
    }
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  // The page's own CSP report events, turned into console errors the listener above sees.
  // (Code run in the page is given as strings: the tests are type-checked without DOM types.)
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
    console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`);
  await page.goto(url);
  return { context, page, errors };
}
