// The finest grid's field as a refinement knows it, for callers that write grids or trace paths (RefineResult's
// assembleGrid): exact where a fine point was evaluated, elsewhere from its leaf's corners and bounds.
import type { BrickStore } from './bricks.js';
import { roundUp32, type GridSize, type LevelBlocks } from './levels.js';

/**
 * One float per fine point, x fastest. 'interpolated': the trilinear interpolation of the leaf's corners kept within
 * its bounds (smooth, for grid files, sites and paths). 'upper': an upper bound on the same side of every threshold
 * as the true value (interpolation plus the leaf's error, at most its hi), so percolating it gives exactly the
 * refined thresholds.
 */
export function assembleFinestGrid(blocks: readonly LevelBlocks[], values: BrickStore, fine: GridSize, kind: 'interpolated' | 'upper'): Float32Array {
  const upper = kind === 'upper';
  const finest = values.finestLevel;
  const out = new Float32Array(fine[0] * fine[1] * fine[2]);
  const fill = (l: number, b: number): void => {
    const blk = blocks[l]!;
    const c = blk.child[b]!;
    if (c >= 0) {
      for (let q = 0; q < 8; q++) fill(l + 1, c + q);
      return;
    }
    const s = 1 << (finest - l); // fine points per block edge
    const I = blk.I[b]!,
      J = blk.J[b]!,
      K = blk.K[b]!;
    if (l === finest) {
      out[I + fine[0] * (J + fine[1] * K)] = values.energyAt(finest, I, J, K)!;
      return;
    }
    const n = values.levels[l]!.size;
    const e: number[] = [];
    for (let q = 0; q < 8; q++) e.push(values.energyAt(l, (I + (q & 1)) % n[0], (J + ((q >> 1) & 1)) % n[1], (K + ((q >> 2) & 1)) % n[2])!);
    const err = blk.err[b]!,
      hi = blk.hi[b]!,
      lo = blk.lo[b]!;
    for (let z = 0; z < s; z++)
      for (let y = 0; y < s; y++)
        for (let x = 0; x < s; x++) {
          const u = x / s,
            v = y / s,
            w = z / s;
          const interp =
            (1 - w) * ((1 - v) * ((1 - u) * e[0]! + u * e[1]!) + v * ((1 - u) * e[2]! + u * e[3]!)) +
            w * ((1 - v) * ((1 - u) * e[4]! + u * e[5]!) + v * ((1 - u) * e[6]! + u * e[7]!));
          const val = upper ? Math.min(interp + err, hi) : Math.min(Math.max(interp, lo), hi);
          out[I * s + x + fine[0] * (J * s + y + fine[1] * (K * s + z))] = Number.isNaN(val) ? Infinity : upper ? roundUp32(val) : val;
        }
  };
  for (let b = 0; b < blocks[0]!.count; b++) fill(0, b);
  return out;
}
