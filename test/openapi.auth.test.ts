import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import express, { type Express } from 'express';
import request from 'supertest';
import {
  AuthConfigurator,
  InMemoryApiKeyStore,
  InMemoryLinkedAccountsStore,
  InMemorySessionStore,
  InMemoryUserStore,
  buildAuthOpenApiSpec,
  type AuthSpecFeatures,
  type RouterOptions,
} from 'keyward';
import { ACCESS_SECRET, REFRESH_SECRET, appFactory, bearerLogin } from './helpers/app';
import { cleanConfig, recordingLogger } from './helpers/doctor';
import { checkResponse, verifyAll, type SpecDocument } from './helpers/openapi-check';

const EVERYTHING: AuthSpecFeatures = {
  register: true,
  magicLink: true,
  totp: true,
  sms: true,
  oauth: ['google', 'github'],
  deleteAccount: true,
  sessionCleanup: true,
  linkedAccounts: true,
  linkRequests: true,
  apiKeys: true,
  docs: true,
};

const operationsOf = (spec: SpecDocument) =>
  Object.entries(spec.paths ?? {})
    .flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();

/**
 * The routes an auth router mounts, read from Express's own route table. The origin guard is
 * one route over a list of sign-in paths (some of them not mounted): a guard, not an operation.
 */
function mountedRoutes(router: Express, basePath: string): string[] {
  type Layer = { route?: { path: string | string[]; methods: Record<string, boolean> } };
  const stack = (router as unknown as { router: { stack: Layer[] } }).router.stack;
  const routes = stack
    .filter(
      (layer): layer is Required<Layer> & { route: { path: string } } =>
        typeof layer.route?.path === 'string',
    )
    .flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods).map(
            (m) => `${m.toUpperCase()} ${basePath}${layer.route.path.replace(/:(\w+)/g, '{$1}')}`,
          )
        : [],
    );
  return [...new Set(routes)].sort();
}

function authRouter(options: RouterOptions = {}) {
  const auth = new AuthConfigurator(
    {
      accessTokenSecret: ACCESS_SECRET,
      refreshTokenSecret: REFRESH_SECRET,
      email: { siteUrl: 'https://app.example.test' },
    },
    new InMemoryUserStore(),
    { apiKeyStore: new InMemoryApiKeyStore(), apiKeys: { pepper: 'p'.repeat(40) } },
  );
  return { auth, router: auth.router(options) };
}

describe('buildAuthOpenApiSpec', () => {
  it.each([
    ['no optional feature', {}],
    ['every feature', EVERYTHING],
    ['the reference example', { register: true, magicLink: true, totp: true, oauth: true }],
  ])('builds a valid OpenAPI 3.1 document with %s', async (_name, features) => {
    const spec = buildAuthOpenApiSpec(features, '/auth');
    expect(spec.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(spec) as never)).resolves.toBeTruthy();
  });

  it('lists only the routes the features enable, under the base path', () => {
    const none = operationsOf(buildAuthOpenApiSpec({}, '/auth') as SpecDocument);
    const all = operationsOf(buildAuthOpenApiSpec(EVERYTHING, '/api/auth') as SpecDocument);
    expect(none).toContain('POST /auth/login');
    expect(none).not.toContain('POST /auth/register');
    expect(none.some((o) => o.includes('/2fa/'))).toBe(false);
    expect(all).toEqual(
      expect.arrayContaining([
        'POST /api/auth/register',
        'POST /api/auth/2fa/verify',
        'GET /api/auth/oauth/{name}',
        'DELETE /api/auth/api-keys/{id}',
        'GET /api/auth/docs',
      ]),
    );
  });

  it('documents errors as { error, code } with the codes of each operation', () => {
    const spec = buildAuthOpenApiSpec({}, '/auth') as SpecDocument & {
      components?: { securitySchemes?: Record<string, unknown> };
    };
    const login = spec.paths!['/auth/login']!.post!;
    const unauthorized = login.responses!['401']!.content!['application/json']!.schema as {
      properties: { code: { enum: string[] } };
      required: string[];
    };
    expect(unauthorized.required).toEqual(['error', 'code']);
    expect(unauthorized.properties.code.enum).toContain('INVALID_CREDENTIALS');
    expect(Object.keys(spec.components?.securitySchemes ?? {}).sort()).toEqual([
      'bearerAuth',
      'cookieAuth',
      'csrfHeader',
    ]);
  });
});

