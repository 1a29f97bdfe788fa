/** Shared by the benchmark's runner and its phases: settings, formatting, HTTP helpers. */
import { randomBytes } from 'node:crypto';

export const HOST = '127.0.0.1';

function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

export const SECONDS = Math.round(envNumber('BENCH_SECONDS', 10, 1, 120));
export const ROUNDS = Math.round(envNumber('BENCH_ROUNDS', 2, 1, 9));
export const WARMUP_SECONDS = Math.min(3, SECONDS);

export const EMAIL = 'bench@example.test';
export const PASSWORD = `bench-${randomBytes(12).toString('hex')}`;

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

/** POST /auth/login on the control port; `mount` picks the router (`/strict/auth`: SQLite). */
export function login(ports: Ports, mount = '/auth') {
  return call<{ accessToken?: string; code?: string }>(
    `http://${HOST}:${ports.control}${mount}/login`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-strategy': 'bearer' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    },
  );
}

export async function accessToken(ports: Ports, mount = '/auth'): Promise<string> {
  const res = await login(ports, mount);
  if (res.status !== 200 || !res.body.accessToken) {
    throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body.accessToken;
}
