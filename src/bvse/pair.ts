// The two BVSE pair terms in float64: the reference every backend is tested against.
import { assertNeverPair, pairBranch, type PairBranches, type PairType } from './framework.js';

/** 2/√π, erfc's derivative factor: −(2/√π)·e^(−x²). */
export const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/**
 * Complementary error function to ~1e-15 relative accuracy for the arguments BVSE needs (x ≥ 0).
 * x < 3: erf from the series erf(x) = 2/√π·e^(−x²)·Σ (2x²)^n·x / (1·3·…·(2n+1)), whose terms are all
 * positive (no cancellation). x ≥ 3: the continued fraction of erfc (Abramowitz & Stegun 7.1.14),
 * evaluated bottom-up to a depth that converges to double precision for x ≥ 3.
 */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  return erfcFromGaussian(x, Math.exp(-x * x));
}

/** erfc(x) for x ≥ 0 given g = e^(−x²) (the Coulomb derivatives need g too: one exp for both). */
function erfcFromGaussian(x: number, g: number): number {
  if (x < 3) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - TWO_OVER_SQRT_PI * g * sum;
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  // Depth 90/x + 2 (32 at x = 3, 17 at x = 6) exceeds the depth at which the fraction changes by less than 1e-16
  // relative (30 at x = 3, 21 at 4, 16 at 5, 14 at 6): half the work of a fixed depth of 60, the same value.
  if (x > 27) return 0; // e^(−x²) underflows
  let f = x;
  for (let k = Math.ceil(90 / x) + 2; k >= 1; k--) f = x + k / 2 / f;
  return (g * ONE_OVER_SQRT_PI) / f;
}

/**
 * erfcFromGaussian(x[j], g[j]) into out[j] for j < n (every x ≥ 0), the same values. The continued fraction (x ≥ 3) is a
 * chain of dependent divisions, each waiting for the last; four chains side by side overlap them (the continuous
 * field's costliest step). `queue` is scratch of at least n entries.
 */
export function erfcFromGaussianBatch(x: Float64Array, g: Float64Array, n: number, out: Float64Array, queue: Int32Array): void {
  let q = 0;
  for (let j = 0; j < n; j++) {
    const xj = x[j]!;
    if (xj >= 3 && xj <= 27) queue[q++] = j;
    else out[j] = erfcFromGaussian(xj, g[j]!);
  }
  for (let s = 0; s < q; s += 4) {
    // A group of fewer than four repeats its last chain (the same value, stored again).
    const j0 = queue[s]!,
      j1 = queue[Math.min(s + 1, q - 1)]!,
      j2 = queue[Math.min(s + 2, q - 1)]!,
      j3 = queue[Math.min(s + 3, q - 1)]!;
    const x0 = x[j0]!,
      x1 = x[j1]!,
      x2 = x[j2]!,
      x3 = x[j3]!;
    const k0 = Math.ceil(90 / x0) + 2,
      k1 = Math.ceil(90 / x1) + 2,
      k2 = Math.ceil(90 / x2) + 2,
      k3 = Math.ceil(90 / x3) + 2;
    let f0 = x0,
      f1 = x1,
      f2 = x2,
      f3 = x3;
    // Each chain takes erfcFromGaussian's steps, k = its depth down to 1, with the same operations.
    for (let k = Math.max(k0, k1, k2, k3); k >= 1; k--) {
      if (k <= k0) f0 = x0 + k / 2 / f0;
      if (k <= k1) f1 = x1 + k / 2 / f1;
      if (k <= k2) f2 = x2 + k / 2 / f2;
      if (k <= k3) f3 = x3 + k / 2 / f3;
    }
    out[j0] = (g[j0]! * ONE_OVER_SQRT_PI) / f0;
    out[j1] = (g[j1]! * ONE_OVER_SQRT_PI) / f1;
    out[j2] = (g[j2]! * ONE_OVER_SQRT_PI) / f2;
    out[j3] = (g[j3]! * ONE_OVER_SQRT_PI) / f3;
  }
}

/** E(r) of each kind of pair term, before the occupancy weight (formulas at PairType). */
const PAIR_ENERGY: PairBranches<[r: number], number> = {
  morse: (t, r) => {
    const e = Math.exp(t.alpha * (t.rmin - r)) - 1;
    return 0.5 * t.d0 * (e * e - 1);
  },
  coulomb: (t, r) => (t.k / r) * erfc(r / t.screen),
};

/** Energy (eV) of one pair at distance r (Å), before the occupancy weight. No cutoff is applied here. */
export function pairEnergy(t: PairType, r: number): number {
  return pairBranch(PAIR_ENERGY, t)(t, r);
}

/** A pair term and its first two derivatives with respect to the distance, before the occupancy weight. */
export interface PairDerivatives {
  /** E(r) in eV. */
  energy: number;
  /** dE/dr in eV/Å. */
  d1: number;
  /** d²E/dr² in eV/Å². */
  d2: number;
}

/**
 * E(r), dE/dr and d²E/dr² (eV, eV/Å, eV/Å²) of one pair at distance r (Å), in float64; the energy is pairEnergy's.
 *  - Morse, u = exp(α·(Rmin − r)):  E = ½·D0·[(u − 1)² − 1],  E' = −α·D0·u·(u − 1),  E'' = α²·D0·u·(2u − 1).
 *  - Screened Coulomb, f = erfc(r/s) with f' = −2/(s√π)·exp(−r²/s²) and f'' = −2r/s²·f':
 *    E = k·f/r,  E' = k·(f'/r − f/r²),  E'' = k·(f''/r − 2f'/r² + 2f/r³).
 * `out`, when given, is filled and returned (no allocation in the field's inner loop).
 */
export function pairDerivatives(t: PairType, r: number, out: PairDerivatives = { energy: 0, d1: 0, d2: 0 }): PairDerivatives {
  // Exhaustive on the kind: a third kind of pair term does not compile until its derivatives are written here.
  // A switch rather than a PairBranches table: this runs in the continuous field's inner loop.
  switch (t.kind) {
    case 'morse': {
      const u = Math.exp(t.alpha * (t.rmin - r));
      out.energy = 0.5 * t.d0 * ((u - 1) * (u - 1) - 1);
      out.d1 = -t.alpha * t.d0 * u * (u - 1);
      out.d2 = t.alpha * t.alpha * t.d0 * u * (2 * u - 1);
      return out;
    }
    case 'coulomb': {
      const s = t.screen;
      const x = r / s;
      const g = Math.exp(-x * x);
      const f = x < 0 ? erfc(x) : erfcFromGaussian(x, g);
      const f1 = -(TWO_OVER_SQRT_PI / s) * g;
      const f2 = ((-2 * r) / (s * s)) * f1;
      const ir = 1 / r;
      out.energy = (t.k / r) * f;
      out.d1 = t.k * (f1 - f * ir) * ir;
      out.d2 = t.k * (f2 - 2 * (f1 - f * ir) * ir) * ir;
      return out;
    }
    default:
      return assertNeverPair(t, 'pairDerivatives');
  }
}
