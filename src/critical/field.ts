// The BVSE energy of the mobile ion as a continuous field, with its analytic gradient and Hessian, in float64.
// Equal to energyAtFrac (bvse/reference.ts) to rounding: the same pair terms, occupancy weights and cutoff rule (every
// framework atom image strictly closer than fw.cutoff).
import type { Framework } from '../bvse/framework.js';
import type { PairType } from '../bvse/framework.js';
import { pairEnergy } from '../bvse/pair.js';
import { invert3 } from '../structure/lattice.js';
import { PairEnvelope, pairRangeMinimum, type BallBounds } from './ball.js';
import { matrix3 } from './matrix3.js';
import { PairTerms } from './terms.js';
import type { FieldSample, ScalarField } from './types.js';

export interface AnalyticFieldOptions {
  /**
   * Skin (Å) of the local image list: the field keeps every atom image within cutoff + margin of a centre and
   * rebuilds the list only when a point lies more than `margin` from that centre. Default 1.5 Å (bench/critical.ts).
   */
  margin?: number;
}

export interface AnalyticField extends ScalarField {
  /** Times the local image list was rebuilt (for benchmarks). */
  readonly rebuilds: number;
  /** evaluate's energy and gradient (the same bits) without the Hessian. Counts one evaluation. */
  evaluateGradient(cart: ArrayLike<number>): { energy: number; gradient: Float64Array };
  /**
   * Bounds of the energy, the Hessian norm and the third derivative over a ball (centre Cartesian Å, radius ρ ≤ the
   * list's margin), term by term (src/critical/ball.ts). Counts no evaluation.
   */
  ballBounds(cart: ArrayLike<number>, rho: number): BallBounds;
}

/** The analytic BVSE field of `fw` (see the file comment). Positions are Cartesian Å, unwrapped (any value). */
export function createAnalyticField(fw: Framework, opts: AnalyticFieldOptions = {}): AnalyticField {
  return new BvseField(fw, opts.margin ?? 1.5);
}

class BvseField implements AnalyticField {
  readonly lattice: Float64Array;
  evaluations = 0;
  rebuilds = 0;
  private readonly inverse: Float64Array;
  private readonly rc2: number;
  private readonly types: PairType[];
  private readonly margin: number;
  /** |a_i*|: fractional half-width per Å along lattice direction i. */
  private readonly recip: number[];
  // The local image list in use (`current`): positions relative to its centre (so far-away unwrapped points lose no
  // precision), type, weight. The last LIST_CACHE lists are kept: a search or a string that moves between a few places (the
  // images of a string span several Å) finds its list again instead of rebuilding it.
  private current: ImageList = { centre: [NaN, NaN, NaN], count: 0, rel: new Float64Array(0), type: new Uint32Array(0), weight: new Float64Array(0) };
  private readonly lists: ImageList[] = [];
  private nextSlot = 0;
  /**
   * Squared distance below which a pair of each type is summed: the cutoff, and for screened Coulomb pairs also
   * 6.5 screening lengths, beyond which k/r·erfc(r/s) < 1e-18 eV (erfc(6.5) = 3.8e-20): the sum is unchanged.
   */
  private readonly reach2: Float64Array;
  /** The pair terms of the point being evaluated (terms.ts): the sums below only accumulate them. */
  private readonly terms: PairTerms;
  /** The evaluated point relative to the list's centre (set by locate). */
  private px = 0;
  private py = 0;
  private pz = 0;

  constructor(
    private readonly fw: Framework,
    margin: number,
  ) {
    if (!(margin >= 0)) throw new RangeError(`margin must be ≥ 0 Å (got ${margin})`);
    this.lattice = Float64Array.from(fw.lattice);
    this.inverse = invert3(fw.lattice);
    this.rc2 = fw.cutoff * fw.cutoff;
    this.types = fw.types;
    this.margin = margin;
    const inv = this.inverse;
    this.recip = [0, 1, 2].map((i) => Math.hypot(inv[i]!, inv[3 + i]!, inv[6 + i]!));
    this.reach2 = Float64Array.from(fw.types, (t) => Math.min(this.rc2, t.kind === 'coulomb' ? (6.5 * t.screen) ** 2 : Infinity));
    this.terms = new PairTerms(fw.types, this.reach2);
  }

