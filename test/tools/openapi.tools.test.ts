import SwaggerParser from '@apidevtools/swagger-parser';
import express from 'express';
import request from 'supertest';
import {
  AuthConfigurator,
  AuthEventBus,
  AuthTools,
  InMemoryUserStore,
  buildOpenApiSpec,
  createToolsRouter,
} from 'keyward';
import { ACCESS_SECRET, REFRESH_SECRET } from '../helpers/app';
import type { SpecDocument } from '../helpers/openapi-check';

const bus = new AuthEventBus();
const auth = new AuthConfigurator(
  { accessTokenSecret: ACCESS_SECRET, refreshTokenSecret: REFRESH_SECRET },
  new InMemoryUserStore(),
  { eventBus: bus },
);
let tools: AuthTools;
beforeEach(() => {
  tools = new AuthTools(bus);
});
afterEach(() => tools.close());

const operations = (spec: SpecDocument) =>
  Object.entries(spec.paths ?? {})
    .flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();

describe('buildOpenApiSpec (tools)', () => {
  it.each([
    ['no endpoint', {}],
    ['every endpoint', { telemetry: true, notify: true, stream: true, webhook: true, docs: true }],
  ])('builds a valid OpenAPI 3.1 document with %s', async (_name, features) => {
    const spec = buildOpenApiSpec(features, '/tools');
    await expect(SwaggerParser.validate(structuredClone(spec) as never)).resolves.toBeTruthy();
  });

  it('documents only the enabled endpoints, the stream as text/event-stream', () => {
    const spec = buildOpenApiSpec({ telemetry: false, notify: true, stream: true }, '/t');
    expect(operations(spec as SpecDocument)).toEqual(['GET /t/stream', 'POST /t/notify/{target}']);
    const stream = (spec as SpecDocument).paths!['/t/stream']!.get!;
    expect(Object.keys(stream.responses!['200']!.content!)).toEqual(['text/event-stream']);
  });
});

describe('GET /tools/openapi.json and /tools/docs', () => {
  it('serves the spec of the endpoints this router mounts, without a sign-in, and the page', async () => {
    const app = express();
    app.use(
      '/tools',
      createToolsRouter(tools, { authMiddleware: auth.middleware(), notify: false }),
    );
    const res = await request(app).get('/tools/openapi.json');
    expect(res.status).toBe(200);
    expect(operations(res.body as SpecDocument)).toEqual([
      'GET /tools/docs',
      'GET /tools/docs/{file}',
      'GET /tools/openapi.json',
      'GET /tools/telemetry',
      'POST /tools/track/{eventName}',
    ]);
    await expect(SwaggerParser.validate(res.body as never)).resolves.toBeTruthy();
    const page = await request(app).get('/tools/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-spec="/tools/openapi.json"');
  });

  it('serves neither with swagger: false (the auth middleware then answers)', async () => {
    const app = express();
    app.use(
      '/tools',
      createToolsRouter(tools, { authMiddleware: auth.middleware(), swagger: false }),
    );
    expect((await request(app).get('/tools/openapi.json')).status).toBe(401);
  });
});
