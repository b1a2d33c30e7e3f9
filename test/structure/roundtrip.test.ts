// Property: a random structure written by writeCif and read back by readCif is the same structure
// (lattice parameters 1e-6, positions 1e-6 periodic, species, occupancies, oxidation states).
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { writeCif, typeSymbol } from '../../src/structure/cif-writer.js';
import { readCif } from '../../src/structure/cif/index.js';
import { initSymmetry } from '../../src/structure/space-group.js';
import { Lattice, type Vec3 } from '../../src/structure/lattice.js';
import { ELEMENTS } from '../../src/structure/elements.js';
import type { Species, Structure } from '../../src/structure/types.js';

beforeAll(async () => {
  await initSymmetry();
});

// The reader snaps coordinates within 2e-4 of a multiple of 1/6 (0.3333 -> 1/3); random
// coordinates stay clear of that band, and exact sixths are drawn on purpose.
const sixth = fc.integer({ min: 0, max: 5 }).map((k) => k / 6);
const free = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).filter((x) => Math.abs(x * 6 - Math.round(x * 6)) / 6 > 5e-4);
const coord = fc.oneof({ arbitrary: free, weight: 5 }, { arbitrary: sixth, weight: 1 });

const latticeArb = fc
  .record({
    a: fc.double({ min: 2.5, max: 15, noNaN: true }),
    b: fc.double({ min: 2.5, max: 15, noNaN: true }),
    c: fc.double({ min: 2.5, max: 15, noNaN: true }),
    alpha: fc.double({ min: 60, max: 120, noNaN: true }),
    beta: fc.double({ min: 60, max: 120, noNaN: true }),
    gamma: fc.double({ min: 60, max: 120, noNaN: true }),
  })
  .filter((p) => {
    try {
      // Keep cells that are not nearly flat: volume at least 30 % of a·b·c.
      return Lattice.fromParameters(p).volume > 0.3 * p.a * p.b * p.c;
    } catch {
      return false;
    }
  });

const elementArb = fc.constantFrom(...ELEMENTS.slice(0, 94));
const chargeArb = fc.integer({ min: -3, max: 6 });

/** 1-3 distinct elements on one position; occupancies summing to at most 1 (all 1 when ordered). */
const speciesArb = (withStates: boolean) =>
  fc
    .uniqueArray(fc.tuple(elementArb, chargeArb, fc.integer({ min: 1, max: 1000 })), {
      minLength: 1,
      maxLength: 3,
      selector: ([el]) => el,
    })
    .chain((rows) =>
      fc.boolean().map((ordered): Species[] => {
        const total = rows.reduce((t, r) => t + r[2], 0);
        // A partial site keeps some vacancy (scale to at most 0.999); an ordered single-species site is full.
        const scale = ordered && rows.length === 1 ? 1 / total : (0.999 * Math.min(1, total / 1000)) / total;
        return rows.map(([element, q, w]) => ({
          element,
          oxidation: withStates ? q : null,
          occupancy: ordered && rows.length === 1 ? 1 : Math.max(0.001, Number((w * scale).toFixed(6))),
        }));
      }),
    );

function periodicDistance(l: Lattice, f: Vec3, g: Vec3): number {
  const d: Vec3 = [f[0] - g[0], f[1] - g[1], f[2] - g[2]];
  let best = Infinity;
  for (let i = -1; i <= 1; i++)
    for (let j = -1; j <= 1; j++)
      for (let k = -1; k <= 1; k++) {
        const r = l.fracToCart([d[0] - Math.round(d[0]) + i, d[1] - Math.round(d[1]) + j, d[2] - Math.round(d[2]) + k]);
        best = Math.min(best, Math.hypot(r[0], r[1], r[2]));
      }
  return best;
}

function fracDelta(a: number, b: number): number {
  const d = a - b;
  return Math.abs(d - Math.round(d));
}

