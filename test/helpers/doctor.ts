import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GenericOAuthStrategy,
  type AuthConfig,
  type AuthLogger,
  type DoctorFinding,
  type GenericOAuthProviderConfig,
} from 'keyward';

/** Secrets drawn at random once (what `openssl rand -base64 33` gives). */
export const STRONG_ACCESS = 'pQ3v8XkLmZr2Tn6WbYc1Hs9Df4Gj7Ua0Eo5Ri8Kw2Nq';
export const STRONG_REFRESH = 'Zt1Bx7Mc4Vn9Lq2Kw6Hj3Gf8Ds5Ap0Oi1Uy7Tr4Ee9Wq';
export const SITE = 'https://app.example.test';

export interface LogLine {
  level: 'error' | 'warn';
  message: string;
}

/** A logger that keeps its lines: the public way to see what the router logs. */
export function recordingLogger(): { logger: AuthLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    logger: {
      error: (message) => lines.push({ level: 'error', message }),
      warn: (message) => lines.push({ level: 'warn', message }),
    },
  };
}

/** Lines written by the doctor (other parts of keyward log too). */
export const doctorLines = (lines: LogLine[]) =>
  lines.filter((l) => l.message.startsWith('doctor '));

/**
 * A configuration the doctor has nothing to say about: random secrets, an https site, a sender
 * for every mail and SMS, cheap hashing for the tests.
 */
export function cleanConfig(logger: AuthLogger, overrides: Partial<AuthConfig> = {}): AuthConfig {
  const sent = () => Promise.resolve();
  return {
    accessTokenSecret: STRONG_ACCESS,
    refreshTokenSecret: STRONG_REFRESH,
    bcryptSaltRounds: 4,
    logger,
    sms: { sendSms: sent },
    ...overrides,
    email: {
      siteUrl: SITE,
      sendPasswordReset: sent,
      sendVerificationEmail: sent,
      sendMagicLink: sent,
      sendWelcome: sent,
      sendEmailChanged: sent,
      ...overrides.email,
    },
  };
}

/** An OAuth provider as an application declares one; sign-ins are not what these tests do. */
export class TestProvider extends GenericOAuthStrategy {
  constructor(config: Partial<GenericOAuthProviderConfig> & { tokenUrl: string }) {
    super({
      name: 'test',
      clientId: 'client',
      clientSecret: 'client-secret',
      callbackUrl: 'http://127.0.0.1/auth/oauth/test/callback',
      authorizationUrl: 'http://127.0.0.1/authorize',
      userInfoUrl: 'http://127.0.0.1/userinfo',
      ...config,
    });
  }
  findOrCreateUser(): never {
    throw new Error('not used by these tests');
  }
}

export const codes = (findings: DoctorFinding[]) => findings.map((f) => f.code);
export const find = (findings: DoctorFinding[], code: DoctorFinding['code']) =>
  findings.filter((f) => f.code === code);

/** Runs `body` with NODE_ENV set to `value`, restoring it afterwards. */
export async function withNodeEnv<T>(value: string, body: () => T | Promise<T>): Promise<T> {
  // Typed read-only by some environment typings; it is an ordinary property at run time.
  const env = process.env as Record<string, string | undefined>;
  const before = env.NODE_ENV;
  env.NODE_ENV = value;
  try {
    return await body();
  } finally {
    if (before === undefined) delete env.NODE_ENV;
    else env.NODE_ENV = before;
  }
}

/** A listening HTTP server on 127.0.0.1 whose handler the test gives; closed by `close()`. */
export async function localServer(
  handler: http.RequestListener,
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = http.createServer((req, res) => {
    count += 1;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
