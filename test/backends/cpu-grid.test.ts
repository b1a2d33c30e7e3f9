// The CPU grid backend against the float64 direct sum (expandImages + pairEnergy, the reference formula).
//
// Tolerance, derived from the method (src/backends/cpu/kernel.ts): every pair term is either the exact
// float64 formula (R < EXACT_BELOW_R) or a cubic table whose error was checked to be ≤ tableMaxError (per
// unit weight); sums are float64, stored as float32. So for every point
//     |E_grid − E_ref| ≤ Σ_pairs weight · tableMaxError + 2⁻²⁴·|E_ref| (+ float64 summation noise).
// We assert that bound per point, and the criterion max |ΔE| / max(|E|, 1e-3·max|E|) < 1e-5.
import { describe, expect, it, afterAll } from 'vitest';
import fc from 'fast-check';
import { expandImages, type Framework, type PairType } from '../../src/bvse/framework.js';
import { pairEnergy } from '../../src/bvse/pair.js';
import { energyAtFrac } from '../../src/bvse/reference.js';
import { Lattice } from '../../src/structure/lattice.js';
import type { GridSpec } from '../../src/grid/index.js';
import { createCpuBackend } from '../../src/backends/cpu/index.js';
import { UsageError } from '../../src/errors.js';
import { BLOCK, blockCount, computeBlock, prepareCells } from '../../src/backends/cpu/kernel.js';
import { buildTables, EXACT_BELOW_R, TABLE_TOLERANCE_EV, tablePairEnergy } from '../../src/backends/cpu/pair-table.js';
import { drawnPairTypes, randomFramework, rng } from '../helpers/random.js';
import { BETA_LI3PS4 } from '../helpers/fixtures.js';

const morse = (d0: number, rmin: number, alpha: number, species = 'S2-'): PairType => ({ kind: 'morse', species, d0, rmin, alpha });
const coulomb = (k: number, screen: number, species = 'P5+'): PairType => ({ kind: 'coulomb', species, k, screen });

/**
 * The shared generator with this suite's draws: pair types over the tables' ranges, cells of 2.2–5.2 Å (smaller than
 * the cutoff) or 4–12 Å, no nearly flat cell, half the atoms partly occupied.
 */
const framework = (seed: number, atoms: number, small: boolean, cutoff = 10): Framework =>
  randomFramework({ seed, atoms, lengths: small ? [2.2, 5.2] : [4, 12], angles: [60, 120], pairs: 'drawn', minVolumeFraction: 0.3, partial: 0.5, cutoff });

/** Direct float64 sum at every grid point: energy, Σ weights of the pairs (for the bound), pair count. */
function directGrid(fw: Framework, grid: GridSpec): { energy: Float64Array; weightSum: Float64Array; pairs: number } {
  const img = expandImages(fw);
  const m = fw.lattice;
  const rc2 = fw.cutoff * fw.cutoff;
  const n = grid.nx * grid.ny * grid.nz;
  const energy = new Float64Array(n);
  const weightSum = new Float64Array(n);
  let pairs = 0;
  for (let k = 0; k < grid.nz; k++)
    for (let j = 0; j < grid.ny; j++)
      for (let i = 0; i < grid.nx; i++) {
        const f = [i / grid.nx, j / grid.ny, k / grid.nz] as const;
        const p = [0, 1, 2].map((d) => f[0] * m[d]! + f[1] * m[3 + d]! + f[2] * m[6 + d]!);
        let e = 0,
          w = 0;
        for (let a = 0; a < img.count; a++) {
          const dx = img.cart[3 * a]! - p[0]!,
            dy = img.cart[3 * a + 1]! - p[1]!,
            dz = img.cart[3 * a + 2]! - p[2]!;
          const r2 = dx * dx + dy * dy + dz * dz;
          if (r2 < rc2) {
            e += img.weight[a]! * pairEnergy(fw.types[img.type[a]!]!, Math.sqrt(r2));
            w += img.weight[a]!;
            pairs++;
          }
        }
        const x = i + grid.nx * (j + grid.ny * k);
        energy[x] = e;
        weightSum[x] = w;
      }
  return { energy, weightSum, pairs };
}