const structureArb: fc.Arbitrary<Structure> = fc
  .record({
    params: latticeArb,
    withStates: fc.boolean(),
    n: fc.integer({ min: 1, max: 8 }),
  })
  .chain(({ params, withStates, n }) =>
    fc.array(fc.record({ frac: fc.tuple(coord, coord, coord), species: speciesArb(withStates) }), { minLength: n, maxLength: n }).map(
      (raw): Structure => ({
        file: 'random.cif',
        block: 'random',
        lattice: Lattice.fromParameters(params),
        sites: raw.map((r, i) => ({ frac: r.frac as Vec3, species: r.species, label: `X${i + 1}` })),
        warnings: [],
      }),
    ),
  )
  // Positions must be far enough apart that the reader does not merge them (0.01 Å).
  .filter((s) => s.sites.every((a, i) => s.sites.every((b, j) => j <= i || periodicDistance(s.lattice, a.frac, b.frac) > 0.1)));

function speciesKey(sp: Species): string {
  return typeSymbol(sp);
}

function assertSame(orig: Structure, back: Structure): void {
  const p = orig.lattice.parameters;
  const q = back.lattice.parameters;
  for (const k of ['a', 'b', 'c', 'alpha', 'beta', 'gamma'] as const) expect(Math.abs(p[k] - q[k]), k).toBeLessThan(1e-6);
  expect(back.sites.length).toBe(orig.sites.length);
  for (const site of orig.sites) {
    // Match by position: the reader may order sites differently.
    const match = back.sites.find((b) => [0, 1, 2].every((d) => fracDelta(b.frac[d]!, site.frac[d]!) < 1e-6));
    expect(match, `no site at ${site.frac.join(', ')}`).toBeDefined();
    for (const d of [0, 1, 2]) {
      expect(match!.frac[d]!).toBeGreaterThanOrEqual(0);
      expect(match!.frac[d]!).toBeLessThan(1);
    }
    const want = [...site.species].sort((x, y) => speciesKey(x).localeCompare(speciesKey(y)));
    const got = [...match!.species].sort((x, y) => speciesKey(x).localeCompare(speciesKey(y)));
    expect(got.map(speciesKey)).toEqual(want.map(speciesKey));
    got.forEach((sp, i) => {
      expect(sp.element).toBe(want[i]!.element);
      expect(sp.oxidation).toBe(want[i]!.oxidation);
      expect(Math.abs(sp.occupancy - want[i]!.occupancy)).toBeLessThan(1e-6);
    });
  }
}

describe('writeCif -> readCif round trip', () => {
  it('returns the same structure for random lattices, mixed and partial sites and oxidation states', () => {
    fc.assert(
      fc.property(structureArb, (s) => {
        const text = writeCif(s);
        const blocks = readCif(text, 'roundtrip.cif');
        expect(blocks.length).toBe(1);
        expect(blocks[0]!.error, blocks[0]!.error?.message).toBeUndefined();
        expect(blocks[0]!.block).toBe('random');
        assertSame(s, blocks[0]!.structure!);
      }),
      { numRuns: 200 },
    );
  });

  it('writes oxidation states as type symbols and an _atom_type loop', () => {
    const s: Structure = {
      file: 'x',
      block: 'LiFeO2 test',
      lattice: Lattice.fromParameters({ a: 4.158, b: 4.158, c: 4.158, alpha: 90, beta: 90, gamma: 90 }),
      sites: [
        {
          frac: [0, 0, 0],
          label: 'M 1',
          species: [
            { element: 'Li', oxidation: 1, occupancy: 0.5 },
            { element: 'Fe', oxidation: 3, occupancy: 0.5 },
          ],
        },
        { frac: [0.5, 0.5, 0.5], label: 'O1', species: [{ element: 'O', oxidation: -2, occupancy: 1 }] },
      ],
      warnings: [],
    };
    const text = writeCif(s);
    expect(text).toMatch(/^data_LiFeO2_test$/m);
    expect(text).toMatch(/_atom_type_oxidation_number\nLi1\+ 1\nFe3\+ 3\nO2- -2\n/);
    // The label with a space is replaced; the second species on the site gets its own label.
    expect(text).toMatch(/^Li1 Li1\+ 0\.0000000000 0\.0000000000 0\.0000000000 0\.5$/m);
    expect(text).toMatch(/^M 1_Fe|^Fe1 Fe3\+ /m);
    const back = readCif(text, 'x.cif')[0]!.structure!;
    assertSame(s, back);
  });
});
