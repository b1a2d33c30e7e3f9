// Grid-converged percolation thresholds at coarse-grid cost (docs/refinement.md).
//
// The answer is defined as that of the uniform grid at the finest spacing (nf = n0·2^L points per axis). The cell
// is covered by blocks of an octree: a level-ℓ block holds (2^(L−ℓ))³ fine points, a level-L block is one fine
// point. Every block carries bounds lo ≤ E ≤ hi over its fine points (bounds.ts: corner values and a rigorous
// curvature bound). Percolation is monotone in the field, so the thresholds T_lo of the field "every block at its
// lo" and T_hi of "every block at its hi" bracket the fine grid's T for each dimension. A block that lies wholly
// above T_hi or wholly below T_lo cannot change connectivity at T; only the rest ("ambiguous") is refined, level by
// level, until every ambiguous block is a single fine point. Then the hi-field's thresholds ARE the fine grid's:
// replacing the values of a block that lies wholly on one side of T by its hi (≥ every value in it, and on the
// same side) changes neither the sublevel set at T nor lowers any value, so the threshold stays where it is.
//
// Leaves of different sizes are joined as the fine grid joins their points: two leaves are neighbours when a fine
// point of one is a 6- (or 18-, 26-) neighbour of a fine point of the other, with the periodic offset of that step.
//
// The parts: levels.ts (the levels' grids and octree blocks), bricks.ts (values at the levels' points, evaluated or
// filled by symmetry), bounds.ts and block-bounds.ts (a block's bounds), passes.ts (the pass loop), assemble.ts
// (the finest grid as known). This file sets them up and reports.
import type { Framework } from '../bvse/framework.js';
import type { GridSpec } from '../grid/index.js';
import { prepareCells } from '../backends/cpu/kernel.js';
import type { CpuBackend } from '../backends/cpu/driver.js';
import type { EnergyBackend } from '../backends/types.js';
import { checkConnectivity, type Connectivity } from '../percolation/grid-walk.js';
import type { PerDimension } from '../percolation/types.js';
import { gridSymmetry } from '../field-symmetry/grid.js';
import type { SymOp } from '../structure/space-group.js';
import { assembleFinestGrid } from './assemble.js';
import { boundBlock, levelGeometry } from './block-bounds.js';
import type { ValueSlack } from './bounds.js';
import { BrickStore } from './bricks.js';
import { LevelBlocks, levelSize, refinementGrids } from './levels.js';
import { refineUntilExact, type PassContext } from './passes.js';

export interface RefineOptions {
  /** Finest spacing (Å): the answer equals the uniform grid's at this spacing. */
  resolution: number;
  /** Spacing of the coarsest level (Å, default 0.2); the number of levels follows from it. */
  coarsest?: number;
  connectivity?: Connectivity;
  /** Percolation window above E_min (eV, default 10). */
  encut?: number;
  /** Energies of bricks; when it has no computeBricks, `cpu` computes them. */
  backend: EnergyBackend;
  /** CPU backend for the curvature bounds (and energies when `backend` cannot do bricks). */
  cpu: CpuBackend;
  /**
   * Space-group operations under which the framework is exactly invariant (src/field-symmetry: a symmetrized framework).
   * Bricks whose points all have known images are then filled instead of evaluated, at every level.
   */
  symmetry?: readonly SymOp[];
}

export interface RefineResult {
  /** The finest grid: its thresholds are what this returns. */
  grid: GridSpec;
  /** Levels including the coarsest (1 = a single uniform level). */
  levels: number;
  coarseGrid: GridSpec;
  eMin: number;
  /** Highest finite energy among the points evaluated (the uniform grid's E_max can only be higher). */
  eMaxEvaluated: number;
  thresholds: PerDimension<number | null>;
  barriers: PerDimension<number | null>;
  /** Energies computed (points of the bricks evaluated, padding included) and the fine grid's point count. */
  pointsEvaluated: number;
  /** Points of bricks filled from symmetric images instead of evaluated (padding included). */
  pointsFilled: number;
  pointsUniform: number;
  /** Curvature bounds computed (points). */
  boundsEvaluated: number;
  pairTerms: number;
  /** Leaves at the end, by level, and the refinement passes (each one graph, two or three sweeps). */
  leavesByLevel: number[];
  passes: number;
  timingsMs: Record<string, number>;
  /**
   * The finest grid's field as the refinement knows it, one float per fine point (only for callers that write grids
   * or trace paths). Exact where evaluated; elsewhere 'interpolated' (default) gives the trilinear interpolation of
   * the block's corners kept within its bounds: smooth, for grid files, sites and paths; 'upper' gives an upper bound
   * on the same side of every threshold as the true value, so percolating it gives exactly the refined thresholds.
   */
  assembleGrid(kind?: 'interpolated' | 'upper'): Float32Array;
}

