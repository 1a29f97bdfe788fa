/**
 * Proves the published package works: packs the repo exactly as `npm publish` would (prepack
 * builds dist/), checks what the tarball holds, installs it into fresh ESM and CommonJS apps
 * with Express 4 and Express 5, runs each app against the real package over HTTP, and
 * type-checks a TypeScript consumer against the shipped declarations.
 *
 * Needs the npm registry (for express and its types); without it the test fails, it never skips.
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { APP_CJS, APP_MJS, SCENARIO_MJS } from './fixtures/packaging/apps';

jest.setTimeout(240_000);

/**
 * Serves the admin router of the installed package at /admin and checks that the web panel's
 * files are found at run time (from dist/, ESM or CommonJS) and served with their CSP.
 * `KEYWARD` is replaced by an import or a require.
 */
const ADMIN_PANEL_SCRIPT = String.raw`KEYWARD
const fail = (what, detail) => {
  console.log('FAIL - ' + what + ' ' + JSON.stringify(detail));
  process.exitCode = 1;
};
const router = createAdminRouter(new InMemoryUserStore(), {
  adminSecret: 'packaging-admin-secret-0123456789',
});
const app = express();
app.use('/admin', router);
const server = app.listen(0, '127.0.0.1', async () => {
  const base = 'http://127.0.0.1:' + server.address().port;
  try {
    const bare = await fetch(base + '/admin', { redirect: 'manual' });
    if (bare.status !== 308 || bare.headers.get('location') !== '/admin/') {
      fail('/admin redirects to /admin/', [bare.status, bare.headers.get('location')]);
    }
    const page = await fetch(base + '/admin/');
    const html = await page.text();
    const csp = page.headers.get('content-security-policy') || '';
    if (page.status !== 200 || !html.includes('src="assets/app.js"')) {
      fail('GET /admin/ answers the panel page', [page.status, html.slice(0, 200)]);
    }
    if (!csp.includes("script-src 'self'")) fail('the page has its CSP', csp);
    const js = await fetch(base + '/admin/assets/app.js');
    const body = await js.text();
    if (js.status !== 200 || !/javascript/.test(js.headers.get('content-type') || '') || !body.includes('import')) {
      fail('GET /admin/assets/app.js answers JavaScript', [js.status, js.headers.get('content-type')]);
    }
    const api = await fetch(base + '/admin/api/ping');
    if (api.status !== 401) fail('the API still needs the secret', api.status);
  } catch (err) {
    fail('requests', String(err));
  } finally {
    server.close();
    if (process.exitCode !== 1) console.log('admin panel checks passed');
  }
});
`;

