// Verification of an index-1 saddle: the two descents from it along ± its unstable mode must end in minima.
import { column, findMinimum, type MinimumOptions } from './search.js';
import type { CriticalPoint, ScalarField } from './types.js';

/** The descents' options; with `known`, a descent that enters a known minimum's quadratic basin ends there. */
export interface VerifyOptions extends MinimumOptions {
  /** Displacement (Å) from the saddle along ± the unstable eigenvector where each descent starts. Default 0.05. */
  displacement?: number;
}

export interface SaddleVerification {
  /**
   * The saddle converged, has exactly one negative Hessian eigenvalue, both descents converged to minima (index 0),
   * and the two ends are distinct points (two sites, or one site and its lattice image).
   */
  verified: boolean;
  /** Why not, when not verified; in words. */
  reason?: string;
  /** The minimum reached from saddle − displacement·v (v: the unstable eigenvector as stored). Unwrapped Cartesian. */
  minus: CriticalPoint;
  /** The minimum reached from saddle + displacement·v. */
  plus: CriticalPoint;
  /** Evaluations spent on both descents. */
  evaluations: number;
}

/**
 * Descends from `saddle` ± a small step along its unstable eigenvector (eigenvector 0, of the lowest eigenvalue) to
 * the two minima it joins. Both ends are unwrapped Cartesian positions continuous with the saddle's, so
 * floor(plus.frac) − floor(minus.frac), with the ends' home-cell sites, gives the hop's lattice offset.
 */
export function verifySaddle(field: ScalarField, saddle: CriticalPoint, opts: VerifyOptions = {}): SaddleVerification {
  const d = opts.displacement ?? 0.05;
  const v = column({ vectors: saddle.eigenvectors }, 0);
  const from = (sign: number) =>
    findMinimum(
      field,
      saddle.cart.map((x, i) => x + sign * d * v[i]!),
      opts,
    );
  const minus = from(-1);
  const plus = from(1);
  const evaluations = minus.evaluations + plus.evaluations;
  const reasons: string[] = [];
  if (!saddle.converged) reasons.push(`the saddle search did not converge (|∇E| = ${saddle.gradientNorm.toExponential(2)} eV/Å)`);
  if (saddle.index !== 1) reasons.push(`the point has ${saddle.index} negative Hessian eigenvalues, not 1`);
  for (const [name, end] of [
    ['−', minus],
    ['+', plus],
  ] as const) {
    if (!end.converged) reasons.push(`the descent on the ${name} side did not converge`);
    else if (end.index !== 0) reasons.push(`the descent on the ${name} side ended at a point of index ${end.index}, not a minimum`);
  }
  if (reasons.length === 0) {
    const gap = Math.hypot(plus.cart[0] - minus.cart[0], plus.cart[1] - minus.cart[1], plus.cart[2] - minus.cart[2]);
    if (gap < 1e-3) reasons.push('both descents ended at the same minimum in the same cell');
  }
  return reasons.length === 0 ? { verified: true, minus, plus, evaluations } : { verified: false, reason: reasons.join('; '), minus, plus, evaluations };
}
