// Bounds lo ≤ E ≤ hi over the fine points of one octree block, from its corner values and the curvature bound of
// its level (bounds.ts derives both bounds; docs/refinement.md, step 1).
import type { PreparedFramework } from '../backends/cpu/kernel.js';
import { CURVATURE_CAP, curvatureTable, directLowerBound, type ValueSlack } from './bounds.js';
import type { BrickStore } from './bricks.js';
import type { GridSize, LevelBlocks } from './levels.js';

/** Blocks whose curvature error exceeds this (eV: an atom near) try the direct lower bound before being refined. */
export const DIRECT_BOUND_ABOVE_ERR = 3;

/** What bounding a block of one level (below the finest) needs. */
export interface LevelGeometry {
  /** Radius of a ball around any corner that covers the block (Å): its longest diagonal. */
  ballRadius: number;
  /** (h_a² + h_b² + h_c²)/8 for the block's edge lengths h (Å²): the interpolation error per unit curvature. */
  interpolationFactor: number;
  /** The kernel table that sums the curvature bound over balls of that radius, and the share past the cutoff. */
  curvature: { prep: PreparedFramework; tailBound: number };
}

export function levelGeometry(lattice: ArrayLike<number>, prepared: PreparedFramework, n: GridSize): LevelGeometry {
  const m = lattice;
  const len = [0, 1, 2].map((a) => Math.hypot(m[3 * a]!, m[3 * a + 1]!, m[3 * a + 2]!));
  const a = [0, 1, 2].map((d) => m[d]! / n[0]),
    b = [0, 1, 2].map((d) => m[3 + d]! / n[1]),
    c = [0, 1, 2].map((d) => m[6 + d]! / n[2]);
  let diag = 0;
  for (const sb of [-1, 1])
    for (const sc of [-1, 1])
      diag = Math.max(diag, Math.hypot(a[0]! + sb * b[0]! + sc * c[0]!, a[1]! + sb * b[1]! + sc * c[1]!, a[2]! + sb * b[2]! + sc * c[2]!));
  const edges2 = (len[0]! / n[0]) ** 2 + (len[1]! / n[1]) ** 2 + (len[2]! / n[2]) ** 2;
  return { ballRadius: diag, interpolationFactor: edges2 / 8, curvature: curvatureTable(prepared, diag) };
}

/** The state bounding a block reads. */
export interface BlockBoundsContext {
  lattice: ArrayLike<number>;
  prepared: PreparedFramework;
  blocks: readonly LevelBlocks[];
  values: BrickStore;
  /** Per level below the finest. */
  geometry: readonly LevelGeometry[];
  slack: ValueSlack;
}

/** Sets the bounds of block b at level l, within its parent's (all its corners must be known). */
export function boundBlock(ctx: BlockBoundsContext, l: number, b: number, parentLo: number, parentHi: number): void {
  const { values, slack } = ctx;
  const blk = ctx.blocks[l]!;
  const I = blk.I[b]!,
    J = blk.J[b]!,
    K = blk.K[b]!;
  if (l === values.finestLevel) {
    const e = values.energyAt(l, I, J, K)!;
    blk.lo[b] = e;
    blk.hi[b] = e;
    blk.err[b] = 0;
    return;
  }
  const n = values.levels[l]!.size;
  let eMin = Infinity,
    eMax = -Infinity,
    hMin = Infinity,
    finite = true;
  for (let c = 0; c < 8; c++) {
    const i = (I + (c & 1)) % n[0],
      j = (J + ((c >> 1) & 1)) % n[1],
      k = (K + ((c >> 2) & 1)) % n[2];
    const e = values.energyAt(l, i, j, k)!;
    if (!Number.isFinite(e)) finite = false;
    if (e < eMin) eMin = e;
    if (e > eMax) eMax = e;
    const hc = values.curvatureAt(l, i, j, k);
    if (hc < hMin) hMin = hc;
  }
  const g = ctx.geometry[l]!;
  // Slack for the backend's values, twice: at the corners and at the point.
  const valueSlack = slack.abs + slack.rel * Math.max(Math.abs(eMin), Math.abs(eMax));
  const err = finite && hMin < CURVATURE_CAP ? (hMin + g.curvature.tailBound) * g.interpolationFactor + valueSlack : Infinity;
  const lo = finite ? eMin - err : -Infinity;
  const hi = finite ? eMax + err : Infinity;
  blk.lo[b] = Math.max(lo, parentLo);
  blk.hi[b] = Math.min(hi, parentHi);
  blk.err[b] = err;
}

/**
 * Near an atom the curvature bound is loose or unbounded: tightens lo by bounding each pair term over the block.
 * Done only for blocks that would otherwise be refined, once per block. Returns the new lo.
 */
export function tightenLowerBound(ctx: BlockBoundsContext, l: number, b: number): number {
  const blk = ctx.blocks[l]!;
  if (blk.direct[b]) return blk.lo[b]!;
  blk.direct[b] = 1;
  const m = ctx.lattice;
  const n = ctx.values.levels[l]!.size;
  const fx = (blk.I[b]! + 0.5) / n[0],
    fy = (blk.J[b]! + 0.5) / n[1],
    fz = (blk.K[b]! + 0.5) / n[2];
  const cx = fx * m[0]! + fy * m[3]! + fz * m[6]!,
    cy = fx * m[1]! + fy * m[4]! + fz * m[7]!,
    cz = fx * m[2]! + fy * m[5]! + fz * m[8]!;
  const lo = Math.max(blk.lo[b]!, directLowerBound(ctx.prepared, cx, cy, cz, ctx.geometry[l]!.ballRadius / 2 + 1e-9, ctx.slack));
  blk.lo[b] = lo;
  return lo;
}
