import type { Router } from 'express';
import { z } from 'zod';
import { AuthError } from '../errors';
import { sendAuthError } from '../http/error-middleware';
import type { OpenApiDocument } from './document';
import type { ApiOperation } from './operation';
import {
  DOCS_CSP,
  buildSwaggerUiHtml,
  loadSwaggerAssets,
  locateSwaggerUiDist,
  type SwaggerAsset,
} from './swagger-ui';

const TAG = 'Documentation';

/** The spec's own description of `GET /openapi.json`, `GET /docs` and the page's files. */
export function docsOperations(): ApiOperation[] {
  return [
    {
      method: 'get',
      path: '/openapi.json',
      tag: TAG,
      summary: 'This OpenAPI document',
      responses: {
        200: { description: 'OpenAPI 3.1.', body: z.looseObject({ openapi: z.string() }) },
      },
    },
    {
      method: 'get',
      path: '/docs',
      tag: TAG,
      summary: 'Swagger UI for this document',
      responses: {
        200: { description: 'The page.', content: { type: 'text/html' } },
      },
      errors: { 501: ['NOT_SUPPORTED'] },
    },
    {
      method: 'get',
      path: '/docs/:file',
      tag: TAG,
      summary: 'A file of the Swagger UI page',
      responses: {
        200: {
          description: 'A stylesheet or a script.',
          content: { type: ['text/css', 'text/javascript'] },
        },
      },
      errors: { 404: ['NOT_FOUND'], 501: ['NOT_SUPPORTED'] },
    },
  ];
}

/** Where and what {@link mountApiDocs} serves. */
export interface ApiDocsMount {
  title: string;
  /** Built on the first request, then kept: the router's configuration does not change. */
  spec: () => OpenApiDocument;
  /** The swagger-ui-dist folder; default: the installed package. */
  swaggerUiDist?: string;
}

const notInstalled = () =>
  new AuthError(
    'Swagger UI is not installed: run `npm install swagger-ui-dist` (openapi.json works without it)',
    'NOT_SUPPORTED',
    501,
  );

/** Mounts GET /openapi.json, GET /docs and the page's files on a router. */
export function mountApiDocs(router: Router, mount: ApiDocsMount): void {
  let spec: OpenApiDocument | undefined;
  let assets: ReturnType<typeof loadSwaggerAssets> | null = null;
  const assetsNow = () => {
    if (assets === null) assets = loadSwaggerAssets(mount.swaggerUiDist ?? locateSwaggerUiDist());
    return assets;
  };

  router.get('/openapi.json', function openApiSpec(_req, res) {
    spec ??= mount.spec();
    res.setHeader('Cache-Control', 'no-cache');
    res.json(spec);
  });

  router.get('/docs', function swaggerUiPage(req, res) {
    if (!assetsNow()) {
      sendAuthError(res, notInstalled());
      return;
    }
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(
      buildSwaggerUiHtml({
        title: mount.title,
        specUrl: `${req.baseUrl}/openapi.json`,
        assetsUrl: `${req.baseUrl}/docs/`,
      }),
    );
  });

  router.get('/docs/:file', function swaggerUiAsset(req, res) {
    const files = assetsNow();
    if (!files) {
      sendAuthError(res, notInstalled());
      return;
    }
    const file = files.get(req.params.file as SwaggerAsset);
    if (!file) {
      sendAuthError(res, new AuthError('No such file', 'NOT_FOUND', 404));
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Type', file.contentType);
    res.send(file.body);
  });
}
