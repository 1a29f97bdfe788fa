/**
 * The demo app: in-memory stores (everything is lost on restart), mails printed to the console.
 * index.ts serves it; test/demo-server.test.ts drives it over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import express from 'express';
import {
  AuthConfigurator,
  AuthError,
  AuthEventBus,
  InMemorySessionStore,
  InMemoryUserStore,
  type AuthConfig,
} from 'keyward';
import { demoPage } from './page';

function secret(name: string): string {
  const value = process.env[name];
  if (value) return value;
  console.warn(
    `\n  !!  ${name} is not set: using a random development secret.\n` +
      `  !!  Tokens stop working on restart. Never run like this in production.\n`,
  );
  return randomBytes(48).toString('base64url');
}

export function createDemoApp(siteUrl: string, log: (line: string) => void = console.log) {
  const config: AuthConfig = {
    accessTokenSecret: secret('ACCESS_TOKEN_SECRET'),
    refreshTokenSecret: secret('REFRESH_TOKEN_SECRET'),
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

  const users = new InMemoryUserStore();
  const sessionStore = new InMemorySessionStore();
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

  return { app, auth };
}