const REPO = resolve(__dirname, '..');
const FIXTURES = join(__dirname, 'fixtures', 'packaging');
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Variables npm sets for the script running jest; a nested npm must not inherit them. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      /^npm_(lifecycle|package)_/i.test(key) ||
      /^(npm_command|npm_config_local_prefix|init_cwd)$/i.test(key)
    ) {
      delete env[key];
    }
  }
  return env;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function describeRun(what: string, r: RunResult): string {
  const status = r.timedOut ? 'did not exit in time (killed)' : `exited ${r.code ?? r.signal}`;
  return `${what} ${status}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

/** Runs npm; a failure says plainly when the registry could not be reached. */
async function npm(args: string[], cwd: string, timeoutMs = 180_000): Promise<RunResult> {
  const r = await run('npm', args, cwd, timeoutMs);
  if (r.code !== 0) {
    const offline =
      r.timedOut ||
      /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|offline/i.test(
        r.stderr,
      );
    const hint = offline
      ? 'npm could not reach the package registry, which this test needs to install express.\n'
      : '';
    throw new Error(hint + describeRun(`npm ${args.join(' ')} (in ${cwd})`, r));
  }
  return r;
}

/** File names in a .tgz (plain ustar, as npm writes), without the leading `package/`. */
function tarballFiles(tgz: string): Map<string, Buffer> {
  const tar = gunzipSync(readFileSync(tgz));
  const files = new Map<string, Buffer>();
  const field = (start: number, len: number) =>
    tar
      .subarray(start, start + len)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const name = field(offset, 100);
    if (!name) break;
    const size = parseInt(field(offset + 124, 12).trim() || '0', 8);
    const type = field(offset + 156, 1) || '0';
    const prefix = field(offset + 345, 155);
    const full = prefix ? `${prefix}/${name}` : name;
    if (type === '0') {
      files.set(full.replace(/^package\//, ''), tar.subarray(offset + 512, offset + 512 + size));
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

interface ConsumerApp {
  name: string;
  dir: string;
  moduleType: 'esm' | 'cjs';
  expressMajor: 4 | 5;
}

describe('published package', () => {
  let work: string;
  let tarball: string;
  const apps: ConsumerApp[] = [];

  beforeAll(async () => {
    // Fail fast and clearly without a registry (npm install alone retries for minutes).
    await npm(['ping', '--fetch-retries=1', '--fetch-timeout=30000'], REPO, 90_000);
    work = mkdtempSync(join(tmpdir(), 'keyward-pack-'));
    const packDir = join(work, 'pack');
    mkdirSync(packDir);
    // prepack builds dist/ first, so this is exactly what `npm publish` would upload.
    await npm(['pack', '--pack-destination', packDir], REPO);
    const packed = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
    if (packed.length !== 1) throw new Error(`expected one tarball, found: ${packed.join(', ')}`);
    tarball = join(packDir, packed[0]!);

    for (const moduleType of ['esm', 'cjs'] as const) {
      for (const expressMajor of [5, 4] as const) {
        const name = `${moduleType}-express${expressMajor}`;
        const dir = join(work, name);
        apps.push({ name, dir, moduleType, expressMajor });
      }
    }
    await Promise.all(
      apps.map(async (app) => {
        mkdirSync(app.dir);
        const pkg: Record<string, unknown> = { name: `consumer-${app.name}`, private: true };
        if (app.moduleType === 'esm') pkg.type = 'module';
        writeFileSync(join(app.dir, 'package.json'), JSON.stringify(pkg, null, 2));
        writeFileSync(join(app.dir, 'scenario.mjs'), SCENARIO_MJS);
        if (app.moduleType === 'esm') writeFileSync(join(app.dir, 'app.mjs'), APP_MJS);
        else writeFileSync(join(app.dir, 'app.cjs'), APP_CJS);
        copyFileSync(join(FIXTURES, 'check.ts'), join(app.dir, 'check.ts'));
        const express = app.expressMajor === 5 ? 'express@^5' : 'express@^4.18';
        const types = app.expressMajor === 5 ? '@types/express@^5' : '@types/express@^4';
        await npm(
          [
            'install',
            '--no-audit',
            '--no-fund',
            '--prefer-offline',
            tarball,
            express,
            types,
            '@types/node@^20',
          ],
          app.dir,
        );
      }),
    );
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the builds, declarations, README and LICENSE, and no sources or tests', () => {
    const files = tarballFiles(tarball);
    const names = [...files.keys()].sort();
    const required = [
      'package.json',
      'README.md',
      'LICENSE',
      ...['index', 'sql', 'redis', 'testing'].flatMap((entry) =>
        ['js', 'mjs', 'd.ts', 'd.mts'].map((ext) => `dist/${entry}.${ext}`),
      ),
    ];
    expect({ missing: required.filter((n) => !names.includes(n)) }).toEqual({ missing: [] });
    expect(names.filter((n) => /^(src|test)\//.test(n))).toEqual([]);

    // Every entry point package.json names must be in the tarball.
    const manifest = JSON.parse(files.get('package.json')!.toString('utf8'));
    const targets: string[] = [manifest.main, manifest.module, manifest.types];
    const collect = (node: unknown): void => {
      if (typeof node === 'string') targets.push(node);
      else if (node && typeof node === 'object') Object.values(node).forEach(collect);
    };
    collect(manifest.exports);
    const unshipped = targets
      .map((t) => String(t).replace(/^\.\//, ''))
      .filter((t) => !names.includes(t));
    expect({ unshipped }).toEqual({ unshipped: [] });
  });

  it.each([
    ['esm', 5],
    ['esm', 4],
    ['cjs', 5],
    ['cjs', 4],
  ] as const)(
    'a %s app with Express %d and no database driver loads every subpath, logs in, reaches a protected route and rejects bad JSON',
    async (moduleType, expressMajor) => {
      const app = apps.find((a) => a.moduleType === moduleType && a.expressMajor === expressMajor)!;
      const installed = JSON.parse(
        readFileSync(join(app.dir, 'node_modules', 'express', 'package.json'), 'utf8'),
      );
      expect(String(installed.version).split('.')[0]).toBe(String(expressMajor));

      const script = moduleType === 'esm' ? 'app.mjs' : 'app.cjs';
      const r = await run(process.execPath, [script], app.dir, 60_000);
      if (r.code !== 0) throw new Error(describeRun(`node ${script} (${app.name})`, r));
      expect(r.stdout).toContain('all checks passed');
    },
  );

  it.each([
    ['esm', 5],
    ['esm', 4],
    ['cjs', 5],
    ['cjs', 4],
  ] as const)(
    'a TypeScript %s consumer with Express %d type-checks against the shipped declarations',
    async (moduleType, expressMajor) => {
      const app = apps.find((a) => a.moduleType === moduleType && a.expressMajor === expressMajor)!;
      const args = [
        TSC,
        '--noEmit',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--strict',
        '--skipLibCheck',
        'false',
        '--types',
        'node',
        '--listFiles',
        'check.ts',
      ];
      const r = await run(process.execPath, args, app.dir, 120_000);
      if (r.code !== 0) throw new Error(describeRun(`tsc check.ts (${app.name})`, r));
      // ESM consumers must get the .d.mts, CommonJS ones the .d.ts (the `exports` conditions).
      const declarations = moduleType === 'esm' ? 'index.d.mts' : 'index.d.ts';
      const keywardFiles = r.stdout
        .split('\n')
        .filter((line) => line.includes('node_modules/keyward/'))
        .map((line) => line.slice(line.indexOf('node_modules/keyward/')));
      // The entry's declarations, plus the shared declaration chunks it imports (same flavour).
      expect(keywardFiles).toContain(`node_modules/keyward/dist/${declarations}`);
      const flavour = moduleType === 'esm' ? /\.d\.mts$/ : /\.d\.ts$/;
      expect(keywardFiles.filter((f) => !flavour.test(f))).toEqual([]);
    },
  );

  it('ships the admin panel files', () => {
    const names = [...tarballFiles(tarball).keys()];
    for (const file of [
      'admin-panel/index.html',
      'admin-panel/assets/app.js',
      'admin-panel/assets/panel.css',
    ]) {
      expect(names).toContain(file);
    }
  });

  it.each(['esm', 'cjs'] as const)(
    'a %s app serves the admin panel from the installed package',
    async (moduleType) => {
      const app = apps.find((a) => a.moduleType === moduleType && a.expressMajor === 5)!;
      const script = moduleType === 'esm' ? 'admin-panel.mjs' : 'admin-panel.cjs';
      const header =
        moduleType === 'esm'
          ? "import express from 'express';\nimport { createAdminRouter, InMemoryUserStore } from 'keyward';"
          : "const express = require('express');\nconst { createAdminRouter, InMemoryUserStore } = require('keyward');";
      writeFileSync(join(app.dir, script), ADMIN_PANEL_SCRIPT.replace('KEYWARD', header));
      const r = await run(process.execPath, [script], app.dir, 60_000);
      if (r.code !== 0) throw new Error(describeRun(`node ${script} (${app.name})`, r));
      expect(r.stdout).toContain('admin panel checks passed');
    },
  );
});
