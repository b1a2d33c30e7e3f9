// Minima and index-1 saddle points of a periodic ScalarField, in unwrapped Cartesian Å.
//
// Both searches take one field evaluation (energy, gradient, Hessian) per step and diagonalise the 3×3 Hessian.
// - findMinimum: Newton steps where the Hessian is positive definite, steepest-descent steps where it is not, inside a
//   trust radius; a step that raises the energy (or lands on +Infinity) is rejected and the radius shrinks.
// - findSaddle: partitioned rational-function optimisation (P-RFO) steps (Banerjee, Adams, Simons &
//   Shepard, J. Phys. Chem. 89, 52 (1985); Baker, J. Comput. Chem. 7, 385 (1986)): maximise along the lowest Hessian
//   mode, minimise along the other two, inside a trust radius; from inside a basin, a drag along a guessed direction.
// Neither throws on a hard case: non-convergence is reported in the result, and each search spends at most
// `maxEvaluations` evaluations.
import { invert3 } from '../structure/lattice.js';
import { eigenSym3, type Eigen3 } from './eigen.js';
import { matrix3 } from './matrix3.js';
import type { CriticalPoint, FieldSample, ScalarField, Vec3 } from './types.js';

/** Default |∇E| (eV/Å) below which a search has converged. */
export const GRADIENT_TOLERANCE = 1e-5;
/** Default evaluation budget of one search. */
export const MAX_EVALUATIONS = 300;

export interface SearchOptions {
  /** Converged when |∇E| < this (eV/Å). Default GRADIENT_TOLERANCE (1e-5). */
  gradientTolerance?: number;
  /** At most this many steps. Default: the evaluation budget. */
  maxIterations?: number;
  /** At most this many field evaluations. Default MAX_EVALUATIONS (300). */
  maxEvaluations?: number;
  /** Initial trust radius (Å): the longest step. Default 0.15. */
  trustRadius?: number;
  /** The trust radius never grows beyond this (Å). Default 0.3. */
  maxTrustRadius?: number;
}

/** A minimum found before (a network site), where a minimum search may stop once it is inside its quadratic basin. */
export interface KnownMinimum {
  /** Unwrapped Cartesian position (Å) of the copy near the point asked about. */
  cart: ArrayLike<number>;
  energy: number;
  /** Hessian eigenvalues there (eV/Å², ascending). */
  eigenvalues: ArrayLike<number>;
}

export interface MinimumOptions extends SearchOptions {
  /**
   * The converged minimum whose copy lies near a Cartesian point, or null. Where the Hessian is positive definite and
   * the Newton step (inside the trust radius and KNOWN_STEP) lands within KNOWN_TOLERANCE of such a minimum, the
   * search is in that minimum's quadratic basin, where its Newton steps would end: it stops and reports that minimum
   * (`known: true`), without the evaluations that would polish it again. A descent that reaches no known minimum runs
   * to convergence.
   */
  known?: (cart: ArrayLike<number>) => KnownMinimum | null;
}

/** Longest Newton step (Å) from which a known minimum is taken as the end (distinct minima lie > 0.3 Å apart). */
export const KNOWN_STEP = 0.1;
/** Largest distance (Å) between the Newton step's target and the known minimum. */
export const KNOWN_TOLERANCE = 0.01;

export interface SaddleOptions extends SearchOptions {
  /**
   * A rough direction of the hop (any length), for starts inside a basin (no negative curvature, e.g. a minimum): the
   * search climbs along it while minimising across it, until the first negative curvature; from there it follows the
   * lowest mode (P-RFO). Without it, the lowest mode is followed from the start. At a start that already has a
   * negative curvature (a grid saddle) it has no effect.
   */
  guessDirection?: ArrayLike<number>;
}

/** Radius (Å) below which a shrinking trust region means the search has stalled. */
const MIN_TRUST = 1e-7;

