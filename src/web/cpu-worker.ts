// The CPU fallback's Web Worker: runs the pure grid kernel (src/backends/cpu/kernel.ts) on the blocks
// it is given. Points outside those blocks stay NaN, so the page can merge the workers' arrays.
import { computeBlock } from '../backends/cpu/kernel.js';
import type { CpuWorkerJob, CpuWorkerReply } from './cpu-worker-protocol.js';

const scope = self as unknown as { onmessage: ((e: MessageEvent<CpuWorkerJob>) => void) | null; postMessage(m: CpuWorkerReply, transfer?: Transferable[]): void };

scope.onmessage = (e) => {
  const { id, prep, grid, blocks } = e.data;
  try {
    const t0 = performance.now();
    const energies = new Float32Array(grid.nx * grid.ny * grid.nz).fill(NaN);
    let pairTerms = 0;
    for (const b of blocks) pairTerms += computeBlock(prep, grid, b, energies);
    scope.postMessage({ id, ok: true, energies, pairTerms, ms: performance.now() - t0 }, [energies.buffer]);
  } catch (err) {
    scope.postMessage({ id, ok: false, message: err instanceof Error ? err.message : String(err) });
  }
};
