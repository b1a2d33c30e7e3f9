// The contract every energy backend keeps (src/backends/types.ts), checked on each of them the same way: grid
// energies against the float64 direct sum, within the tolerance the backend declares (capabilities.valueTolerance)
// and within the float32 bound derived in gpu-helpers.ts; bricks, for a backend that evaluates point sets; the same
// bits for the same input; and disposal. A new backend is one more entry in BACKENDS. The backends' own suites
// (cpu-grid, webgpu*) cover what only they have (pair tables, thread counts, tiling, device loss).
// The CPU always runs; WebGPU needs an adapter (lavapipe will do): with CI=true a missing one fails, elsewhere its
// half skips and says why.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Framework } from '../../src/bvse/framework.js';
import { createCpuBackend } from '../../src/backends/cpu/index.js';
import type { EnergyBackend } from '../../src/backends/types.js';
import { createWebGpuBackend } from '../../src/backends/webgpu/index.js';
import { BRICK, gridForResolution, type GridSpec } from '../../src/grid/index.js';
import { Lattice } from '../../src/structure/lattice.js';
import { GOOD_CIFS } from '../helpers/fixtures.js';
import { structureOf } from '../helpers/structures.js';
import { randomFramework, rng, type RandomFrameworkSpec } from '../helpers/random.js';
import {
  compareToReference,
  countNaN,
  directSum,
  HAVE_SHARED,
  IN_CI,
  probeAdapter,
  samplePoints,
  SHARED,
  tileDiagonal,
  type Reference,
} from './gpu-helpers.js';

const probe = await probeAdapter();
// In CI the GPU half always runs, so that a missing adapter is a failure, never a silent skip.
const RUN_GPU = probe.ok || IN_CI;
const GPU_SKIP_NOTE = probe.ok ? '' : ` (SKIPPED: no WebGPU adapter: ${probe.reason}; set CI=true to make this a failure)`;
if (!RUN_GPU) console.warn(`webgpu conformance skipped: no WebGPU adapter (${probe.reason})`);

interface BackendCase {
  name: string;
  /** Why it cannot run here ('' when it can). */
  skip: string;
  make: () => Promise<EnergyBackend> | EnergyBackend;
}
const BACKENDS: BackendCase[] = [
  { name: 'cpu', skip: '', make: () => createCpuBackend({ threads: 2 }) },
  { name: 'webgpu', skip: RUN_GPU ? '' : GPU_SKIP_NOTE, make: () => createWebGpuBackend({ poisonOutput: true, onWarning: () => {} }) },
];

const RANDOM_CASES: { name: string; spec: RandomFrameworkSpec; grid: GridSpec }[] = [
  {
    name: 'triclinic, 200+ atoms, cation mobile (Morse + Coulomb), partial occupancies',
    spec: { seed: 1, lengths: [7, 10], angles: [65, 115], atoms: 210, mobile: 'cation', partial: 0.3 },
    grid: { nx: 21, ny: 18, nz: 15 },
  },
  {
    name: 'cell much smaller than the cutoff, anion mobile',
    spec: { seed: 2, lengths: [2.8, 4.2], angles: [70, 110], atoms: 4, mobile: 'anion' },
    grid: { nx: 13, ny: 11, nz: 9 },
  },
  {
    name: 'strongly skewed cell, grid sizes prime',
    spec: { seed: 3, lengths: [5, 8], angles: [35, 145], atoms: 30, mobile: 'cation' },
    grid: { nx: 17, ny: 11, nz: 23 },
  },
  {
    name: 'anion mobile, 200+ atoms',
    spec: { seed: 4, lengths: [8, 11], angles: [80, 100], atoms: 220, mobile: 'anion', partial: 0.5 },
    grid: { nx: 10, ny: 13, nz: 7 },
  },
  {
    name: 'pair types drawn over the tables, a short cutoff',
    spec: { seed: 6, lengths: [4, 9], angles: [60, 120], atoms: 40, pairs: 'drawn', minVolumeFraction: 0.3, partial: 0.5, cutoff: 6 },
    grid: { nx: 12, ny: 9, nz: 14 },
  },
  {
    name: 'grid smaller than one tile or block',
    spec: { seed: 5, lengths: [4, 6], angles: [75, 105], atoms: 8, mobile: 'cation' },
    grid: { nx: 1, ny: 2, nz: 3 },
  },
];

