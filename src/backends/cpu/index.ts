// The CPU energy backend in Node: the one CPU driver (driver.ts) on worker threads, or in the calling thread with
// threads = 1. The result is bit-for-bit the same for any thread count. The browser build (build-web.mjs) replaces
// this module by src/web/cpu-backend-browser.ts (Web Workers), which must export the same names.
import { availableParallelism } from 'node:os';
import { createCpuDriver, type CpuBackend } from './driver.js';
import { NodeWorkerHost } from './pool.js';
import { UsageError } from '../../errors.js';

export type { CpuBackend } from './driver.js';

export interface CpuBackendOptions {
  /** Worker threads; default os.availableParallelism(). 1 computes in the calling thread. */
  threads?: number;
}

/** More worker threads than any machine has cores for. */
export const MAX_THREADS = 1024;

export function createCpuBackend(opts: CpuBackendOptions = {}): CpuBackend {
  const threads = opts.threads ?? availableParallelism();
  // The same typed error as the CLI's --threads; a billion threads would try to start a billion workers.
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new UsageError(`threads must be a whole number from 1 to ${MAX_THREADS}, got ${JSON.stringify(threads)}`);
  }
  return createCpuDriver(threads > 1 ? new NodeWorkerHost(threads) : null);
}
