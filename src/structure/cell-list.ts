// Periodic neighbour search over points given in fractional coordinates: a cell list (bins in
// fractional space) plus an exact enumeration of lattice translations. Used to find bonded pairs
// (oxidation-state assignment, bond-valence sums) and coincident positions (CIF symmetry expansion).
// The grid backends keep their own Cartesian cell lists, which serve a different query (a block of
// grid points against all framework images).

/** The lattice as this module needs it: rows a, b, c (Å) and |a*|, |b*|, |c*| (1/Å). */
export interface CellListLattice {
  readonly matrix: ArrayLike<number>;
  readonly reciprocalLengths: readonly [number, number, number] | readonly number[];
}

/**
 * Points in a periodic cell, binned so that every point within `reach` (Å) of a query lies in the
 * query's bin or a neighbouring one along each axis. A Cartesian distance below `reach` bounds the
 * fractional offset along axis k by reach·|a*_k|, so bins at least that wide suffice; with fewer
 * than three bins along an axis every bin is scanned. Points are visited bin by bin (z, y, x
 * neighbours in that order) and, within a bin, in the order they were added. Queries allocate nothing.
 */
export class PeriodicCellList {
  private frac: Float64Array;
  private next: Int32Array;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private count = 0;
  private readonly nb: [number, number, number];
  private readonly h: [number, number, number];
  private readonly m: Float64Array;
  private readonly reach2: number;

  /**
   * @param reach the largest distance (Å) a query looks for.
   * @param maxBinsPerAxis caps the bins for tiny reaches (about the cube root of the expected count is plenty).
   */
  constructor(lattice: CellListLattice, reach: number, maxBinsPerAxis = 64) {
    const r = lattice.reciprocalLengths;
    this.h = [reach * r[0]!, reach * r[1]!, reach * r[2]!];
    const cap = Math.max(1, Math.floor(maxBinsPerAxis));
    const bins = (hk: number) => Math.max(1, Math.min(cap, Math.floor(1 / Math.max(hk, 1e-9))));
    this.nb = [bins(this.h[0]), bins(this.h[1]), bins(this.h[2])];
    const nBins = this.nb[0] * this.nb[1] * this.nb[2];
    this.head = new Int32Array(nBins).fill(-1);
    this.tail = new Int32Array(nBins).fill(-1);
    this.frac = new Float64Array(3 * 64);
    this.next = new Int32Array(64);
    this.m = Float64Array.from(lattice.matrix);
    this.reach2 = reach * reach;
  }

  get size(): number {
    return this.count;
  }

  private bin(f: number, k: 0 | 1 | 2): number {
    const n = this.nb[k];
    const c = Math.floor((f - Math.floor(f)) * n);
    return c >= n ? n - 1 : c;
  }

  /** Stores a point (any fractional coordinates; binned by their wrapped values) and returns its id. */
  add(f0: number, f1: number, f2: number): number {
    const id = this.count++;
    if (id >= this.next.length) {
      const frac = new Float64Array(this.frac.length * 2);
      frac.set(this.frac);
      this.frac = frac;
      const next = new Int32Array(this.next.length * 2);
      next.set(this.next);
      this.next = next;
    }
    this.frac[3 * id] = f0;
    this.frac[3 * id + 1] = f1;
    this.frac[3 * id + 2] = f2;
    this.next[id] = -1;
    const key = this.bin(f0, 0) + this.nb[0] * (this.bin(f1, 1) + this.nb[1] * this.bin(f2, 2));
    if (this.tail[key]! < 0) this.head[key] = id;
    else this.next[this.tail[key]!] = id;
    this.tail[key] = id;
    return id;
  }