/** Points where |E − E_ref| exceeds the backend's declared abs + rel·|E_ref|, with the worst one. */
function outsideDeclared(energies: Float32Array, ref: Reference, tol: EnergyBackend['capabilities']['valueTolerance']) {
  let count = 0;
  let worst = { excess: 0, text: '' };
  for (let q = 0; q < ref.points.length; q++) {
    const want = ref.energy[q]!;
    if (!Number.isFinite(want)) continue; // a partner on the point: the float32-bound check decides what may come back
    const got = energies[ref.points[q]!]!;
    const allowed = tol.abs + tol.rel * Math.abs(want);
    const diff = Math.abs(got - want);
    if (!(diff <= allowed)) {
      count++;
      if (!(diff / allowed <= worst.excess))
        worst = { excess: diff / allowed, text: `point ${ref.points[q]}: got ${got}, want ${want}, allowed ±${allowed.toExponential(2)}` };
    }
  }
  return { count, worst: worst.text };
}

/** Energies must be bits: Float32Array equality through their bytes (NaN equals NaN, -0 differs from 0). */
const sameBits = (a: Float32Array, b: Float32Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe.each(BACKENDS)('$name backend keeps the backend contract', ({ name, skip, make }) => {
  let backend: EnergyBackend;
  beforeAll(async () => {
    if (!skip) backend = await make();
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  describe.skipIf(!!skip)(`grids, bricks, determinism${skip}`, () => {
    it('declares its capabilities', () => {
      expect(backend.name).toBe(name);
      expect(backend.description).toMatch(new RegExp(`^${name}: .+`));
      const { abs, rel } = backend.capabilities.valueTolerance;
      for (const v of [abs, rel]) {
        expect(Number.isFinite(v) && v >= 0).toBe(true);
        expect(v).toBeLessThan(1e-3); // looser would blur barriers that screens compare at 0.01 eV
      }
      expect(typeof backend.capabilities.fillsBySymmetry).toBe('boolean');
      // Filling by symmetry evaluates one point per orbit: only a backend that evaluates point sets can.
      if (backend.capabilities.fillsBySymmetry) expect(typeof backend.computeBricks).toBe('function');
    });

    it.each(RANDOM_CASES)('random framework: $name', async ({ spec, grid }) => {
      const fw = randomFramework(spec);
      const result = await backend.computeGrid(fw, grid);
      expect(result.energies).toBeInstanceOf(Float32Array);
      expect(result.energies.length).toBe(grid.nx * grid.ny * grid.nz);
      expect(countNaN(result.energies), 'points never written').toBe(0);
      const ref = directSum(fw, grid, tileDiagonal(fw, grid));
      const declared = outsideDeclared(result.energies, ref, backend.capabilities.valueTolerance);
      expect(declared.count, `points outside the declared valueTolerance; worst ${declared.worst}`).toBe(0);
      const cmp = compareToReference(result.energies, ref, grid, `${name}: seed ${spec.seed}`);
      expect(cmp.ok, cmp.report).toBe(true);
      // Pair counts may differ only by pairs whose distance rounds across the cutoff in float32.
      expect(ref.pairTerms).toBeGreaterThan(0);
      expect(Math.abs(result.pairTerms - ref.pairTerms)).toBeLessThanOrEqual(Math.max(2, ref.pairTerms * 1e-6));
      for (const [phase, ms] of Object.entries(result.timingsMs)) expect(ms, phase).toBeGreaterThanOrEqual(0);
    });

    it('bricks: the bits of the whole grid at their points, NaN past the grid edge', async () => {
      if (!backend.computeBricks) {
        // Without point sets the refinement evaluates on the CPU; such a backend must not claim to fill by symmetry.
        expect(backend.capabilities.fillsBySymmetry).toBe(false);
        return;
      }
      const fw = randomFramework({ seed: 7, lengths: [6, 9], angles: [65, 115], atoms: 50, partial: 0.3 });
      const grid = { nx: 18, ny: 13, nz: 10 }; // no edge a multiple of BRICK: the last bricks are clipped
      const whole = await backend.computeGrid(fw, grid);
      const r = rng(8);
      const starts = (n: number) => BRICK * Math.floor(r() * Math.ceil(n / BRICK));
      const bricks: number[] = [16, 12, 8]; // the far corner brick: clipped on every axis
      for (let b = 0; b < 11; b++) bricks.push(starts(grid.nx), starts(grid.ny), starts(grid.nz));
      const got = await backend.computeBricks(fw, grid, Int32Array.from(bricks));
      const per = BRICK ** 3;
      expect(got.energies.length).toBe(per * (bricks.length / 3));
      expect(got.pairTerms).toBeGreaterThan(0);
      let inside = 0;
      let outside = 0;
      for (let b = 0; b < bricks.length / 3; b++)
        for (let z = 0; z < BRICK; z++)
          for (let y = 0; y < BRICK; y++)
            for (let x = 0; x < BRICK; x++) {
              const [i, j, k] = [bricks[3 * b]! + x, bricks[3 * b + 1]! + y, bricks[3 * b + 2]! + z];
              const v = got.energies[per * b + x + BRICK * (y + BRICK * z)]!;
              if (i >= grid.nx || j >= grid.ny || k >= grid.nz) {
                expect(v).toBeNaN();
                outside++;
              } else {
                expect(Object.is(v, whole.energies[i + grid.nx * (j + grid.ny * k)]!), `brick ${b} point (${i}, ${j}, ${k})`).toBe(true);
                inside++;
              }
            }
      expect(inside).toBeGreaterThan(300);
      expect(outside).toBeGreaterThan(0);
    });

    it('gives the same bits for the same input, also with two grids asked for at once', async () => {
      const a = randomFramework({ seed: 9, lengths: [5, 8], angles: [70, 110], atoms: 30, partial: 0.3 });
      const b = randomFramework({ seed: 10, lengths: [3, 5], angles: [80, 100], atoms: 6, mobile: 'anion' });
      const ga = { nx: 11, ny: 9, nz: 13 };
      const gb = { nx: 7, ny: 8, nz: 6 };
      const first = await backend.computeGrid(a, ga);
      const second = await backend.computeGrid(b, gb);
      const [againA, againB] = await Promise.all([backend.computeGrid(a, ga), backend.computeGrid(b, gb)]);
      expect(sameBits(againA.energies, first.energies)).toBe(true);
      expect(sameBits(againB.energies, second.energies)).toBe(true);
      expect(againA.pairTerms).toBe(first.pairTerms);
    });

    // The project's fixtures always; the named files of ../shared too when it is present.
    const NAMED = path.join(SHARED, 'cif/named');
    it('every fixture structure, and shared/cif/named when present (0.3 Å, sampled points)', async () => {
      const { assignOxidationStates } = await import('../../src/bvse/oxidation/assign.js');
      const { buildFramework } = await import('../../src/bvse/build-framework.js');
      const named =
        HAVE_SHARED && existsSync(NAMED)
          ? readdirSync(NAMED)
              .filter((f) => f.endsWith('.cif'))
              .sort()
              .map((f) => path.join(NAMED, f))
          : [];
      const files = [...GOOD_CIFS, ...named];
      const done: string[] = [];
      const skipped: string[] = [];
      for (const file of files) {
        let fw: Framework;
        try {
          const withOxi = assignOxidationStates(await structureOf(file)).structure;
          const elements = new Set(withOxi.sites.flatMap((site) => site.species.map((sp) => sp.element)));
          const ion = ['Li', 'Na', 'Ag', 'Cu', 'K', 'Mg', 'Cs'].find((el) => elements.has(el));
          if (!ion) throw new Error('no mobile cation');
          fw = buildFramework(withOxi, { ion });
        } catch (e) {
          skipped.push(`${file}: ${(e as Error).message}`);
          continue;
        }
        const p = new Lattice(fw.lattice).parameters;
        const grid = gridForResolution([p.a, p.b, p.c], 0.3);
        const result = await backend.computeGrid(fw, grid);
        expect(countNaN(result.energies), `${file}: points never written`).toBe(0);
        const ref = directSum(fw, grid, tileDiagonal(fw, grid), samplePoints(grid, 300));
        const declared = outsideDeclared(result.energies, ref, backend.capabilities.valueTolerance);
        expect(declared.count, `${file}: points outside the declared valueTolerance; worst ${declared.worst}`).toBe(0);
        const cmp = compareToReference(result.energies, ref, grid, `${name} ${file}`);
        expect(cmp.ok, cmp.report).toBe(true);
        done.push(file);
      }
      if (skipped.length) console.log(`${name}: files not usable: ${skipped.join('; ')}`);
      expect(done.length).toBeGreaterThanOrEqual(Math.min(10, files.length / 2));
    }, 600_000);
  });

  describe.skipIf(!!skip)(`disposal${skip}`, () => {
    it('finishes the work asked for before dispose, refuses work after it, and may be called twice', async () => {
      const own = await make();
      const fw = randomFramework({ seed: 12, lengths: [5, 7], angles: [75, 105], atoms: 20 });
      const grid = { nx: 9, ny: 8, nz: 7 };
      const reference = await backend.computeGrid(fw, grid);
      const pending = own.computeGrid(fw, grid);
      const disposed = own.dispose();
      const result = await pending;
      await disposed;
      expect(sameBits(result.energies, reference.energies)).toBe(true);
      await expect(own.computeGrid(fw, grid)).rejects.toThrow(/disposed/);
      if (own.computeBricks) await expect(own.computeBricks(fw, grid, Int32Array.from([0, 0, 0]))).rejects.toThrow(/disposed/);
      await expect(own.dispose()).resolves.toBeUndefined();
    });
  });
});
