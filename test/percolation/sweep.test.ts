import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { percolate, sortedUpTo } from '../../src/percolation/sweep.js';
import { sortedIndicesUpTo } from '../../src/percolation/sort.js';
import { hermiteBasis } from '../../src/percolation/winding.js';
import { bruteForceThresholds, gridOf, landscape, permuteAxes, rng, roll } from './helpers.js';

const TAU = 2 * Math.PI;
const f32 = Math.fround;

describe('percolate: separable cosine landscapes', () => {
  const [A, B, C] = [0.3, 0.7, 1.1];
  const cosines = (x: number, y: number, z: number) => A * Math.cos(TAU * x) + B * Math.cos(TAU * y) + C * Math.cos(TAU * z);

  it('gives 2A, 2B, 2C on an even grid (maxima and minima on grid points)', () => {
    const g = gridOf(8, 10, 12);
    const e = landscape(g, cosines);
    const r = percolate(e, g);
    // Exact discrete values: the minimum sits at (1/2, 1/2, 1/2); crossing x = 0 costs A − (−A).
    expect(r.eMin).toBe(f32(-A - B - C));
    expect(r.thresholds['1D']).toBe(f32(A - B - C));
    expect(r.thresholds['2D']).toBe(f32(-A + B - C));
    expect(r.thresholds['3D']).toBe(f32(-A - B + C));
    expect(r.barriers['1D']).toBeCloseTo(2 * A, 6);
    expect(r.barriers['2D']).toBeCloseTo(2 * B, 6);
    expect(r.barriers['3D']).toBeCloseTo(2 * C, 6);
    expect(r.windings['1D']).toEqual([[1, 0, 0]]);
    expect(r.windings['2D']).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(r.windings['3D']).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    // The saddle of the 1D threshold lies on the plane x = 0 at the minimum in y and z.
    expect(r.saddles['1D']).toBe(0 + 8 * (5 + 10 * 6));
    expect(r.percolationDimensionAt).toEqual(r.barriers);
  });

  it('handles odd grids, where the minimum is not a grid point', () => {
    const g = gridOf(7, 9, 11);
    const e = landscape(g, cosines);
    const r = percolate(e, g);
    const lowest = (n: number) => Math.cos(Math.PI / n); // min of cos(2πi/n) is −cos(π/n) for odd n
    const eMin = -(A * lowest(7) + B * lowest(9) + C * lowest(11));
    expect(r.eMin).toBeCloseTo(eMin, 5);
    expect(r.barriers['1D']).toBeCloseTo(A * (1 + lowest(7)), 5);
    expect(r.thresholds['1D']).toBe(f32(A - B * lowest(9) - C * lowest(11)));
    expect(r.thresholds['3D']).toBe(f32(-A * lowest(7) - B * lowest(9) + C));
  });
});

describe('percolate: channels, ranks and cutoffs', () => {
  it('finds a channel that winds diagonally along a+b', () => {
    // A valley along x = y: constant along (1,1,0), a wall of height 2 across it, and a stronger z term.
    const g = gridOf(10, 10, 6);
    const e = landscape(g, (x, y, z) => -Math.cos(TAU * (x - y)) + 3 * Math.cos(TAU * z));
    const r = percolate(e, g);
    // 6-neighbour steps along the valley leave it by one grid step: x − y = 1/10.
    expect(r.barriers['1D']).toBeCloseTo(1 - Math.cos(TAU / 10), 5);
    expect(r.windings['1D']).toEqual([[1, 1, 0]]);
    // A second in-plane direction needs the wall (x − y = 1/2): 2; then z needs 2·3.
    expect(r.barriers['2D']).toBeCloseTo(2, 5);
    expect(hermiteBasis(r.windings['2D'])).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(r.barriers['3D']).toBeCloseTo(6, 5);
  });

  it('returns null barriers for isolated wells', () => {
    const g = gridOf(6, 6, 6);
    // One deep well per cell at the centre, walls 20 eV high: nothing percolates within 10 eV.
    const e = landscape(g, (x, y, z) => (Math.hypot(x - 0.5, y - 0.5, z - 0.5) < 0.2 ? -1 - 0.1 * Math.sin(40 * x + 7 * y + 3 * z) : 20));
    const r = percolate(e, g);
    expect(r.barriers).toEqual({ '1D': null, '2D': null, '3D': null });
    expect(r.saddles).toEqual({ '1D': null, '2D': null, '3D': null });
    expect(r.windings['1D']).toEqual([]);
    expect(r.eMax).toBe(20);
    // With a wider window the walls themselves percolate in 3D at once.
    const wide = percolate(e, g, { encut: 30 });
    expect(wide.thresholds['1D']).toBe(20);
    expect(wide.thresholds['3D']).toBe(20);
  });

  it('reports exactly the rank reached: a 1D channel along c only', () => {
    const g = gridOf(5, 4, 7);
    const e = landscape(g, (x, y) => (x === 0.4 && y === 0.25 ? 0 : 100));
    const r = percolate(e, g);
    expect(r.barriers).toEqual({ '1D': 0, '2D': null, '3D': null });
    expect(r.windings['1D']).toEqual([[0, 0, 1]]);
    expect(r.pointsSorted).toBe(7);
    const all = percolate(e, g, { encut: 200 });
    expect(all.barriers).toEqual({ '1D': 0, '2D': 100, '3D': 100 });
  });

  it('applies encut inclusively', () => {
    const g = gridOf(4, 4, 4);
    const e = landscape(g, (x) => (x === 0 ? 3 : 0));
    expect(percolate(e, g).barriers['1D']).toBe(0); // channels along b and c at E = 0
    expect(percolate(e, g).barriers['3D']).toBe(3);
    expect(percolate(e, g, { encut: 2.5 }).barriers['3D']).toBeNull();
    expect(percolate(e, g, { encut: 3 }).barriers['3D']).toBe(3);
    expect(percolate(e, g, { encut: 2.5 }).barriers['2D']).toBe(0);
  });

  it('handles 1×1×N grids: a and b percolate at once, c needs the profile maximum', () => {
    const g = gridOf(1, 1, 9);
    const profile = [0.5, -0.2, 0.1, 0.9, 0.4, -0.7, 0.3, 0.6, 0.2];
    const e = Float32Array.from(profile);
    const r = percolate(e, g);
    expect(r.eMin).toBe(f32(-0.7));
    expect(r.barriers['1D']).toBe(0);
    expect(r.barriers['2D']).toBe(0);
    expect(r.saddles['2D']).toBe(5);
    expect(r.windings['2D']).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(r.thresholds['3D']).toBe(f32(0.9));
    expect(r.saddles['3D']).toBe(3);
    // 2×1×1: the two x-neighbours are the same point, reached through different faces.
    const two = percolate(Float32Array.from([1, 0]), gridOf(2, 1, 1));
    expect(two.thresholds).toEqual({ '1D': 0, '2D': 0, '3D': 1 });
  });

  it('rejects mismatched sizes and empty grids', () => {
    expect(() => percolate(new Float32Array(5), gridOf(2, 2, 2))).toThrow(/8 points/);
    expect(() => percolate(new Float32Array([NaN]), gridOf(1, 1, 1))).toThrow(/finite/);
  });
});