export async function refineThresholds(fw: Framework, opts: RefineOptions): Promise<RefineResult> {
  const t0 = performance.now();
  const connectivity = checkConnectivity(opts.connectivity ?? 6);
  const encut = opts.encut ?? 10;
  const resolution = opts.resolution;
  if (!(resolution > 0)) throw new RangeError(`resolution must be positive, got ${resolution}`);
  const coarsest = Math.max(resolution, opts.coarsest ?? 0.2);
  const lattice = fw.lattice;
  const { steps: finestLevel, coarse, finest: fine } = refinementGrids(lattice, resolution, coarsest);
  const sizes = Array.from({ length: finestLevel + 1 }, (_, l) => levelSize(coarse, l));

  const prepared = prepareCells(fw);
  const evaluatesPointSets = typeof opts.backend.computeBricks === 'function';
  // The bounds' slack: the tolerance of whichever backend computes the energies.
  const slack: ValueSlack = (evaluatesPointSets ? opts.backend : opts.cpu).capabilities.valueTolerance;
  const geometry = sizes.slice(0, finestLevel).map((n) => levelGeometry(lattice, prepared, n));
  // The operations that map each level's grid onto itself (none without symmetry, or when only the identity does).
  const symmetry = sizes.map(([nx, ny, nz]) => {
    if (!opts.symmetry || opts.symmetry.length < 2) return null;
    const gs = gridSymmetry(opts.symmetry, { nx, ny, nz });
    return gs.operations.length > 1 ? gs : null;
  });
  const timings: Record<string, number> = { energy: 0, bounds: 0, symmetry: 0, graph: 0, sweep: 0 };
  const values = new BrickStore(
    { framework: fw, prepared, backend: opts.backend, cpu: opts.cpu, curvatureTables: geometry.map((g) => g.curvature.prep), symmetry, timings },
    sizes,
  );
  const blocks = sizes.map(() => new LevelBlocks());
  const ctx: PassContext = { lattice, prepared, blocks, values, geometry, slack, coarse, fine, connectivity, encut, timings };

  // Level 0: every point, every block.
  {
    const n = coarse;
    const pts = new Int32Array(3 * n[0] * n[1] * n[2]);
    let p = 0;
    for (let k = 0; k < n[2]; k++)
      for (let j = 0; j < n[1]; j++)
        for (let i = 0; i < n[0]; i++) {
          pts[p++] = i;
          pts[p++] = j;
          pts[p++] = k;
        }
    await values.ensure(0, pts, p / 3);
    blocks[0]!.reserve(n[0] * n[1] * n[2]);
    for (let k = 0; k < n[2]; k++) for (let j = 0; j < n[1]; j++) for (let i = 0; i < n[0]; i++) blocks[0]!.add(i, j, k);
    const tb = performance.now();
    for (let b = 0; b < blocks[0]!.count; b++) boundBlock(ctx, 0, b, -Infinity, Infinity);
    timings.bounds! += performance.now() - tb;
  }

  const exact = await refineUntilExact(ctx);
  const eMin = exact.eMin;
  const pick = <T>(f: (r: number) => T): PerDimension<T> => ({ '1D': f(0), '2D': f(1), '3D': f(2) });
  const thresholds = pick((r) => {
    const t = exact.thresholds[r] ?? null;
    return t !== null && t <= eMin + encut ? t : null;
  });
  timings.total = performance.now() - t0;
  return {
    grid: { nx: fine[0], ny: fine[1], nz: fine[2] },
    levels: finestLevel + 1,
    coarseGrid: { nx: coarse[0], ny: coarse[1], nz: coarse[2] },
    eMin,
    eMaxEvaluated: values.eMaxEvaluated,
    thresholds,
    barriers: pick((r) => {
      const t = thresholds[(['1D', '2D', '3D'] as const)[r]!];
      return t === null ? null : t - eMin;
    }),
    pointsEvaluated: values.pointsEvaluated,
    pointsFilled: values.pointsFilled,
    pointsUniform: fine[0] * fine[1] * fine[2],
    boundsEvaluated: values.boundsEvaluated,
    pairTerms: values.pairTerms,
    leavesByLevel: blocks.map((blk) => blk.leafCount()),
    passes: exact.passes,
    timingsMs: timings,
    assembleGrid: (kind = 'interpolated') => assembleFinestGrid(blocks, values, fine, kind),
  };
}