  evaluate(cart: ArrayLike<number>): FieldSample {
    this.evaluations++;
    this.locate(cart);
    const m = this.terms.compute(this.current, this.px, this.py, this.pz, 2);
    let e = 0,
      gx = 0,
      gy = 0,
      gz = 0;
    let hxx = 0,
      hxy = 0,
      hxz = 0,
      hyy = 0,
      hyz = 0,
      hzz = 0;
    const { dx, dy, dz, r: rr, w: ww, e: pe, d1, d2 } = this.terms;
    for (let j = 0; j < m; j++) {
      // E depends on r = |p − x|, ∂r/∂p = u (dx, dy, dz: from the atom to the point).
      const r = rr[j]!,
        w = ww[j]!;
      e += w * pe[j]!;
      const ir = 1 / r;
      const ux = dx[j]! * ir,
        uy = dy[j]! * ir,
        uz = dz[j]! * ir;
      const g1 = w * d1[j]!;
      gx += g1 * ux;
      gy += g1 * uy;
      gz += g1 * uz;
      // ∂²E/∂p_a∂p_b = E''·u_a·u_b + E'/r·(δ_ab − u_a·u_b)
      const t = g1 * ir;
      const s = w * d2[j]! - t;
      hxx += s * ux * ux + t;
      hyy += s * uy * uy + t;
      hzz += s * uz * uz + t;
      hxy += s * ux * uy;
      hxz += s * ux * uz;
      hyz += s * uy * uz;
    }
    const gradient = Float64Array.of(gx, gy, gz);
    const hessian = matrix3();
    hessian[0] = hxx;
    hessian[1] = hxy;
    hessian[2] = hxz;
    hessian[3] = hxy;
    hessian[4] = hyy;
    hessian[5] = hyz;
    hessian[6] = hxz;
    hessian[7] = hyz;
    hessian[8] = hzz;
    if (!Number.isFinite(e)) {
      // On top of a like-charged ion (R = 0): no derivatives.
      gradient.fill(NaN);
      hessian.fill(NaN);
      return { energy: Infinity, gradient, hessian };
    }
    return { energy: e, gradient, hessian };
  }

  private envelopes: PairEnvelope[] | null = null;

  ballBounds(cart: ArrayLike<number>, rho: number): BallBounds {
    if (!(rho >= 0 && rho <= this.margin)) throw new RangeError(`ball radius must be in [0, ${this.margin}] Å (got ${rho})`);
    this.locate(cart);
    // The list holds every image within cutoff + margin of its centre: enough for the whole ball only when the
    // point lies within margin − ρ of that centre.
    if (Math.hypot(this.px, this.py, this.pz) + rho > this.margin) {
      this.rebuild(+cart[0]!, +cart[1]!, +cart[2]!);
      this.px = this.py = this.pz = 0;
    }
    const env = (this.envelopes ??= this.types.map((t, i) => new PairEnvelope(t, Math.sqrt(this.reach2[i]!) + 1)));
    const { px, py, pz, types, reach2 } = this;
    const { rel, type, weight } = this.current;
    let lower = 0,
      hessian = 0,
      third = 0,
      jump = 0;
    for (let i = 0; i < this.current.count; i++) {
      const dx = px - rel[3 * i]!,
        dy = py - rel[3 * i + 1]!,
        dz = pz - rel[3 * i + 2]!;
      const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      const ti = type[i]!;
      const reach = Math.sqrt(reach2[ti]!);
      const near = Math.max(r - rho, 0);
      if (near >= reach) continue;
      const t = types[ti]!,
        w = weight[i]!;
      const far = r + rho;
      let min = pairRangeMinimum(t, near, Math.min(far, reach), (x) => pairEnergy(t, x));
      if (far >= reach) {
        // The term switches off at the cutoff inside the ball: 0 is one of its values, and the jump is its size there.
        min = Math.min(min, 0);
        jump += w * Math.abs(pairEnergy(t, reach));
      }
      lower += w * min;
      hessian += w * env[ti]!.hessian(near);
      third += w * env[ti]!.third(near);
    }
    return { lower: Number.isNaN(lower) ? -Infinity : lower, hessian, third, jump };
  }

  energy(cart: ArrayLike<number>): number {
    this.evaluations++;
    this.locate(cart);
    const m = this.terms.compute(this.current, this.px, this.py, this.pz, 0);
    const { w, e: pe } = this.terms;
    let e = 0;
    for (let j = 0; j < m; j++) e += w[j]! * pe[j]!;
    return Number.isFinite(e) ? e : Infinity;
  }

  /**
   * Energy and gradient without the Hessian (for the string's descent steps): the same sums as evaluate's, so the same
   * bits. Counts one evaluation.
   */
  evaluateGradient(cart: ArrayLike<number>): { energy: number; gradient: Float64Array } {
    this.evaluations++;
    this.locate(cart);
    const m = this.terms.compute(this.current, this.px, this.py, this.pz, 1);
    const { dx, dy, dz, r, w: ww, e: pe, d1 } = this.terms;
    let e = 0,
      gx = 0,
      gy = 0,
      gz = 0;
    for (let j = 0; j < m; j++) {
      const w = ww[j]!;
      e += w * pe[j]!;
      const ir = 1 / r[j]!;
      const g1 = w * d1[j]!;
      gx += g1 * (dx[j]! * ir);
      gy += g1 * (dy[j]! * ir);
      gz += g1 * (dz[j]! * ir);
    }
    if (!Number.isFinite(e)) return { energy: Infinity, gradient: Float64Array.of(NaN, NaN, NaN) };
    return { energy: e, gradient: Float64Array.of(gx, gy, gz) };
  }

