// Symmetric 3×3 eigenproblems by cyclic Jacobi rotations: small, robust to repeated eigenvalues, accurate to rounding.

export interface Eigen3 {
  /** Ascending. */
  values: [number, number, number];
  /** Unit eigenvectors as columns of a row-major 3×3 (vector k: v[k], v[3 + k], v[6 + k]). */
  vectors: Float64Array;
}

/** Eigenvalues (ascending) and eigenvectors of the symmetric row-major 3×3 `m` (only its upper triangle is read). */
export function eigenSym3(m: ArrayLike<number>): Eigen3 {
  const a = [m[0]!, m[1]!, m[2]!, m[1]!, m[4]!, m[5]!, m[2]!, m[5]!, m[8]!];
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = Math.abs(a[1]!) + Math.abs(a[2]!) + Math.abs(a[5]!);
    const scale = Math.abs(a[0]!) + Math.abs(a[4]!) + Math.abs(a[8]!);
    if (off === 0 || off <= 1e-17 * scale) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ] as const) {
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
  const order = [0, 1, 2].sort((i, j) => a[4 * i]! - a[4 * j]!);
  const vectors = new Float64Array(9);
  order.forEach((src, dst) => {
    for (let r = 0; r < 3; r++) vectors[3 * r + dst] = v[3 * r + src]!;
  });
  return { values: [a[4 * order[0]!]!, a[4 * order[1]!]!, a[4 * order[2]!]!], vectors };
}