/** A minimum near `start` (Cartesian Å). */
export function findMinimum(field: ScalarField, start: ArrayLike<number>, opts: MinimumOptions = {}): CriticalPoint {
  const o = settings(opts);
  const run = new Run(field, o.maxEvaluations);
  let cur = run.start(start);
  if (!cur) return run.result(null, false);
  let radius = o.trustRadius;
  let iterations = 0;
  for (; iterations < o.maxIterations && run.canEvaluate(); iterations++) {
    const { s, eig } = cur;
    const g = s.gradient;
    const gnorm = norm(g);
    const positive = eig.values[0] > 0;
    if (gnorm < o.tol && positive) return run.result(cur, true, iterations);
    let h: number[];
    let newton = false;
    if (positive) {
      // Newton step, in the eigenbasis.
      h = newtonStep(eig, g, 0);
      newton = true;
      if (opts.known) {
        const len = norm(h);
        const target = add(cur.x, h);
        const m = len <= radius && len <= KNOWN_STEP ? opts.known(target) : null;
        if (m && Math.hypot(target[0]! - m.cart[0]!, target[1]! - m.cart[1]!, target[2]! - m.cart[2]!) <= KNOWN_TOLERANCE) {
          return run.known(m, cur, iterations);
        }
      }
    } else if (gnorm < o.tol) {
      // A stationary point that is not a minimum: leave it downhill along the lowest mode.
      const v = column(eig, 0);
      const sign = dot(v, g) > 0 ? -1 : 1;
      h = [sign * v[0]! * radius, sign * v[1]! * radius, sign * v[2]! * radius];
    } else if (eig.values[1] > 0 && Math.abs(dot(column(eig, 0), g)) < o.tol) {
      // Stationary along the one negative mode, e.g. on a symmetry axis or plane whose gradient lies within it:
      // steepest descent stays there, crawling (stiff modes across a soft one) towards the stationary point of the
      // axis. Newton along the positive modes reaches that point, which the branch above then leaves. obelix__1dm: a
      // grid point on a 2-fold axis between two minima 0.08 Å off it spent its 300 evaluations in steepest descent.
      h = newtonStep(eig, g, 1);
    } else {
      h = [(-g[0]! / gnorm) * radius, (-g[1]! / gnorm) * radius, (-g[2]! / gnorm) * radius];
    }
    h = clip(h, radius);
    const len = norm(h);
    const predicted = dot(g, h) + 0.5 * quad(s.hessian, h);
    const x1 = add(cur.x, h);
    const s1 = run.evaluate(x1);
    const dE = s1.energy - s.energy;
    const gnorm1 = norm(s1.gradient);
    // Accept a descent; near convergence also a Newton step that lowers |∇E| while the energy rises by no more than
    // the jumps of a cutoff sphere (an atom image entering or leaving it changes E by ~1e-5 eV).
    const ok = usable(s1) && (dE <= 0 || (newton && len < radius && dE < 1e-4 && gnorm1 < gnorm));
    if (!ok) {
      radius = len / 4;
      if (radius < MIN_TRUST) break;
      continue;
    }
    const ratio = predicted < 0 ? dE / predicted : 0;
    if (ratio > 0.75 && len > 0.9 * radius) radius = Math.min(2 * radius, o.maxTrustRadius);
    else if (ratio < 0.25) radius = Math.max(len / 2, MIN_TRUST);
    cur = { x: x1, s: s1, eig: eigenSym3(s1.hessian) };
  }
  return run.result(cur, norm(cur.s.gradient) < o.tol, iterations);
}

