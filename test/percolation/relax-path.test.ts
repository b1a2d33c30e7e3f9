// relaxPath: the grid's minimax path turned into a real-space path. Checked on landscapes whose
// minimum-energy path is known (a straight channel, a sinusoidal channel), and on β-Li3PS4 (fixtures/db).
import { describe, expect, it } from 'vitest';
import { percolate } from '../../src/percolation/sweep.js';
import { findPath } from '../../src/percolation/path.js';
import { relaxPath } from '../../src/percolation/relax-path.js';
import { PeriodicField } from '../../src/percolation/field.js';
import type { MigrationPath } from '../../src/percolation/types.js';
import { Lattice } from '../../src/structure/lattice.js';
import type { GridSpec } from '../../src/grid/index.js';
import { gridOf, landscape } from './helpers.js';
import { BETA_LI3PS4 } from '../helpers/fixtures.js';

const TAU = 2 * Math.PI;

/** Invariants of a relaxed path: ends, Cartesian lengths, energies within the barrier. */
function checkRelaxed(p: MigrationPath, energies: Float32Array, grid: GridSpec, lattice: Lattice): void {
  const count = p.energies.length;
  expect(count).toBeGreaterThanOrEqual(3);
  // The end is the start plus the winding lattice vector, and the start is the saddle.
  for (let m = 0; m < 3; m++) {
    expect(p.frac[3 * (count - 1) + m]! - p.frac[m]!).toBeCloseTo(p.winding[m]!, 12);
    expect(p.frac[m]).toBeCloseTo(p.saddle.frac[m]!, 12);
  }
  // lengthsA is the Cartesian length measured point to point from the fractional coordinates.
  let s = 0;
  for (let t = 1; t < count; t++) {
    const d = [0, 1, 2].map((m) => p.frac[3 * t + m]! - p.frac[3 * t - 3 + m]!);
    s += Math.hypot(...lattice.fracToCart(d));
    expect(p.lengthsA[t]).toBeCloseTo(s, 9);
  }
  // No path across a period is shorter than the lattice vector it advances by.
  expect(p.lengthsA[count - 1]!).toBeGreaterThanOrEqual(Math.hypot(...lattice.fracToCart(p.winding)) - 1e-9);
  // Energies are the interpolated field, never above the barrier; the saddle ends carry it exactly.
  const field = new PeriodicField(energies, grid, lattice);
  const threshold = p.saddle.energy;
  expect(p.energies[0]).toBe(threshold);
  expect(p.energies[count - 1]).toBe(threshold);
  for (let t = 1; t < count - 1; t++) {
    const e = field.sampleFrac(p.frac[3 * t]!, p.frac[3 * t + 1]!, p.frac[3 * t + 2]!);
    expect(p.energies[t]).toBeCloseTo(e, 4);
    expect(p.energies[t]!).toBeLessThanOrEqual(threshold + 1e-6);
  }
  expect(p.barrier + p.eMin).toBeCloseTo(threshold, 5);
}

describe('PeriodicField', () => {
  it('reproduces grid values at grid points, is periodic, and its gradient matches finite differences', () => {
    const lattice = Lattice.fromParameters({ a: 5, b: 6, c: 7, alpha: 80, beta: 95, gamma: 60 });
    const g = gridOf(10, 12, 14);
    const e = landscape(g, (x, y, z) => Math.cos(TAU * x) + 0.5 * Math.sin(TAU * (y + z)) + 0.3 * Math.cos(TAU * z));
    const field = new PeriodicField(e, g, lattice);
    expect(field.sampleFrac(3 / 10, 5 / 12, 7 / 14)).toBeCloseTo(e[3 + 10 * (5 + 12 * 7)]!, 6);
    expect(field.sampleFrac(0.33 + 2, 0.41 - 1, 0.77 + 3)).toBeCloseTo(field.sampleFrac(0.33, 0.41, 0.77), 9);
    const r = lattice.fracToCart([0.33, 0.41, 0.77]);
    field.sample(r[0], r[1], r[2]);
    const grad = [field.gx, field.gy, field.gz];
    const h = 1e-6;
    for (let m = 0; m < 3; m++) {
      const up = r.map((x, k) => (k === m ? x + h : x)) as [number, number, number];
      const down = r.map((x, k) => (k === m ? x - h : x)) as [number, number, number];
      expect(grad[m]).toBeCloseTo((field.sample(...up) - field.sample(...down)) / (2 * h), 4);
    }
  });
});

