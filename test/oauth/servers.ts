import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { RequestListener } from 'node:http';
import type { AuthLogger } from 'keyward';

/** A client registration at the test OpenID Provider (oidc-provider's client metadata). */
export interface ProviderClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
  token_endpoint_auth_method?: 'client_secret_post' | 'client_secret_basic';
}

export interface ProviderAccount {
  sub: string;
  email: string;
  email_verified?: boolean;
  name?: string;
}

export interface OidcProvider {
  issuer: string;
  addAccount(account: ProviderAccount): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the real OpenID Provider (test/oauth/fixtures/oidc-provider.ts, run by node through
 * tsx as ES modules) on 127.0.0.1.
 */
export async function startOidcProvider(clients: ProviderClient[]): Promise<OidcProvider> {
  const script = path.join(__dirname, 'fixtures', 'oidc-provider.ts');
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', script, JSON.stringify({ clients })],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`provider exited (${code}): ${stderr}`)));
  });
  const issuer = `http://127.0.0.1:${port}`;
  return {
    issuer,
    async addAccount(account) {
      const res = await fetch(`${issuer}/__accounts`, {
        method: 'POST',
        body: JSON.stringify(account),
      });
      if (res.status !== 204) throw new Error(`account not added: ${res.status}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A logger for the app under test that keeps what it logs in `logs` (refused sign-ins are
 * logged as warnings for the operator, with the cause's message).
 */
export function recordingLogger(logs: string[]): AuthLogger {
  const record = (message: string, detail?: unknown) => {
    logs.push(`${message} ${detail instanceof Error ? detail.message : ''}`);
  };
  return { error: record, warn: record };
}

export interface LocalServer {
  url: string;
  /** Sets what answers the requests (the app is built once the URL is known). */
  handle(listener: RequestListener): void;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 whose port is known before its handler is. */
export async function startServer(): Promise<LocalServer> {
  let listener: RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => listener(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    handle(l) {
      listener = l;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A server publishing a JWKS with the provider's key ids but other keys: an ID token checked
 * against it fails its signature check, as one from an impostor would.
 */
export async function startImpostorJwks(issuer: string): Promise<LocalServer> {
  const server = await startServer();
  const realJwks = (await (await fetch(`${issuer}/jwks`)).json()) as {
    keys: Array<{ kid: string; kty: string; alg?: string }>;
  };
  const otherKeys = realJwks.keys
    .filter((k) => k.kty === 'RSA')
    .map((k) => ({
      ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }),
      kid: k.kid,
      alg: k.alg ?? 'RS256',
      use: 'sig',
    }));
  server.handle((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: otherKeys }));
  });
  return server;
}
