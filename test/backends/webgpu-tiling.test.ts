// The CPU half of the WebGPU backend (no adapter needed): the erfc approximation's error, the tile partner
// lists (complete and exact in float64), and batching that covers every tile row exactly once.
import { describe, expect, it } from 'vitest';
import { expandImages } from '../../src/bvse/framework.js';
import { erfc } from '../../src/bvse/pair.js';
import { ERFC_APPROX_MAX_REL_ERROR, erfcApprox } from '../../src/backends/webgpu/erfc-approx.js';
import { buildPairTable, TilePlanner, TileRowTooLargeError } from '../../src/backends/webgpu/tiling.js';
import { randomFramework } from '../helpers/random.js';

describe('erfc approximation (shader erfcApprox, in float64)', () => {
  it(`stays within ${ERFC_APPROX_MAX_REL_ERROR} relative error of the float64 erfc on [0, 12]`, () => {
    let worst = 0;
    let worstX = 0;
    for (let n = 0; n <= 120_000; n++) {
      const x = n * 1e-4;
      const rel = Math.abs(erfcApprox(x) / erfc(x) - 1);
      if (rel > worst) [worst, worstX] = [rel, x];
    }
    expect(worst, `worst at x = ${worstX}`).toBeLessThan(ERFC_APPROX_MAX_REL_ERROR);
    // The fit is not exact: if this fails the bound above is far too loose to document the error.
    expect(worst).toBeGreaterThan(1e-9);
  });
});

describe('pair table', () => {
  it('folds the occupancy into the parameters and shares rows between equal (type, weight)', () => {
    const fw = randomFramework({ seed: 5, lengths: [6, 8], angles: [80, 100], atoms: 40, mobile: 'cation', partial: 0.5 });
    const table = buildPairTable(fw);
    const keys = new Set<string>();
    for (let a = 0; a < 40; a++) {
      const t = fw.types[fw.atoms.type[a]!]!;
      const w = fw.atoms.weight[a]!;
      keys.add(`${fw.atoms.type[a]}:${w}`);
      const row = table.rowOfAtom[a]!;
      const got = Array.from(table.rows.subarray(4 * row, 4 * row + 4));
      const want = t.kind === 'morse' ? [w * 0.5 * t.d0, t.alpha, t.rmin, 0] : [w * t.k, 1 / t.screen, 0, 0];
      want.forEach((v, i) => expect(got[i]).toBe(Math.fround(v)));
    }
    expect(table.rows.length / 4).toBe(keys.size);
  });
});

