// Messages between the page and the CPU fallback's Web Worker (cpu-worker.ts).
import type { PreparedFramework } from '../backends/cpu/kernel.js';
import type { GridSpec } from '../backends/types.js';

export interface CpuWorkerJob {
  id: number;
  prep: PreparedFramework;
  grid: GridSpec;
  /** Block indices (kernel.ts) this worker computes. */
  blocks: Int32Array;
}

export type CpuWorkerReply =
  | { id: number; ok: true; energies: Float32Array; pairTerms: number; ms: number }
  | { id: number; ok: false; message: string };
