// The pair terms of one point against the field's image list (field.ts), in the list's order: the images in reach,
// the vector from each to the point, its length and weight, and E, E′, E″ of its term (pairDerivatives' values to the
// bit). The field's sums then only accumulate. Kept apart from the sums because a Math.exp inside a loop that holds ten
// running sums spills them around every call, and erfc's continued fractions run four side by side
// (erfcFromGaussianBatch) only when all of a point's screened Coulomb terms are known first.
import type { PairType } from '../bvse/framework.js';
import { erfcFromGaussianBatch, TWO_OVER_SQRT_PI } from '../bvse/pair.js';

/** An image list as the field holds it: positions relative to its centre, pair type and weight per image. */
export interface ImageListView {
  count: number;
  rel: Float64Array;
  type: Uint32Array;
  weight: Float64Array;
}

export class PairTerms {
  /** Terms in reach of the last point (compute). */
  count = 0;
  /** Per term: the vector from the image to the point (Å), its length, the image's weight. */
  dx = new Float64Array(0);
  dy = new Float64Array(0);
  dz = new Float64Array(0);
  r = new Float64Array(0);
  w = new Float64Array(0);
  /** Per term, before the weight: E (eV), and as the order asked dE/dr (eV/Å) and d²E/dr² (eV/Å²). */
  e = new Float64Array(0);
  d1 = new Float64Array(0);
  d2 = new Float64Array(0);
  private t = new Uint32Array(0);
  // The screened Coulomb terms: their index among the terms, x = r/s, e^(−x²), erfc(x), the batch's queue.
  private ci = new Int32Array(0);
  private cx = new Float64Array(0);
  private cg = new Float64Array(0);
  private cf = new Float64Array(0);
  private cq = new Int32Array(0);
  // Per pair type, as numbers (the two type shapes would make every property load polymorphic): squared reach, kind,
  // Morse α, Rmin, D0; Coulomb k, s, −2/(s·√π), s².
  private readonly reach2: Float64Array;
  private readonly morse: Uint8Array;
  private readonly alpha: Float64Array;
  private readonly rmin: Float64Array;
  private readonly d0: Float64Array;
  private readonly k: Float64Array;
  private readonly s: Float64Array;
  private readonly f1: Float64Array;
  private readonly s2: Float64Array;

  /** `reach2[t]`: the squared distance below which a pair of type t is summed. */
  constructor(types: readonly PairType[], reach2: Float64Array) {
    this.reach2 = reach2;
    this.morse = Uint8Array.from(types, (t) => (t.kind === 'morse' ? 1 : 0));
    this.alpha = Float64Array.from(types, (t) => (t.kind === 'morse' ? t.alpha : 0));
    this.rmin = Float64Array.from(types, (t) => (t.kind === 'morse' ? t.rmin : 0));
    this.d0 = Float64Array.from(types, (t) => (t.kind === 'morse' ? t.d0 : 0));
    this.k = Float64Array.from(types, (t) => (t.kind === 'coulomb' ? t.k : 0));
    this.s = Float64Array.from(types, (t) => (t.kind === 'coulomb' ? t.screen : 1));
    this.f1 = Float64Array.from(types, (t) => (t.kind === 'coulomb' ? -(TWO_OVER_SQRT_PI / t.screen) : 0));
    this.s2 = Float64Array.from(types, (t) => (t.kind === 'coulomb' ? t.screen * t.screen : 1));
  }

  /** The terms of the point (px, py, pz), relative to the list's centre, with derivatives up to `order`. */
  compute(list: ImageListView, px: number, py: number, pz: number, order: 0 | 1 | 2): number {
    if (this.r.length < list.count) this.grow(list.type.length);
    const { rel, type, weight } = list;
    const { reach2, dx, dy, dz, r, w, t } = this;
    let m = 0;
    for (let i = 0; i < list.count; i++) {
      const x = px - rel[3 * i]!,
        y = py - rel[3 * i + 1]!,
        z = pz - rel[3 * i + 2]!;
      const r2 = x * x + y * y + z * z;
      const ti = type[i]!;
      if (r2 >= reach2[ti]!) continue;
      dx[m] = x;
      dy[m] = y;
      dz[m] = z;
      r[m] = Math.sqrt(r2);
      w[m] = weight[i]!;
      t[m++] = ti;
    }
    this.count = m;
    const { morse, alpha, rmin, d0, e, d1, d2, ci, cx, cg } = this;
    let q = 0;
    for (let j = 0; j < m; j++) {
      const ti = t[j]!,
        rj = r[j]!;
      if (morse[ti] === 1) {
        // pairDerivatives' Morse branch, written out (the same operations in the same order).
        const a = alpha[ti]!,
          D = d0[ti]!;
        const u = Math.exp(a * (rmin[ti]! - rj));
        e[j] = 0.5 * D * ((u - 1) * (u - 1) - 1);
        if (order > 0) d1[j] = -a * D * u * (u - 1);
        if (order > 1) d2[j] = a * a * D * u * (2 * u - 1);
      } else {
        const x = rj / this.s[ti]!;
        ci[q] = j;
        cx[q] = x;
        cg[q++] = Math.exp(-x * x);
      }
    }
    if (q > 0) this.coulomb(q, order);
    return m;
  }

  /** pairDerivatives' screened Coulomb branch, written out, for the q terms queued by compute. */
  private coulomb(q: number, order: 0 | 1 | 2): void {
    const { ci, cg, cf, r, t, e, d1, d2, k, f1: F1, s2 } = this;
    erfcFromGaussianBatch(this.cx, cg, q, cf, this.cq);
    for (let c = 0; c < q; c++) {
      const j = ci[c]!,
        rj = r[j]!,
        ti = t[j]!,
        kt = k[ti]!,
        f = cf[c]!;
      e[j] = (kt / rj) * f;
      if (order === 0) continue;
      const f1 = F1[ti]! * cg[c]!;
      const ir = 1 / rj;
      d1[j] = kt * (f1 - f * ir) * ir;
      if (order === 1) continue;
      const f2 = ((-2 * rj) / s2[ti]!) * f1;
      d2[j] = kt * (f2 - 2 * (f1 - f * ir) * ir) * ir;
    }
  }

  private grow(cap: number): void {
    for (const key of ['dx', 'dy', 'dz', 'r', 'w', 'e', 'd1', 'd2', 'cx', 'cg', 'cf'] as const) this[key] = new Float64Array(cap);
    this.t = new Uint32Array(cap);
    this.ci = new Int32Array(cap);
    this.cq = new Int32Array(cap);
  }
}