/** An index-1 saddle point near `start` (Cartesian Å), by P-RFO eigenvector following. */
export function findSaddle(field: ScalarField, start: ArrayLike<number>, opts: SaddleOptions = {}): CriticalPoint {
  const o = settings(opts);
  const run = new Run(field, o.maxEvaluations);
  let cur = run.start(start);
  if (!cur) return run.result(null, false);
  let radius = o.trustRadius;
  let followed: number[] | null = null;
  if (opts.guessDirection) {
    const d = [opts.guessDirection[0]!, opts.guessDirection[1]!, opts.guessDirection[2]!];
    const n = norm(d);
    if (n > 0 && Number.isFinite(n)) followed = [d[0]! / n, d[1]! / n, d[2]! / n];
  }
  let iterations = 0;
  for (; iterations < o.maxIterations && run.canEvaluate(); iterations++) {
    const { s, eig } = cur;
    const g = s.gradient;
    const gnorm = norm(g);
    const index = negatives(eig.values);
    if (gnorm < o.tol && index === 1) return run.result(cur, true, iterations);

    // The basis of the step: while the point is still inside a basin (no negative curvature) and a direction was
    // given, climb along that fixed direction and minimise in the plane across it (a drag step: Hessian modes rotate
    // too much inside a basin to be followed reliably). From the first negative curvature on, plain P-RFO along the
    // lowest mode: following the mode most like the hop direction instead converged less often and joined the hop's
    // own minima less often on the seeds of a 0.2 Å grid (LiFePO4, 189 hops: 130 against 189 converged).
    if (index > 0) followed = null;
    const basis = followed ? dragBasis(s.hessian, followed) : eig;
    const lam = basis.values;
    const F = [dot(column(basis, 0), g), dot(column(basis, 1), g), dot(column(basis, 2), g)];
    const h = [0, 0, 0];
    // Maximise along mode 0: λp = ½λ0 + ½√(λ0² + 4F0²) ≥ max(λ0, 0).
    const F0 = F[0]!,
      l0 = lam[0]!;
    const lp = 0.5 * l0 + 0.5 * Math.sqrt(l0 * l0 + 4 * F0 * F0);
    let h0 = lp - l0 !== 0 ? F0 / (lp - l0) : 0;
    // Dragging, climb in the given sense whichever side of the basin's bottom the point is on; at a bottom (no slope
    // along the mode) take a full step.
    if (followed) h0 = Math.abs(h0) < 1e-3 * radius ? radius : Math.abs(h0);
    else if (l0 > 0 && Math.abs(h0) < 1e-3 * radius) h0 = radius;
    // Minimise along the others: λn the root below min λi of λ = Σ Fi²/(λ − λi).
    const ln = rfoShift(lam[1]!, lam[2]!, F[1]!, F[2]!);
    for (let i = 1; i <= 2; i++) h[i] = lam[i]! - ln !== 0 ? -F[i]! / (lam[i]! - ln) : 0;
    h[0] = h0;
    // A stationary point of index 2 or 3 has nothing to minimise: step off it down the second mode.
    if (gnorm < o.tol && index > 1) h[1] = radius / 2;
    const bv = basis.vectors;
    let step = [
      h[0]! * bv[0]! + h[1]! * bv[1]! + h[2]! * bv[2]!,
      h[0]! * bv[3]! + h[1]! * bv[4]! + h[2]! * bv[5]!,
      h[0]! * bv[6]! + h[1]! * bv[7]! + h[2]! * bv[8]!,
    ];
    step = clip(step, radius);
    const len = norm(step);
    const predicted = dot(g, step) + 0.5 * quad(s.hessian, step);
    const x1 = add(cur.x, step);
    const s1 = run.evaluate(x1);
    if (!usable(s1)) {
      radius = len / 4;
      if (radius < MIN_TRUST) break;
      continue;
    }
    const dE = s1.energy - s.energy;
    const ratio = Math.abs(predicted) > 1e-8 ? dE / predicted : 1;
    // A step whose quadratic model was badly wrong is taken back (the landscape near an ion changes within 0.1 Å).
    if ((ratio < 0 || ratio > 3) && len > 1e-3 && Math.abs(dE) > 1e-5) {
      radius = len / 4;
      if (radius < MIN_TRUST) break;
      continue;
    }
    if (ratio > 0.75 && ratio < 1.33 && len > 0.9 * radius) radius = Math.min(2 * radius, o.maxTrustRadius);
    else if (ratio < 0.25 || ratio > 2) radius = Math.max(len / 2, 1e-4);
    cur = { x: x1, s: s1, eig: eigenSym3(s1.hessian) };
  }
  const done = norm(cur.s.gradient) < o.tol;
  return run.result(cur, done, iterations);
}

/** dragBasis's projected Hessian (eigenSym3 copies it). */
const DRAG = new Float64Array(9);

/**
 * An orthonormal basis with `d` first and the Hessian's modes within the plane across d second and third (as columns,
 * like Eigen3), with the curvatures along them: dᵀHd, then the plane's two eigenvalues.
 */
