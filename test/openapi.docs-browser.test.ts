import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appFactory, serverFactory, type TestApp } from './helpers/app';
import { describeInBrowser, openWatchedPage, useChromium } from './admin/panel-browser-setup';

/** /auth/docs in a real browser: it renders under its CSP and "Try it out" signs in. */
describeInBrowser('/auth/docs in Chromium', () => {
  const browser = useChromium();
  const app = appFactory();
  const listen = serverFactory();
  let t: TestApp;
  let server: Server;
  let email: string;

  beforeAll(async () => {
    t = app();
    server = await listen(t.app);
    email = (await t.createUser()).email;
  });

  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  it('renders every operation with no console error and no CSP violation', async () => {
    const { context, page, trouble } = await openWatchedPage(browser(), `${base()}/auth/docs`);
    try {
      await page.locator('#operations-Password-postLogin').waitFor();
      expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
      expect(trouble).toEqual({ errors: [], dialogs: [] });
    } finally {
      await context.close();
    }
  });

  it('signs in through "Try it out" on POST /auth/login', async () => {
    const { context, page, trouble } = await openWatchedPage(browser(), `${base()}/auth/docs`);
    try {
      const login = page.locator('#operations-Password-postLogin');
      await login.locator('.opblock-summary').click();
      await login.locator('.try-out__btn').click();
      await login
        .locator('textarea.body-param__text')
        .fill(JSON.stringify({ email, password: 'correct horse battery' }));
      await login.locator('button.execute').click();
      const status = login.locator('.live-responses-table .response .response-col_status');
      await status.first().waitFor();
      expect((await status.first().innerText()).trim()).toBe('200');
      expect(await login.locator('.live-responses-table .microlight').first().innerText()).toMatch(
        /"success": true/,
      );
      // Cookie delivery: the browser now holds the session the login started.
      const cookies = await context.cookies(base());
      expect(cookies.map((c) => c.name)).toEqual(expect.arrayContaining(['accessToken']));
      expect(trouble).toEqual({ errors: [], dialogs: [] });
    } finally {
      await context.close();
    }
  });
});
