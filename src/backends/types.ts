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
  /**
   * Point sets for adaptive refinement: the BRICK³ (4×4×4) bricks of `grid` whose first points are
   * (bricks[3b], bricks[3b+1], bricks[3b+2]) (multiples of 4; a brick is clipped at the grid's edge). Energies
   * come back BRICK³ per brick, x fastest, with the same values (same tolerance contract) as computeGrid gives for
   * those points; slots past the grid's edge are NaN. Optional: a backend without it is refined on the CPU.
   */
  computeBricks?(fw: Framework, grid: GridSpec, bricks: Int32Array): Promise<BrickResult>;
  dispose(): Promise<void>;
}

export interface BrickResult {
  /** BRICK³ energies per brick (eV), x fastest within a brick. */
  energies: Float32Array;
  pairTerms: number;
  timingsMs: Record<string, number>;
}
