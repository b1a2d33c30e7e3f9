// The library's public surface (src/index.ts): named exports only, internals kept private, and what the CLI
// uses to make its files (relaxed paths, the site network, site classes) available; readStructure reads one
// structure in one call and throws typed errors.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as lib from '../../src/index.js';
import { fixture, REPO_ROOT } from '../helpers/fixtures.js';

describe('public exports', () => {
  it('are named one by one; matrix helpers, image expansion and hint plumbing stay private', () => {
    const index = readFileSync(path.join(REPO_ROOT, 'src/index.ts'), 'utf8');
    expect(index).not.toMatch(/export \*|export type \*/);
    for (const internal of [
      'invert3',
      'det3',
      'expandImages',
      'plainHint',
      'errorReport',
      'isNoSpaceError',
      'assertGridSpec',
      'sortedIndicesUpTo',
      'WindingLattice',
    ]) {
      expect(Object.keys(lib), internal).not.toContain(internal);
    }
    for (const name of [
      'readStructure',
      'readStructureFile',
      'computeLandscape',
      'migrationPaths',
      'siteNetwork',
      'siteClasses',
      'classifySites',
      'relaxPath',
      'findPath',
      'Lattice',
      'InputError',
      'CifSyntaxError',
      'runScreen',
    ]) {
      expect(Object.keys(lib), name).toContain(name);
    }
  });

  it('readStructure: the first structure, another by index, a typed error for a broken file', async () => {
    const s = await lib.readStructure(fixture('LiI_rocksalt.cif'));
    expect(lib.reducedFormula(lib.composition(s))).toBe('LiI');
    const frames = await lib.readStructureFile(fixture('db/LiCl_Li2S.extxyz'));
    expect(frames.length).toBe(2);
    const last = await lib.readStructure(fixture('db/LiCl_Li2S.extxyz'), { index: -1 });
    expect(lib.reducedFormula(lib.composition(last))).toBe(lib.reducedFormula(lib.composition(frames[1]!.structure!)));
    await expect(lib.readStructure(fixture('broken/unterminated_quote.cif'))).rejects.toBeInstanceOf(lib.CifSyntaxError);
    await expect(lib.readStructure(fixture('db/LiCl_Li2S.extxyz'), { index: 5 })).rejects.toBeInstanceOf(lib.StructureError);
  });

  it('relaxed migration paths, sites and Wyckoff classes as `landscape --path` writes them', async () => {
    const backend = lib.createCpuBackend({ threads: 1 });
    try {
      const r = await lib.computeLandscape(await lib.readStructure(fixture('LiI_rocksalt.cif')), { ion: 'Li', resolution: 0.2, gridOutput: 'full', backend });
      const paths = lib.migrationPaths(r);
      expect(paths.map((p) => p.dimension)).toEqual(['1D', '2D', '3D']);
      const grid = lib.findPath(r.energies, r.grid, r.structure.lattice, r.percolation!, '1D')!;
      // The relaxed path is no longer than the grid's staircase.
      expect(paths[0]!.lengthsA.at(-1)!).toBeLessThanOrEqual(grid.lengthsA.at(-1)! + 1e-9);
      const classes = lib.siteClasses(r, lib.siteNetwork(r))!;
      expect(classes.classes.map((c) => c.wyckoff).sort()).toEqual(['4a', '8c']);
    } finally {
      await backend.dispose();
    }
  }, 60_000);
});