function gridInProcess(fw: Framework, grid: GridSpec): { energies: Float32Array; pairs: number; tableMaxError: number } {
  const prep = prepareCells(fw, grid);
  const energies = new Float32Array(grid.nx * grid.ny * grid.nz).fill(NaN);
  let pairs = 0;
  for (let b = 0; b < blockCount(grid); b++) pairs += computeBlock(prep, grid, b, energies);
  return { energies, pairs, tableMaxError: prep.tableMaxError };
}

/** Compares and, on failure, prints a small table around the first violating point. */
function expectClose(fw: Framework, grid: GridSpec, got: Float32Array, tableMaxError: number) {
  const ref = directGrid(fw, grid);
  let maxE = 0;
  for (const e of ref.energy) maxE = Math.max(maxE, Math.abs(e));
  let worstRel = 0;
  let firstBad = -1;
  for (let x = 0; x < got.length; x++) {
    const diff = Math.abs(got[x]! - ref.energy[x]!);
    const bound = ref.weightSum[x]! * tableMaxError * 1.01 + 2 ** -24 * Math.abs(ref.energy[x]!) * 1.01 + 1e-12 * (1 + Math.abs(ref.energy[x]!));
    if (!(diff <= bound) && firstBad < 0) firstBad = x;
    worstRel = Math.max(worstRel, diff / Math.max(Math.abs(ref.energy[x]!), 1e-3 * maxE));
  }
  if (firstBad >= 0) {
    const rows = [];
    for (let x = Math.max(0, firstBad - 2); x < Math.min(got.length, firstBad + 3); x++)
      rows.push({ index: x, grid: got[x], reference: ref.energy[x], diff: got[x]! - ref.energy[x]!, weightSum: ref.weightSum[x] });
    console.table(rows);
  }
  expect(firstBad, `first point outside the derived bound (grid ${grid.nx}×${grid.ny}×${grid.nz})`).toBe(-1);
  expect(worstRel).toBeLessThan(1e-5);
  return ref;
}

describe('pair tables', () => {
  it('interpolation error per pair is within TABLE_TOLERANCE_EV over the parameter ranges of shared/params', () => {
    const r = rng(11);
    const extremes = [morse(6.823816, 1.905526, 3.076923), morse(0.1, 3.2, 1.2), coulomb((14.4 * 25) / 6, 0.74 * 0.4), coulomb(14.4, 0.74 * 3.5)];
    for (let trial = 0; trial < 6; trial++) {
      const types = trial === 0 ? extremes : drawnPairTypes(r);
      const fw: Framework = { ...framework(trial + 1, 1, false), types };
      const prep = prepareCells(fw, { nx: 1, ny: 1, nz: 1 });
      expect(prep.tableMaxError).toBeLessThanOrEqual(TABLE_TOLERANCE_EV);
      // Dense check, independent of the sampling that built the table: random R in [0.2, rc] incl. segment ends.
      let worst = 0;
      const rs = [EXACT_BELOW_R, 2, 4, 10 - 1e-9, 1 - 1e-12, 2 - 1e-12, 4 - 1e-12];
      for (let s = 0; s < 20000; s++) rs.push(0.2 + 9.8 * r());
      for (const R of rs)
        types.forEach((t, ti) => {
          worst = Math.max(worst, Math.abs(tablePairEnergy(prep, ti, R * R) - pairEnergy(t, R)));
        });
      expect(worst).toBeLessThanOrEqual(1.5 * TABLE_TOLERANCE_EV);
    }
  });

  it('remembered segments give the bits of freshly filled ones, in any type order, and are copied, not shared', () => {
    // Parameters no other test uses, so the first build fills every segment.
    const a = morse(1.234567, 2.0123, 2.3456),
      b = coulomb(17.654321, 1.2345);
    const fresh = buildTables([a, b], 10);
    const again = buildTables([a, b], 10);
    expect(again.table).not.toBe(fresh.table);
    expect(Array.from(again.table)).toEqual(Array.from(fresh.table));
    const swapped = buildTables([b, a], 10);
    const perType = 4 * fresh.tableIntervals;
    expect(Array.from(swapped.table.subarray(0, perType))).toEqual(Array.from(fresh.table.subarray(perType)));
    expect(Array.from(swapped.table.subarray(perType))).toEqual(Array.from(fresh.table.subarray(0, perType)));
    fresh.table.fill(0);
    expect(Array.from(buildTables([a, b], 10).table)).toEqual(Array.from(again.table));
  });

  it('is zero at and beyond the cutoff', () => {
    const fw = framework(3, 2, false);
    const prep = prepareCells(fw);
    expect(tablePairEnergy(prep, 0, 100)).toBe(0);
    expect(tablePairEnergy(prep, 0, 150)).toBe(0);
  });
});

