// The levels of an adaptive refinement (docs/refinement.md): the grid of each level, the octree blocks that live on
// it, and the float32 rounding the sweeps' bounds need. Level 0 is the coarsest grid; level `finestLevel` (= the
// number of refinements) is the grid whose thresholds the refinement returns, 2^finestLevel times level 0 per axis.

/** Points per axis of a grid (a, b, c). */
export type GridSize = [number, number, number];

/**
 * The grids of a refinement: `steps` refinements (refinementSteps), the coarsest grid and the finest, exactly 2^steps
 * times it along each axis with spacing ≤ `resolution` (so it can be a few points larger than gridForResolution's).
 */
export function refinementGrids(lattice: ArrayLike<number>, resolution: number, coarsest: number): { steps: number; coarse: GridSize; finest: GridSize } {
  const steps = refinementSteps(resolution, coarsest);
  const perCoarsePoint = 1 << steps;
  const coarse = [0, 1, 2].map((a) => {
    const l = Math.hypot(lattice[3 * a]!, lattice[3 * a + 1]!, lattice[3 * a + 2]!);
    return Math.max(1, Math.ceil(l / (resolution * perCoarsePoint) - 1e-9));
  }) as GridSize;
  return { steps, coarse, finest: [coarse[0] * perCoarsePoint, coarse[1] * perCoarsePoint, coarse[2] * perCoarsePoint] };
}

/** Refinements from the coarsest level (spacing ≈ `coarsest`) to the finest (≤ `resolution`); 0 means one uniform grid. */
export function refinementSteps(resolution: number, coarsest: number): number {
  return Math.max(0, Math.round(Math.log2(Math.max(resolution, coarsest) / resolution)));
}

/** The grid of `level`: the coarsest grid doubled `level` times. */
export function levelSize(coarse: GridSize, level: number): GridSize {
  return [coarse[0] << level, coarse[1] << level, coarse[2] << level];
}

/**
 * The octree blocks of one level, as growable columns. A level-ℓ block (I, J, K) is the cube of level-ℓ grid cells
 * with corners (I..I+1, J..J+1, K..K+1); its 8 children are consecutive at level ℓ+1.
 */
export class LevelBlocks {
  count = 0;
  I = new Int32Array(64);
  J = new Int32Array(64);
  K = new Int32Array(64);
  /** Bounds lo ≤ E ≤ hi over the block's fine points. */
  lo = new Float64Array(64);
  hi = new Float64Array(64);
  /** First of the 8 children at the next level, or −1 for a leaf. */
  child = new Int32Array(64);
  /** Curvature-interpolation error used for the block's bounds (for assembleGrid). */
  err = new Float64Array(64);
  /** 1 once lo holds the direct pair-by-pair bound too. */
  direct = new Uint8Array(64);

  /** Makes room for `more` blocks. */
  reserve(more: number): void {
    if (this.count + more > this.I.length) this.resize(Math.max(this.count + more, Math.ceil(this.I.length * 1.5)));
  }

  add(i: number, j: number, k: number): number {
    if (this.count === this.I.length) this.resize(2 * this.count);
    const b = this.count++;
    this.I[b] = i;
    this.J[b] = j;
    this.K[b] = k;
    this.child[b] = -1;
    return b;
  }

  /** Blocks without children. */
  leafCount(): number {
    let c = 0;
    for (let b = 0; b < this.count; b++) if (this.child[b]! < 0) c++;
    return c;
  }

  private resize(cap: number): void {
    const grow = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.I = grow(this.I);
    this.J = grow(this.J);
    this.K = grow(this.K);
    this.lo = grow(this.lo);
    this.hi = grow(this.hi);
    this.child = grow(this.child);
    this.err = grow(this.err);
    const d = new Uint8Array(cap);
    d.set(this.direct);
    this.direct = d;
  }
}

/** A block named across levels: (level << 28) | index, as the pass loop and the leaf graph pass them. */
export const blockCode = (level: number, block: number): number => (level << 28) | block;
export const codeLevel = (code: number): number => code >>> 28;
export const codeBlock = (code: number): number => code & 0x0fffffff;

/** Largest float32 ≤ x. */
export function roundDown32(x: number): number {
  const f = Math.fround(x);
  if (f <= x || !Number.isFinite(x)) return f;
  return Math.fround(x - Math.max(Math.abs(x) * 1.2e-7, 1e-38));
}
/** Smallest float32 ≥ x. */
export function roundUp32(x: number): number {
  const f = Math.fround(x);
  if (f >= x || !Number.isFinite(x)) return f;
  return Math.fround(x + Math.max(Math.abs(x) * 1.2e-7, 1e-38));
}
