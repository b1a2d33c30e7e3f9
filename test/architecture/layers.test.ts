// The layer rule of docs/ARCHITECTURE.md, checked on the source: a module imports only from layers
// below its own (or from its own folder). A new top-level folder or file under src/ must be given a
// layer here and in the document.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/fixtures.js';

/** Top-level units of src/ (a folder, or a file without its extension) and their layer. */
const LAYER: Record<string, number> = {
  errors: 0,
  grid: 0,
  'package-root': 0,
  'wgsl.d': 0,
  structure: 1,
  bvse: 2,
  backends: 3,
  percolation: 3,
  'field-symmetry': 3,
  critical: 3,
  io: 4,
  report: 4,
  sites: 4,
  refine: 4,
  network: 5,
  transport: 6,
  pipeline: 7,
  outputs: 8,
  screen: 9,
  benchmark: 10,
  cli: 11,
  web: 11,
  index: 12,
};
/** Outside src/: files the build imports as text. */
const OUTSIDE: Record<string, number> = { shaders: 0 };

const SRC = path.join(REPO_ROOT, 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return /\.ts$/.test(name) ? [p] : [];
  });
}

function unitOf(file: string): string | null {
  const rel = path.relative(SRC, file);
  if (rel.startsWith('..')) {
    const top = path.relative(REPO_ROOT, file).split(path.sep)[0]!;
    return `../${top}`;
  }
  const parts = rel.split(path.sep);
  // Imports name the emitted .js file; a folder import resolves to its index.
  return parts.length === 1 ? parts[0]!.replace(/\.(ts|js)$/, '') : parts[0]!;
}

function layerOf(unit: string): number | undefined {
  return unit.startsWith('../') ? OUTSIDE[unit.slice(3)] : LAYER[unit];
}

describe('layers (docs/ARCHITECTURE.md)', () => {
  const files = tsFiles(SRC);

  it('every top-level unit of src/ has a layer', () => {
    const unknown = [...new Set(files.map((f) => unitOf(f)!))].filter((u) => layerOf(u) === undefined);
    expect(unknown, 'give these a layer in test/architecture/layers.test.ts and docs/ARCHITECTURE.md').toEqual([]);
  });

  it('no module imports from its own layer or above, outside its own folder', () => {
    const violations: string[] = [];
    let imports = 0;
    for (const file of files) {
      const from = unitOf(file)!;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']*)'/g)) {
        const to = unitOf(path.resolve(path.dirname(file), m[1]!))!;
        if (to === from) continue;
        imports++;
        const a = layerOf(from),
          b = layerOf(to);
        if (a === undefined || b === undefined || b >= a)
          violations.push(`${path.relative(REPO_ROOT, file)} (${from}, layer ${a}) imports ${m[1]} (${to}, layer ${b})`);
      }
    }
    expect(imports).toBeGreaterThan(100);
    expect(violations).toEqual([]);
  });
});
