// The CPU energy backend in Node: the one CPU driver (driver.ts) on worker threads, or in the calling thread with
// threads = 1. The result is bit-for-bit the same for any thread count.
import { availableParallelism } from 'node:os';
import { createCpuDriver, type CpuBackend } from './driver.js';
import { NodeWorkerHost } from './pool.js';

export { prepareCells, computeBlock, computeBrick, blockCount, BRICK, type PreparedFramework } from './kernel.js';
export type { CpuBackend } from './driver.js';

export interface CpuBackendOptions {
  /** Worker threads; default os.availableParallelism(). 1 computes in the calling thread. */
  threads?: number;
}

export function createCpuBackend(opts: CpuBackendOptions = {}): CpuBackend {
  const threads = opts.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  return createCpuDriver(threads > 1 ? new NodeWorkerHost(threads) : null);
}
