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
//
// Direct bound. Near an atom the curvature bound is loose or unbounded; there the lowest value over a ball is bounded
// term by term instead (directLowerBound): each pair term's minimum over the distances the ball allows.
import { pairBranch, type PairBranches, type PairType } from '../bvse/framework.js';
import { erfc, TWO_OVER_SQRT_PI } from '../bvse/pair.js';
import type { PreparedFramework } from '../backends/cpu/kernel.js';
import { tablePairEnergy } from '../backends/cpu/pair-table.js';

/**
 * How far a backend's values may stray from the float64 field: abs + rel·|E| (eV). The CPU kernel: float32 rounding
 * and its table (≪ 1e-5 eV). Other backends (WebGPU's float32 arithmetic): their tolerance contract, 1e-4 relative
 * (test/backends/gpu-helpers.ts), doubled.
 */
export interface ValueSlack {
  abs: number;
  rel: number;
}

/** Stands for "unbounded" (an atom inside the ball): large, finite, and far from float32 overflow when summed. */
export const CURVATURE_CAP = 1e30;
/** Step-table intervals per segment in s = R². */
const STEP_INTERVALS = 4096;
/** Samples per Å when taking the running maximum that makes G non-increasing. */
const SAMPLES_PER_A = 4000;

/** max(|f''(R)|, |f'(R)|/R) of each kind of pair term (before the weight). */
const PAIR_CURVATURE: PairBranches<[r: number], number> = {
  morse: (t, r) => {
    const e = Math.exp(t.alpha * (t.rmin - r));
    const d1 = t.d0 * t.alpha * e * (e - 1);
    const d2 = t.d0 * t.alpha * t.alpha * e * (2 * e - 1);
    return Math.max(Math.abs(d2), Math.abs(d1) / r);
  },
  coulomb: (t, r) => {
    const x = r / t.screen;
    const gauss = Math.exp(-x * x);
    const k = Math.abs(t.k);
    const d1 = (k / (r * r)) * erfc(x) + ((k * TWO_OVER_SQRT_PI) / t.screen) * (gauss / r);
    const d2 = (2 * k * erfc(x)) / (r * r * r) + ((2 * k * TWO_OVER_SQRT_PI) / t.screen) * gauss * (1 / (r * r) + 1 / (t.screen * t.screen));
    return Math.max(d2, d1 / r);
  },
};

/** |f''(R)| and |f'(R)|/R of one pair (before the weight). */
export function pairCurvature(t: PairType, r: number): number {
  return pairBranch(PAIR_CURVATURE, t)(t, r);
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
      const sa = bounds[g]!,
        sb = bounds[g + 1]!;
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

/**
 * The least value the kernel's table gives pair type `ti` (of kind t) at a distance in [near, far] (far ≤ cutoff):
 * −Infinity when it has no useful bound there.
 */
const RANGE_MINIMUM: PairBranches<[prep: PreparedFramework, ti: number, near: number, far: number], number> = {
  // The Morse well's bottom (−D0/2 at rmin) when the range holds it, else the endpoint nearer to rmin.
  morse: (t, prep, ti, near, far) => {
    if (near <= t.rmin && t.rmin <= far) return -0.5 * t.d0;
    const x = far < t.rmin ? far : Math.max(near, 0);
    return tablePairEnergy(prep, ti, x * x);
  },
  // Repulsive (k ≥ 0): decreasing in R, lowest at the far end; attractive screened Coulomb is not bounded here.
  coulomb: (t, prep, ti, _near, far) => (t.k >= 0 ? tablePairEnergy(prep, ti, far * far) : -Infinity),
};

/**
 * Lower bound of the backend's values over a ball (centre (cx, cy, cz) in Å, radius rho): the minimum of each pair
 * term over its distance range, each term as the kernel's table gives it, less the table's and the backend's error.
 */
export function directLowerBound(prep: PreparedFramework, cx: number, cy: number, cz: number, rho: number, slack: ValueSlack): number {
  const { binOrigin, binSize, binDims, binStart, images, imageType, cutoff } = prep;
  const reach = cutoff + rho;
  const lo = [0, 0, 0],
    hi = [0, 0, 0];
  const c = [cx, cy, cz];
  for (let d = 0; d < 3; d++) {
    lo[d] = Math.max(0, Math.floor((c[d]! - reach - binOrigin[d]!) / binSize));
    hi[d] = Math.min(binDims[d]! - 1, Math.floor((c[d]! + reach - binOrigin[d]!) / binSize));
    if (lo[d]! > hi[d]!) return 0;
  }
  let sum = 0,
    weight = 0;
  for (let bz = lo[2]!; bz <= hi[2]!; bz++)
    for (let by = lo[1]!; by <= hi[1]!; by++) {
      const row = binDims[0]! * (by + binDims[1]! * bz);
      for (let a = binStart[row + lo[0]!]!, end = binStart[row + hi[0]! + 1]!; a < end; a++) {
        const dx = images[4 * a]! - cx,
          dy = images[4 * a + 1]! - cy,
          dz = images[4 * a + 2]! - cz;
        const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
        const near = r - rho;
        if (near >= cutoff) continue;
        const far = Math.min(r + rho, cutoff);
        const ti = imageType[a]!;
        const t = prep.types[ti]!;
        let min = pairBranch(RANGE_MINIMUM, t)(t, prep, ti, near, far);
        if (min === -Infinity) return -Infinity;
        // Past the cutoff the kernel adds nothing, so 0 is one of the values the term can take.
        if (r + rho >= cutoff) min = Math.min(min, 0);
        const w = images[4 * a + 3]!;
        sum += w * min;
        weight += w;
      }
    }
  // The kernel's value at any point of the range is within the table error of the exact term, as is the endpoint
  // value used here (twice the table error per term); then the float32 rounding of the total.
  return sum - 2 * weight * prep.tableMaxError - (slack.abs + slack.rel * Math.abs(sum));
}
