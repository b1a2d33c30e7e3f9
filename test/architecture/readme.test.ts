// The README is for users: install, run, outputs, clusters, limits. Development material (the reference data in
// ../shared, comparisons with the peer code, developer benchmarks) lives in docs/development.md, which it links.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';

describe('README.md', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  it('does not send users to ../shared or compare with "the peer"', () => {
    expect(readme).not.toContain('../shared');
    expect(readme).not.toMatch(/\bpeers?\b/);
  });
  it('has the sections a user needs and links the development notes', () => {
    for (const h of ['## Install', '## CLI', '## Screen output', '## Clusters', '## Speed and limits']) expect(readme).toContain(h);
    expect(readme).toContain('(docs/development.md)');
    expect(existsSync(path.join(REPO_ROOT, 'docs/development.md'))).toBe(true);
  });
  it('links only files that exist', () => {
    for (const m of readme.matchAll(/\]\(((?:docs|examples|src|test)\/[^)#\s]+)/g)) expect(existsSync(path.join(REPO_ROOT, m[1]!)), m[1]).toBe(true);
  });
});