describe('tile partner lists', () => {
  const cases = [
    {
      name: 'triclinic cell',
      fw: randomFramework({ seed: 11, lengths: [6, 9], angles: [60, 120], atoms: 25, mobile: 'cation' }),
      grid: { nx: 13, ny: 10, nz: 11 },
    },
    {
      name: 'cell smaller than the cutoff',
      fw: randomFramework({ seed: 12, lengths: [2.5, 4], angles: [70, 110], atoms: 3, mobile: 'anion' }),
      grid: { nx: 9, ny: 7, nz: 6 },
    },
  ];
  it.each(cases)('$name: every image within the cutoff of a tile point is listed once, Morse first, at its tile-relative position', ({ fw, grid }) => {
    const tile = { x: 4, y: 4, z: 4 };
    const planner = new TilePlanner(fw, grid, tile);
    const batch = planner.buildBatch(0, { maxRows: Infinity, maxPartners: 1e7 });
    expect(batch.rowCount).toBe(planner.rowCount);
    const images = expandImages(fw);
    const m = fw.lattice;
    const table = buildPairTable(fw);
    const imageRow = Array.from({ length: images.count }, (_, a) => {
      const atom = [...fw.atoms.type].findIndex((ty, idx) => ty === images.type[a] && fw.atoms.weight[idx] === images.weight[a]);
      return table.rowOfAtom[atom]!;
    });
    let checkedPairs = 0;
    for (let t = 0; t < batch.tileCount; t++) {
      const tx = t % planner.tilesX,
        row = Math.floor(t / planner.tilesX);
      const ty = row % planner.tilesY,
        tz = Math.floor(row / planner.tilesY);
      const [start, nMorse, nCoulomb] = [batch.tiles[4 * t]!, batch.tiles[4 * t + 1]!, batch.tiles[4 * t + 2]!];
      const i0 = tx * tile.x,
        j0 = ty * tile.y,
        k0 = tz * tile.z;
      const origin = [0, 1, 2].map((d) => (i0 / grid.nx) * m[d]! + (j0 / grid.ny) * m[3 + d]! + (k0 / grid.nz) * m[6 + d]!);
      // Listed partners in absolute coordinates (they are float32 offsets from the tile origin).
      const listed: { x: number; y: number; z: number; row: number }[] = [];
      for (let e = start; e < start + nMorse + nCoulomb; e++) {
        const row = batch.partnerBits[4 * e + 3]!;
        const isMorse = table.rows[4 * row + 2]! !== 0; // Morse rows carry rmin, Coulomb rows 0
        expect(isMorse, `entry ${e - start} of tile ${t}`).toBe(e < start + nMorse);
        listed.push({ x: batch.partners[4 * e]! + origin[0]!, y: batch.partners[4 * e + 1]! + origin[1]!, z: batch.partners[4 * e + 2]! + origin[2]!, row });
      }
      // Images within the cutoff of some point of this tile.
      const needed = new Set<number>();
      for (let li = 0; li < tile.x && i0 + li < grid.nx; li++)
        for (let lj = 0; lj < tile.y && j0 + lj < grid.ny; lj++)
          for (let lk = 0; lk < tile.z && k0 + lk < grid.nz; lk++) {
            const f = [(i0 + li) / grid.nx, (j0 + lj) / grid.ny, (k0 + lk) / grid.nz];
            const p = [0, 1, 2].map((d) => f[0]! * m[d]! + f[1]! * m[3 + d]! + f[2]! * m[6 + d]!);
            for (let a = 0; a < images.count; a++) {
              const r = Math.hypot(images.cart[3 * a]! - p[0]!, images.cart[3 * a + 1]! - p[1]!, images.cart[3 * a + 2]! - p[2]!);
              if (r < fw.cutoff) needed.add(a);
            }
          }
      // Each needed image is listed exactly once (same row, position within float32 rounding).
      for (const a of needed) {
        const matches = listed.filter(
          (e) => e.row === imageRow[a] && Math.hypot(e.x - images.cart[3 * a]!, e.y - images.cart[3 * a + 1]!, e.z - images.cart[3 * a + 2]!) < 1e-5,
        ).length;
        expect(matches, `image ${a} in tile ${t}`).toBe(1);
        checkedPairs++;
      }
    }
    expect(checkedPairs).toBeGreaterThan(1000);
  });

  it('splits rows into batches that respect the partner limit and cover every row once', () => {
    const fw = randomFramework({ seed: 13, lengths: [5, 7], angles: [75, 105], atoms: 12, mobile: 'cation' });
    const planner = new TilePlanner(fw, { nx: 10, ny: 9, nz: 13 }, { x: 4, y: 2, z: 4 });
    const full = planner.buildBatch(0, { maxRows: Infinity, maxPartners: 1e7 });
    const perRow = Math.ceil(full.partnerCount / planner.rowCount);
    const limit = { maxRows: 3, maxPartners: 2 * perRow };
    let row = 0,
      batches = 0,
      partners = 0,
      points = 0;
    while (row < planner.rowCount) {
      const b = planner.buildBatch(row, limit);
      expect(b.rowCount).toBeGreaterThan(0);
      expect(b.rowCount).toBeLessThanOrEqual(3);
      expect(b.partnerCount).toBeLessThanOrEqual(limit.maxPartners);
      partners += b.partnerCount;
      points += b.pointCount;
      row += b.rowCount;
      batches++;
    }
    expect(row).toBe(planner.rowCount);
    expect(batches).toBeGreaterThan(planner.rowCount / 3);
    expect(partners).toBe(full.partnerCount);
    expect(points).toBe(10 * 9 * 13);
    expect(() => planner.buildBatch(0, { maxRows: 1, maxPartners: 10 })).toThrow(TileRowTooLargeError);
  });
});
