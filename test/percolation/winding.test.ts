import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WindingLattice, hermiteBasis } from '../../src/percolation/winding.js';
import { sortedIndicesUpTo } from '../../src/percolation/sort.js';
import { floatRank } from './helpers.js';

describe('WindingLattice', () => {
  it('keeps a canonical Hermite basis', () => {
    expect(
      hermiteBasis([
        [2, 0, 0],
        [3, 0, 0],
      ]),
    ).toEqual([[1, 0, 0]]);
    expect(hermiteBasis([[0, 0, -2]])).toEqual([[0, 0, 2]]);
    expect(
      hermiteBasis([
        [1, 1, 0],
        [1, -1, 0],
      ]),
    ).toEqual([
      [1, 1, 0],
      [0, 2, 0],
    ]);
    expect(
      hermiteBasis([
        [1, 1, 0],
        [0, 1, 1],
        [1, 0, 1],
      ]),
    ).toEqual([
      [1, 0, 1],
      [0, 1, 1],
      [0, 0, 2],
    ]);
    expect(hermiteBasis([[0, 0, 0]])).toEqual([]);
  });

  it('reports rank growth only when a new direction arrives', () => {
    const l = new WindingLattice();
    expect(l.add(2, 0, 0)).toBe(true);
    expect(l.add(-4, 0, 0)).toBe(false);
    expect(l.add(1, 0, 0)).toBe(false); // finer lattice, same rank
    expect(l.basis()).toEqual([[1, 0, 0]]);
    expect(l.add(5, 3, 0)).toBe(true);
    expect(l.spans([7, -2, 0])).toBe(true);
    expect(l.spans([0, 0, 1])).toBe(false);
    expect(l.rank).toBe(2);
  });

  it('matches floating-point rank, and equal lattices give equal bases whatever the order', () => {
    const vec = fc.tuple(fc.integer({ min: -4, max: 4 }), fc.integer({ min: -4, max: 4 }), fc.integer({ min: -4, max: 4 }));
    fc.assert(
      fc.property(fc.array(vec, { maxLength: 6 }), fc.array(vec, { maxLength: 3 }), (vs, extra) => {
        const l = new WindingLattice();
        for (const v of vs) l.add(...v);
        expect(l.rank).toBe(floatRank(vs));
        expect(hermiteBasis([...vs].reverse())).toEqual(l.basis());
        // Adding integer combinations of existing vectors never changes the lattice.
        const combos = extra.map((c) => [0, 1, 2].map((m) => vs.reduce((s, v, t) => s + c[t % 3]! * v[m]!, 0)));
        expect(hermiteBasis([...vs, ...combos])).toEqual(l.basis());
        // Merging two halves equals adding everything.
        const a = new WindingLattice(),
          b = new WindingLattice();
        vs.forEach((v, t) => (t % 2 ? a : b).add(...v));
        a.addLattice(b);
        expect(a.basis()).toEqual(l.basis());
      }),
      { numRuns: 300 },
    );
  });
});

describe('sortedIndicesUpTo', () => {
  it('sorts like a comparison sort, ties by index, below the limit only', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ noNaN: true, min: -1e6, max: 1e6 }), { maxLength: 300 }),
        fc.float({ noNaN: true, min: -1e6, max: 1e6 }),
        (values, limit) => {
          const e = Float32Array.from(values);
          const expected = Array.from(e.keys())
            .filter((p) => e[p]! <= limit)
            .sort((a, b) => e[a]! - e[b]! || (Object.is(e[a], -0) ? -1 : 0) - (Object.is(e[b], -0) ? -1 : 0) || a - b);
          expect(Array.from(sortedIndicesUpTo(e, limit))).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('handles negatives, infinities, NaN and large inputs', () => {
    const e = Float32Array.from([3, -1, NaN, -Infinity, 0, Infinity, -2.5, 1e-30, -1e-30]);
    expect(Array.from(sortedIndicesUpTo(e, Infinity))).toEqual([3, 6, 1, 8, 4, 7, 0, 5]);
    const big = new Float32Array(200_000).map((_, p) => (Math.sin(p * 12.9898) * 43758.5453) % 7);
    const order = sortedIndicesUpTo(big, Infinity);
    expect(order.length).toBe(big.length);
    let disorder = 0;
    for (let t = 1; t < order.length; t++) if (!(big[order[t]!]! >= big[order[t - 1]!]!)) disorder++;
    expect(disorder).toBe(0);
    expect(new Set(order).size).toBe(big.length);
  });
});
