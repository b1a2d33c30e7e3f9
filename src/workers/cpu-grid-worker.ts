// Worker-thread entry of the CPU grid backend (bundled to dist/workers/cpu-grid-worker.js).
// Each job: claim block indices from a shared counter until none are left, write the energies into the
// shared output, and report how many pair terms were summed. Which worker computes which block does not
// change any result (blocks are independent and fixed), so the output is the same for any thread count.
import { parentPort } from 'node:worker_threads';
import { computeBlock, type PreparedFramework } from '../backends/cpu/kernel.js';
import type { GridSpec } from '../backends/types.js';

export interface CpuGridJob {
  jobId: number;
  prep: PreparedFramework;
  grid: GridSpec;
  /** Float32 energies, nx·ny·nz. */
  output: SharedArrayBuffer;
  /** Int32 [next block to claim]. */
  counter: SharedArrayBuffer;
  blocks: number;
}

export type CpuGridReply = { jobId: number; pairTerms: number; blocksDone: number } | { jobId: number; error: string };

if (!parentPort) throw new Error('cpu-grid-worker must run as a worker thread');
const port = parentPort;

port.on('message', (job: CpuGridJob) => {
  try {
    const out = new Float32Array(job.output);
    const next = new Int32Array(job.counter);
    let pairTerms = 0;
    let blocksDone = 0;
    for (;;) {
      const b = Atomics.add(next, 0, 1);
      if (b >= job.blocks) break;
      pairTerms += computeBlock(job.prep, job.grid, b, out);
      blocksDone++;
    }
    port.postMessage({ jobId: job.jobId, pairTerms, blocksDone } satisfies CpuGridReply);
  } catch (err) {
    port.postMessage({ jobId: job.jobId, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies CpuGridReply);
  }
});
