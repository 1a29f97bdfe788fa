/**
 * Login throughput: concurrent POST /auth/login with valid credentials for a fixed time, as
 * logins per second answered 200. Password hashing dominates a login, so this measures the
 * hashing scheme on the machine's cores.
 */
import autocannon from 'autocannon';

/** Below the default hashing bound (64), so the server never answers SERVER_BUSY here. */
export const LOGIN_CONNECTIONS = 16;

export interface LoginThroughput {
  loginsPerSec: number;
  ok: number;
  non2xx: number;
  p50LatencyMs: number;
  p99LatencyMs: number;
  problems: string[];
}

export async function loginThroughput(
  url: string,
  credentials: { email: string; password: string },
  seconds: number,
): Promise<LoginThroughput> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: LOGIN_CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    timeout: 20,
    headers: { 'content-type': 'application/json', 'x-auth-strategy': 'bearer' },
    body: JSON.stringify(credentials),
  });
  const ok = result.requests.total - result.non2xx;
  const problems: string[] = [];
  if (result.non2xx) problems.push(`${result.non2xx} non-2xx`);
  if (result.errors) problems.push(`${result.errors} errors`);
  if (result.timeouts) problems.push(`${result.timeouts} timeouts`);
  return {
    loginsPerSec: ok / result.duration,
    ok,
    non2xx: result.non2xx,
    p50LatencyMs: result.latency.p50,
    p99LatencyMs: result.latency.p99,
    problems,
  };
}
