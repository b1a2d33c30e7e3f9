import { describe, expect, it } from 'vitest';
import { CellGeometry } from '../../src/network/geometry.js';
import { SITE_TOLERANCE, SiteRegistry } from '../../src/network/sites.js';

// A strongly oblique cell (60° and 70° angles, unequal lengths): the nearest copy of a site is not always the one that
// rounding the fractional offset gives, and the registry's quick per-axis rejection must not drop a copy in range.
const a = 5,
  b = 7,
  c = 9;
const lattice = [a, 0, 0, b * Math.cos(Math.PI / 3), b * Math.sin(Math.PI / 3), 0, c * Math.cos((70 * Math.PI) / 180), 0.9, 8.4];
const geo = new CellGeometry(lattice);
const props = { energy: -1, eigenvalues: [1, 1, 1] as [number, number, number], converged: true, gridEnergy: -1 };

/** The reference: the nearest of the 7³ images of every site, by brute force. */
function bruteForce(sites: readonly { frac: readonly number[] }[], frac: readonly number[]): { site: number; cell: number[]; d: number } | null {
  let best: { site: number; cell: number[]; d: number } | null = null;
  sites.forEach((s, id) => {
    for (let i = -3; i <= 3; i++)
      for (let j = -3; j <= 3; j++)
        for (let k = -3; k <= 3; k++) {
          const cell = [Math.round(frac[0]! - s.frac[0]!) + i, Math.round(frac[1]! - s.frac[1]!) + j, Math.round(frac[2]! - s.frac[2]!) + k];
          const r = geo.cart([frac[0]! - s.frac[0]! - cell[0]!, frac[1]! - s.frac[1]! - cell[1]!, frac[2]! - s.frac[2]! - cell[2]!]);
          const d = Math.hypot(...r);
          if (d <= SITE_TOLERANCE && (!best || d < best.d)) best = { site: id, cell, d };
        }
  });
  return best;
}

describe('SiteRegistry', () => {
  const reg = new SiteRegistry(geo);
  const homes = [
    [0.1, 0.2, 0.3],
    [0.5, 0.5, 0.5],
    [0.97, 0.02, 0.99],
    [0.1, 0.2, 0.305],
  ];
  for (const f of homes) reg.findOrAdd(f as [number, number, number], props);

  it('keeps minima farther apart than the tolerance as distinct sites', () => {
    // The fourth point lies 0.042 Å from the first (c·0.005 projected), inside the tolerance: the same site.
    expect(reg.sites).toHaveLength(3);
  });

  it('finds every copy within the tolerance, in the right cell, as a brute-force search over images does', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let hits = 0,
      misses = 0;
    for (let t = 0; t < 4000; t++) {
      const s = reg.sites[t % reg.sites.length]!;
      const cell = [Math.floor(rand() * 5) - 2, Math.floor(rand() * 5) - 2, Math.floor(rand() * 5) - 2];
      // Cartesian displacements up to 1.6× the tolerance, so that both sides of the boundary are probed.
      const dir = [rand() - 0.5, rand() - 0.5, rand() - 0.5];
      const len = (1.6 * SITE_TOLERANCE * rand()) / Math.hypot(...dir);
      const df = geo.frac(dir.map((x) => x * len));
      const frac = [0, 1, 2].map((i) => s.frac[i]! + cell[i]! + df[i]!);
      const want = bruteForce(reg.sites, frac);
      const got = reg.find(frac);
      if (want) {
        hits++;
        expect(got).toEqual({ site: want.site, cell: want.cell });
      } else {
        misses++;
        expect(got).toBeNull();
      }
    }
    expect(hits).toBeGreaterThan(1000);
    expect(misses).toBeGreaterThan(1000);
  });
});
