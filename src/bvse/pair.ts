// The two BVSE pair terms in float64: the reference every backend is tested against.
import type { PairType } from './framework.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/**
 * Complementary error function to ~1e-15 relative accuracy for the arguments BVSE needs (x ≥ 0).
 * x < 3: erf from the series erf(x) = 2/√π·e^(−x²)·Σ (2x²)^n·x / (1·3·…·(2n+1)), whose terms are all
 * positive (no cancellation). x ≥ 3: the continued fraction of erfc (Abramowitz & Stegun 7.1.14),
 * evaluated bottom-up with a fixed depth that converges to double precision for x ≥ 3.
 */
export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  if (x < 3) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …)))))
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return (Math.exp(-x * x) * ONE_OVER_SQRT_PI) / f;
}

/** Energy (eV) of one pair at distance r (Å), before the occupancy weight. No cutoff is applied here. */
export function pairEnergy(t: PairType, r: number): number {
  if (t.kind === 'morse') {
    const e = Math.exp(t.alpha * (t.rmin - r)) - 1;
    return 0.5 * t.d0 * (e * e - 1);
  }
  return (t.k / r) * erfc(r / t.screen);
}