  /** Sets (px, py, pz) to the point relative to the list's centre, rebuilding the list when the point left the margin. */
  private locate(cart: ArrayLike<number>): void {
    const x = +cart[0]!,
      y = +cart[1]!,
      z = +cart[2]!;
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(z))) {
      throw new RangeError(`field evaluated at a non-finite point (${x}, ${y}, ${z})`);
    }
    const m2 = this.margin * this.margin;
    const c = this.current.centre;
    const dx = x - c[0]!,
      dy = y - c[1]!,
      dz = z - c[2]!;
    if (dx * dx + dy * dy + dz * dz <= m2) {
      this.px = dx;
      this.py = dy;
      this.pz = dz;
      return;
    }
    for (const l of this.lists) {
      const ex = x - l.centre[0]!,
        ey = y - l.centre[1]!,
        ez = z - l.centre[2]!;
      if (ex * ex + ey * ey + ez * ez > m2) continue;
      this.current = l;
      this.px = ex;
      this.py = ey;
      this.pz = ez;
      return;
    }
    this.rebuild(x, y, z);
    this.px = 0;
    this.py = 0;
    this.pz = 0;
  }

  /** Every atom image within cutoff + margin of (x, y, z), by a fractional slab test then the distance. */
  private rebuild(x: number, y: number, z: number): void {
    this.rebuilds++;
    const m = this.lattice,
      inv = this.inverse,
      atoms = this.fw.atoms;
    const reach = this.fw.cutoff + this.margin,
      reach2 = reach * reach;
    const fc0 = x * inv[0]! + y * inv[3]! + z * inv[6]!;
    const fc1 = x * inv[1]! + y * inv[4]! + z * inv[7]!;
    const fc2 = x * inv[2]! + y * inv[5]! + z * inv[8]!;
    const [pad0, pad1, pad2] = [reach * this.recip[0]!, reach * this.recip[1]!, reach * this.recip[2]!];
    // The slot to fill: a new one while fewer than LIST_CACHE are kept, else the oldest (its arrays are reused).
    let l = this.lists[this.nextSlot];
    if (!l) {
      l = { centre: [x, y, z], count: 0, rel: new Float64Array(0), type: new Uint32Array(0), weight: new Float64Array(0) };
      this.lists.push(l);
    }
    this.nextSlot = (this.nextSlot + 1) % LIST_CACHE;
    l.centre = [x, y, z];
    let count = 0;
    const n = atoms.type.length;
    for (let a = 0; a < n; a++) {
      const f0 = atoms.frac[3 * a]!,
        f1 = atoms.frac[3 * a + 1]!,
        f2 = atoms.frac[3 * a + 2]!;
      // Integer shifts n_i with |f_i + n_i − fc_i| ≤ pad_i.
      const lo0 = Math.ceil(fc0 - pad0 - f0),
        hi0 = Math.floor(fc0 + pad0 - f0);
      const lo1 = Math.ceil(fc1 - pad1 - f1),
        hi1 = Math.floor(fc1 + pad1 - f1);
      const lo2 = Math.ceil(fc2 - pad2 - f2),
        hi2 = Math.floor(fc2 + pad2 - f2);
      const t = atoms.type[a]!,
        w = atoms.weight[a]!;
      for (let i = lo0; i <= hi0; i++)
        for (let j = lo1; j <= hi1; j++)
          for (let k = lo2; k <= hi2; k++) {
            // Relative fractional offset first, then Cartesian: exact cancellation of the large parts.
            const u = f0 + i - fc0,
              v = f1 + j - fc1,
              ww = f2 + k - fc2;
            const cx = u * m[0]! + v * m[3]! + ww * m[6]!;
            const cy = u * m[1]! + v * m[4]! + ww * m[7]!;
            const cz = u * m[2]! + v * m[5]! + ww * m[8]!;
            if (cx * cx + cy * cy + cz * cz > reach2) continue;
            if (count === l.type.length) grow(l, count);
            l.rel[3 * count] = cx;
            l.rel[3 * count + 1] = cy;
            l.rel[3 * count + 2] = cz;
            l.type[count] = t;
            l.weight[count] = w;
            count++;
          }
    }
    l.count = count;
    this.current = l;
  }
}

/** Image lists the field keeps (see BvseField.lists). */
const LIST_CACHE = 8;

interface ImageList {
  centre: number[];
  count: number;
  rel: Float64Array;
  type: Uint32Array;
  weight: Float64Array;
}

/** Doubles a list's capacity, keeping its first `count` entries. */
function grow(l: ImageList, count: number): void {
  const cap = Math.max(256, 2 * l.type.length);
  const rel = new Float64Array(3 * cap),
    type = new Uint32Array(cap),
    weight = new Float64Array(cap);
  rel.set(l.rel.subarray(0, 3 * count));
  type.set(l.type.subarray(0, count));
  weight.set(l.weight.subarray(0, count));
  l.rel = rel;
  l.type = type;
  l.weight = weight;
}