function dragBasis(H: Float64Array, d: number[]): Eigen3 {
  // P·H·P + c·d·dᵀ (P = I − d·dᵀ) with c above every eigenvalue of H: its two lowest modes are the plane's.
  let largest = -Infinity;
  for (let i = 0; i < 9; i++) largest = Math.max(largest, Math.abs(H[i]!));
  const c = 1 + 2 * largest * 3;
  const Hd = [H[0]! * d[0]! + H[1]! * d[1]! + H[2]! * d[2]!, H[3]! * d[0]! + H[4]! * d[1]! + H[5]! * d[2]!, H[6]! * d[0]! + H[7]! * d[1]! + H[8]! * d[2]!];
  const dHd = dot(d, Hd);
  const M = DRAG;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) M[3 * i + j] = H[3 * i + j]! - d[i]! * Hd[j]! - Hd[i]! * d[j]! + d[i]! * d[j]! * (dHd + c);
  const plane = eigenSym3(M);
  const vectors = matrix3();
  for (let r = 0; r < 3; r++) {
    vectors[3 * r] = d[r]!;
    vectors[3 * r + 1] = plane.vectors[3 * r]!;
    vectors[3 * r + 2] = plane.vectors[3 * r + 1]!;
  }
  return { values: [dHd, plane.values[0], plane.values[1]], vectors };
}

/** The shift λ of the RFO step along two modes with curvatures l1, l2 and gradient components F1, F2: the root of
 *  λ = Σ Fi²/(λ − λi) below every λi (unique: the right side minus λ decreases monotonically there). The sums run in
 *  the order of the earlier list form (from 0, mode 1 then mode 2), without its closures: a saddle step bisects ~60 times. */
function rfoShift(l1: number, l2: number, F1: number, F2: number): number {
  const lo = Math.min(l1, l2);
  const phi = (x: number): number => {
    let sum = 0;
    sum = sum + (F1 * F1) / (x - l1);
    sum = sum + (F2 * F2) / (x - l2);
    return x - sum;
  };
  let squares = 0;
  squares = squares + F1 * F1;
  squares = squares + F2 * F2;
  const fsum = Math.sqrt(squares);
  if (fsum === 0) return Math.min(lo, 0) - 1e-12;
  // φ(lo⁻) → +∞ when that mode has a slope; φ(x) < 0 for x ≤ lo − |F| − |lo| − 1.
  let hi = lo;
  let below = Math.min(lo, 0) - fsum - 1;
  while (phi(below) > 0) below = 2 * below - 1;
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (below + hi);
    if (mid === below || mid === hi) break;
    if (phi(mid) > 0) hi = mid;
    else below = mid;
  }
  return Math.min(0.5 * (below + hi), 0);
}

/** A sample the searches can step from: finite energy, gradient and Hessian (not on top of an ion). */
function usable(s: FieldSample): boolean {
  if (!Number.isFinite(s.energy)) return false;
  for (let i = 0; i < 3; i++) if (!Number.isFinite(s.gradient[i]!)) return false;
  for (let i = 0; i < 9; i++) if (!Number.isFinite(s.hessian[i]!)) return false;
  return true;
}

interface Point {
  x: number[];
  s: FieldSample;
  eig: Eigen3;
}

/** One search's bookkeeping: its evaluation budget and the point it reports. */
class Run {
  used = 0;
  private readonly inverse: Float64Array;
  constructor(
    private readonly field: ScalarField,
    private readonly budget: number,
  ) {
    this.inverse = invert3(field.lattice);
  }
  canEvaluate(): boolean {
    return this.used < this.budget;
  }
  evaluate(x: number[]): FieldSample {
    this.used++;
    return this.field.evaluate(x);
  }
  /** The start, stepped off +Infinity (an ion exactly at it) by up to 0.1 Å if needed. */
  start(start: ArrayLike<number>): Point | null {
    const x0 = [+start[0]!, +start[1]!, +start[2]!];
    if (!x0.every(Number.isFinite)) return null;
    const kicks = [
      [0, 0, 0],
      [0.05, 0, 0],
      [0, 0.05, 0],
      [0, 0, 0.05],
      [-0.07, 0.03, 0.05],
      [0.03, -0.06, -0.08],
    ];
    for (const d of kicks) {
      if (!this.canEvaluate()) return null;
      const x = add(x0, d);
      const s = this.evaluate(x);
      if (usable(s)) {
        return { x, s, eig: eigenSym3(s.hessian) };
      }
    }
    return null;
  }
  /** The known minimum `m`, reached from `p` (whose Hessian eigenvectors it reports). */
  known(m: KnownMinimum, p: Point, iterations: number): CriticalPoint {
    const [x, y, z] = [+m.cart[0]!, +m.cart[1]!, +m.cart[2]!];
    const frac = fracOf(this.inverse, x, y, z);
    return {
      cart: [x, y, z],
      frac,
      energy: m.energy,
      gradientNorm: 0,
      eigenvalues: [m.eigenvalues[0]!, m.eigenvalues[1]!, m.eigenvalues[2]!],
      eigenvectors: p.eig.vectors,
      index: 0,
      converged: true,
      known: true,
      iterations,
      evaluations: this.used,
    };
  }
  result(p: Point | null, converged: boolean, iterations = 0): CriticalPoint {
    if (!p) {
      return {
        cart: [NaN, NaN, NaN],
        frac: [NaN, NaN, NaN],
        energy: NaN,
        gradientNorm: NaN,
        eigenvalues: [NaN, NaN, NaN],
        eigenvectors: matrix3().fill(NaN),
        index: -1,
        converged: false,
        iterations,
        evaluations: this.used,
      };
    }
    const [x, y, z] = p.x as Vec3;
    const frac = fracOf(this.inverse, x, y, z);
    return {
      cart: [x, y, z],
      frac,
      energy: p.s.energy,
      gradientNorm: norm(p.s.gradient),
      eigenvalues: [...p.eig.values],
      eigenvectors: p.eig.vectors,
      index: negatives(p.eig.values),
      converged,
      iterations,
      evaluations: this.used,
    };
  }
}

