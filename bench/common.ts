/** Shared by the benchmark's runner and its phases: settings, formatting, HTTP helpers. */
import { randomBytes } from 'node:crypto';

export const HOST = '127.0.0.1';

export function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

export const SECONDS = Math.round(envNumber('BENCH_SECONDS', 10, 1, 120));
export const ROUNDS = Math.round(envNumber('BENCH_ROUNDS', 5, 1, 9));
export const WARMUP_SECONDS = Math.min(3, SECONDS);

/** Accounts the server creates; logins rotate over them, each from its own client address. */
export const USERS = 64;
export const PASSWORD = `bench-${randomBytes(12).toString('hex')}`;

/** The n-th client's account. */
export function credentials(n: number) {
  return { email: `bench-${n % USERS}@example.test`, password: PASSWORD };
}

/** The n-th client's address: TEST-NET-3 (RFC 5737), sent as a header only. */
export function clientAddress(n: number): string {
  return `203.0.113.${n % 250}`;
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The server's listeners (bench/server.ts). */
export interface Ports {
  bare: number;
  protected: number;
  /** Protected with `checkSessionOnRequest: true` over the SQLite session store. */
  strict: number;
  /** `createApiKeyMiddleware` over the in-memory key store, default options. */
  apikey: number;
  /** Not keyward: a bcrypt compare per request (bench/bcrypt-api-key-model.ts). */
  apikeyBcrypt: number;
  control: number;
}

export async function call<T>(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/**
 * POST /auth/login on the control port as the n-th client: account `n mod USERS`, from a
 * documentation-range address (a header only: all traffic stays on loopback). Many clients, as
 * in production, so the brute-force limiter (on by default) is measured doing its work rather
 * than refusing one client's flood. `mount` picks the router (`/strict/auth`: SQLite).
 */
export function login(ports: Pick<Ports, 'control'>, mount = '/auth', n = 0) {
  return call<{ accessToken?: string; code?: string }>(
    `http://${HOST}:${ports.control}${mount}/login`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-auth-strategy': 'bearer',
        'x-forwarded-for': clientAddress(n),
      },
      body: JSON.stringify(credentials(n)),
    },
  );
}

export async function accessToken(
  ports: Pick<Ports, 'control'>,
  mount = '/auth',
  n = 0,
): Promise<string> {
  const res = await login(ports, mount, n);
  if (res.status !== 200 || !res.body.accessToken) {
    throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.accessToken;
}

/** The event tools' phases (bench/tools-run.ts). */
export const SSE_STREAMS = Math.round(envNumber('BENCH_SSE_STREAMS', 5000, 10, 50_000));
export const WEBHOOK_EVENTS = Math.round(envNumber('BENCH_WEBHOOK_EVENTS', 2000, 10, 100_000));
export const TOOLS_ROUNDS = Math.round(envNumber('BENCH_TOOLS_ROUNDS', 5, 1, 9));

/** The tools server's listeners (bench/tools-server.ts). */
export interface ToolsPorts {
  /** The bare Node SSE loop. */
  bare: number;
  /** keyward's `GET /tools/stream`. */
  keyward: number;
  control: number;
}

/**
 * POSTs JSON to one of the tools server's `/__bench/*` endpoints and returns the answer; anything
 * but a 2xx is an error carrying the server's message.
 */
export async function postBench<T>(control: number, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`http://${HOST}:${control}/__bench/${path}`, {
    method: 'POST',
    ...(body !== undefined && {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`/__bench/${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The server's CPU time and a monotonic clock, read at the same instant. */
export async function cpuOf(control: number): Promise<{ cpuMicros: number; wallNanos: bigint }> {
  const { body } = await call<{ cpuMicros: number; wallNanos: string }>(
    `http://${HOST}:${control}/__bench/cpu`,
  );
  return { cpuMicros: body.cpuMicros, wallNanos: BigInt(body.wallNanos) };
}
