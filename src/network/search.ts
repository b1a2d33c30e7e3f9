// What the network needs from the critical-point searches (src/critical): a field and three searches on it. Passed
// in, so the network is tested on synthetic periodic fields and the BVSE field alike.
import type { KnownMinimum } from '../critical/search.js';
import type { CriticalPoint } from '../critical/types.js';
import type { Vec3 } from './geometry.js';

/** A periodic scalar field of a Cartesian point (src/critical's ScalarField, the part the network uses). */
export interface FieldLike {
  energy(cart: ArrayLike<number>): number;
  /** Energy and gradient (eV/Å) at a Cartesian point; the Hessian may come along (unused here). */
  evaluate(cart: ArrayLike<number>): { energy: number; gradient: ArrayLike<number> };
  readonly lattice: Float64Array;
  readonly evaluations: number;
}

/** A stationary point as src/critical reports it (unwrapped Cartesian position; eigenvectors as columns). */
export type CriticalPointLike = CriticalPoint;

/** The two minima the steepest descents from a saddle reach (unwrapped Cartesian), when they were reached. */
export interface SaddleEnds {
  ends: [Vec3, Vec3];
}

/**
 * The network's converged site whose copy lies near a Cartesian point (its unwrapped position there), or null: a
 * minimum search that enters such a site's quadratic basin stops and reports it (src/critical's findMinimum `known`).
 */
export type KnownSites = (cart: ArrayLike<number>) => KnownMinimum | null;

export interface CriticalSearch<F extends FieldLike = FieldLike> {
  findMinimum(field: F, start: Vec3, known?: KnownSites): CriticalPointLike;
  findSaddle(field: F, start: Vec3, opts: { guessDirection?: Vec3 }): CriticalPointLike;
  /** Null when a descent fails to reach a minimum. The descents stop at a known site (`known`) they enter. */
  verifySaddle(field: F, saddle: CriticalPointLike, known?: KnownSites): SaddleEnds | null;
}

/** Unstable direction (eigenvector of the lowest eigenvalue) of a critical point. */
export function unstableDirection(p: CriticalPointLike): Vec3 {
  const v = p.eigenvectors;
  return [v[0]!, v[3]!, v[6]!];
}
