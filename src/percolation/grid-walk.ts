// Neighbour stepping on the periodic grid shared by the path and site searches.
// Directions come in opposite pairs (d ^ 1 reverses d); the first six are +x, −x, +y, −y, +z, −z.
import { gridPointFrac, gridPointCount, type GridSpec } from '../grid/index.js';

export type Connectivity = 6 | 18 | 26;

/**
 * Neighbour offsets for 6 (faces), 18 (faces and edges) or 26 (faces, edges, corners) connectivity,
 * in opposite pairs so that direction d ^ 1 is the reverse of d. The first six are always ±x, ±y, ±z.
 */
export function neighbourOffsets(connectivity: Connectivity): Int8Array {
  const out: number[] = [1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1];
  if (connectivity !== 6) {
    for (let dk = -1; dk <= 1; dk++)
      for (let dj = -1; dj <= 1; dj++)
        for (let di = -1; di <= 1; di++) {
          const nonzero = (di !== 0 ? 1 : 0) + (dj !== 0 ? 1 : 0) + (dk !== 0 ? 1 : 0);
          if (nonzero < 2 || (nonzero === 3 && connectivity === 18)) continue;
          // Keep one of each ± pair (the lexicographically positive one), then add its reverse.
          const first = di !== 0 ? di : dj !== 0 ? dj : dk;
          if (first < 0) continue;
          out.push(di, dj, dk, -di, -dj, -dk);
        }
  }
  return Int8Array.from(out);
}

export function checkConnectivity(c: number): Connectivity {
  if (c !== 6 && c !== 18 && c !== 26) throw new RangeError(`connectivity must be 6, 18 or 26, got ${c}`);
  return c;
}

export class GridWalker {
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  readonly n: number;
  /** Number of directions; d ^ 1 reverses direction d. */
  readonly directions: number;
  private readonly offsets: Int8Array;
  /** Set by step(): the cell shift of the neighbour's copy (−1, 0 or +1 per axis). */
  wx = 0;
  wy = 0;
  wz = 0;

  constructor(grid: GridSpec, connectivity: Connectivity = 6) {
    this.nx = grid.nx;
    this.ny = grid.ny;
    this.nz = grid.nz;
    this.n = gridPointCount(grid);
    this.offsets = neighbourOffsets(connectivity);
    this.directions = this.offsets.length / 3;
  }

  /** Neighbour of p in direction d; the wrap is left in wx, wy, wz. */
  step(p: number, d: number): number {
    const { nx, ny, nz } = this;
    const i = p % nx;
    const jk = (p - i) / nx;
    const j = jk % ny;
    const k = (jk - j) / ny;
    let ii = i + this.offsets[3 * d]!;
    let jj = j + this.offsets[3 * d + 1]!;
    let kk = k + this.offsets[3 * d + 2]!;
    this.wx = ii < 0 ? -1 : ii >= nx ? 1 : 0;
    this.wy = jj < 0 ? -1 : jj >= ny ? 1 : 0;
    this.wz = kk < 0 ? -1 : kk >= nz ? 1 : 0;
    ii -= this.wx * nx;
    jj -= this.wy * ny;
    kk -= this.wz * nz;
    return ii + nx * (jj + ny * kk);
  }

  /** Fractional coordinates of p's copy in cell (cx, cy, cz). */
  frac(p: number, cx = 0, cy = 0, cz = 0): [number, number, number] {
    return gridPointFrac(this, p, cx, cy, cz);
  }
}

/** Accepts a lattice as its 3×3 row matrix (rows a, b, c) or as an object carrying one. */
export type LatticeLike = ArrayLike<number> | { matrix: ArrayLike<number> };

export function latticeMatrix(lattice: LatticeLike): ArrayLike<number> {
  const m = 'matrix' in lattice ? lattice.matrix : lattice;
  if (m.length !== 9) throw new RangeError(`a lattice matrix has 9 numbers, got ${m.length}`);
  return m;
}

/** Cartesian length (Å) of a fractional displacement. */
export function cartesianLength(m: ArrayLike<number>, dx: number, dy: number, dz: number): number {
  const x = dx * m[0]! + dy * m[3]! + dz * m[6]!;
  const y = dx * m[1]! + dy * m[4]! + dz * m[7]!;
  const z = dx * m[2]! + dy * m[5]! + dz * m[8]!;
  return Math.hypot(x, y, z);
}
