import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** A port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Demo {
  child: ChildProcess;
  output: string;
  port: number;
}

/** Runs `npm start`'s entry point in `cwd` (its ./data goes there) until it prints its banner. */
async function startDemo(cwd: string, env: Record<string, string>): Promise<Demo> {
  const port = await freePort();
  const child = spawn(TSX, [join(ROOT, 'examples/demo-server/index.ts')], {
    cwd,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const demo: Demo = { child, output: '', port };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${demo.output}`)), 20000);
    const collect = (chunk: Buffer) => {
      demo.output += chunk.toString();
      if (demo.output.includes('Stop with Ctrl+C')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited with ${code}:\n${demo.output}`));
    });
  });
  return demo;
}

function stop(demo: Demo | undefined): Promise<void> {
  if (!demo || demo.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    demo.child.once('exit', () => resolve());
    demo.child.kill('SIGTERM');
  });
}

function ping(demo: Demo, secret: string) {
  return fetch(`http://127.0.0.1:${demo.port}/admin/api/ping`, {
    headers: { Authorization: `Bearer ${secret}` },
  });
}

describe('demo server admin panel (npm start)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-demo-admin-'));
  let demo: Demo | undefined;
  afterEach(() => stop(demo));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('mounts the admin API at /admin with ADMIN_SECRET, without echoing that secret', async () => {
    const secret = 'demo-admin-secret-from-the-environment';
    demo = await startDemo(dir, { ADMIN_SECRET: secret });
    expect(demo.output).toContain(`admin panel     http://localhost:${demo.port}/admin/`);
    expect(demo.output).not.toContain(secret);
    const ok = await ping(demo, secret);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      ok: true,
      features: {
        users: true,
        sessions: true,
        roles: true,
        tenants: true,
        settings: true,
        webhooks: true,
        events: true,
      },
    });
    // The event tools are mounted, and their stream is for signed-in users only.
    expect((await fetch(`http://127.0.0.1:${demo.port}/tools/stream`)).status).toBe(401);
    // Inbound webhooks: the Control tab lists the demo's action; no provider is registered yet.
    const actions = await fetch(`http://127.0.0.1:${demo.port}/admin/api/webhook-actions`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(await actions.json()).toMatchObject({
      actions: [{ id: 'demo.log', enabled: false }],
    });
    const inbound = await fetch(`http://127.0.0.1:${demo.port}/tools/webhook/github`, {
      method: 'POST',
      body: '{}',
    });
    expect(inbound.status).toBe(404);
    expect((await ping(demo, 'not-the-secret')).status).toBe(401);
    const page = await fetch(`http://127.0.0.1:${demo.port}/admin/`);
    expect(page.status).toBe(200);
  });

  it('otherwise generates a development secret under ./data, prints it and keeps it', async () => {
    const env = { ADMIN_SECRET: '' };
    demo = await startDemo(dir, env);
    const file = join(dir, 'data', 'dev-admin-secret');
    const secret = readFileSync(file, 'utf8').trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(demo.output).toContain(`admin secret    ${secret}`);
    expect((await ping(demo, secret)).status).toBe(200);
    await stop(demo);

    demo = await startDemo(dir, env);
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
    expect((await ping(demo, secret)).status).toBe(200);
  });
});
