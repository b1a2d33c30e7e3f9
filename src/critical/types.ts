// The contract between a scalar field and the critical-point searches: the BVSE field (field.ts) and synthetic fields
// in tests both implement it. Positions are unwrapped Cartesian Å throughout.

/** Energy, gradient and Hessian at one point. */
export interface FieldSample {
  /** eV. +Infinity on top of a like-charged framework ion (then gradient and Hessian are NaN). */
  energy: number;
  /** dE/dx, dE/dy, dE/dz in eV/Å. */
  gradient: Float64Array;
  /** ∂²E/∂x_i∂x_j in eV/Å², row-major 3×3 (symmetric). */
  hessian: Float64Array;
}

/** A periodic scalar field of a Cartesian point. */
export interface ScalarField {
  /** Energy, gradient and Hessian at a Cartesian point (Å, any value: the field is periodic). Counts one evaluation. */
  evaluate(cart: ArrayLike<number>): FieldSample;
  /** The energy alone (cheaper). Counts one evaluation. */
  energy(cart: ArrayLike<number>): number;
  /** Lattice vectors as rows (Å), row-major, as Framework.lattice. */
  readonly lattice: Float64Array;
  /** Evaluations so far (evaluate and energy calls). */
  readonly evaluations: number;
}

export type Vec3 = [number, number, number];

/**
 * A stationary point (or the best point a search reached) of a ScalarField. A search whose start cannot be evaluated (on
 * top of an ion, and still after five small kicks) returns NaN coordinates and energy, and index −1.
 */
export interface CriticalPoint {
  /** Unwrapped Cartesian position (Å): it may lie outside the home cell, so lattice offsets between points are kept. */
  cart: Vec3;
  /** Fractional coordinates of `cart` (unwrapped too: Math.floor gives the cell it lies in). */
  frac: Vec3;
  /** eV. */
  energy: number;
  /** |∇E| in eV/Å. */
  gradientNorm: number;
  /** Hessian eigenvalues (eV/Å²), ascending. */
  eigenvalues: Vec3;
  /** Unit eigenvectors as COLUMNS of a row-major 3×3: eigenvector k is (v[k], v[3 + k], v[6 + k]), of eigenvalues[k]. */
  eigenvectors: Float64Array;
  /** Number of negative eigenvalues: 0 at a minimum, 1 at a saddle between two minima. */
  index: number;
  /** The gradient criterion was met (|∇E| below the search's tolerance). The index is checked separately. */
  converged: boolean;
  /**
   * A minimum search stopped inside the quadratic basin of a minimum passed in as known (findMinimum's `known`): the
   * position, energy and eigenvalues are that minimum's (gradientNorm 0 stands for its converged gradient).
   */
  known?: boolean;
  /** Steps taken. */
  iterations: number;
  /** Field evaluations this search spent. */
  evaluations: number;
}
