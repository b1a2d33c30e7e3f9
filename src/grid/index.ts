// Grid geometry: the periodic sampling grid over a unit cell. It sits below backends (which fill it with
// energies), percolation (which walks it) and io (which writes it), so none of them imports another for it.

/**
 * A periodic grid over the unit cell: point (i, j, k) sits at fractional (i/nx, j/ny, k/nz)
 * (no duplicated face planes). Flat index = i + nx·(j + ny·k): x varies fastest.
 */
export interface GridSpec {
  nx: number;
  ny: number;
  nz: number;
}

/**
 * Edge, in grid points, of the bricks a backend evaluates point sets in (EnergyBackend.computeBricks), which
 * refinement and the symmetry fill ask for. The CPU kernel's sub-box has this edge, so a brick's points get exactly
 * the candidate list, summation order and bits they get in a whole grid.
 */
export const BRICK = 4;

/**
 * Words of a brick's point mask (one bit per point of a brick of edge `brick`: bit a + brick·(b + brick·c) is bit x & 31
 * of word x >>> 5), as OrbitPlan.points and EnergyBackend.computeBricks carry them.
 */
export function brickMaskWords(brick: number): number {
  return Math.ceil((brick * brick * brick) / 32);
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

/**
 * The size guards' fit (`landscape` refuses and names it, `screen` coarsens to it): `points`, the grid's size at
 * `resolution`, and `spacing`, `resolution` itself when that fits in maxPoints, else the finest coarser spacing
 * (searched in 1% steps, rounded up to 0.001 Å) whose grid does.
 */
export function spacingWithin(lengths: readonly [number, number, number], resolution: number, maxPoints: number): { points: number; spacing: number } {
  const size = (res: number) => gridPointCount(gridForResolution(lengths, res));
  const points = size(resolution);
  if (points <= maxPoints) return { points, spacing: resolution };
  let spacing = resolution * Math.cbrt(points / maxPoints);
  while (size(spacing) > maxPoints) spacing *= 1.01;
  return { points, spacing: Math.ceil(spacing * 1000) / 1000 };
}

/** Throws a RangeError unless every grid dimension is a positive integer. */
export function assertGridSpec(grid: GridSpec): void {
  for (const n of [grid.nx, grid.ny, grid.nz])
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`grid dimensions must be positive integers, got ${grid.nx}×${grid.ny}×${grid.nz}`);
}

/** The (i, j, k) indices of flat grid point p. */
export function gridPointIndices(grid: GridSpec, p: number): [number, number, number] {
  const { nx, ny } = grid;
  const i = p % nx;
  const jk = (p - i) / nx;
  const j = jk % ny;
  return [i, j, (jk - j) / ny];
}

/** Fractional coordinates of flat grid point p, or of its periodic copy in cell (cx, cy, cz). */
export function gridPointFrac(grid: GridSpec, p: number, cx = 0, cy = 0, cz = 0): [number, number, number] {
  const [i, j, k] = gridPointIndices(grid, p);
  return [i / grid.nx + cx, j / grid.ny + cy, k / grid.nz + cz];
}

/**
 * The periodic field on `from` sampled on `to` by trilinear interpolation (exact where a point of `to` falls
 * on one of `from`, e.g. every other point when `from` has twice the points). For writing viewer files at a
 * coarser spacing than the grid computed.
 */
export function resampleGrid(values: Float32Array, from: GridSpec, to: GridSpec): Float32Array {
  if (from.nx === to.nx && from.ny === to.ny && from.nz === to.nz) return values;
  const out = new Float32Array(gridPointCount(to));
  const axis = (n: number, m: number) => {
    const lo = new Int32Array(m),
      hi = new Int32Array(m),
      w = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const x = (i * n) / m;
      const f = Math.floor(x + 1e-9);
      lo[i] = f % n;
      hi[i] = (f + 1) % n;
      w[i] = Math.max(0, x - f);
    }
    return { lo, hi, w };
  };
  const ax = axis(from.nx, to.nx),
    ay = axis(from.ny, to.ny),
    az = axis(from.nz, to.nz);
  const at = (i: number, j: number, k: number) => values[i + from.nx * (j + from.ny * k)]!;
  let p = 0;
  for (let k = 0; k < to.nz; k++) {
    const k0 = az.lo[k]!,
      k1 = az.hi[k]!,
      wz = az.w[k]!;
    for (let j = 0; j < to.ny; j++) {
      const j0 = ay.lo[j]!,
        j1 = ay.hi[j]!,
        wy = ay.w[j]!;
      for (let i = 0; i < to.nx; i++, p++) {
        const i0 = ax.lo[i]!,
          i1 = ax.hi[i]!,
          wx = ax.w[i]!;
        const c00 = at(i0, j0, k0) * (1 - wx) + at(i1, j0, k0) * wx;
        const c10 = at(i0, j1, k0) * (1 - wx) + at(i1, j1, k0) * wx;
        const c01 = at(i0, j0, k1) * (1 - wx) + at(i1, j0, k1) * wx;
        const c11 = at(i0, j1, k1) * (1 - wx) + at(i1, j1, k1) * wx;
        out[p] = (c00 * (1 - wy) + c10 * wy) * (1 - wz) + (c01 * (1 - wy) + c11 * wy) * wz;
      }
    }
  }
  return out;
}
