// percolateGrid (the library function behind `bvscape percolate`) on bvscape's own cube: the grid, E_min,
// barriers, grid paths, relaxed paths (with the landscape's cell) and sites equal landscape's, exactly.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readStructureText } from '../../src/structure/read.js';
import { computeLandscape } from '../../src/pipeline/landscape.js';
import { cubeText, grdText, migrationPaths, siteNetwork } from '../../src/pipeline/landscape-products.js';
import { percolateGrid } from '../../src/pipeline/percolate-grid.js';
import { findPath } from '../../src/percolation/index.js';
import { percolateGrid as fromIndex } from '../../src/index.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

describe('percolateGrid on a landscape written by bvscape', () => {
  it('Li2S (antifluorite): the same numbers from .cube and .grd', async () => {
    const [s] = await readStructureText(readFileSync(path.join(REPO_ROOT, 'fixtures/Li2S_antifluorite.cif'), 'utf8'), 'Li2S.cif');
    const r = await computeLandscape(s!.structure!, { ion: 'Li', method: 'grid', resolution: 0.3, connectivity: 26 });
    expect(fromIndex).toBe(percolateGrid);
    for (const [text, name] of [
      [cubeText(r), 'Li2S.cube'],
      [grdText(r), 'Li2S.grd'],
    ] as const) {
      const p = percolateGrid(text, name, { connectivity: 26 });
      expect(p.grid).toEqual(r.grid);
      expect(Array.from(p.energies)).toEqual(Array.from(r.energies));
      expect(p.eMin).toBe(r.eMin);
      expect(p.eMax).toBe(r.eMax);
      expect(p.barriers).toEqual(r.barriers);
      expect(p.percolation.percolationDimensionAt).toEqual(r.percolation!.percolationDimensionAt);
      for (const d of ['1D', '2D', '3D'] as const) {
        const a = findPath(r.energies, r.grid, r.structure.lattice, r.percolation!, d);
        const b = findPath(p.energies, p.grid, p.structure.lattice, p.percolation, d);
        expect(b?.barrier).toBe(a?.barrier);
        expect(b?.winding).toEqual(a?.winding);
        expect(Array.from(b?.energies ?? [])).toEqual(Array.from(a?.energies ?? []));
      }
      // With the landscape's own cell object the relaxed paths are identical too.
      const same = { ...p, structure: { lattice: r.structure.lattice } };
      expect(migrationPaths(same).map((x) => Array.from(x.energies))).toEqual(migrationPaths(r).map((x) => Array.from(x.energies)));
      expect(siteNetwork(p)?.sites.map((x) => [x.energy, x.energyClassSize])).toEqual(siteNetwork(r)?.sites.map((x) => [x.energy, x.energyClassSize]));
    }
  }, 60_000);
});
