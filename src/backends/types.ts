// The energy-backend interface. CPU and WebGPU implement it; the CPU one is the reference.
import type { Framework } from '../bvse/framework.js';

/**
 * A periodic grid over the unit cell: point (i, j, k) sits at fractional (i/nx, j/ny, k/nz)
 * (no duplicated face planes). Flat index = i + nx·(j + ny·k): x varies fastest.
 */
export interface GridSpec {
  nx: number;
  ny: number;
  nz: number;
}

/** n = ceil(length / resolution) along each lattice vector (at least 1). */
export function gridForResolution(lengths: readonly [number, number, number], resolution: number): GridSpec {
  if (!(resolution > 0)) throw new RangeError(`grid resolution must be positive, got ${resolution}`);
  const n = lengths.map((l) => Math.max(1, Math.ceil(l / resolution - 1e-9)));
  return { nx: n[0]!, ny: n[1]!, nz: n[2]! };
}

export function gridPointCount(g: GridSpec): number {
  return g.nx * g.ny * g.nz;
}

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

/** Throws a RangeError unless every grid dimension is a positive integer. */
export function assertGridSpec(grid: GridSpec): void {
  for (const n of [grid.nx, grid.ny, grid.nz])
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`grid dimensions must be positive integers, got ${grid.nx}×${grid.ny}×${grid.nz}`);
}
