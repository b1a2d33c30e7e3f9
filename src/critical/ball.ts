// Rigorous bounds of a radial pair sum over a ball, for the network's certificate (docs/continuum.md, "Certification").
//
// A pair term φ(p) = f(|p − x|) has Hessian f''·uuᵀ + (f'/R)·(1 − uuᵀ), of spectral norm max(|f''|, |f'|/R), and
// third derivative D³φ[h,h,h] = f'''·(u·h)³ + 3·(f''/R − f'/R²)·(u·h)·(1 − (u·h)²) for a unit h, so its norm (for a
// symmetric trilinear form, the sup over unit h) is at most |f'''| + 3·|f''/R − f'/R²|. Over a ball of radius ρ the
// distance to an atom is at least R − ρ, so the running sups G₂(R) = sup_{R' ≥ R} of the first and G₃ of the second,
// taken at R − ρ and summed with the weights, bound the Hessian norm and its Lipschitz constant over the ball.
import { assertNeverPair, type PairType } from '../bvse/framework.js';
import { erfc, pairDerivatives, TWO_OVER_SQRT_PI } from '../bvse/pair.js';

/** Envelope samples per Å. */
export const ENVELOPE_SAMPLES_PER_A = 2000;

/** Bounds of a field over a ball (Cartesian centre, radius ρ in Å). */
export interface BallBounds {
  /** A lower bound of the energy anywhere in the ball (eV); −Infinity when none. */
  lower: number;
  /** A bound of the Hessian's spectral norm anywhere in the ball (eV/Å²); Infinity when none. */
  hessian: number;
  /** A bound of the third derivative's norm anywhere in the ball (eV/Å³): the Hessian's Lipschitz constant. */
  third: number;
  /**
   * The largest jump (eV) the field's hard cutoff can make inside the ball: pairs whose distance range crosses the
   * cutoff add or drop a term there (≪ 1e-9 eV for BVSE), which the smooth bounds above do not see.
   */
  jump: number;
}

/** E''' of one pair at distance r (eV/Å³), before the weight; formulas at pairDerivatives, one order higher. */
export function pairThird(t: PairType, r: number): number {
  switch (t.kind) {
    case 'morse': {
      // E'' = α²·D0·u·(2u − 1), u' = −α·u  ⇒  E''' = −α³·D0·u·(4u − 1).
      const u = Math.exp(t.alpha * (t.rmin - r));
      return -t.alpha * t.alpha * t.alpha * t.d0 * u * (4 * u - 1);
    }
    case 'coulomb': {
      // E = k·f/r with f = erfc(r/s): E''' = k·(f'''/r − 3f''/r² + 6f'/r³ − 6f/r⁴) (Leibniz),
      // f' = −2/(s√π)·e^(−r²/s²), f'' = −2r/s²·f', f''' = −2/s²·f' − 2r/s²·f''.
      const s = t.screen,
        x = r / s;
      const f = erfc(x);
      const f1 = -(TWO_OVER_SQRT_PI / s) * Math.exp(-x * x);
      const f2 = ((-2 * r) / (s * s)) * f1;
      const f3 = (-2 / (s * s)) * f1 - ((2 * r) / (s * s)) * f2;
      const ir = 1 / r;
      return t.k * (f3 * ir - 3 * f2 * ir * ir + 6 * f1 * ir * ir * ir - 6 * f * ir * ir * ir * ir);
    }
    default:
      return assertNeverPair(t, 'pairThird');
  }
}

/** Running sups G₂ (Hessian norm) and G₃ (third-derivative norm) of one pair type, sampled up to `reach` Å. */
export class PairEnvelope {
  private readonly g2: Float64Array;
  private readonly g3: Float64Array;

  constructor(t: PairType, reach: number) {
    const n = Math.ceil(reach * ENVELOPE_SAMPLES_PER_A) + 2;
    this.g2 = new Float64Array(n);
    this.g3 = new Float64Array(n);
    const d = { energy: 0, d1: 0, d2: 0 };
    let run2 = 0,
      run3 = 0;
    for (let i = n - 1; i >= 1; i--) {
      const r = i / ENVELOPE_SAMPLES_PER_A;
      pairDerivatives(t, r, d);
      const h = Math.max(Math.abs(d.d2), Math.abs(d.d1) / r);
      const k = Math.abs(pairThird(t, r)) + 3 * Math.abs(d.d2 / r - d.d1 / (r * r));
      // Between samples the functions exceed both neighbours only by a relative hair at this density; 2 % covers it.
      run2 = Math.max(run2, 1.02 * h);
      run3 = Math.max(run3, 1.02 * k);
      this.g2[i] = Number.isFinite(run2) ? run2 : Infinity;
      this.g3[i] = Number.isFinite(run3) ? run3 : Infinity;
    }
    this.g2[0] = Infinity;
    this.g3[0] = Infinity;
  }

  /** G₂ at distance `near` (the sample at or below it: the sups are non-increasing). */
  hessian(near: number): number {
    if (!(near > 0)) return Infinity;
    const i = Math.floor(near * ENVELOPE_SAMPLES_PER_A);
    return i >= this.g2.length ? this.g2[this.g2.length - 1]! : this.g2[i]!;
  }

  third(near: number): number {
    if (!(near > 0)) return Infinity;
    const i = Math.floor(near * ENVELOPE_SAMPLES_PER_A);
    return i >= this.g3.length ? this.g3[this.g3.length - 1]! : this.g3[i]!;
  }
}

/** The least value of one pair term (before the weight) at a distance in [near, far]; −Infinity when unbounded. */
export function pairRangeMinimum(t: PairType, near: number, far: number, energy: (r: number) => number): number {
  switch (t.kind) {
    case 'morse':
      // Decreasing below rmin, increasing above: −D0/2 at rmin when the range holds it, else the nearer end.
      if (near <= t.rmin && t.rmin <= far) return -0.5 * t.d0;
      return energy(far < t.rmin ? far : near);
    case 'coulomb':
      // Repulsive (k ≥ 0) decreases with r: lowest at the far end. Attractive: lowest at the near end.
      if (t.k >= 0) return energy(far);
      return near > 0 ? energy(near) : -Infinity;
    default:
      return assertNeverPair(t, 'pairRangeMinimum');
  }
}
