/**
 * The demo app: mails and SMS printed to the console (and kept in a demo-only outbox the page
 * shows), stores given by the caller (in-memory when none). index.ts serves it on a database;
 * test/demo-server.test.ts drives it over HTTP, test/demo-flows-browser.test.ts in Chromium.
 */
import { join } from 'node:path';
import express from 'express';
import {
  AuthConfigurator,
  AuthError,
  AuthEventBus,
  InMemorySessionStore,
  InMemoryUserStore,
  type AuthConfig,
  type ISessionStore,
  type ITwoFactorStore,
  type ISettingsStore,
  type IUserStore,
} from 'keyward';
import { DemoOutbox, demoOutboxRouter } from './outbox';
import { demoPage } from './page';

/** Where the demo keeps its data; in-memory by default, SQL when index.ts opens a database. */
export interface DemoStores {
  userStore: IUserStore;
  sessionStore: ISessionStore;
  /** Recovery codes, used TOTP steps and SMS codes; in process memory when not given. */
  twoFactorStore?: ITwoFactorStore;
  /** The admin panel's Control tab settings (require 2FA, verification mode), read at sign-in. */
  settingsStore?: ISettingsStore;
}

/** The two signing secrets. */
export interface DemoSecrets {
  accessTokenSecret: string;
  refreshTokenSecret: string;
}

export function createDemoApp(
  siteUrl: string,
  secrets: DemoSecrets,
  stores: DemoStores = {
    userStore: new InMemoryUserStore(),
    sessionStore: new InMemorySessionStore(),
  },
  log: (line: string) => void = console.log,
) {
  // The demo has no mail server and no SMS gateway: messages are printed where you can click
  // them, and kept for the page's demo-only outbox panel.
  const outbox = new DemoOutbox(log);
  const config: AuthConfig = {
    ...secrets,
    csrf: { enabled: true },
    email: {
      siteUrl,
      // Links in mails open pages of the site (this page), apart from the API under /auth.
      linkPaths: {
        resetPassword: '/reset-password',
        confirmEmailChange: '/change-email',
        magicLink: '/magic-link',
      },
      sendPasswordReset: async (to, _token, link) =>
        outbox.add('mail', to, `reset link for ${to}`, link),
      sendVerificationEmail: async (to, _token, link) =>
        outbox.add('mail', to, `verification link for ${to}`, link),
      sendMagicLink: async (to, _token, link) =>
        outbox.add('mail', to, `sign-in link for ${to}`, link),
      sendWelcome: async (to) => outbox.add('mail', to, `welcome mail to ${to}`),
      sendEmailChanged: async (to, newEmail) =>
        outbox.add('mail', to, `${to}: your email is now ${newEmail}`),
    },
    sms: { sendSms: async (to, message) => outbox.add('sms', to, `to ${to}: ${message}`) },
    twoFactor: { appName: 'keyward demo' },
  };

  const { userStore: users, sessionStore, twoFactorStore, settingsStore } = stores;
  const eventBus = new AuthEventBus();
  eventBus.onEvent('*', (e) => log(`[event] ${e.event}${e.userId ? ` user=${e.userId}` : ''}`));

  const auth = new AuthConfigurator(config, users, { sessionStore, eventBus, twoFactorStore });
  const app = express();

  app.use(
    '/auth',
    auth.router({
      ...(settingsStore && { settingsStore }),
      async onRegister(data) {
        const { email, password, firstName, phoneNumber } = data;
        if (typeof email !== 'string' || typeof password !== 'string') {
          throw new AuthError('email and password are required', 'VALIDATION_ERROR', 400);
        }
        const phone = typeof phoneNumber === 'string' ? phoneNumber.trim() : '';
        // A phone number makes SMS codes (sign-in and second factor) available to the account.
        if (phone && !/^\+?[0-9][0-9 ()-]{5,24}$/.test(phone)) {
          throw new AuthError('That phone number does not look right', 'VALIDATION_ERROR', 400);
        }
        if (await users.findByEmail(email)) {
          throw new AuthError('That email is already registered', 'EMAIL_IN_USE', 409);
        }
        return users.create({
          email,
          password: await auth.passwordService.hash(password),
          firstName: typeof firstName === 'string' ? firstName : null,
          phoneNumber: phone || null,
          loginProvider: 'local',
        });
      },
    }),
  );

  app.get('/api/profile', auth.middleware(), (req, res) => {
    res.json({ message: `Hello ${req.user!.email}`, claims: req.user });
  });

  // DEMO ONLY: the messages above, for the page's outbox panel. Never serve mail over HTTP in
  // a real app (see outbox.ts).
  app.use('/demo/outbox', demoOutboxRouter(outbox));

  // The page also answers the paths that links in mails point at, and handles them itself.
  app.get(['/', '/reset-password', '/change-email', '/magic-link'], (_req, res) => {
    // Images may be data: URLs, for the TOTP QR code /2fa/setup returns.
    res.set(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:",
    );
    res.type('html').send(demoPage);
  });
  app.use('/static', express.static(join(__dirname, 'public')));

  return { app, auth, eventBus, outbox };
}
