// Fractional ↔ Cartesian coordinates and the action of a space-group operation on points and directions, for the
// critical points of one cell. Lattice vectors are the rows of M: r = f·M (src/structure/lattice.ts).
import { invert3 } from '../structure/lattice.js';
import type { SymOp } from '../structure/space-group.js';
import type { Vec3 } from '../critical/types.js';

/** One 3-vector type for the network and the searches (src/critical). */
export type { Vec3 };

export class CellGeometry {
  readonly m: Float64Array;
  readonly inv: Float64Array;

  constructor(lattice: ArrayLike<number>) {
    this.m = Float64Array.from(lattice);
    this.inv = invert3(this.m);
  }

  cart(f: ArrayLike<number>): Vec3 {
    const m = this.m;
    return [f[0]! * m[0]! + f[1]! * m[3]! + f[2]! * m[6]!, f[0]! * m[1]! + f[1]! * m[4]! + f[2]! * m[7]!, f[0]! * m[2]! + f[1]! * m[5]! + f[2]! * m[8]!];
  }

  frac(r: ArrayLike<number>): Vec3 {
    const v = this.inv;
    return [r[0]! * v[0]! + r[1]! * v[3]! + r[2]! * v[6]!, r[0]! * v[1]! + r[1]! * v[4]! + r[2]! * v[7]!, r[0]! * v[2]! + r[1]! * v[5]! + r[2]! * v[8]!];
  }

  /** Length (Å) of the shortest lattice image of the fractional displacement d (nearest image by rounding, then ±1). */
  periodicDistance(d: ArrayLike<number>): number {
    const base = [d[0]! - Math.round(d[0]!), d[1]! - Math.round(d[1]!), d[2]! - Math.round(d[2]!)];
    let best = Infinity;
    // Rounding alone is the nearest image only in orthogonal cells; the 27 neighbours cover oblique ones.
    for (let a = -1; a <= 1; a++)
      for (let b = -1; b <= 1; b++)
        for (let c = -1; c <= 1; c++) {
          const r = this.cart([base[0]! + a, base[1]! + b, base[2]! + c]);
          best = Math.min(best, Math.hypot(r[0], r[1], r[2]));
        }
    return best;
  }

  /** Image of the fractional point f under op: R·f + t (not wrapped). */
  applyToFrac(op: SymOp, f: ArrayLike<number>): Vec3 {
    const R = op.rot;
    return [0, 1, 2].map((r) => R[3 * r]! * f[0]! + R[3 * r + 1]! * f[1]! + R[3 * r + 2]! * f[2]! + op.trans[r]!) as Vec3;
  }

  /** Image of a Cartesian displacement (a direction, an eigenvector) under op's rotation: f-space R, back to Cartesian. */
  rotateCart(op: SymOp, v: ArrayLike<number>): Vec3 {
    const d = this.frac(v);
    const R = op.rot;
    const rd = [0, 1, 2].map((r) => R[3 * r]! * d[0] + R[3 * r + 1]! * d[1] + R[3 * r + 2]! * d[2]);
    return this.cart(rd);
  }
}

export function wrap01(x: number): number {
  const w = x - Math.floor(x);
  return w >= 1 ? 0 : w;
}

export function sub(a: ArrayLike<number>, b: ArrayLike<number>): Vec3 {
  return [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!];
}