describe('percolate: against a brute-force reference and symmetries', () => {
  const randomGrid = (seed: number, nx: number, ny: number, nz: number, levels = 0) => {
    const next = rng(seed);
    const g = gridOf(nx, ny, nz);
    // levels > 0: few distinct values, so ties are exercised.
    const e = new Float32Array(nx * ny * nz).map(() => (levels ? Math.floor(next() * levels) : next() * 5));
    return { g, e };
  };

  it('matches breadth-first search with explicit unwrapping on small random grids', () => {
    let checked = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const next = rng(1000 + seed);
      const dims = [1, 2, 3, 4, 5].map((v) => v);
      const pickDim = () => dims[Math.floor(next() * dims.length)]!;
      const { g, e } = randomGrid(seed, pickDim(), pickDim(), pickDim(), seed % 3 === 0 ? 4 : 0);
      const expected = bruteForceThresholds(e, g, 10);
      const r = percolate(e, g);
      expect([r.thresholds['1D'], r.thresholds['2D'], r.thresholds['3D']], `seed ${seed} ${g.nx}×${g.ny}×${g.nz}`).toEqual(expected);
      checked++;
    }
    expect(checked).toBe(60);
  });

  it('matches the reference with a small encut that cuts thresholds off', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { g, e } = randomGrid(500 + seed, 4, 3, 5);
      const expected = bruteForceThresholds(e, g, 2.2);
      const r = percolate(e, g, { encut: 2.2 });
      expect([r.thresholds['1D'], r.thresholds['2D'], r.thresholds['3D']]).toEqual(expected);
    }
  });

  it('is invariant under periodic shifts of the grid', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 6 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        (seed, nx, ny, nz, si, sj, sk) => {
          const { g, e } = randomGrid(seed, nx, ny, nz);
          const base = percolate(e, g);
          const shifted = percolate(roll(e, g, si % nx, sj % ny, sk % nz), g);
          expect(shifted.barriers).toEqual(base.barriers);
          for (const d of ['1D', '2D', '3D'] as const) expect(shifted.windings[d]).toEqual(base.windings[d]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is invariant under axis permutations, with permuted windings', () => {
    const perms: [number, number, number][] = [
      [0, 1, 2],
      [1, 0, 2],
      [2, 1, 0],
      [0, 2, 1],
      [1, 2, 0],
      [2, 0, 1],
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e9 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom(...perms),
        (seed, nx, ny, nz, perm) => {
          const { g, e } = randomGrid(seed, nx, ny, nz);
          const base = percolate(e, g);
          const p = permuteAxes(e, g, perm);
          const moved = percolate(p.energies, p.grid);
          expect(moved.barriers).toEqual(base.barriers);
          for (const d of ['1D', '2D', '3D'] as const) {
            const expected = hermiteBasis(base.windings[d].map((v) => perm.map((a) => v[a]!)));
            expect(moved.windings[d]).toEqual(expected);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('supports 18- and 26-connectivity, matching the reference and never raising a barrier', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const next = rng(7000 + seed);
      const { g, e } = randomGrid(seed + 300, 1 + Math.floor(next() * 5), 1 + Math.floor(next() * 5), 1 + Math.floor(next() * 5));
      const six = percolate(e, g);
      for (const connectivity of [18, 26] as const) {
        const r = percolate(e, g, { connectivity });
        expect(r.connectivity).toBe(connectivity);
        expect([r.thresholds['1D'], r.thresholds['2D'], r.thresholds['3D']], `seed ${seed} c${connectivity}`).toEqual(
          bruteForceThresholds(e, g, 10, connectivity),
        );
        for (const d of ['1D', '2D', '3D'] as const) expect(r.barriers[d]!).toBeLessThanOrEqual(six.barriers[d]!);
      }
    }
    // The a+b valley is open at eMin once diagonal steps are allowed.
    const gd = gridOf(10, 10, 6);
    const ed = landscape(gd, (x, y, z) => -Math.cos(TAU * (x - y)) + 3 * Math.cos(TAU * z));
    const diag = percolate(ed, gd, { connectivity: 18 });
    expect(diag.barriers['1D']).toBe(0);
    expect(diag.windings['1D']).toEqual([[1, 1, 0]]);
    expect(() => percolate(ed, gd, { connectivity: 8 as 6 })).toThrow(/connectivity/);
  });

  it('gives the same results with 32-bit offsets', () => {
    for (let seed = 1; seed <= 15; seed++) {
      const { g, e } = randomGrid(seed + 900, 3, 4, 5);
      const narrow = percolate(e, g);
      const wide = percolate(e, g, { offsetBits: 32 });
      expect(wide.thresholds).toEqual(narrow.thresholds);
      expect(wide.windings).toEqual(narrow.windings);
      expect(wide.saddles).toEqual(narrow.saddles);
    }
  });
});

describe('percolate: the sort in energy bands', () => {
  it('joins bands into the whole sort, ties, signed zeros and infinities included', () => {
    const next = rng(77);
    const special = [0, -0, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NaN, 1, 2, 4];
    const e = new Float32Array(3000).map((_, i) => (i % 7 === 0 ? special[i % special.length]! : Math.floor(next() * 40) / 4 - 1));
    const whole = Array.from(sortedIndicesUpTo(e, 9));
    const cuts = [-1, 0, 0.5, 1, 3, 9];
    const joined = cuts.flatMap((hi, b) => Array.from(b === 0 ? sortedIndicesUpTo(e, hi) : sortedIndicesUpTo(e, hi, undefined, cuts[b - 1])));
    expect(joined).toEqual(whole);
  });

  it('hands the sweep order to findBasins: the same points in the same order as a sort of its own', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const next = rng(300 + seed);
      const g = gridOf(6, 5, 7);
      // Wells and walls 0–12 eV: the sweep needs several bands.
      const e = new Float32Array(6 * 5 * 7).map(() => next() * 12);
      const perc = percolate(e, g, { encut: 11 });
      const cap = (perc.thresholds['3D'] ?? perc.eMin + 11) - 0.5;
      expect(Array.from(sortedUpTo(e, perc, cap)), `seed ${seed}`).toEqual(Array.from(sortedIndicesUpTo(e, cap)));
      // Taken once: a second call sorts by itself, with the same answer.
      expect(Array.from(sortedUpTo(e, perc, cap + 0.25))).toEqual(Array.from(sortedIndicesUpTo(e, cap + 0.25)));
    }
  });

  it('counts pointsSorted as every point within the window, NaN and +∞ outside it, also past the last band sorted', () => {
    let stoppedEarly = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const next = rng(500 + seed);
      const g = gridOf(6, 5, 7);
      const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0];
      const e = new Float32Array(6 * 5 * 7).map((_, i) => (i % 11 === 0 ? special[(i / 11) % special.length]! : next() * 12));
      const perc = percolate(e, g, { encut: 11 });
      const top = perc.eMin + 11;
      expect(perc.pointsSorted, `seed ${seed}`).toBe(Array.from(e).filter((v) => v <= top).length);
      // The sweep usually stops before the window's top: those points are counted without being sorted.
      if (perc.thresholds['3D'] !== null && perc.thresholds['3D'] < perc.eMin + 8) stoppedEarly++;
    }
    expect(stoppedEarly).toBeGreaterThan(0);
  });

  it('extends the sweep order by one band when findBasins asks above what the sweep sorted', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const next = rng(400 + seed);
      const g = gridOf(6, 5, 7);
      const e = new Float32Array(6 * 5 * 7).map(() => next() * 12);
      const perc = percolate(e, g, { encut: 11 });
      // The sweep stopped in the 3D threshold's band (bands end at eMin + 1, 2, 4, 8 eV): 3 eV above it lies past the
      // last band sorted for most seeds (a wrong lower edge of the added band fails this test).
      const limit = (perc.thresholds['3D'] ?? perc.eMin) + 3;
      expect(Array.from(sortedUpTo(e, perc, limit)), `seed ${seed}`).toEqual(Array.from(sortedIndicesUpTo(e, limit)));
    }
  });
});
