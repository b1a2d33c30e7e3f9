// WebGPU point sets: bricks give the bits the whole grid gives those points (only the tile rows they touch are
// computed), and adaptive refinement on WebGPU bricks equals the WebGPU uniform grid. Needs an adapter: with CI=true
// a missing one fails.
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWebGpuBackend } from '../../src/backends/webgpu/index.js';
import { createCpuBackend } from '../../src/backends/cpu/index.js';
import { percolate } from '../../src/percolation/index.js';
import { refineThresholds } from '../../src/refine/adaptive.js';
import { rng } from '../helpers/random.js';
import { IN_CI, probeAdapter } from './gpu-helpers.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { frameworkOf } from '../helpers/structures.js';

const probe = await probeAdapter();
const RUN_GPU = probe.ok || IN_CI;
if (!RUN_GPU) console.warn(`webgpu brick tests skipped: no WebGPU adapter (${probe.reason})`);

describe.runIf(RUN_GPU)('webgpu bricks', () => {
  const cpu = createCpuBackend({ threads: 2 });
  afterAll(() => cpu.dispose());

  const framework = (file: string) => frameworkOf(path.join(FIXTURES, file));

  it('give the bits of the whole grid, clipped at the grid edge, from the tile rows they touch', async () => {
    const gpu = await createWebGpuBackend();
    try {
      const fw = await framework('Li4P2O7_triclinic.cif');
      const grid = { nx: 30, ny: 23, nz: 41 };
      const whole = await gpu.computeGrid(fw, grid);
      const r = rng(5);
      const bricks: number[] = [];
      for (let b = 0; b < 12; b++) bricks.push(4 * Math.floor(r() * 8), 4 * Math.floor(r() * 6), 4 * Math.floor(r() * 11));
      const got = await gpu.computeBricks!(fw, grid, Int32Array.from(bricks));
      let compared = 0;
      for (let b = 0; b < bricks.length / 3; b++)
        for (let z = 0; z < 4; z++)
          for (let y = 0; y < 4; y++)
            for (let x = 0; x < 4; x++) {
              const i = bricks[3 * b]! + x,
                j = bricks[3 * b + 1]! + y,
                k = bricks[3 * b + 2]! + z;
              const v = got.energies[64 * b + x + 4 * (y + 4 * z)]!;
              if (i >= grid.nx || j >= grid.ny || k >= grid.nz) expect(v).toBeNaN();
              else {
                expect(v).toBe(whole.energies[i + grid.nx * (j + grid.ny * k)]!);
                compared++;
              }
            }
      expect(compared).toBeGreaterThan(300);
    } finally {
      await gpu.dispose();
    }
  });

  it('adaptive refinement on WebGPU energies equals the WebGPU uniform grid', async () => {
    const gpu = await createWebGpuBackend();
    try {
      const fw = await framework('Li2S_antifluorite.cif');
      const r = await refineThresholds(fw, { resolution: 0.12, coarsest: 0.48, backend: gpu, cpu });
      const g = await gpu.computeGrid(fw, r.grid);
      const u = percolate(g.energies, r.grid, {});
      expect(r.eMin).toBe(u.eMin);
      for (const d of ['1D', '2D', '3D'] as const) expect(Math.abs(r.barriers[d]! - u.barriers[d]!)).toBeLessThanOrEqual(0.005);
      expect(r.pointsEvaluated).toBeLessThan(r.pointsUniform);
    } finally {
      await gpu.dispose();
    }
  });
});
