// The one CPU driver: prepares the framework, splits a piece of work (a whole grid or a list of bricks) over the
// workers of a host, and gathers the result. Node (worker threads, shared memory) and the browser (Web Workers,
// with or without shared memory) differ only in their host; with no host it computes in the calling thread.
import type { Framework } from '../../bvse/framework.js';
import { assertGridSpec, type GridSpec } from '../../grid/index.js';
import type { BackendCapabilities, BrickResult, EnergyBackend, GridResult } from '../types.js';
import { prepareCells, type PreparedFramework } from './kernel.js';
import { BRICK_MASK_WORDS, runCpuJob, workItemCount, workOutputLength, type CpuJob, type CpuReply, type CpuWork } from './protocol.js';

/** Where CPU jobs run. `run` gives job k to worker k and resolves with the replies in the same order. */
export interface CpuWorkerHost {
  readonly threads: number;
  /** e.g. "2 threads", "4 Web Workers". */
  readonly label: string;
  /** Whether jobs may carry SharedArrayBuffer output (one array all workers write into). */
  readonly sharedMemory: boolean;
  run(jobs: CpuJob[]): Promise<CpuReply[]>;
  dispose(): Promise<void>;
}

/** The CPU backend: whole grids, bricks, and any prepared table (e.g. the refinement's curvature bounds). */
export interface CpuBackend extends EnergyBackend {
  readonly threads: number;
  computeBricks(fw: Framework, grid: GridSpec, bricks: Int32Array, points?: Uint32Array): Promise<BrickResult>;
  /**
   * Evaluates `work` with a prepared framework (its tables need not be energies); values as the protocol lays them out.
   * @internal for the refinement's curvature bounds
   */
  runPrepared(prep: PreparedFramework, grid: GridSpec, work: CpuWork): Promise<{ values: Float32Array; pairTerms: number }>;
}

let nextJobId = 1;

/**
 * The CPU kernel's values differ from the float64 reference by float32 rounding and its table error (≪ 1e-5 eV;
 * kernel.ts states the bound), and its bricks cost their own points, so filling by symmetry pays.
 */
export const CPU_CAPABILITIES: BackendCapabilities = { valueTolerance: { abs: 1e-5, rel: 2e-7 }, fillsBySymmetry: true };

export function createCpuDriver(host: CpuWorkerHost | null): CpuBackend {
  const threads = host?.threads ?? 1;
  const description = host ? `cpu: ${host.label}` : 'cpu: 1 thread';
  let disposed = false;

  async function runPrepared(prep: PreparedFramework, grid: GridSpec, work: CpuWork): Promise<{ values: Float32Array; pairTerms: number }> {
    if (disposed) throw new Error('the CPU backend was disposed');
    assertGridSpec(grid);
    const items = workItemCount(grid, work);
    const length = workOutputLength(grid, work);
    const used = Math.max(1, Math.min(threads, items));
    if (!host || (used === 1 && !host.sharedMemory)) {
      const reply = host
        ? (await host.run([{ jobId: nextJobId++, prep, grid, work, output: null, counter: null, items: null }]))[0]!
        : runCpuJob({ jobId: nextJobId++, prep, grid, work, output: null, counter: null, items: null });
      if ('error' in reply) throw new Error(`CPU kernel failed: ${reply.error}`);
      return { values: reply.values!, pairTerms: reply.pairTerms };
    }
    if (host.sharedMemory) {
      const output = new SharedArrayBuffer(4 * length);
      // Poisoned: a point the kernel failed to write shows up as NaN instead of a plausible 0.
      new Float32Array(output).fill(NaN);
      const counter = new SharedArrayBuffer(4);
      const jobId = nextJobId++;
      const replies = await host.run(Array.from({ length: used }, () => ({ jobId, prep, grid, work, output, counter, items: null })));
      let pairTerms = 0;
      for (const r of replies) {
        if ('error' in r) throw new Error(`CPU kernel failed: ${r.error}`);
        pairTerms += r.pairTerms;
      }
      const values = new Float32Array(length);
      values.set(new Float32Array(output)); // a plain buffer for callers (transferable, no shared memory)
      return { values, pairTerms };
    }
    // No shared memory: round-robin items (neighbours cost about the same, so workers finish together), merge.
    const jobs: CpuJob[] = [];
    for (let k = 0; k < used; k++) {
      const mine: number[] = [];
      for (let it = k; it < items; it += used) mine.push(it);
      jobs.push({ jobId: nextJobId++, prep, grid, work, output: null, counter: null, items: Int32Array.from(mine) });
    }
    const replies = await host.run(jobs);
    const values = new Float32Array(length).fill(NaN);
    let pairTerms = 0;
    for (const r of replies) {
      if ('error' in r) throw new Error(`CPU kernel failed: ${r.error}`);
      pairTerms += r.pairTerms;
      const part = r.values!;
      for (let i = 0; i < part.length; i++) {
        const v = part[i]!;
        if (!Number.isNaN(v)) values[i] = v; // this worker's item (the others are NaN)
      }
    }
    return { values, pairTerms };
  }

  return {
    name: 'cpu',
    description,
    capabilities: CPU_CAPABILITIES,
    threads,
    runPrepared,
    async computeGrid(fw: Framework, grid: GridSpec): Promise<GridResult> {
      assertGridSpec(grid);
      const t0 = performance.now();
      const prep = prepareCells(fw, grid);
      const t1 = performance.now();
      const { values, pairTerms } = await runPrepared(prep, grid, { kind: 'grid' });
      const t2 = performance.now();
      return { energies: values, pairTerms, timingsMs: { setup: t1 - t0, compute: t2 - t1, total: t2 - t0 } };
    },
    async computeBricks(fw: Framework, grid: GridSpec, bricks: Int32Array, points?: Uint32Array): Promise<BrickResult> {
      if (points && points.length !== (bricks.length / 3) * BRICK_MASK_WORDS)
        throw new RangeError(`expected ${(bricks.length / 3) * BRICK_MASK_WORDS} point-mask words for ${bricks.length / 3} bricks, got ${points.length}`);
      const t0 = performance.now();
      const prep = prepareCells(fw, grid);
      const t1 = performance.now();
      const { values, pairTerms } = await runPrepared(prep, grid, { kind: 'bricks', bricks, ...(points ? { points } : {}) });
      const t2 = performance.now();
      return { energies: values, pairTerms, timingsMs: { setup: t1 - t0, compute: t2 - t1, total: t2 - t0 } };
    },
    async dispose(): Promise<void> {
      disposed = true; // work asked for before this still finishes (the host runs its queue out first)
      await host?.dispose();
    },
  };
}
