import type { Express, Request, RequestHandler, Response } from 'express';
import { OWN_PAGE_CSP } from '../../core/http/security-headers';
import { loadPanelFiles, type PanelFile } from './files';
import { locatePanelFolder } from './locate';

/** The panel's policy, the one of every keyward page: its data comes from the API under `api/`. */
export const PANEL_CSP = OWN_PAGE_CSP;

/** Options of {@link mountAdminPanel}. */
export interface AdminPanelOptions {
  /** Folder holding index.html and assets/. Default: `admin-panel/` of the installed package. */
  folder?: string;
}

function securityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', PANEL_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function send(req: Request, res: Response, file: PanelFile): void {
  securityHeaders(res);
  // Asset URLs carry no content hash (there is no build step), so browsers revalidate every
  // load; the ETag makes that a cheap 304 and an upgraded package is picked up at once.
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('ETag', file.etag);
  res.setHeader('Content-Type', file.contentType);
  const seen = req.headers['if-none-match'];
  if (seen && seen.split(',').some((tag) => tag.trim() === file.etag)) {
    res.status(304).end();
    return;
  }
  res.status(200).send(file.body);
}

function notFound(res: Response, error: string): void {
  securityHeaders(res);
  res.setHeader('Cache-Control', 'no-store');
  res.status(404).json({ error, code: 'NOT_FOUND' });
}

/**
 * `/admin` → `/admin/`: the panel's URLs (assets, `api/…`) are relative to its own location, so
 * it must be loaded from the folder URL whatever the mount path is.
 */
function withTrailingSlash(req: Request): string | undefined {
  const [pathname = '/', query] = req.originalUrl.split('?', 2);
  if (pathname.endsWith('/')) return undefined;
  // Collapse leading slashes: `//host` would make the Location header point to another site.
  const target = `/${pathname.replace(/^\/+/, '')}/`;
  // The query is kept for links into the panel, but never echoed at any length: a huge one would
  // make a Location header that clients and proxies refuse to read.
  return query === undefined || query.length > MAX_QUERY_KEPT ? target : `${target}?${query}`;
}

/** Longest query string carried through the trailing-slash redirect. */
const MAX_QUERY_KEPT = 2048;

function servePage(index: PanelFile): RequestHandler {
  return function adminPanelPage(req, res) {
    const target = req.path === '/' ? withTrailingSlash(req) : undefined;
    if (target) {
      securityHeaders(res);
      res.redirect(308, target);
      return;
    }
    send(req, res, index);
  };
}

function serveAssets(assets: ReadonlyMap<string, PanelFile>): RequestHandler {
  return function adminPanelAssets(req, res, next) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      next();
      return;
    }
    const file = assets.get(`/assets${req.path}`);
    if (file) send(req, res, file);
    else notFound(res, 'No such panel file');
  };
}

/**
 * Registers the admin web panel on an admin sub-application: `GET /` and `/index.html` answer
 * the page, `/assets/*` its CSS, JavaScript and icons. The files are static and need no secret;
 * every call they make to `api/*` does.
 */
export function mountAdminPanel(app: Express, options: AdminPanelOptions = {}): void {
  const folder = options.folder ?? locatePanelFolder();
  if (!folder) {
    // A server bundled into one file may leave the package's files behind. The REST API still
    // works; the page says what is missing instead of failing the whole router.
    console.warn('[keyward admin] admin-panel/ not found next to the package: panel disabled');
    const missing: RequestHandler = (_req, res) =>
      notFound(res, 'The admin panel files are not installed; the REST API is under api/');
    app.get('/', missing);
    app.get('/index.html', missing);
    return;
  }
  const { index, assets } = loadPanelFiles(folder);
  const page = servePage(index);
  app.get('/', page);
  app.get('/index.html', page);
  app.use('/assets', serveAssets(assets));
}
