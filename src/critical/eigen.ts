// Symmetric 3×3 eigenproblems by cyclic Jacobi rotations: small, robust to repeated eigenvalues, accurate to rounding.
import { matrix3 } from './matrix3.js';

export interface Eigen3 {
  /** Ascending. */
  values: [number, number, number];
  /** Unit eigenvectors as columns of a row-major 3×3 (vector k: v[k], v[3 + k], v[6 + k]). */
  vectors: Float64Array;
}

// The rotation works in scratch arrays (eigenSym3 calls nothing that could re-enter it): the searches diagonalise once
// per field evaluation, and the literals, the pair list and the sort's work arrays were 11 % of what the continuum
// bench allocated. The arithmetic is the same, in the same order.
const A = new Float64Array(9);
const V = new Float64Array(9);
const ORDER: [number, number, number] = [0, 1, 2];

/** Eigenvalues (ascending) and eigenvectors of the symmetric row-major 3×3 `m` (only its upper triangle is read). */
export function eigenSym3(m: ArrayLike<number>): Eigen3 {
  const a = A,
    v = V;
  a[0] = m[0]!;
  a[1] = m[1]!;
  a[2] = m[2]!;
  a[3] = m[1]!;
  a[4] = m[4]!;
  a[5] = m[5]!;
  a[6] = m[2]!;
  a[7] = m[5]!;
  a[8] = m[8]!;
  v.fill(0);
  v[0] = v[4] = v[8] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = Math.abs(a[1]!) + Math.abs(a[2]!) + Math.abs(a[5]!);
    const scale = Math.abs(a[0]!) + Math.abs(a[4]!) + Math.abs(a[8]!);
    if (off === 0 || off <= 1e-17 * scale) break;
    // The pairs (0, 1), (0, 2), (1, 2).
    for (let r = 0; r < 3; r++) {
      const p = r >> 1,
        q = r === 0 ? 1 : 2;
      const apq = a[3 * p + q]!;
      if (apq === 0) continue;
      const app = a[4 * p]!,
        aqq = a[4 * q]!;
      // Rotation angle that zeroes a_pq (Golub & Van Loan, Algorithm 8.4.1, the stable small-angle form).
      const theta = (aqq - app) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1),
        s = t * c;
      for (let k = 0; k < 3; k++) {
        // A ← Jᵀ A J, columns then rows.
        const akp = a[3 * k + p]!,
          akq = a[3 * k + q]!;
        a[3 * k + p] = c * akp - s * akq;
        a[3 * k + q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[3 * p + k]!,
          aqk = a[3 * q + k]!;
        a[3 * p + k] = c * apk - s * aqk;
        a[3 * q + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[3 * k + p]!,
          vkq = v[3 * k + q]!;
        v[3 * k + p] = c * vkp - s * vkq;
        v[3 * k + q] = s * vkp + c * vkq;
      }
    }
  }
  const order = sortThree(ORDER, byDiagonal);
  const vectors = matrix3();
  for (let dst = 0; dst < 3; dst++) {
    const src = order[dst]!;
    for (let r = 0; r < 3; r++) vectors[3 * r + dst] = v[3 * r + src]!;
  }
  return { values: [a[4 * order[0]]!, a[4 * order[1]]!, a[4 * order[2]]!], vectors };
}

/** The comparison the eigenvalues were sorted with: a_ii − a_jj. */
function byDiagonal(i: number, j: number): number {
  return A[4 * i]! - A[4 * j]!;
}

/**
 * [0, 1, 2] ordered as `[0, 1, 2].sort(compare)` orders it in V8 (a run found first, then binary insertion of the
 * rest, as its TimSort does below 64 elements), also for a comparison that gives NaN; written into `out`.
 */
export function sortThree(out: [number, number, number], compare: (i: number, j: number) => number): [number, number, number] {
  out[0] = 0;
  out[1] = 1;
  out[2] = 2;
  // The run at the start: ascending (each next not below the last) or strictly descending, then reversed. A NaN
  // comparison counts as 0 (equal), as the sort's does.
  const descending = compare(1, 0) < 0;
  const third = compare(2, 1) < 0;
  const run = descending === third ? 3 : 2;
  if (descending) {
    out[0] = run - 1;
    out[run - 1] = 0;
  }
  if (run === 2) {
    // Binary insertion of the third element into the first two.
    const pivot = out[2];
    let left = 0,
      right = 2;
    while (left < right) {
      const mid = (left + right) >> 1;
      if (compare(pivot, out[mid]!) < 0) right = mid;
      else left = mid + 1;
    }
    for (let p = 2; p > left; p--) out[p] = out[p - 1]!;
    out[left] = pivot;
  }
  return out;
}
