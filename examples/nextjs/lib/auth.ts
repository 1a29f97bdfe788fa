/**
 * keyward in a Next.js app. The folders mirror a Next project; copy lib/ and the router you
 * use into yours:
 *
 *   App Router    app/api/auth/[...auth]/route.ts    the auth endpoints under /api/auth
 *                 app/api/profile/route.ts           a protected route handler
 *   Pages Router  pages/api/auth/[...auth].ts        the same endpoints (pick one router:
 *                                                    Next refuses a path defined in both)
 *   Both          lib/session.ts                     who is signed in, for server code
 *
 * Route handlers and pages are bundled separately, so the configurator is kept on globalThis:
 * one per process, shared by all of them and kept across hot reloads in development.
 */
import {
  AuthConfigurator,
  InMemorySessionStore,
  InMemoryUserStore,
  type AuthConfig,
  type AuthRouter,
} from 'keyward';
import { readSecrets, registerWithPassword } from '../../shared/setup';

/** Where the auth endpoints are served; the client posts to `${AUTH_PATH}/login` and so on. */
export const AUTH_PATH = '/api/auth';

export interface Keyward {
  auth: AuthConfigurator;
  router: AuthRouter;
}

const holder = globalThis as typeof globalThis & { keyward?: Keyward };

/** The process's configurator and its router, made on first use. */
export function getAuth(): Keyward {
  holder.keyward ??= create();
  return holder.keyward;
}

function create(): Keyward {
  // Read on first use, not at import: `next build` loads route modules without runtime secrets.
  const config: AuthConfig = { ...readSecrets(), csrf: { enabled: true } };
  // In-memory stores keep the example self-contained. A real app passes the stores of
  // `createSqlStores` from keyward/sql (see ../postgres-app) and runs their migrate() once,
  // e.g. in a deploy step.
  const auth = new AuthConfigurator(config, new InMemoryUserStore(), {
    sessionStore: new InMemorySessionStore(),
  });
  return { auth, router: auth.router({ onRegister: registerWithPassword(auth) }) };
}