describe('GET /auth/openapi.json', () => {
  it.each<[string, () => RouterOptions]>([
    ['the default router', () => ({})],
    [
      'a router with registration, devices, linking and API keys',
      () => ({
        onRegister: () => Promise.reject(new Error('unused')),
        sessionStore: new InMemorySessionStore(),
        linkedAccountsStore: new InMemoryLinkedAccountsStore(),
        apiKeys: { selfService: true },
      }),
    ],
  ])('documents exactly the routes %s mounts', async (_name, options) => {
    const { auth, router } = authRouter(options());
    try {
      const res = await request(router).get('/openapi.json');
      expect(res.status).toBe(200);
      const spec = res.body as SpecDocument;
      expect(operationsOf(spec)).toEqual(mountedRoutes(router, '/auth'));
      await expect(SwaggerParser.validate(spec as never)).resolves.toBeTruthy();
    } finally {
      await auth.close();
    }
  });

  it('uses swaggerBasePath for the paths', async () => {
    const { auth, router } = authRouter({ swaggerBasePath: '/api/auth' });
    const spec = (await request(router).get('/openapi.json')).body as SpecDocument;
    expect(Object.keys(spec.paths!)).toContain('/api/auth/login');
    await auth.close();
  });

  it('serves neither the spec nor the page with swagger: false', async () => {
    const { auth, router } = authRouter({ swagger: false });
    expect((await request(router).get('/openapi.json')).status).toBe(404);
    expect((await request(router).get('/docs')).status).toBe(404);
    await auth.close();
  });

  it("serves nothing with swagger: 'auto' in production, and serves with swagger: true", async () => {
    const before = process.env.NODE_ENV;
    Object.assign(process.env, { NODE_ENV: 'production' });
    try {
      const auto = authRouter({ swagger: 'auto' });
      const forced = authRouter({ swagger: true });
      expect((await request(auto.router).get('/openapi.json')).status).toBe(404);
      expect((await request(forced.router).get('/openapi.json')).status).toBe(200);
      await Promise.all([auto.auth.close(), forced.auth.close()]);
    } finally {
      Object.assign(process.env, { NODE_ENV: before });
    }
  });
});

describe('GET /auth/docs', () => {
  const app = appFactory();

  it('serves Swagger UI from the installed package under a strict CSP, with no inline script', async () => {
    const t = app();
    const page = await request(t.app).get('/auth/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, inline] of scripts) {
      expect(attributes).toMatch(/src="\/auth\/docs\//);
      expect(inline).toBe('');
    }
    expect(page.text).toContain('data-spec="/auth/openapi.json"');
    expect(page.text).not.toMatch(/https?:\/\//);
    for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js', 'init.js']) {
      const res = await request(t.app).get(`/auth/docs/${file}`);
      expect(res.status).toBe(200);
    }
    expect((await request(t.app).get('/auth/docs/package.json')).status).toBe(404);
  });

  it('answers 501 saying how to install swagger-ui-dist when it is missing; the spec still works', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'no-swagger-ui-'));
    const t = app({ router: { swaggerUiDist: empty } });
    const page = await request(t.app).get('/auth/docs');
    expect(page.status).toBe(501);
    expect(page.body).toEqual({
      error: expect.stringContaining('npm install swagger-ui-dist') as string,
      code: 'NOT_SUPPORTED',
    });
    expect((await request(t.app).get('/auth/openapi.json')).status).toBe(200);
  });
});

describe('the response check of the HTTP suites', () => {
  const app = appFactory();
  const spec = buildAuthOpenApiSpec({}, '/auth') as SpecDocument;

  it('accepts what the spec documents', async () => {
    const t = app();
    const user = await t.createUser();
    const tokens = await bearerLogin(t.app, user.email);
    const me = await request(t.app)
      .get('/auth/me')
      .set('Authorization', `Bearer ${tokens.accessToken}`);
    const answer = { method: 'GET', path: '/auth/me', status: me.status };
    expect(
      checkResponse(spec, { ...answer, contentType: me.headers['content-type'], body: me.body }),
    ).toEqual([]);
  });

  it('refuses an undocumented status, an undocumented code and a body off its schema', () => {
    const json = 'application/json; charset=utf-8';
    const login = { method: 'POST', path: '/auth/login', contentType: json };
    expect(checkResponse(spec, { ...login, status: 418, body: {} })[0]).toMatch(/not documented/);
    expect(
      checkResponse(spec, { ...login, status: 401, body: { error: 'x', code: 'NO_SUCH_CODE' } }),
    ).toHaveLength(1);
    expect(
      checkResponse(spec, { ...login, status: 200, body: { success: true, accessToken: 7 } }),
    ).toHaveLength(1);
    expect(
      checkResponse(spec, { ...login, status: 200, contentType: 'text/html', body: undefined }),
    ).toHaveLength(1);
    expect(
      checkResponse(spec, { method: 'GET', path: '/auth/nowhere', status: 200, contentType: json }),
    ).toHaveLength(1);
  });

  it('watches a router a test file mounts itself, and fails on an answer its spec lacks', async () => {
    const auth = new AuthConfigurator(
      cleanConfig(recordingLogger().logger),
      new InMemoryUserStore(),
    );
    try {
      const own = express();
      own.use('/auth', auth.router({ doctor: false }));
      own.get('/auth/undocumented', (_req, res) => {
        res.json({ ok: true });
      });
      expect((await request(own).get('/auth/health')).status).toBe(200);
      await expect(verifyAll()).resolves.toBeUndefined();
      expect((await request(own).get('/auth/undocumented')).status).toBe(200);
      await expect(verifyAll()).rejects.toThrow(
        /GET \/auth\/undocumented → 200: no such operation/,
      );
    } finally {
      await auth.close();
    }
  });
});
