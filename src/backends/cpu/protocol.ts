// The one job protocol of the CPU kernel, shared by every host that runs it: Node worker threads
// (src/backends/cpu/thread-entry.ts), the browser's Web Workers (src/web/cpu-worker.ts) and the calling thread.
// PURE (no node: imports). A job is either a whole regular grid (in fixed BLOCK³ blocks) or a list of BRICK³
// bricks of a grid (the point sets that adaptive refinement asks for). Which worker computes which item never
// changes a result: items are independent and each is computed the same way wherever it runs.
import { BLOCK, blockCount, computeBlock, computeBrick, type PreparedFramework } from './kernel.js';
import { BRICK, brickMaskWords, type GridSpec } from '../../grid/index.js';

export type CpuWork =
  /** Every block of the grid; output nx·ny·nz values, x fastest. */
  | { kind: 'grid' }
  /**
   * Bricks whose first points are (bricks[3b], bricks[3b+1], bricks[3b+2]); output BRICK³ values per brick. With
   * `points` (BRICK_MASK_WORDS words per brick, as EnergyBackend.computeBricks takes them) only the marked points.
   */
  | { kind: 'bricks'; bricks: Int32Array; points?: Uint32Array };

export interface CpuJob {
  jobId: number;
  prep: PreparedFramework;
  grid: GridSpec;
  work: CpuWork;
  /**
   * Shared memory (Node, or a cross-origin-isolated page): every worker writes into `output` and claims items
   * from `counter` (Int32 [next item]). Without it (`output` null) the worker computes the items listed in
   * `items`, into its own NaN-filled array that it sends back.
   */
  output: SharedArrayBuffer | null;
  counter: SharedArrayBuffer | null;
  items: Int32Array | null;
}

export type CpuReply = { jobId: number; pairTerms: number; itemsDone: number; values: Float32Array | null } | { jobId: number; error: string };

export const BRICK_POINTS = BRICK * BRICK * BRICK;
/** Words of a brick's point mask (one bit per point of the brick). */
export const BRICK_MASK_WORDS = brickMaskWords(BRICK);

/** Number of independent items (blocks or bricks) of a piece of work. */
export function workItemCount(grid: GridSpec, work: CpuWork): number {
  return work.kind === 'grid' ? blockCount(grid) : work.bricks.length / 3;
}

/** Length of the output array of a piece of work. */
export function workOutputLength(grid: GridSpec, work: CpuWork): number {
  return work.kind === 'grid' ? grid.nx * grid.ny * grid.nz : BRICK_POINTS * workItemCount(grid, work);
}

function computeItem(prep: PreparedFramework, grid: GridSpec, work: CpuWork, item: number, out: Float32Array): number {
  if (work.kind === 'grid') return computeBlock(prep, grid, item, out);
  const b = work.bricks;
  const mask = work.points ?? null;
  return computeBrick(prep, grid, b[3 * item]!, b[3 * item + 1]!, b[3 * item + 2]!, out, BRICK_POINTS * item, mask, BRICK_MASK_WORDS * item);
}

/** Runs one job in the calling thread (the body of every worker). Never throws: errors become replies. */
export function runCpuJob(job: CpuJob): CpuReply {
  try {
    const total = workItemCount(job.grid, job.work);
    let pairTerms = 0;
    let itemsDone = 0;
    if (job.output && job.counter) {
      const out = new Float32Array(job.output);
      const next = new Int32Array(job.counter);
      for (;;) {
        const item = Atomics.add(next, 0, 1);
        if (item >= total) break;
        pairTerms += computeItem(job.prep, job.grid, job.work, item, out);
        itemsDone++;
      }
      return { jobId: job.jobId, pairTerms, itemsDone, values: null };
    }
    const out = new Float32Array(workOutputLength(job.grid, job.work)).fill(NaN);
    const items = job.items ?? Int32Array.from({ length: total }, (_, i) => i);
    for (const item of items) {
      pairTerms += computeItem(job.prep, job.grid, job.work, item, out);
      itemsDone++;
    }
    return { jobId: job.jobId, pairTerms, itemsDone, values: out };
  } catch (err) {
    return { jobId: job.jobId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

export { BRICK, BLOCK };