describe('relaxPath', () => {
  it('a straight channel: the relaxed path has the length of the lattice vector', () => {
    // Orthogonal axes: E = f(x) + g(y) + h(z) has straight valleys along a, b, c. (In a skewed cell the
    // gradient of such a field points along the reciprocal vectors, so its minimum-energy paths bend.)
    const lattice = Lattice.fromParameters({ a: 5, b: 6, c: 7, alpha: 90, beta: 90, gamma: 90 });
    const skewed = Lattice.fromParameters({ a: 5, b: 6, c: 7, alpha: 80, beta: 95, gamma: 60 });
    const g = gridOf(8, 10, 12);
    const e = landscape(g, (x, y, z) => 0.3 * Math.cos(TAU * x) + 0.7 * Math.cos(TAU * y) + 1.1 * Math.cos(TAU * z));
    const perc = percolate(e, g);
    for (const dim of ['1D', '2D', '3D'] as const) {
      const gridPath = findPath(e, g, lattice, perc, dim)!;
      const p = relaxPath(gridPath, e, g, lattice);
      checkRelaxed(p, e, g, lattice);
      expect(p.lengthsA[p.lengthsA.length - 1]).toBeCloseTo(Math.hypot(...lattice.fracToCart(p.winding)), 3);
      expect(p.gridLengthA).toBe(gridPath.lengthsA[gridPath.lengthsA.length - 1]);
      checkRelaxed(relaxPath(findPath(e, g, skewed, perc, dim)!, e, g, skewed), e, g, skewed);
    }
  });

  it('a sinusoidal channel: the length is the arc length of the valley floor, shorter than the grid path', () => {
    // Valley y = A·sin(2πx) (fractional), two sites per period along a; channels are 1D along a.
    const lattice = Lattice.fromParameters({ a: 10, b: 10, c: 5, alpha: 90, beta: 90, gamma: 90 });
    const g = gridOf(100, 100, 10);
    const A = 0.15;
    const e = landscape(g, (x, y, z) => -3 * Math.cos(TAU * (y - A * Math.sin(TAU * x))) + 0.1 * Math.cos(2 * TAU * x) + 3 * Math.cos(TAU * z));
    const perc = percolate(e, g);
    expect(perc.barriers['2D']).toBeGreaterThan(perc.barriers['1D']! + 1);
    const gridPath = findPath(e, g, lattice, perc, '1D')!;
    const p = relaxPath(gridPath, e, g, lattice);
    checkRelaxed(p, e, g, lattice);
    expect(Math.abs(p.winding[0])).toBe(1);
    expect(p.winding[1]).toBe(0);
    // Arc length of y = b·A·sin(2πx/a) over one period, by the midpoint rule.
    let arc = 0;
    const steps = 100_000;
    for (let i = 0; i < steps; i++) {
      const x = (i + 0.5) / steps;
      arc += Math.hypot(10 / steps, (10 * A * TAU * Math.cos(TAU * x)) / steps);
    }
    const length = p.lengthsA[p.lengthsA.length - 1]!;
    expect(Math.abs(length - arc) / arc).toBeLessThan(0.02);
    expect(gridPath.lengthsA[gridPath.lengthsA.length - 1]!).toBeGreaterThan(length * 1.1);
    // Every point lies on the valley floor within a grid spacing (0.1 Å).
    for (let t = 0; t < p.energies.length; t++) {
      const x = p.frac[3 * t]!,
        y = p.frac[3 * t + 1]!;
      const off = y - A * Math.sin(TAU * x);
      expect(Math.abs(off - Math.round(off)) * 10).toBeLessThan(0.1);
    }
  });
});

describe('relaxPath on β-Li3PS4 (fixtures/db)', () => {
  it('the 1D path along b is a zigzag a little longer than the 8.2 Å period, the grid path far longer', async () => {
    const { readStructureFile } = await import('../../src/structure/read.js');
    const { computeLandscape } = await import('../../src/pipeline/landscape.js');
    const [read] = await readStructureFile(BETA_LI3PS4);
    const r = await computeLandscape(read!.structure!, { ion: 'Li', resolution: 0.1 });
    const lattice = r.structure.lattice;
    const gridPath = findPath(r.energies, r.grid, lattice, r.percolation!, '1D')!;
    const p = relaxPath(gridPath, r.energies, r.grid, lattice);
    checkRelaxed(p, r.energies, r.grid, lattice);
    expect(Math.abs(p.winding[1])).toBe(1);
    const period = lattice.parameters.b;
    const length = p.lengthsA[p.lengthsA.length - 1]!;
    expect(length).toBeGreaterThan(period);
    expect(length).toBeLessThan(1.5 * period);
    expect(gridPath.lengthsA[gridPath.lengthsA.length - 1]!).toBeGreaterThan(1.5 * length);
  }, 60_000);
});
