import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The folder, at the package root, that holds the panel's static files. */
export const PANEL_FOLDER = 'admin-panel';

const PACKAGE_NAME = 'keyward';
/** src/admin/panel → root is three levels up; dist/ → one. A little slack, never the whole disk. */
const MAX_LEVELS = 5;

/**
 * Where this module runs from. The source tree (ts-jest, tsx) and the CommonJS build have
 * `__dirname`. The ESM build has neither `__dirname` nor (in our CommonJS-typed source)
 * `import.meta`, but its banner defines `require` with `createRequire(import.meta.url)`, and a
 * package may always resolve its own name through its `exports` (`./package.json` is exported).
 */
function startingPoints(): string[] {
  const starts: string[] = [];
  if (typeof __dirname === 'string' && path.isAbsolute(__dirname)) starts.push(__dirname);
  try {
    // A bundler may turn this into a module id (a number): then it is of no use here.
    const own: unknown = require.resolve(`${PACKAGE_NAME}/package.json`);
    if (typeof own === 'string') starts.push(path.dirname(own));
  } catch {
    // Not resolvable (renamed or vendored copy): __dirname is the only hint.
  }
  return starts;
}

function isPackageRoot(dir: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name?: unknown;
    };
    // Checking the name stops the walk from picking up an application's own `admin-panel/`.
    return manifest.name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/**
 * Finds the panel's folder by walking up from this module to keyward's package root, or returns
 * undefined when the files are not there (a server bundled into one file without them).
 */
export function locatePanelFolder(): string | undefined {
  for (const start of startingPoints()) {
    let dir = start;
    for (let level = 0; level <= MAX_LEVELS; level += 1) {
      const candidate = path.join(dir, PANEL_FOLDER);
      if (isPackageRoot(dir) && existsSync(path.join(candidate, 'index.html'))) return candidate;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}
