// Neighbour stepping on the periodic grid shared by the path and site searches.
// Directions: 0 +x, 1 −x, 2 +y, 3 −y, 4 +z, 5 −z (d ^ 1 is the opposite direction).
import type { GridSpec } from '../backends/types.js';

export class GridWalker {
  readonly nx: number;
  readonly ny: number;
  readonly nz: number;
  readonly n: number;
  /** Set by step(): the cell shift of the neighbour's copy (−1, 0 or +1 along the stepped axis). */
  wx = 0;
  wy = 0;
  wz = 0;

  constructor(grid: GridSpec) {
    this.nx = grid.nx;
    this.ny = grid.ny;
    this.nz = grid.nz;
    this.n = grid.nx * grid.ny * grid.nz;
  }

  /** Neighbour of p in direction d; the wrap is left in wx, wy, wz. */
  step(p: number, d: number): number {
    const { nx, ny, nz } = this;
    const i = p % nx;
    const jk = (p - i) / nx;
    const j = jk % ny;
    const k = (jk - j) / ny;
    this.wx = 0;
    this.wy = 0;
    this.wz = 0;
    switch (d) {
      case 0:
        if (i + 1 < nx) return p + 1;
        this.wx = 1;
        return p - i;
      case 1:
        if (i > 0) return p - 1;
        this.wx = -1;
        return p + nx - 1;
      case 2:
        if (j + 1 < ny) return p + nx;
        this.wy = 1;
        return p - j * nx;
      case 3:
        if (j > 0) return p - nx;
        this.wy = -1;
        return p + (ny - 1) * nx;
      case 4:
        if (k + 1 < nz) return p + nx * ny;
        this.wz = 1;
        return p - k * nx * ny;
      default:
        if (k > 0) return p - nx * ny;
        this.wz = -1;
        return p + (nz - 1) * nx * ny;
    }
  }

  /** Fractional coordinates of p's copy in cell (cx, cy, cz). */
  frac(p: number, cx = 0, cy = 0, cz = 0): [number, number, number] {
    const { nx, ny } = this;
    const i = p % nx;
    const jk = (p - i) / nx;
    const j = jk % ny;
    const k = (jk - j) / ny;
    return [i / nx + cx, j / ny + cy, k / this.nz + cz];
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