  /**
   * Calls visit(id, d2, i, j, k) for every stored point id and lattice translation (i, j, k) that put
   * it at squared distance d2 < reach² from the query point (the query itself included when stored:
   * skip id with (0, 0, 0) to leave it out). `accept(id)` filters candidates before the translations
   * are enumerated. Stops and returns true as soon as visit returns true.
   */
  forEachNear(
    f0: number,
    f1: number,
    f2: number,
    // biome-ignore lint/suspicious/noConfusingVoidType: a visitor that returns nothing (void) goes on; `true` stops the walk.
    visit: (id: number, d2: number, i: number, j: number, k: number) => boolean | void,
    accept?: (id: number) => boolean,
  ): boolean {
    const { nb, frac, next, head, m } = this;
    const [ha, hb, hc] = this.h;
    const [n0, n1, n2] = nb;
    const b0 = this.bin(f0, 0),
      b1 = this.bin(f1, 1),
      b2 = this.bin(f2, 2);
    // The bin and its two neighbours per axis, wrapped; every bin where an axis has fewer than three.
    const lo0 = n0 < 3 ? 0 : b0 - 1,
      hi0 = n0 < 3 ? n0 - 1 : b0 + 1;
    const lo1 = n1 < 3 ? 0 : b1 - 1,
      hi1 = n1 < 3 ? n1 - 1 : b1 + 1;
    const lo2 = n2 < 3 ? 0 : b2 - 1,
      hi2 = n2 < 3 ? n2 - 1 : b2 + 1;
    for (let z = lo2; z <= hi2; z++)
      for (let y = lo1; y <= hi1; y++)
        for (let x = lo0; x <= hi0; x++) {
          const bin = ((x + n0) % n0) + n0 * (((y + n1) % n1) + n1 * ((z + n2) % n2));
          for (let id = head[bin]!; id >= 0; id = next[id]!) {
            if (accept && !accept(id)) continue;
            // |Δf_k + n_k| <= reach·|a*_k| bounds the translations along each axis exactly, for any cell shape.
            const dfx = frac[3 * id]! - f0;
            const dfy = frac[3 * id + 1]! - f1;
            const dfz = frac[3 * id + 2]! - f2;
            const i0 = Math.ceil(-ha - dfx),
              i1 = Math.floor(ha - dfx);
            const j0 = Math.ceil(-hb - dfy),
              j1 = Math.floor(hb - dfy);
            const k0 = Math.ceil(-hc - dfz),
              k1 = Math.floor(hc - dfz);
            for (let i = i0; i <= i1; i++) {
              const u = dfx + i;
              for (let j = j0; j <= j1; j++) {
                const v = dfy + j;
                for (let k = k0; k <= k1; k++) {
                  const w = dfz + k;
                  const cx = u * m[0]! + v * m[3]! + w * m[6]!;
                  const cy = u * m[1]! + v * m[4]! + w * m[7]!;
                  const cz = u * m[2]! + v * m[5]! + w * m[8]!;
                  const d2 = cx * cx + cy * cy + cz * cz;
                  if (d2 < this.reach2 && visit(id, d2, i, j, k) === true) return true;
                }
              }
            }
          }
        }
    return false;
  }

  private hit = -1;
  private readonly stopAtFirst = (id: number): boolean => {
    this.hit = id;
    return true;
  };

  /** Id of a stored point within reach of the query (the first met), or -1. Allocates nothing. */
  findNear(f0: number, f1: number, f2: number): number {
    this.hit = -1;
    this.forEachNear(f0, f1, f2, this.stopAtFirst);
    return this.hit;
  }
}

/**
 * Calls visit(a, b, d) for every pair of points a <= b and every lattice translation that brings b
 * within `cutoff` (Å) of a: a point with its own images included, not with itself. `wanted(a, b)`
 * skips pairs before their translations are enumerated.
 */
export function forEachPeriodicPair(
  lattice: CellListLattice,
  frac: readonly (readonly [number, number, number] | readonly number[])[],
  cutoff: number,
  wanted: (a: number, b: number) => boolean,
  visit: (a: number, b: number, d: number) => void,
): void {
  const cells = new PeriodicCellList(lattice, cutoff);
  for (const f of frac) cells.add(f[0]!, f[1]!, f[2]!);
  for (let a = 0; a < frac.length; a++) {
    const f = frac[a]!;
    cells.forEachNear(
      f[0]!,
      f[1]!,
      f[2]!,
      (b, d2, i, j, k) => {
        if (a === b && i === 0 && j === 0 && k === 0) return;
        visit(a, b, Math.sqrt(d2));
      },
      (b) => b >= a && wanted(a, b),
    );
  }
}
