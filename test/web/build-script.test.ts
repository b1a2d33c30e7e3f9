// `npm run build` must build the browser page too, so `bvscape preview` works right after the README's
// set-up (npm ci && npm run build) without a separate `npm run build:web`.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './driver.js';

describe('npm run build', () => {
  it('runs build-web.mjs after the library build', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const steps = pkg.scripts.build!.split('&&').map((s) => s.trim());
    const lib = steps.findIndex((s) => /^node build\.mjs\b/.test(s));
    const web = steps.findIndex((s) => /^node build-web\.mjs\b/.test(s));
    expect(lib, `build script: ${pkg.scripts.build}`).toBeGreaterThanOrEqual(0);
    expect(web, `build script: ${pkg.scripts.build}`).toBeGreaterThan(lib);
  });
});
