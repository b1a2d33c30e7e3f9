// Crystal lattice. Convention: the lattice vectors a, b, c are the ROWS of `matrix`
// (row-major Float64Array of 9), a along +x, b in the xy plane (the crystallographic
// standard orientation, as in pymatgen). Cartesian r = f·M, i.e. r = f0·a + f1·b + f2·c.

export type Vec3 = [number, number, number];

export interface LatticeParameters {
  a: number;
  b: number;
  c: number;
  alpha: number;
  beta: number;
  gamma: number;
}

const DEG = Math.PI / 180;

/** Determinant of a 3×3 matrix (row-major). */
export function det3(m: ArrayLike<number>): number {
  return m[0]! * (m[4]! * m[8]! - m[5]! * m[7]!) - m[1]! * (m[3]! * m[8]! - m[5]! * m[6]!) + m[2]! * (m[3]! * m[7]! - m[4]! * m[6]!);
}

/** Inverse of a 3×3 matrix (row-major), by cofactors. */
export function invert3(m: ArrayLike<number>): Float64Array {
  const det = det3(m);
  return Float64Array.from([
    (m[4]! * m[8]! - m[5]! * m[7]!) / det,
    (m[2]! * m[7]! - m[1]! * m[8]!) / det,
    (m[1]! * m[5]! - m[2]! * m[4]!) / det,
    (m[5]! * m[6]! - m[3]! * m[8]!) / det,
    (m[0]! * m[8]! - m[2]! * m[6]!) / det,
    (m[2]! * m[3]! - m[0]! * m[5]!) / det,
    (m[3]! * m[7]! - m[4]! * m[6]!) / det,
    (m[1]! * m[6]! - m[0]! * m[7]!) / det,
    (m[0]! * m[4]! - m[1]! * m[3]!) / det,
  ]);
}

export class Lattice {
  /** Rows are a, b, c in Å. */
  readonly matrix: Float64Array;
  /** M⁻¹ (row-major): f = r·M⁻¹. Its COLUMNS are the reciprocal vectors a*, b*, c* (no 2π). */
  readonly inverse: Float64Array;
  readonly volume: number;

  constructor(matrix: ArrayLike<number>) {
    if (matrix.length !== 9) throw new Error('lattice matrix needs 9 numbers');
    this.matrix = Float64Array.from(matrix);
    const m = this.matrix;
    this.volume = Math.abs(det3(m));
    this.inverse = invert3(m);
  }

  /** Standard orientation from a, b, c (Å) and alpha, beta, gamma (degrees). Throws on an impossible cell. */
  static fromParameters(p: LatticeParameters): Lattice {
    const { a, b, c } = p;
    const ca = Math.cos(p.alpha * DEG);
    const cb = Math.cos(p.beta * DEG);
    const cg = Math.cos(p.gamma * DEG);
    const sg = Math.sin(p.gamma * DEG);
    const cx = c * cb;
    const cy = (c * (ca - cb * cg)) / sg;
    const cz2 = c * c - cx * cx - cy * cy;
    if (!(a > 0 && b > 0 && c > 0) || !(Math.abs(sg) > 1e-8) || !(cz2 > 1e-12 * c * c)) {
      throw new RangeError(`degenerate cell (a=${a}, b=${b}, c=${c}, alpha=${p.alpha}, beta=${p.beta}, gamma=${p.gamma}): the cell has no volume`);
    }
    return new Lattice([a, 0, 0, b * cg, b * sg, 0, cx, cy, Math.sqrt(cz2)]);
  }

  /** Row i (0 = a, 1 = b, 2 = c). */
  vector(i: number): Vec3 {
    const m = this.matrix;
    return [m[3 * i]!, m[3 * i + 1]!, m[3 * i + 2]!];
  }

  get parameters(): LatticeParameters {
    const [a, b, c] = [0, 1, 2].map((i) => Math.hypot(...this.vector(i))) as Vec3;
    const dot = (i: number, j: number) => {
      const u = this.vector(i);
      const v = this.vector(j);
      return u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    };
    const ang = (i: number, j: number, li: number, lj: number) => Math.acos(Math.max(-1, Math.min(1, dot(i, j) / (li * lj)))) / DEG;
    return { a, b, c, alpha: ang(1, 2, b, c), beta: ang(0, 2, a, c), gamma: ang(0, 1, a, b) };
  }

  /** Lengths of the reciprocal vectors |a*|, |b*|, |c*| (1/Å, no 2π): 1/|a*| is the spacing of the (100) planes. */
  get reciprocalLengths(): Vec3 {
    const v = this.inverse;
    return [Math.hypot(v[0]!, v[3]!, v[6]!), Math.hypot(v[1]!, v[4]!, v[7]!), Math.hypot(v[2]!, v[5]!, v[8]!)];
  }

  fracToCart(f: ArrayLike<number>, out: Vec3 = [0, 0, 0]): Vec3 {
    const m = this.matrix;
    const f0 = f[0]!,
      f1 = f[1]!,
      f2 = f[2]!;
    out[0] = f0 * m[0]! + f1 * m[3]! + f2 * m[6]!;
    out[1] = f0 * m[1]! + f1 * m[4]! + f2 * m[7]!;
    out[2] = f0 * m[2]! + f1 * m[5]! + f2 * m[8]!;
    return out;
  }

  cartToFrac(r: ArrayLike<number>, out: Vec3 = [0, 0, 0]): Vec3 {
    const v = this.inverse;
    const x = r[0]!,
      y = r[1]!,
      z = r[2]!;
    out[0] = x * v[0]! + y * v[3]! + z * v[6]!;
    out[1] = x * v[1]! + y * v[4]! + z * v[7]!;
    out[2] = x * v[2]! + y * v[5]! + z * v[8]!;
    return out;
  }
}
