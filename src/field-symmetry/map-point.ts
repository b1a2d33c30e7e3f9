// A space-group operation applied to a Cartesian point or direction: how a critical point polished once is mapped to
// the rest of its orbit (the operations of frameworkSymmetry act on fractional coordinates).
import type { SymOp } from '../structure/space-group.js';
import { invert3 } from '../structure/lattice.js';

/**
 * The image of the Cartesian point `cart` (Å) under `op` (x' = rot·x + trans on fractional column vectors) in the cell
 * whose lattice vectors are the rows of `lattice`. Not wrapped: the image of an unwrapped point is unwrapped, so
 * lattice offsets between mapped points are kept.
 */
export function mapPoint(
  op: SymOp,
  cart: ArrayLike<number>,
  lattice: ArrayLike<number>,
  inverse: ArrayLike<number> = invert3(lattice),
): [number, number, number] {
  const f = toFrac(cart, inverse);
  const R = op.rot;
  const g = [0, 1, 2].map((r) => R[3 * r]! * f[0]! + R[3 * r + 1]! * f[1]! + R[3 * r + 2]! * f[2]! + op.trans[r]!);
  return toCart(g, lattice);
}

/** The image of a Cartesian direction (a displacement or an eigenvector) under op's rotation: no translation. */
export function mapDirection(
  op: SymOp,
  vec: ArrayLike<number>,
  lattice: ArrayLike<number>,
  inverse: ArrayLike<number> = invert3(lattice),
): [number, number, number] {
  const f = toFrac(vec, inverse);
  const R = op.rot;
  const g = [0, 1, 2].map((r) => R[3 * r]! * f[0]! + R[3 * r + 1]! * f[1]! + R[3 * r + 2]! * f[2]!);
  return toCart(g, lattice);
}

function toFrac(x: ArrayLike<number>, inv: ArrayLike<number>): number[] {
  return [0, 1, 2].map((i) => x[0]! * inv[i]! + x[1]! * inv[3 + i]! + x[2]! * inv[6 + i]!);
}
function toCart(f: number[], m: ArrayLike<number>): [number, number, number] {
  return [0, 1, 2].map((c) => f[0]! * m[c]! + f[1]! * m[3 + c]! + f[2]! * m[6 + c]!) as [number, number, number];
}
