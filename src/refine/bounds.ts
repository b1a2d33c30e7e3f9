// Rigorous bounds on the energy inside a block of grid points, from the field itself. Used by adaptive refinement
// to decide which blocks can change a percolation threshold (docs/refinement.md).
//
// Curvature. The energy is E(p) = Σ_pairs w·f(|p − x|). Its Hessian is Σ w·[f''(R)·r̂r̂ᵀ + (f'(R)/R)·(1 − r̂r̂ᵀ)],
// so ‖Hess E(p)‖₂ ≤ Σ w·g(R) with g(R) = max(|f''(R)|, |f'(R)|/R). Over a ball of radius ρ around a point c the
// distance to an atom is at least R_c − ρ, and G(R) = sup_{R' ≥ R} g(R') is non-increasing, so
//   H(c, ρ) = Σ w·G(max(R_c − ρ, 0))
// bounds the Hessian everywhere in the ball. The CPU kernel sums exactly such a per-pair table: curvatureTable()
// builds it as a step table (each interval holds G at its small-R end, so the steps never undershoot).
//
// Interpolation. Within a block of edges h_a, h_b, h_c (Å), trilinear interpolation of the corner values differs
// from the field by at most (h_a² + h_b² + h_c²)·H/8 (tensor-product linear interpolation; each 1D factor errs by
// h²·max|f''|/8 and the others are convex combinations). The interpolant lies between the smallest and largest
// corner, so every point of the block lies in [min corners − err, max corners + err].
import type { PairType } from '../bvse/framework.js';
import { erfc } from '../bvse/pair.js';
import type { PreparedFramework } from '../backends/cpu/kernel.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126;
/** Stands for "unbounded" (an atom inside the ball): large, finite, and far from float32 overflow when summed. */
export const CURVATURE_CAP = 1e30;
/** Step-table intervals per segment in s = R². */
const STEP_INTERVALS = 4096;
/** Samples per Å when taking the running maximum that makes G non-increasing. */
const SAMPLES_PER_A = 4000;

/** |f''(R)| and |f'(R)|/R of one pair (before the weight). */
export function pairCurvature(t: PairType, r: number): number {
  if (t.kind === 'morse') {
    const e = Math.exp(t.alpha * (t.rmin - r));
    const d1 = t.d0 * t.alpha * e * (e - 1);
    const d2 = t.d0 * t.alpha * t.alpha * e * (2 * e - 1);
    return Math.max(Math.abs(d2), Math.abs(d1) / r);
  }
  const x = r / t.screen;
  const gauss = Math.exp(-x * x);
  const k = Math.abs(t.k);
  const d1 = (k / (r * r)) * erfc(x) + ((k * TWO_OVER_SQRT_PI) / t.screen) * (gauss / r);
  const d2 = (2 * k * erfc(x)) / (r * r * r) + ((2 * k * TWO_OVER_SQRT_PI) / t.screen) * gauss * (1 / (r * r) + 1 / (t.screen * t.screen));
  return Math.max(d2, d1 / r);
}

/** G(R) = sup over R' ≥ R (up to the cutoff) of pairCurvature, sampled densely; index i ↔ R = i / SAMPLES_PER_A. */
function curvatureEnvelope(t: PairType, cutoff: number): Float64Array {
  const n = Math.ceil(cutoff * SAMPLES_PER_A) + 1;
  const env = new Float64Array(n + 1);
  let run = 0;
  for (let i = n; i >= 1; i--) {
    const g = pairCurvature(t, i / SAMPLES_PER_A);
    // Between samples g can exceed both neighbours only by a relative hair at this density; 1 % covers it.
    run = Math.max(run, 1.01 * g);
    env[i] = run;
  }
  env[0] = Infinity;
  return env;
}

function envelopeAt(env: Float64Array, r: number): number {
  if (!(r > 0)) return CURVATURE_CAP;
  const i = Math.floor(r * SAMPLES_PER_A); // the sample at or below r: G is non-increasing, so this bounds G(r)
  if (i >= env.length) return env[env.length - 1]!;
  return Math.min(CURVATURE_CAP, env[i]!);
}

/**
 * A copy of `prep` whose table sums H(c, ρ) instead of the energy: every pair type's table holds G(R − ρ) as steps
 * in s = R² (upper bounds on each interval). Pairs at or beyond the cutoff are not summed by the kernel; their share
 * is covered by `tailBound`.
 */
export function curvatureTable(prep: PreparedFramework, rho: number): { prep: PreparedFramework; tailBound: number } {
  const rc = prep.cutoff;
  const rc2 = rc * rc;
  const breaks = [0, 1, 16, rc2].filter((s, i, a) => i === 0 || (s > a[i - 1]! && s <= rc2));
  if (breaks[breaks.length - 1] !== rc2) breaks.push(rc2);
  const segments = Math.min(3, breaks.length - 1);
  const bounds = breaks.slice(0, segments + 1);
  bounds[segments] = rc2;
  const total = segments * STEP_INTERVALS;
  const table = new Float64Array(Math.max(1, prep.types.length * total) * 4);
  const segmentStart = new Float64Array(4).fill(Infinity);
  const segmentInvSpacing = new Float64Array(3);
  const segmentFirstInterval = new Int32Array(4);
  let tailPerPair = 0;
  prep.types.forEach((t, ti) => {
    const env = curvatureEnvelope(t, rc + 1);
    for (let g = 0; g < segments; g++) {
      const sa = bounds[g]!, sb = bounds[g + 1]!;
      const h = (sb - sa) / STEP_INTERVALS;
      for (let i = 0; i < STEP_INTERVALS; i++) {
        const o = 4 * (ti * total + g * STEP_INTERVALS + i);
        table[o] = envelopeAt(env, Math.sqrt(sa + i * h) - rho);
        // c1..c3 stay 0: a constant step.
      }
    }
    tailPerPair = Math.max(tailPerPair, envelopeAt(env, rc - rho));
  });
  for (let g = 0; g < segments; g++) {
    segmentStart[g] = bounds[g]!;
    segmentInvSpacing[g] = STEP_INTERVALS / (bounds[g + 1]! - bounds[g]!);
    segmentFirstInterval[g] = g * STEP_INTERVALS;
  }
  for (let g = segments; g < 4; g++) segmentFirstInterval[g] = total;
  let weightSum = 0;
  for (let a = 0; a < prep.imageCount; a++) weightSum += prep.images[4 * a + 3]!;
  return {
    prep: { ...prep, table, tableIntervals: total, segmentStart, segmentInvSpacing, segmentFirstInterval, exactBelowR2: 0, tableMaxError: 0 },
    // Atoms just past the cutoff of a corner can reach within the cutoff of a point of its ball.
    tailBound: weightSum * tailPerPair,
  };
}
