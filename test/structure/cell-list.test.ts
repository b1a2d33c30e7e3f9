// The periodic neighbour search against brute force over a generous block of lattice translations.
import { describe, expect, it } from 'vitest';
import { Lattice } from '../../src/structure/lattice.js';
import { forEachPeriodicPair, PeriodicCellList } from '../../src/structure/cell-list.js';
import { rng } from '../helpers/random.js';

type Pair = string;

function brutePairs(lattice: Lattice, frac: number[][], cutoff: number): Map<Pair, number> {
  const m = lattice.matrix;
  const out = new Map<Pair, number>();
  const R = 6;
  for (let a = 0; a < frac.length; a++)
    for (let b = a; b < frac.length; b++)
      for (let i = -R; i <= R; i++)
        for (let j = -R; j <= R; j++)
          for (let k = -R; k <= R; k++) {
            if (a === b && i === 0 && j === 0 && k === 0) continue;
            const u = frac[b]![0]! - frac[a]![0]! + i,
              v = frac[b]![1]! - frac[a]![1]! + j,
              w = frac[b]![2]! - frac[a]![2]! + k;
            const d = Math.hypot(u * m[0]! + v * m[3]! + w * m[6]!, u * m[1]! + v * m[4]! + w * m[7]!, u * m[2]! + v * m[5]! + w * m[8]!);
            if (d < cutoff) out.set(`${a}-${b}@${i},${j},${k}`, d);
          }
  return out;
}

describe('periodic cell list', () => {
  const cases = [
    { name: 'cubic, cutoff below the cell', lattice: Lattice.fromParameters({ a: 9, b: 9, c: 9, alpha: 90, beta: 90, gamma: 90 }), cutoff: 3.1 },
    { name: 'oblique, cutoff above a cell edge', lattice: Lattice.fromParameters({ a: 3.2, b: 7.5, c: 11, alpha: 71, beta: 104, gamma: 117 }), cutoff: 5 },
    { name: 'thin slab cell', lattice: Lattice.fromParameters({ a: 20, b: 20, c: 2.1, alpha: 90, beta: 90, gamma: 120 }), cutoff: 4.4 },
  ];
  for (const c of cases) {
    it(`finds exactly the brute-force pairs and distances: ${c.name}`, () => {
      const r = rng(c.cutoff * 1000);
      // Some coordinates outside [0, 1): the search must not care.
      const frac = Array.from({ length: 40 }, () => [r() * 1.4 - 0.2, r(), r() * 2 - 1]);
      const want = brutePairs(c.lattice, frac, c.cutoff);
      const got = new Map<Pair, number>();
      const cells = new PeriodicCellList(c.lattice, c.cutoff);
      for (const f of frac) cells.add(f[0]!, f[1]!, f[2]!);
      for (let a = 0; a < frac.length; a++)
        cells.forEachNear(frac[a]![0]!, frac[a]![1]!, frac[a]![2]!, (b, d2, i, j, k) => {
          if (b < a || (a === b && i === 0 && j === 0 && k === 0)) return;
          got.set(`${a}-${b}@${i},${j},${k}`, Math.sqrt(d2));
        });
      expect(want.size).toBeGreaterThan(frac.length);
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [key, d] of want) expect(got.get(key)).toBeCloseTo(d, 10);

      let pairs = 0;
      forEachPeriodicPair(
        c.lattice,
        frac,
        c.cutoff,
        (a, b) => (a + b) % 2 === 0,
        (a, b, d) => {
          expect((a + b) % 2).toBe(0);
          expect(d).toBeLessThan(c.cutoff);
          pairs++;
        },
      );
      expect(pairs).toBe(
        [...want.keys()].filter(
          (k) =>
            k
              .split('@')[0]!
              .split('-')
              .map(Number)
              .reduce((x, y) => x + y) %
              2 ===
            0,
        ).length,
      );
    });
  }

  it('findNear returns a stored point within reach across the cell boundary, or -1', () => {
    const lattice = Lattice.fromParameters({ a: 5, b: 6, c: 7, alpha: 90, beta: 90, gamma: 90 });
    const cells = new PeriodicCellList(lattice, 0.01, 8);
    expect(cells.add(0.999, 0.5, 0.5)).toBe(0);
    expect(cells.add(0.25, 0.25, 0.25)).toBe(1);
    expect(cells.size).toBe(2);
    expect(cells.findNear(0.0005, 0.5, 0.5)).toBe(0); // 0.0075 Å away through the face
    expect(cells.findNear(0.25, 0.25, 0.2514)).toBe(1); // 0.0098 Å
    expect(cells.findNear(0.25, 0.25, 0.2515)).toBe(-1); // 0.0105 Å
    // Growth past the initial capacity keeps every point findable.
    for (let i = 0; i < 300; i++) cells.add((i * 0.618) % 1, (i * 0.414) % 1, (i * 0.732) % 1);
    for (let i = 0; i < 300; i++) expect(cells.findNear((i * 0.618) % 1, (i * 0.414) % 1, (i * 0.732) % 1)).toBeGreaterThanOrEqual(0);
  });
});
