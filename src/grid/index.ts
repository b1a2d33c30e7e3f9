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

/** n = ceil(length / resolution) along each lattice vector (at least 1). */
export function gridForResolution(lengths: readonly [number, number, number], resolution: number): GridSpec {
  if (!(resolution > 0)) throw new RangeError(`grid resolution must be positive, got ${resolution}`);
  const n = lengths.map((l) => Math.max(1, Math.ceil(l / resolution - 1e-9)));
  return { nx: n[0]!, ny: n[1]!, nz: n[2]! };
}

export function gridPointCount(g: GridSpec): number {
  return g.nx * g.ny * g.nz;
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
