/**
 * The demo app: mails printed to the console, stores given by the caller (in-memory when
 * none). index.ts serves it on a database; test/demo-server.test.ts drives it over HTTP.
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
  type IUserStore,
} from 'keyward';
import { demoPage } from './page';

/** Where the demo keeps its data; in-memory by default, SQL when index.ts opens a database. */
export interface DemoStores {
  userStore: IUserStore;
  sessionStore: ISessionStore;
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
  const config: AuthConfig = {
    ...secrets,
    csrf: { enabled: true },
    email: {
      siteUrl,
      // The demo has no mail server: links are printed where you can click them.
      sendPasswordReset: async (to, _token, link) => log(`[mail] reset link for ${to}: ${link}`),
      sendVerificationEmail: async (to, _token, link) =>
        log(`[mail] verification link for ${to}: ${link}`),
      sendWelcome: async (to) => log(`[mail] welcome mail to ${to}`),
      sendEmailChanged: async (to, newEmail) => log(`[mail] ${to}: your email is now ${newEmail}`),
    },
  };

  const { userStore: users, sessionStore } = stores;
  const eventBus = new AuthEventBus();
  eventBus.onEvent('*', (e) => log(`[event] ${e.event}${e.userId ? ` user=${e.userId}` : ''}`));

  const auth = new AuthConfigurator(config, users, { sessionStore, eventBus });
  const app = express();

  app.use(
    '/auth',
    auth.router({
      async onRegister(data) {
        const { email, password, firstName } = data;
        if (typeof email !== 'string' || typeof password !== 'string') {
          throw new AuthError('email and password are required', 'VALIDATION_ERROR', 400);
        }
        if (await users.findByEmail(email)) {
          throw new AuthError('That email is already registered', 'EMAIL_IN_USE', 409);
        }
        return users.create({
          email,
          password: await auth.passwordService.hash(password),
          firstName: typeof firstName === 'string' ? firstName : null,
          loginProvider: 'local',
        });
      },
    }),
  );

  app.get('/api/profile', auth.middleware(), (req, res) => {
    res.json({ message: `Hello ${req.user!.email}`, claims: req.user });
  });

  // The page also answers the paths that links in mails point at, and handles them itself.
  app.get(['/', '/auth/reset-password', '/auth/change-email/confirm'], (_req, res) => {
    res.set('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'");
    res.type('html').send(demoPage);
  });
  app.use('/static', express.static(join(__dirname, 'public')));

  return { app, auth, eventBus };
}
