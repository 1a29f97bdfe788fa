import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthConfigurator, InMemoryUserStore } from 'keyward';
import {
  TestProvider,
  cleanConfig,
  doctorLines,
  find,
  localServer,
  recordingLogger,
  type LogLine,
} from './helpers/doctor';

const opened: AuthConfigurator[] = [];
const servers: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  await Promise.all(opened.map((a) => a.close()));
  await Promise.all(servers.map((s) => s.close()));
});

/** A provider whose token endpoint answers with its clock `offsetSeconds` away from ours. */
async function providerWithClock(offsetSeconds: number) {
  const server = await localServer((_req, res) => {
    res.setHeader('Date', new Date(Date.now() + offsetSeconds * 1000).toUTCString());
    res.writeHead(405).end();
  });
  servers.push(server);
  return server;
}

function configurator(tokenUrl: string, doctor: boolean | { clockSkew?: boolean } = false) {
  const { logger, lines } = recordingLogger();
  const auth = new AuthConfigurator(cleanConfig(logger), new InMemoryUserStore());
  opened.push(auth);
  auth.router({ doctor, oauthStrategies: [new TestProvider({ name: 'idp', tokenUrl })] });
  return { auth, lines };
}

describe("clock skew against an OAuth provider's Date header", () => {
  it('warns when this clock is behind the provider', async () => {
    const server = await providerWithClock(300);
    const { auth } = configurator(`${server.url}/token`);
    expect(find(await auth.doctor(), 'CLOCK_SKEW')).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: expect.stringMatching(/(29\d|30\d) s behind .*'idp'/),
      }),
    ]);
    expect(server.requests()).toBe(1);
  });

  it('warns when this clock is ahead of the provider', async () => {
    const server = await providerWithClock(-120);
    const { auth } = configurator(`${server.url}/token`);
    expect(find(await auth.doctor(), 'CLOCK_SKEW')).toEqual([
      expect.objectContaining({ message: expect.stringMatching(/1[12]\d s ahead of/) }),
    ]);
  });

  it('says nothing when the clocks agree', async () => {
    const server = await providerWithClock(0);
    const { auth } = configurator(`${server.url}/token`);
    expect(await auth.doctor()).toEqual([]);
  });

  it('asks nothing of the provider with clockSkew: false', async () => {
    const server = await providerWithClock(300);
    const { auth } = configurator(`${server.url}/token`);
    expect(await auth.doctor({ clockSkew: false })).toEqual([]);
    expect(server.requests()).toBe(0);
  });

  it('notes an unreachable provider instead of failing', async () => {
    // A port that was just free: nothing listens on it.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { auth } = configurator(`http://127.0.0.1:${port}/token`);
    expect(await auth.doctor()).toEqual([
      expect.objectContaining({
        level: 'info',
        code: 'CLOCK_CHECK_FAILED',
        message: expect.stringContaining('could not be reached'),
      }),
    ]);
  });

  it('gives up on a provider that does not answer within timeoutMs', async () => {
    const server = await localServer(() => undefined); // never answers
    servers.push(server);
    const { auth } = configurator(`${server.url}/token`);
    const started = Date.now();
    const findings = await auth.doctor({ timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'CLOCK_CHECK_FAILED',
        message: expect.stringContaining('did not answer in time'),
      }),
    ]);
  });

  it('notes a provider that sends no Date header', async () => {
    const server = await localServer((_req, res) => {
      res.sendDate = false;
      res.writeHead(405).end();
    });
    servers.push(server);
    const { auth } = configurator(`${server.url}/token`);
    expect(find(await auth.doctor(), 'CLOCK_CHECK_FAILED')).toEqual([
      expect.objectContaining({ message: expect.stringContaining('sent no Date header') }),
    ]);
  });

  it('is logged at start-up only when the router asks for it with doctor: { clockSkew: true }', async () => {
    const quiet = await providerWithClock(300);
    configurator(`${quiet.url}/token`, true);
    const asked = await providerWithClock(300);
    const { lines } = configurator(`${asked.url}/token`, { clockSkew: true });
    const line = await waitForLine(lines, 'CLOCK_SKEW');
    expect(line.level).toBe('warn');
    expect(asked.requests()).toBe(1);
    expect(quiet.requests()).toBe(0);
  });
});

async function waitForLine(lines: LogLine[], code: string): Promise<LogLine> {
  for (let i = 0; i < 100; i++) {
    const line = doctorLines(lines).find((l) => l.message.startsWith(`doctor ${code}:`));
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${code} was never logged`);
}
