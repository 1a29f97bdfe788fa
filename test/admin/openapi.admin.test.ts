import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { buildAdminOpenApiSpec } from 'keyward';
import type { SpecDocument } from '../helpers/openapi-check';
import { EVERY_ADMIN_PART, createAdminFixture } from './api-setup';

const paths = (spec: SpecDocument) => Object.keys(spec.paths ?? {});

describe('buildAdminOpenApiSpec', () => {
  it.each([
    ['no optional part', {}],
    ['the reference example', { sessions: true, roles: true, metadata: true, settings: true }],
    ['every part', { ...EVERY_ADMIN_PART, docs: true }],
  ])('builds a valid OpenAPI 3.1 document with %s', async (_name, features) => {
    const spec = buildAdminOpenApiSpec(features, '/admin');
    await expect(SwaggerParser.validate(structuredClone(spec) as never)).resolves.toBeTruthy();
  });

  it('documents only the enabled parts, under {basePath}/api, behind the admin bearer', () => {
    const spec = buildAdminOpenApiSpec({ roles: true }, '/ops') as SpecDocument & {
      components?: { securitySchemes?: Record<string, unknown> };
    };
    expect(paths(spec)).toEqual(expect.arrayContaining(['/ops/api/ping', '/ops/api/roles']));
    expect(paths(spec)).not.toContain('/ops/api/tenants');
    expect(Object.keys(spec.components?.securitySchemes ?? {})).toEqual(['adminBearer']);
  });
});

describe('GET /admin/api/openapi.json and /admin/api/docs', () => {
  it('serves the spec of the configured stores without the secret, and the Swagger UI page', async () => {
    const { app } = createAdminFixture({ tenantStore: undefined });
    const res = await request(app).get('/admin/api/openapi.json');
    expect(res.status).toBe(200);
    const spec = res.body as SpecDocument;
    expect(paths(spec)).toContain('/admin/api/roles');
    expect(paths(spec)).not.toContain('/admin/api/tenants');
    await expect(SwaggerParser.validate(spec as never)).resolves.toBeTruthy();
    const page = await request(app).get('/admin/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('data-spec="/admin/api/openapi.json"');
  });

  it('serves neither with swagger: false; the rest of the API still needs the secret', async () => {
    const { app } = createAdminFixture({ swagger: false });
    expect((await request(app).get('/admin/api/openapi.json')).status).toBe(401);
    expect((await request(app).get('/admin/api/docs')).status).toBe(401);
  });
});