describe('CPU grid kernel vs the float64 direct sum', () => {
  it('hand-computed: one cation, one anion, one like-charged ion in a big cubic cell', () => {
    // 25 Å cell, cutoff 10 Å: each point sees at most one image of each atom.
    const d0 = 1.04027,
      rmin = 2.40971,
      alpha = 1.531394,
      k = (14.4 * 5) / Math.sqrt(6),
      screen = 0.74 * 2.35;
    const fw: Framework = {
      lattice: Float64Array.from([25, 0, 0, 0, 25, 0, 0, 0, 25]),
      cutoff: 10,
      mobile: { element: 'Li', oxidation: 1 },
      model: 'test',
      types: [morse(d0, rmin, alpha), coulomb(k, screen)],
      atoms: { frac: Float64Array.from([0.1, 0.2, 0.3, 0.5, 0.5, 0.5]), type: Uint32Array.from([0, 1]), weight: Float64Array.from([1, 0.5]) },
    };
    const grid = { nx: 50, ny: 50, nz: 50 }; // 0.5 Å spacing
    const { energies, pairs } = gridInProcess(fw, grid);
    // Point (6, 10, 15) = (3, 5, 7.5) Å: 0.5 Å from the S at (2.5, 5, 7.5); the P at 12.5³ is 12.2 Å away.
    const R = 0.5;
    const e = Math.exp(alpha * (rmin - R)) - 1;
    const expected = 0.5 * d0 * (e * e - 1);
    expect(energies[6 + 50 * (10 + 50 * 15)]).toBeCloseTo(expected, 3);
    expect(Math.abs(energies[6 + 50 * (10 + 50 * 15)]! - expected) / expected).toBeLessThan(1e-6);
    // Point (26, 25, 25) = (13, 12.5, 12.5): 0.5 Å from P (weight 0.5), S at 12.3 Å (beyond the cutoff).
    const coul = 0.5 * (k / 0.5) * erfcSeries(0.5 / screen);
    expect(Math.abs(energies[26 + 50 * (25 + 50 * 25)]! - coul) / coul).toBeLessThan(1e-6);
    // A point 4 Å from S, in the tabulated region: (6.5, 5, 7.5) Å -> i = 13.
    const R2 = 4;
    const e2 = Math.exp(alpha * (rmin - R2)) - 1;
    const p2 = [6.5, 5, 7.5];
    const rP = Math.hypot(p2[0]! - 12.5, p2[1]! - 12.5, p2[2]! - 12.5);
    expect(rP).toBeGreaterThan(10); // the P ion is outside the cutoff: Morse term only
    const expected2 = 0.5 * d0 * (e2 * e2 - 1);
    expect(Math.abs(energies[13 + 50 * (10 + 50 * 15)]! - expected2)).toBeLessThan(1e-6);
    expect(pairs).toBe(directGrid(fw, grid).pairs);
  });

  it('random frameworks: triclinic, cells smaller than rc, 1–250 atoms, fractional weights', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 250 }), fc.boolean(), (seed, atoms, small) => {
        const fw = framework(seed, small ? Math.min(atoms, 12) : atoms, small);
        const r = rng(seed + 1);
        // Keep the direct sum affordable: ~500 points, sizes that are mostly not multiples of BLOCK.
        const grid = { nx: 4 + Math.floor(r() * 12), ny: 3 + Math.floor(r() * 10), nz: 2 + Math.floor(r() * 8) };
        const got = gridInProcess(fw, grid);
        const ref = expectClose(fw, grid, got.energies, got.tableMaxError);
        expect(got.pairs).toBe(ref.pairs);
      }),
      { numRuns: 12, seed: 20261125 },
    );
  });

  it('matches the project reference energyAtFrac (src/bvse/reference.ts) on a triclinic cell', () => {
    const fw = framework(99, 60, false);
    const grid = { nx: 11, ny: 9, nz: 13 };
    const got = gridInProcess(fw, grid);
    const pts: number[] = [];
    for (let k = 0; k < grid.nz; k++) for (let j = 0; j < grid.ny; j++) for (let i = 0; i < grid.nx; i++) pts.push(i / grid.nx, j / grid.ny, k / grid.nz);
    const ref = energyAtFrac(fw, pts);
    let maxE = 0;
    for (const e of ref) maxE = Math.max(maxE, Math.abs(e));
    let worst = 0;
    for (let x = 0; x < ref.length; x++) worst = Math.max(worst, Math.abs(got.energies[x]! - ref[x]!) / Math.max(Math.abs(ref[x]!), 1e-3 * maxE));
    expect(worst).toBeLessThan(1e-5);
  });

  it('a cutoff shorter than the table segments (rc = 1.5 Å) and an empty framework', () => {
    const fw = framework(5, 40, false, 1.5);
    const grid = { nx: 17, ny: 9, nz: 10 };
    const got = gridInProcess(fw, grid);
    expectClose(fw, grid, got.energies, got.tableMaxError);
    const empty: Framework = { ...fw, atoms: { frac: new Float64Array(0), type: new Uint32Array(0), weight: new Float64Array(0) } };
    const none = gridInProcess(empty, grid);
    expect(none.pairs).toBe(0);
    expect(Array.from(none.energies).every((v) => v === 0)).toBe(true);
  });

  it('every point is written (poisoned output), each block writes exactly its own points', () => {
    const fw = framework(8, 30, false);
    const grid = { nx: 2 * BLOCK + 3, ny: BLOCK, nz: 1 }; // partial blocks along x, exactly one along y, thin z
    const prep = prepareCells(fw, grid);
    const out = new Float32Array(grid.nx * grid.ny * grid.nz).fill(NaN);
    const owner = new Int32Array(out.length).fill(-1);
    for (let b = 0; b < blockCount(grid); b++) {
      const before = out.map((v) => (Number.isNaN(v) ? 0 : 1));
      computeBlock(prep, grid, b, out);
      for (let x = 0; x < out.length; x++)
        if (!before[x] && !Number.isNaN(out[x]!)) {
          expect(owner[x]).toBe(-1);
          owner[x] = b;
        }
    }
    expect(Array.from(out).every((v) => Number.isFinite(v))).toBe(true);
    expect(blockCount(grid)).toBe(3);
    // Point (i, j, k) belongs to block floor(i/BLOCK) (+ …): x-fastest block numbering.
    for (let i = 0; i < grid.nx; i++) expect(owner[i]).toBe(Math.floor(i / BLOCK));
    expect(() => computeBlock(prep, grid, 3, out)).toThrow(RangeError);
  });
});

