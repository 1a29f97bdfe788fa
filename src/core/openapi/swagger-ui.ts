import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OWN_PAGE_CSP } from '../http/security-headers';

/** The files of swagger-ui-dist the page loads; nothing else of the package is served. */
const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;
export type SwaggerAsset = keyof typeof ASSETS | 'init.js';

/**
 * The docs page's policy, the one of every keyward page: data is fetched from the same origin
 * (the spec, and the calls of "Try it out"). Swagger UI sets element styles from script
 * (allowed under `style-src 'self'`), and draws icons as data: SVGs.
 */
export const DOCS_CSP = OWN_PAGE_CSP;

/**
 * Starts Swagger UI on the page's `#swagger-ui` element, with the spec URL from its
 * `data-spec` attribute (a file, not inline script, so the strict CSP holds). Cookie-signed-in
 * "Try it out" calls repeat the CSRF cookie in the header the router checks.
 */
const INIT_SCRIPT = `'use strict';
window.addEventListener('DOMContentLoaded', function () {
  var root = document.getElementById('swagger-ui');
  var csrf = function () {
    var m = document.cookie.match(/(?:^|; )(?:__Host-)?csrfToken=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : undefined;
  };
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute('data-spec'),
    domNode: root,
    deepLinking: true,
    // No badge from the public validator: the page talks to its own origin only.
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    requestInterceptor: function (req) {
      var token = csrf();
      if (token && !req.headers['X-CSRF-Token']) req.headers['X-CSRF-Token'] = token;
      return req;
    },
  });
});
`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What the page needs to know: its title and where the spec and the assets are. */
export interface SwaggerUiPage {
  title: string;
  /** URL of the spec (`/auth/openapi.json`). */
  specUrl: string;
  /** URL prefix of the assets (`/auth/docs/`), ending in a slash. */
  assetsUrl: string;
}

/** The Swagger UI page: no inline script or style, everything from `assetsUrl`. */
export function buildSwaggerUiHtml(page: SwaggerUiPage): string {
  const asset = (name: SwaggerAsset) => escapeHtml(page.assetsUrl + name);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('swagger-ui.css')}">
</head>
<body>
<div id="swagger-ui" data-spec="${escapeHtml(page.specUrl)}"></div>
<script src="${asset('swagger-ui-bundle.js')}"></script>
<script src="${asset('init.js')}"></script>
</body>
</html>
`;
}

/** One file to answer with. */
export interface DocsAsset {
  contentType: string;
  body: Buffer | string;
}

/**
 * The installed swagger-ui-dist's folder, or undefined. It is an optional peer dependency: its
 * own dependency runs an install script that reports analytics, which keyward does not impose
 * on every installation.
 */
export function locateSwaggerUiDist(): string | undefined {
  try {
    return path.dirname(require.resolve('swagger-ui-dist/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * Loads the page's assets from `folder` once; undefined when they are not there. Read into
 * memory: a few megabytes, served often while someone explores the API.
 */
export function loadSwaggerAssets(
  folder: string | undefined,
): Map<SwaggerAsset, DocsAsset> | undefined {
  if (!folder) return undefined;
  const assets = new Map<SwaggerAsset, DocsAsset>();
  try {
    for (const [name, contentType] of Object.entries(ASSETS)) {
      assets.set(name as SwaggerAsset, {
        contentType,
        body: readFileSync(path.join(folder, name)),
      });
    }
  } catch {
    return undefined;
  }
  assets.set('init.js', { contentType: 'text/javascript; charset=utf-8', body: INIT_SCRIPT });
  return assets;
}
