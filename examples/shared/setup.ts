/**
 * What every example needs and none of them is about: the signing secrets, a registration
 * handler for POST /auth/register, and serving an Express app with a clean shutdown.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { AuthError, type AuthConfigurator, type BaseUser } from 'keyward';

/** The two signing secrets of an AuthConfig. */
export interface Secrets {
  accessTokenSecret: string;
  refreshTokenSecret: string;
}

/**
 * ACCESS_TOKEN_SECRET and REFRESH_TOKEN_SECRET (32+ random bytes each, e.g.
 * `openssl rand -base64 48`). Outside production, missing secrets are replaced by random ones
 * for this process only: every session ends when it restarts.
 */
export function readSecrets(env: NodeJS.ProcessEnv = process.env): Secrets {
  const accessTokenSecret = env.ACCESS_TOKEN_SECRET;
  const refreshTokenSecret = env.REFRESH_TOKEN_SECRET;
  if (accessTokenSecret && refreshTokenSecret) return { accessTokenSecret, refreshTokenSecret };
  if (env.NODE_ENV === 'production') {
    throw new Error('ACCESS_TOKEN_SECRET and REFRESH_TOKEN_SECRET must be set in production');
  }
  console.warn('ACCESS_TOKEN_SECRET / REFRESH_TOKEN_SECRET not set: using throwaway secrets.');
  return {
    accessTokenSecret: randomBytes(48).toString('base64url'),
    refreshTokenSecret: randomBytes(48).toString('base64url'),
  };
}

/** The value of a required environment variable, or a clear error naming it. */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new Error(`Set ${name} (see the comment at the top of the example)`);
  return value;
}

/**
 * An `onRegister` for `auth.router()`: email and password (plus an optional first name),
 * stored with the configurator's password hasher, which also enforces the length rules.
 */
export function registerWithPassword(auth: AuthConfigurator) {
  return async (data: Record<string, unknown>): Promise<BaseUser> => {
    const { email, password, firstName } = data;
    if (typeof email !== 'string' || typeof password !== 'string') {
      throw new AuthError('email and password are required', 'VALIDATION_ERROR', 400);
    }
    if (await auth.userStore.findByEmail(email)) {
      throw new AuthError('That email is already registered', 'EMAIL_IN_USE', 409);
    }
    return auth.userStore.create({
      email,
      password: await auth.passwordService.hash(password),
      firstName: typeof firstName === 'string' ? firstName : null,
      loginProvider: 'local',
    });
  };
}

/**
 * Listens on PORT (default 3000) and, on Ctrl+C or SIGTERM, stops accepting connections, then
 * runs `cleanup` (stop the password workers, close the database) and exits.
 */
export function serve(app: Express, cleanup: () => Promise<void>): Server {
  const port = Number(process.env.PORT ?? 3000);
  const server = app.listen(port, (err?: Error) => {
    if (err) throw err;
    console.log(`Listening on http://localhost:${port} (auth endpoints under /auth)`);
  });
  const stop = () => {
    server.close(() => {
      cleanup().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return server;
}
