// The CPU energy backend: the grid kernel (kernel.ts) on all cores through worker threads, or in-process
// with threads = 1. The result is bit-for-bit the same for any thread count.
import { availableParallelism } from 'node:os';
import type { Framework } from '../../bvse/framework.js';
import { assertGridSpec, gridPointCount, type EnergyBackend, type GridResult, type GridSpec } from '../types.js';
import { blockCount, computeBlock, prepareCells } from './kernel.js';
import { CpuGridPool } from './pool.js';

export { prepareCells, computeBlock, blockCount, type PreparedFramework } from './kernel.js';

export interface CpuBackendOptions {
  /** Worker threads; default os.availableParallelism(). 1 computes in the calling thread. */
  threads?: number;
}

export function createCpuBackend(opts: CpuBackendOptions = {}): EnergyBackend {
  const threads = opts.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  const pool = threads > 1 ? new CpuGridPool(threads) : null;
  return {
    name: 'cpu',
    description: `cpu: ${threads} thread${threads === 1 ? '' : 's'}`,
    async computeGrid(fw: Framework, grid: GridSpec): Promise<GridResult> {
      assertGridSpec(grid);
      const t0 = performance.now();
      const prep = prepareCells(fw, grid);
      const t1 = performance.now();
      const points = gridPointCount(grid);
      const blocks = blockCount(grid);
      let pairTerms = 0;
      let energies: Float32Array;
      let t2: number;
      if (pool) {
        const shared = new SharedArrayBuffer(4 * points);
        // Poisoned: a point the kernel failed to write shows up as NaN instead of a plausible 0.
        new Float32Array(shared).fill(NaN);
        pairTerms = await pool.run(prep, grid, shared, blocks);
        t2 = performance.now();
        energies = new Float32Array(points);
        energies.set(new Float32Array(shared)); // a plain buffer for callers (transferable, no shared memory)
      } else {
        energies = new Float32Array(points).fill(NaN);
        for (let b = 0; b < blocks; b++) pairTerms += computeBlock(prep, grid, b, energies);
        t2 = performance.now();
      }
      const t3 = performance.now();
      return { energies, pairTerms, timingsMs: { setup: t1 - t0, compute: t2 - t1, readback: t3 - t2, total: t3 - t0 } };
    },
    async dispose(): Promise<void> {
      await pool?.dispose();
    },
  };
}
