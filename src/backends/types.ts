// The energy-backend interface. CPU and WebGPU implement it; the CPU one is the reference.
import type { Framework } from '../bvse/framework.js';
import type { GridSpec } from '../grid/index.js';

export interface GridResult {
  /** Energies in eV, length nx·ny·nz, x fastest. */
  energies: Float32Array;
  /** Number of (grid point, framework atom) pairs with R < cutoff that were evaluated (for pairs/s). */
  pairTerms: number;
  /** Wall-clock milliseconds by phase (e.g. setup, compute, readback). */
  timingsMs: Record<string, number>;
}

/**
 * What callers may rely on beyond computeGrid, declared by each backend (callers never branch on its name). The
 * third capability, evaluating point sets, is the presence of `computeBricks`.
 */
export interface BackendCapabilities {
  /**
   * How far a value may stray from the float64 reference: abs + rel·|E| (eV). Adaptive refinement widens its
   * bounds by it (src/refine/bounds.ts, ValueSlack).
   */
  readonly valueTolerance: { readonly abs: number; readonly rel: number };
  /**
   * Whether a grid filled by symmetry (one point per orbit through computeBricks, docs/symmetry.md) is cheaper
   * here than the whole grid: true where a brick costs its own points, false where it costs whole tile rows.
   */
  readonly fillsBySymmetry: boolean;
}

/** For a backend whose kind is not known (a proxy without its backend's declaration): the loosest assumptions. */
export const UNKNOWN_BACKEND_CAPABILITIES: BackendCapabilities = { valueTolerance: { abs: 2e-4, rel: 2e-4 }, fillsBySymmetry: false };

export interface EnergyBackend {
  /** 'cpu' or 'webgpu' (for people and records: capabilities say what it can do). */
  readonly name: string;
  /** Human-readable device description, e.g. "cpu: 2 threads" or "webgpu: llvmpipe (Mesa 25.0.7)". */
  readonly description: string;
  readonly capabilities: BackendCapabilities;
  /** True for a WebGPU backend on an adapter that rasterizes on the CPU (llvmpipe, SwiftShader): see selectBackend. */
  readonly softwareAdapter?: boolean;
  computeGrid(fw: Framework, grid: GridSpec): Promise<GridResult>;
  /**
   * Point sets for adaptive refinement: the BRICK³ (4×4×4) bricks of `grid` whose first points are
   * (bricks[3b], bricks[3b+1], bricks[3b+2]) (multiples of 4; a brick is clipped at the grid's edge). Energies
   * come back BRICK³ per brick, x fastest, with the same values (same tolerance contract) as computeGrid gives for
   * those points; slots past the grid's edge are NaN. Optional: a backend without it is refined on the CPU.
   * `points`, when given, marks the points that need values: ceil(BRICK³/32) words per brick, bit x & 31 of word
   * x >>> 5 for the point (i0 + a, j0 + b, k0 + c), x = a + BRICK·(b + BRICK·c) (OrbitPlan.points). The slots of the
   * other points may hold anything: the CPU backend skips them (NaN), WebGPU computes whole bricks anyway.
   */
  computeBricks?(fw: Framework, grid: GridSpec, bricks: Int32Array, points?: Uint32Array): Promise<BrickResult>;
  /**
   * Frees the backend's workers or device once the work asked for before it has finished (that work resolves as
   * usual); work asked for after it is refused. Calling it again does nothing. test/backends/conformance.test.ts
   * checks this, with the rest of the contract, on every backend.
   */
  dispose(): Promise<void>;
}

export interface BrickResult {
  /** BRICK³ energies per brick (eV), x fastest within a brick. */
  energies: Float32Array;
  pairTerms: number;
  timingsMs: Record<string, number>;
}