describe('createCpuBackend', () => {
  const backends = [1, 2, 3].map((threads) => createCpuBackend({ threads }));
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.dispose()));
  });

  it('is bit-for-bit deterministic across thread counts and matches the in-process kernel', async () => {
    const fw = framework(1234, 40, false);
    const grid = { nx: 19, ny: 13, nz: 11 }; // partial blocks on every axis
    const results = [];
    for (const b of backends) results.push(await b.computeGrid(fw, grid));
    const local = gridInProcess(fw, grid);
    for (const r of results) {
      expect(r.energies).toBeInstanceOf(Float32Array);
      expect(r.energies.length).toBe(grid.nx * grid.ny * grid.nz);
      expect(Buffer.from(r.energies.buffer).equals(Buffer.from(local.energies.buffer))).toBe(true);
      expect(r.pairTerms).toBe(local.pairs);
      expect(r.timingsMs.compute).toBeGreaterThanOrEqual(0);
    }
    expect(backends.map((b) => b.name)).toEqual(['cpu', 'cpu', 'cpu']);
    expect(backends[1]!.description).toBe('cpu: 2 threads');
  });

  it('runs several grids on one pool, queued, and stays exact', async () => {
    const be = backends[1]!;
    const a = framework(77, 50, true);
    const b = framework(78, 120, false);
    const ga = { nx: 9, ny: 10, nz: 11 },
      gb = { nx: 8, ny: 8, nz: 8 };
    const [ra, rb] = await Promise.all([be.computeGrid(a, ga), be.computeGrid(b, gb)]);
    expect(Buffer.from(ra.energies.buffer).equals(Buffer.from(gridInProcess(a, ga).energies.buffer))).toBe(true);
    expect(Buffer.from(rb.energies.buffer).equals(Buffer.from(gridInProcess(b, gb).energies.buffer))).toBe(true);
  });

  it('rejects bad options and grids', async () => {
    expect(() => createCpuBackend({ threads: 0 })).toThrow(UsageError);
    await expect(backends[0]!.computeGrid(framework(1, 3, false), { nx: 0, ny: 2, nz: 2 })).rejects.toThrow(RangeError);
  });
});