function settings(o: SearchOptions) {
  const maxEvaluations = o.maxEvaluations ?? MAX_EVALUATIONS;
  return {
    tol: o.gradientTolerance ?? GRADIENT_TOLERANCE,
    maxEvaluations,
    maxIterations: o.maxIterations ?? maxEvaluations,
    trustRadius: o.trustRadius ?? 0.15,
    maxTrustRadius: o.maxTrustRadius ?? 0.3,
  };
}

// ---- small vector helpers ---------------------------------------------------------------------------------------

/** Column k of the eigenvector matrix (eigenvector k). */
export function column(e: { vectors: Float64Array }, k: number): number[] {
  return [e.vectors[k]!, e.vectors[3 + k]!, e.vectors[6 + k]!];
}
/**
 * The Newton step Σ_k −(v_k·g)/λ_k·v_k over the modes k ≥ from (the modes below count 0·v_k; the columns read in
 * place). Small helpers here take no callbacks and build no closures: a closure made per call is compiled again
 * whenever a collection has freed the last one's code.
 */
function newtonStep(e: Eigen3, g: ArrayLike<number>, from: number): number[] {
  const out = [0, 0, 0];
  const v = e.vectors;
  for (let k = 0; k < 3; k++) {
    const f = v[k]! * g[0]! + v[3 + k]! * g[1]! + v[6 + k]! * g[2]!;
    const c = k < from ? 0 : -f / e.values[k]!;
    for (let i = 0; i < 3; i++) out[i]! += c * v[3 * i + k]!;
  }
  return out;
}
/** Fractional coordinates of the Cartesian point (x, y, z), given the inverse of the lattice rows. */
function fracOf(inv: ArrayLike<number>, x: number, y: number, z: number): Vec3 {
  return [x * inv[0]! + y * inv[3]! + z * inv[6]!, x * inv[1]! + y * inv[4]! + z * inv[7]!, x * inv[2]! + y * inv[5]! + z * inv[8]!];
}
/** Number of negative entries of three eigenvalues. */
function negatives(values: ArrayLike<number>): number {
  return (values[0]! < 0 ? 1 : 0) + (values[1]! < 0 ? 1 : 0) + (values[2]! < 0 ? 1 : 0);
}
function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}
function norm(a: ArrayLike<number>): number {
  return Math.hypot(a[0]!, a[1]!, a[2]!);
}
function add(a: ArrayLike<number>, b: ArrayLike<number>): number[] {
  return [a[0]! + b[0]!, a[1]! + b[1]!, a[2]! + b[2]!];
}
function quad(H: ArrayLike<number>, h: ArrayLike<number>): number {
  let q = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) q += h[i]! * H[3 * i + j]! * h[j]!;
  return q;
}
function clip(h: number[], radius: number): number[] {
  const n = norm(h);
  return n > radius ? [(h[0]! * radius) / n, (h[1]! * radius) / n, (h[2]! * radius) / n] : h;
}
