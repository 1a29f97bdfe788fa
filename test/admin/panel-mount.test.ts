/**
 * How the admin router serves its web panel: the page and its assets, their security and
 * caching headers, the trailing-slash redirect, and what the shipped files may not contain.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express from 'express';
import request from 'supertest';
import { createAdminRouter, InMemoryUserStore, type AdminRouterOptions } from '../../src';

const SECRET = 'panel-mount-secret-0123456789abcdef';
const PANEL_DIR = resolve(__dirname, '..', '..', 'admin-panel');
const EXPECTED_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function appWithAdmin(mountPath = '/admin', extra: Partial<AdminRouterOptions> = {}) {
  const app = express();
  app.use(mountPath, createAdminRouter(new InMemoryUserStore(), { adminSecret: SECRET, ...extra }));
  return app;
}

function panelFiles(dir = PANEL_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? panelFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function expectPanelHeaders(res: request.Response): void {
  expect(res.headers['content-security-policy']).toBe(EXPECTED_CSP);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-frame-options']).toBe('DENY');
}

describe('admin panel routes', () => {
  const app = appWithAdmin();

  test('serves the page at the mount path with a trailing slash, under a strict CSP', async () => {
    const res = await request(app).get('/admin/').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expectPanelHeaders(res);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(res.text).toContain('<script type="module" src="assets/app.js"></script>');

    const again = await request(app).get('/admin/index.html').expect(200);
    expect(again.text).toBe(res.text);
  });

  test('redirects the bare mount path to the folder URL, keeping the query', async () => {
    const res = await request(app).get('/admin').expect(308);
    expect(res.headers.location).toBe('/admin/');
    expectPanelHeaders(res);
    const withQuery = await request(app).get('/admin?tab=users').expect(308);
    expect(withQuery.headers.location).toBe('/admin/?tab=users');
  });

  test('redirects under any mount path, nested ones included', async () => {
    const nested = appWithAdmin('/ops/keyward-admin');
    const res = await request(nested).get('/ops/keyward-admin').expect(308);
    expect(res.headers.location).toBe('/ops/keyward-admin/');
    await request(nested).get('/ops/keyward-admin/').expect(200);
  });

  test('serves assets with their types and answers a revalidation with 304', async () => {
    const js = await request(app).get('/admin/assets/app.js').expect(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expectPanelHeaders(js);
    const css = await request(app).get('/admin/assets/panel.css').expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const tab = await request(app).get('/admin/assets/tabs/users.js').expect(200);
    expect(tab.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const svg = await request(app).get('/admin/assets/icon.svg').expect(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml');

    const cached = await request(app)
      .get('/admin/assets/app.js')
      .set('If-None-Match', String(js.headers.etag))
      .expect(304);
    expect(cached.text).toBeFalsy();
  });

  test('answers unknown or escaping asset paths with a JSON 404', async () => {
    for (const path of [
      '/admin/assets/nope.js',
      '/admin/assets/../package.json',
      '/admin/assets/%2e%2e/%2e%2e/package.json',
      '/admin/assets/',
    ]) {
      const res = await request(app).get(path).expect(404);
      expect(res.body.code).toBe('NOT_FOUND');
      expect(res.text).not.toMatch(/"name":\s*"keyward"/);
    }
  });

  test('needs no secret for the panel files but keeps the API locked', async () => {
    await request(app).get('/admin/').expect(200);
    const api = await request(app).get('/admin/api/ping').expect(401);
    expect(api.body.code).toBe('ADMIN_UNAUTHORIZED');
    await request(app).get('/admin/api/ping').set('Authorization', `Bearer ${SECRET}`).expect(200);
  });

  test('can be switched off, leaving only the API', async () => {
    const apiOnly = appWithAdmin('/admin', { panel: false });
    expect((await request(apiOnly).get('/admin/')).status).toBe(404);
    expect((await request(apiOnly).get('/admin/assets/app.js')).status).toBe(404);
    const ping = await request(apiOnly)
      .get('/admin/api/ping')
      .set('Authorization', `Bearer ${SECRET}`);
    expect(ping.status).toBe(200);
  });
});

describe('admin panel files', () => {
  const files = panelFiles();
  const text = (suffix: string) => files.filter((f) => f.endsWith(suffix));

  test('the page loads only external module scripts and stylesheets', () => {
    const html = readFileSync(join(PANEL_DIR, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="assets\/[\w/-]+\.js"/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
  });

  test('the scripts never parse data as markup and never touch localStorage', () => {
    const scripts = text('.js');
    expect(scripts.length).toBeGreaterThan(5);
    for (const file of scripts) {
      const source = readFileSync(file, 'utf8');
      const banned = [
        /\.(inner|outer)HTML\s*=/,
        /insertAdjacentHTML\(/,
        /document\.write/,
        /\beval\(/,
        /new Function\(/,
        /localStorage\s*[.[]/,
        /setAttribute\(\s*['"](style|on)/,
      ];
      for (const pattern of banned) {
        expect({ file, match: pattern.test(source) ? String(pattern) : null }).toEqual({
          file,
          match: null,
        });
      }
    }
  });

  test('nothing is fetched from another origin', () => {
    for (const file of [...text('.js'), ...text('.css'), ...text('.html')]) {
      const source = readFileSync(file, 'utf8');
      // The SVG namespace is an identifier, not a request.
      const urls = source.match(/https?:\/\/[^\s'"`)]+/g) ?? [];
      expect({ file, urls: urls.filter((u) => u !== 'http://www.w3.org/2000/svg') }).toEqual({
        file,
        urls: [],
      });
    }
  });
});
