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

/** Who the n-th login is. */
export interface LoginClients {
  credentials(n: number): { email: string; password: string };
  clientAddress(n: number): string;
}

export async function loginThroughput(
  url: string,
  clients: LoginClients,
  seconds: number,
): Promise<LoginThroughput> {
  let n = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    connections: LOGIN_CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    timeout: 20,
    headers: { 'content-type': 'application/json', 'x-auth-strategy': 'bearer' },
    // Each request is another client: its own account and address, as real traffic is.
    requests: [
      {
        setupRequest: (request: autocannon.Request) => {
          const i = n++;
          return {
            ...request,
            headers: { ...request.headers, 'x-forwarded-for': clients.clientAddress(i) },
            body: JSON.stringify(clients.credentials(i)),
          };
        },
      },
    ],
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
