// The energy-backend interface. CPU and WebGPU implement it; the CPU one is the reference.
import type { Framework } from '../bvse/framework.js';
import type { GridSpec } from '../grid/index.js';

// Grid geometry moved to src/grid; re-exported so existing backend and worker imports keep working.
export { gridForResolution, gridPointCount, assertGridSpec, type GridSpec } from '../grid/index.js';

export interface GridResult {
  /** Energies in eV, length nx·ny·nz, x fastest. */
  energies: Float32Array;
  /** Number of (grid point, framework atom) pairs with R < cutoff that were evaluated (for pairs/s). */
  pairTerms: number;
  /** Wall-clock milliseconds by phase (e.g. setup, compute, readback). */
  timingsMs: Record<string, number>;
}

export interface EnergyBackend {
  /** 'cpu' or 'webgpu'. */
  readonly name: string;
  /** Human-readable device description, e.g. "cpu: 2 threads" or "webgpu: llvmpipe (Mesa 25.0.7)". */
  readonly description: string;
  computeGrid(fw: Framework, grid: GridSpec): Promise<GridResult>;
  dispose(): Promise<void>;
}