const LI3PS4 = BETA_LI3PS4;

describe('a real structure (fixtures/db: beta-Li3PS4)', () => {
  it('the 2-thread grid of beta-Li3PS4 (0.4 Å) matches energyAtFrac at 400 grid points', async () => {
    const { readStructureFile } = await import('../../src/structure/read.js');
    const { assignOxidationStates } = await import('../../src/bvse/oxidation/assign.js');
    const { buildFramework } = await import('../../src/bvse/build-framework.js');
    const { gridForResolution } = await import('../../src/grid/index.js');
    const [first] = await readStructureFile(LI3PS4);
    const fw = buildFramework(assignOxidationStates(first!.structure!).structure, { ion: 'Li' });
    const lattice = new Lattice(fw.lattice);
    const p = lattice.parameters;
    const grid = gridForResolution([p.a, p.b, p.c], 0.4);
    const be = createCpuBackend({ threads: 2 });
    try {
      const res = await be.computeGrid(fw, grid);
      const r = rng(5);
      const idx = Array.from({ length: 400 }, () => Math.floor(r() * res.energies.length));
      const pts = idx.flatMap((x) => {
        const i = x % grid.nx,
          j = Math.floor(x / grid.nx) % grid.ny,
          k = Math.floor(x / (grid.nx * grid.ny));
        return [i / grid.nx, j / grid.ny, k / grid.nz];
      });
      const ref = energyAtFrac(fw, pts);
      let maxE = 0;
      for (const e of res.energies) maxE = Math.max(maxE, Math.abs(e));
      idx.forEach((x, n) => {
        const diff = Math.abs(res.energies[x]! - ref[n]!);
        expect(diff / Math.max(Math.abs(ref[n]!), 1e-3 * maxE)).toBeLessThan(1e-5);
      });
      expect(res.pairTerms / res.energies.length).toBeGreaterThan(50); // ~130 framework ions within 10 Å
    } finally {
      await be.dispose();
    }
  });
});

/** erfc by its Taylor series (independent of src/bvse/pair.ts), fine for x < 2. */
function erfcSeries(x: number): number {
  let sum = 0,
    term = x;
  for (let n = 0; n < 80; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
  }
  return 1 - (2 / Math.sqrt(Math.PI)) * sum;
}
