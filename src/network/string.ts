// A short string-method relaxation (E, Ren and Vanden-Eijnden, J. Chem. Phys. 126, 164103 (2007)): a chain of images
// between two minima, each moved down the gradient and the chain redistributed at equal arc length after every step,
// so that it slides towards the minimum-energy path. Its highest image is a start for a saddle search that the seed
// crossing and the straight segment did not give (a hop whose saddle lies off the line between the minima).
import type { Vec3 } from './geometry.js';

export interface GradientField {
  evaluate(cart: ArrayLike<number>): { energy: number; gradient: ArrayLike<number> };
  /** The same energy and gradient without the Hessian, where the field has it (the string needs no curvature). */
  evaluateGradient?(cart: ArrayLike<number>): { energy: number; gradient: ArrayLike<number> };
}

export interface StringOptions {
  /** Interior images (default 9). */
  images?: number;
  /** Steps (default 40). */
  steps?: number;
  /** Longest move of one image in one step (Å, default 0.05). */
  maxMove?: number;
}

/** The relaxed string's highest interior image and the local tangent there, from `a` through `via` to `b`. */
export function relaxedStringPeak(field: GradientField, a: Vec3, via: Vec3, b: Vec3, opts: StringOptions = {}): { start: Vec3; tangent: Vec3 } | null {
  const n = opts.images ?? 9;
  const steps = opts.steps ?? 40;
  const maxMove = opts.maxMove ?? 0.05;
  let chain: Vec3[] = redistribute([a, via, b], n + 2);
  const energies = new Float64Array(n + 2);
  const sample = field.evaluateGradient ? (x: Vec3) => field.evaluateGradient!(x) : (x: Vec3) => field.evaluate(x);
  for (let s = 0; s <= steps; s++) {
    for (let i = 1; i <= n; i++) {
      const x = chain[i]!;
      const { energy, gradient } = sample(x);
      energies[i] = energy;
      if (s === steps) continue;
      const g0 = gradient[0]!,
        g1 = gradient[1]!,
        g2 = gradient[2]!;
      const gn = Math.hypot(g0, g1, g2);
      if (!Number.isFinite(gn) || !Number.isFinite(energy)) return null;
      // A step of 0.01 Å per eV/Å, at most maxMove: steepest descent, the reparametrisation keeps images apart.
      const f = Math.min(0.01, maxMove / Math.max(gn, 1e-12));
      chain[i] = [x[0] - f * g0, x[1] - f * g1, x[2] - f * g2];
    }
    if (s < steps) chain = redistribute(chain, n + 2);
  }
  let top = 1;
  for (let i = 2; i <= n; i++) if (energies[i]! > energies[top]!) top = i;
  const p = chain[top - 1]!,
    q = chain[top + 1]!;
  return { start: chain[top]!, tangent: [q[0] - p[0], q[1] - p[1], q[2] - p[2]] };
}

/** `count` points at equal arc length along the polyline through `points` (its ends kept). */
function redistribute(points: readonly Vec3[], count: number): Vec3[] {
  const cum = [0];
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1]!,
      q = points[i]!;
    cum.push(cum[i - 1]! + Math.hypot(q[0] - p[0], q[1] - p[1], q[2] - p[2]));
  }
  const total = cum[cum.length - 1]!;
  const out: Vec3[] = [];
  let seg = 1;
  for (let k = 0; k < count; k++) {
    const t = (total * k) / (count - 1);
    while (seg < points.length - 1 && cum[seg]! < t) seg++;
    const p = points[seg - 1]!,
      q = points[seg]!;
    const len = cum[seg]! - cum[seg - 1]!;
    const u = len > 0 ? Math.min(1, Math.max(0, (t - cum[seg - 1]!) / len)) : 0;
    out.push([p[0] + u * (q[0] - p[0]), p[1] + u * (q[1] - p[1]), p[2] + u * (q[2] - p[2])]);
  }
  return out;
}
