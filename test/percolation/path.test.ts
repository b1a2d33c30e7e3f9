import { describe, expect, it } from 'vitest';
import { percolate } from '../../src/percolation/sweep.js';
import { findPath } from '../../src/percolation/path.js';
import { WindingLattice } from '../../src/percolation/winding.js';
import type { Dimension, MigrationPath } from '../../src/percolation/types.js';
import { Lattice } from '../../src/structure/lattice.js';
import type { GridSpec } from '../../src/grid/index.js';
import { gridOf, landscape, rng } from './helpers.js';

const TAU = 2 * Math.PI;
const skewed = Lattice.fromParameters({ a: 5, b: 6, c: 7, alpha: 80, beta: 95, gamma: 60 });

/** The invariants every path must satisfy. */
function checkPath(path: MigrationPath, energies: Float32Array, grid: GridSpec, threshold: number, lattice: Lattice, connectivity = 6): void {
  const maxAxesMoved = connectivity === 6 ? 1 : connectivity === 18 ? 2 : 3;
  const count = path.energies.length;
  expect(count).toBeGreaterThanOrEqual(2);
  // Highest energy on the path is exactly the threshold, and the saddle is on it.
  expect(Math.max(...path.energies)).toBe(threshold);
  expect(Array.from(path.indices)).toContain(path.saddle.index);
  expect(path.saddle.energy).toBe(threshold);
  // Energies are the grid's energies at those points.
  for (let t = 0; t < count; t++) expect(path.energies[t]).toBe(energies[path.indices[t]!]);
  // End = start + winding, and the winding is a non-zero lattice vector.
  expect(path.winding.some((v) => v !== 0)).toBe(true);
  expect(path.indices[count - 1]).toBe(path.indices[0]);
  for (let m = 0; m < 3; m++) expect(path.frac[3 * (count - 1) + m]! - path.frac[m]!).toBeCloseTo(path.winding[m]!, 12);
  // Consecutive points are grid neighbours: one (6), up to two (18) or three (26) coordinates move by one grid step.
  const n = [grid.nx, grid.ny, grid.nz];
  for (let t = 1; t < count; t++) {
    const steps = [0, 1, 2].map((m) => (path.frac[3 * t + m]! - path.frac[3 * t - 3 + m]!) * n[m]!);
    const moved = steps.filter((s) => Math.abs(s) > 1e-9);
    expect(moved.length, `step ${t}`).toBeGreaterThanOrEqual(1);
    expect(moved.length, `step ${t}`).toBeLessThanOrEqual(maxAxesMoved);
    for (const m of moved) expect(Math.abs(m)).toBeCloseTo(1, 9);
  }
  // Lengths: cumulative, and at least the straight distance of one period.
  for (let t = 1; t < count; t++) expect(path.lengthsA[t]!).toBeGreaterThan(path.lengthsA[t - 1]!);
  const straight = Math.hypot(...lattice.fracToCart(path.winding));
  expect(path.lengthsA[count - 1]!).toBeGreaterThanOrEqual(straight - 1e-9);
}

