// Finds the bvscape package root by walking up from this module to a package.json, so worker
// bundles resolve the same from src/ (tests), dist/ (the bundled CLI) or an installed package.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(from: string = import.meta.url): string {
  let dir = dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'bvscape') return dir;
      } catch {
        /* keep walking */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the bvscape package root above ${from}`);
    dir = up;
  }
}

/** dist/workers/<name>.js of this package. */
export function workerBundle(name: string): string {
  return join(packageRoot(), 'dist', 'workers', `${name}.js`);
}
