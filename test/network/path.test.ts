// Continuum migration paths (src/network/path.ts): cycles of the network through each bottleneck saddle, every
// segment a steepest descent of the analytic field, so the profile's maximum is the barrier.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/build.js';
import { criticalSearch } from '../../src/network/bvse.js';
import { networkPaths } from '../../src/network/path.js';
import { gridForResolution } from '../../src/grid/index.js';
import { computeLandscape } from '../../src/pipeline/landscape.js';
import { migrationPaths } from '../../src/pipeline/landscape-products.js';
import { readStructureFile } from '../../src/structure/read.js';
import type { MigrationPath } from '../../src/percolation/types.js';
import { fixture } from '../helpers/fixtures.js';
import { sampleGrid, separableField } from './helpers.js';

/** The checks every continuum path must pass, whatever the field. */
function checkPath(p: MigrationPath, barrier: number): void {
  const n = p.energies.length;
  expect(p.method).toBe('continuum');
  // The profile's maximum is the barrier (float32 energies: ~1e-6 eV).
  const top = Math.max(...p.energies);
  expect(Math.abs(top - p.eMin - barrier)).toBeLessThan(1e-4);
  expect(Math.abs(p.barrier - barrier)).toBeLessThan(1e-9);
  // Closed under the winding: the last point is the first shifted by the lattice vector.
  for (let k = 0; k < 3; k++) expect(p.frac[3 * (n - 1) + k]! - p.frac[k]!).toBeCloseTo(p.winding[k]!, 9);
  expect(p.winding.some((w) => w !== 0)).toBe(true);
  // Minima and saddles alternate, from a minimum to its image; the bottleneck is on the path at the barrier.
  const chain = p.chain!;
  expect(chain[0]!.kind).toBe('site');
  expect(chain[chain.length - 1]!.kind).toBe('site');
  expect(chain[0]!.point).toBe(0);
  expect(chain[chain.length - 1]!.point).toBe(n - 1);
  chain.forEach((c, i) => expect(c.kind).toBe(i % 2 === 0 ? 'site' : 'saddle'));
  expect(Math.abs(p.energies[chain.find((c) => c.kind === 'saddle' && c.id === p.saddle.index)!.point]! - p.eMin - barrier)).toBeLessThan(1e-4);
  // Each segment descends from its saddle to both minima, and points are at most a step apart.
  for (let i = 1; i < chain.length; i += 2) {
    const s = chain[i]!;
    expect(s.segments).toBe('traced');
    for (let k = chain[i - 1]!.point; k < s.point; k++) expect(p.energies[k + 1]!).toBeGreaterThanOrEqual(p.energies[k]! - 1e-5);
    for (let k = s.point; k < chain[i + 1]!.point; k++) expect(p.energies[k + 1]!).toBeLessThanOrEqual(p.energies[k]! + 1e-5);
  }
  for (let k = 1; k < n; k++) expect(p.lengthsA[k]! - p.lengthsA[k - 1]!).toBeLessThan(0.051);
}

describe('continuum migration paths', () => {
  // Barriers 2K per axis (x also has a narrow 0.1 eV bump): 1D along y 0.495, 2D adds x 0.500, 3D adds z 0.800 eV.
  const field = separableField([4.1, 4.3, 4.5], [0.2, 0.2475, 0.4], { axis: 0, height: 0.1, width: 0.15 });
  const grid = gridForResolution([4.1, 4.3, 4.5], 0.2);
  const net = buildNetwork(field, criticalSearch, grid, sampleGrid(field, [grid.nx, grid.ny, grid.nz]));

  it('a synthetic field: one straight hop per dimension, along the axis its saddle opens, at its barrier', () => {
    const paths = networkPaths(field, criticalSearch, net);
    expect(paths.map((p) => p.dimension)).toEqual(['1D', '2D', '3D']);
    const axes = paths.map((p) => p.winding.map(Math.abs));
    expect(axes).toEqual([
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, 1],
    ]);
    const barriers = [0.495, 0.5, 0.8];
    paths.forEach((p, i) => {
      checkPath(p, net.barriers[p.dimension]!.barrier);
      expect(p.barrier).toBeCloseTo(barriers[i]!, 6);
      // The minimum-energy path of a separable field is the straight line along the axis: one period long.
      expect(p.lengthsA[p.lengthsA.length - 1]!).toBeCloseTo([4.3, 4.1, 4.5][i]!, 3);
      expect(p.chain!.map((c) => c.kind)).toEqual(['site', 'saddle', 'site']);
    });
  });

  it('α-Li3N: landscape paths follow the polished saddles, at the continuum barriers', async () => {
    const [read] = await readStructureFile(fixture('Li3N_alpha.cif'));
    const r = await computeLandscape(read!.structure!, { ion: 'Li' });
    expect(r.method).toBe('continuum');
    const paths = migrationPaths(r);
    expect(paths.map((p) => p.dimension)).toEqual(['1D', '2D', '3D']);
    for (const p of paths) {
      checkPath(p, r.barriers[p.dimension]!);
      expect(p.saddle.index).toBe(r.network!.barriers[p.dimension]!.saddle);
    }
    // 1D and 2D share a threshold here; the 2D path winds in another direction than the 1D path.
    const [w1, w2] = [paths[0]!.winding, paths[1]!.winding];
    const cross = [w1[1] * w2[2] - w1[2] * w2[1], w1[2] * w2[0] - w1[0] * w2[2], w1[0] * w2[1] - w1[1] * w2[0]];
    expect(r.barriers['1D']).toBeCloseTo(r.barriers['2D']!, 9);
    expect(cross.some((c) => c !== 0)).toBe(true);
    // The grid method keeps the grid path.
    const g = await computeLandscape(read!.structure!, { ion: 'Li', method: 'grid', mode: 'uniform', resolution: 0.2 });
    const gp = migrationPaths(g, ['3D']);
    expect(gp[0]!.method).toBe('grid');
    expect(gp[0]!.chain).toBeUndefined();
  });
});