describe('findPath', () => {
  const [A, B, C] = [0.3, 0.7, 1.1];
  const g = gridOf(8, 10, 12);
  const e = landscape(g, (x, y, z) => A * Math.cos(TAU * x) + B * Math.cos(TAU * y) + C * Math.cos(TAU * z));
  const perc = percolate(e, g);

  it('finds a path per dimension whose maximum is the barrier and that advances by the new direction', () => {
    const expectedAxis: Record<Dimension, number> = { '1D': 0, '2D': 1, '3D': 2 };
    for (const dim of ['1D', '2D', '3D'] as const) {
      const path = findPath(e, g, skewed, perc, dim)!;
      expect(path).not.toBeNull();
      checkPath(path, e, g, perc.thresholds[dim]!, skewed);
      expect(path.barrier).toBe(perc.barriers[dim]);
      expect(path.eMin).toBe(perc.eMin);
      // The cheapest loop through the saddle goes straight along the new axis.
      const axis = expectedAxis[dim];
      expect(Math.abs(path.winding[axis]!)).toBe(1);
      expect(path.winding.filter((v) => v !== 0)).toHaveLength(1);
      // Straight channel along one axis: one step per grid point, length = that lattice vector's length.
      expect(path.energies.length).toBe([g.nx, g.ny, g.nz][axis]! + 1);
      expect(path.lengthsA[path.lengthsA.length - 1]).toBeCloseTo(Math.hypot(...skewed.vector(axis)), 9);
    }
  });

  it('accepts the lattice as a bare matrix', () => {
    const a = findPath(e, g, skewed.matrix, perc, '1D')!;
    const b = findPath(e, g, skewed, perc, '1D')!;
    expect(Array.from(a.lengthsA)).toEqual(Array.from(b.lengthsA));
  });

  it('follows a channel that winds along a+b', () => {
    const gd = gridOf(10, 10, 6);
    const ed = landscape(gd, (x, y, z) => -Math.cos(TAU * (x - y)) + 3 * Math.cos(TAU * z));
    const pd = percolate(ed, gd);
    const path = findPath(ed, gd, skewed, pd, '1D')!;
    checkPath(path, ed, gd, pd.thresholds['1D']!, skewed);
    expect(Math.abs(path.winding[0])).toBe(1);
    expect(path.winding[1]).toBe(path.winding[0]);
    expect(path.winding[2]).toBe(0);
    // A staircase of 10 steps along a and 10 along b.
    expect(path.energies.length).toBe(21);
    expect(path.lengthsA[20]).toBeCloseTo(5 + 6, 9);
  });

  it('returns null where the dimension does not percolate', () => {
    const gw = gridOf(5, 4, 7);
    const ew = landscape(gw, (x, y) => (x === 0.4 && y === 0.25 ? 0 : 100));
    const pw = percolate(ew, gw);
    expect(findPath(ew, gw, skewed, pw, '2D')).toBeNull();
    const path = findPath(ew, gw, skewed, pw, '1D')!;
    expect(path.winding.map(Math.abs)).toEqual([0, 0, 1]);
    expect(path.energies.length).toBe(8);
  });

  it('handles a self-loop on a 1×1×N grid', () => {
    const g1 = gridOf(1, 1, 5);
    const e1 = Float32Array.from([0.4, 0.1, -0.3, 0.2, 0.5]);
    const p1 = percolate(e1, g1);
    const path = findPath(e1, g1, skewed, p1, '1D')!;
    checkPath(path, e1, g1, p1.thresholds['1D']!, skewed);
    expect(path.energies.length).toBe(2);
    expect(path.lengthsA[1]).toBeCloseTo(5, 12);
    const path3 = findPath(e1, g1, skewed, p1, '3D')!;
    checkPath(path3, e1, g1, p1.thresholds['3D']!, skewed);
    expect(path3.barrier).toBeCloseTo(0.8, 6);
  });

  it('satisfies the path invariants on random landscapes', () => {
    let paths = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const next = rng(seed * 7);
      const gr = gridOf(2 + Math.floor(next() * 5), 1 + Math.floor(next() * 5), 2 + Math.floor(next() * 5));
      const er = new Float32Array(gr.nx * gr.ny * gr.nz).map(() => next() * 4);
      const pr = percolate(er, gr);
      for (const dim of ['1D', '2D', '3D'] as const) {
        const path = findPath(er, gr, skewed, pr, dim);
        expect(path === null).toBe(pr.barriers[dim] === null);
        if (path === null) continue;
        checkPath(path, er, gr, pr.thresholds[dim]!, skewed);
        paths++;
        // The path's winding belongs to the lattice of the cluster that reached this rank.
        const lattice = new WindingLattice();
        for (const v of pr.windings[dim]) lattice.add(...v);
        expect(lattice.spans(path.winding)).toBe(true);
      }
    }
    expect(paths).toBeGreaterThan(60);
  });

  it("follows the sweep's connectivity (26 neighbours)", () => {
    let paths = 0;
    for (let seed = 1; seed <= 25; seed++) {
      const next = rng(seed * 11);
      const gr = gridOf(1 + Math.floor(next() * 5), 2 + Math.floor(next() * 4), 1 + Math.floor(next() * 5));
      const er = new Float32Array(gr.nx * gr.ny * gr.nz).map(() => next() * 4);
      const pr = percolate(er, gr, { connectivity: 26 });
      for (const dim of ['1D', '2D', '3D'] as const) {
        const path = findPath(er, gr, skewed, pr, dim);
        expect(path === null).toBe(pr.barriers[dim] === null);
        if (path === null) continue;
        checkPath(path, er, gr, pr.thresholds[dim]!, skewed, 26);
        paths++;
      }
    }
    expect(paths).toBeGreaterThan(40);
    // The a+b valley: one diagonal step per grid point.
    const gd = gridOf(10, 10, 6);
    const ed = landscape(gd, (x, y, z) => -Math.cos(TAU * (x - y)) + 3 * Math.cos(TAU * z));
    const pd = percolate(ed, gd, { connectivity: 26 });
    const path = findPath(ed, gd, skewed, pd, '1D')!;
    checkPath(path, ed, gd, pd.thresholds['1D']!, skewed, 26);
    expect(path.energies.length).toBe(11);
    expect(path.lengthsA[10]).toBeCloseTo(Math.hypot(...skewed.fracToCart([1, 1, 0])), 9);
  });
});
