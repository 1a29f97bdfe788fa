import http from 'node:http';
import { AuthTools, createToolsRouter, type AuthConfig, type AuthToolsOptions } from 'keyward';
import { bearerLogin, createTestApp, sidOf, type TestApp } from '../helpers/app';
import { openStream, type SseClient } from './sse-client';

/** Claims the test puts in a user's access tokens (through `buildTokenPayload`). */
export interface TestClaims {
  tenantId?: string;
  roles?: string[];
}

/** A signed-in user of an {@link SseTestApp}. */
export interface SignedIn {
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

/** The keyward test app plus AuthTools with streams, the tools router and a real server. */
export interface SseTestApp {
  t: TestApp;
  tools: AuthTools;
  server: http.Server;
  /** Creates a user with these token claims and signs them in (bearer tokens). */
  signUp(claims?: TestClaims): Promise<SignedIn>;
  /** Signs an existing user in again: a second session. */
  signIn(user: SignedIn): Promise<SignedIn>;
  /** Opens `GET /tools/stream` (plus `query`) with the user's bearer token. */
  stream(user: SignedIn, query?: string, headers?: Record<string, string>): Promise<SseClient>;
}

export interface SseTestAppOptions {
  tools?: AuthToolsOptions;
  config?: Partial<AuthConfig>;
}

/**
 * A factory of {@link SseTestApp}s for a file or describe block. Everything it opened (streams,
 * tools, servers, apps) is closed after the block, streams first.
 */
export function sseAppFactory(): (options?: SseTestAppOptions) => Promise<SseTestApp> {
  const clients: SseClient[] = [];
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const client of clients) client.close();
    for (const close of closers.reverse()) await close();
  });

  return async (options = {}) => {
    const claims = new Map<string, TestClaims>();
    const t = createTestApp({
      config: {
        ...options.config,
        buildTokenPayload: (user) => ({ ...claims.get(user.id) }),
      },
    });
    closers.push(() => t.close());
    const tools = new AuthTools(t.bus, {
      sse: true,
      revocations: t.auth,
      logger: { error: () => undefined, warn: () => undefined },
      ...options.tools,
    });
    closers.push(() => tools.close());
    await tools.ready();
    t.app.use('/tools', createToolsRouter(tools, { authMiddleware: t.auth.middleware() }));
    const server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );

    const signIn = async (user: { userId: string; email: string }): Promise<SignedIn> => {
      const pair = await bearerLogin(t.app, user.email);
      return { ...user, ...pair, sessionId: sidOf(pair.accessToken) };
    };
    return {
      t,
      tools,
      server,
      async signUp(userClaims = {}) {
        const user = await t.createUser();
        claims.set(user.id, userClaims);
        return signIn({ userId: user.id, email: user.email });
      },
      signIn,
      async stream(user, query = '', headers = {}) {
        const client = await openStream(server, `/tools/stream${query}`, {
          Authorization: `Bearer ${user.accessToken}`,
          ...headers,
        });
        clients.push(client);
        return client;
      },
    };
  };
}

/** The SSE manager of an app (its tools were built with `sse` on). */
export function sseOf(app: SseTestApp) {
  const sse = app.tools.sse;
  if (!sse) throw new Error('tools were built without sse');
  return sse;
}
