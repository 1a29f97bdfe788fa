import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One static file of the panel, read once at setup. */
export interface PanelFile {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

/** Only these kinds are served; anything else in the folder stays private. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function load(file: string): PanelFile | undefined {
  const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()];
  if (!contentType) return undefined;
  const body = readFileSync(file);
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  return Object.freeze({ body, contentType, etag: `"${digest}"` });
}

function walk(dir: string, prefix: string, into: Map<string, PanelFile>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const url = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) walk(full, url, into);
    else if (entry.isFile()) {
      const file = load(full);
      if (file) into.set(url, file);
    }
  }
}

/**
 * Reads the panel into memory: `index.html` plus everything under `assets/`, keyed by URL path
 * (`/assets/app.js`). The panel is a few dozen kilobytes; serving from a fixed map means no
 * request can name a file outside it (no path traversal to worry about) and ETags are computed
 * once.
 */
export function loadPanelFiles(folder: string): {
  index: PanelFile;
  assets: ReadonlyMap<string, PanelFile>;
} {
  const index = load(path.join(folder, 'index.html'));
  if (!index) throw new Error('admin panel: index.html missing');
  const assets = new Map<string, PanelFile>();
  walk(path.join(folder, 'assets'), '/assets', assets);
  return { index, assets };
}
