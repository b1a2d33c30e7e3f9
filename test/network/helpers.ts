// Test helpers for the network: a synthetic periodic field with known minima and saddles, and a small Newton-type
// stand-in for the critical-point searches (src/critical provides the production ones).
import type { CriticalPointLike, CriticalSearch } from '../../src/network/search.js';
import type { Vec3 } from '../../src/network/geometry.js';
import { invert3 } from '../../src/structure/lattice.js';

export interface TestField {
  readonly lattice: Float64Array;
  readonly evaluations: number;
  energy(cart: ArrayLike<number>): number;
  evaluate(cart: ArrayLike<number>): { energy: number; gradient: Float64Array; hessian: Float64Array };
}

/**
 * A separable field on an orthorhombic cell (edges a, b, c in Å): E = Σ_axis −K·cos(2π·u) + bump, u the fractional
 * coordinate. Minima at the origin; along each axis a saddle at u = 1/2 with barrier 2K (+ the bump's height on the
 * axis that has one). The bump is a Gaussian sheet of height `bump.height` and width `bump.width` Å centred on
 * u = 1/2 of `bump.axis`, narrower than a coarse grid resolves.
 */
export function separableField(edges: Vec3, k: Vec3, bump?: { axis: 0 | 1 | 2; height: number; width: number }): TestField {
  const lattice = Float64Array.from([edges[0], 0, 0, 0, edges[1], 0, 0, 0, edges[2]]);
  const terms = (axis: number, x: number): [number, number, number] => {
    const a = edges[axis]!, K = k[axis]!;
    const w = (2 * Math.PI) / a;
    let e = -K * Math.cos(w * x), d1 = K * w * Math.sin(w * x), d2 = K * w * w * Math.cos(w * x);
    if (bump && bump.axis === axis) {
      const s = bump.width;
      const u = x / a;
      const base = Math.floor(u);
      for (let m = -1; m <= 1; m++) {
        const d = (u - base - 0.5 - m) * a;
        const g = bump.height * Math.exp(-(d * d) / (s * s));
        e += g;
        d1 += (g * -2 * d) / (s * s);
        d2 += g * ((4 * d * d) / (s * s * s * s) - 2 / (s * s));
      }
    }
    return [e, d1, d2];
  };
  const field = {
    lattice,
    evaluations: 0,
    energy(c: ArrayLike<number>) {
      this.evaluations++;
      return terms(0, c[0]!)[0] + terms(1, c[1]!)[0] + terms(2, c[2]!)[0];
    },
    evaluate(c: ArrayLike<number>) {
      this.evaluations++;
      const t = [0, 1, 2].map((r) => terms(r, c[r]!));
      const hessian = new Float64Array(9);
      for (let r = 0; r < 3; r++) hessian[4 * r] = t[r]![2];
      return { energy: t[0]![0] + t[1]![0] + t[2]![0], gradient: Float64Array.from(t.map((x) => x[1])), hessian };
    },
  };
  return field;
}

/** Eigen-decomposition of a symmetric 3×3 by Jacobi rotations: ascending values, vectors as columns. */
function eigen(h: Float64Array): { values: Vec3; vectors: Float64Array } {
  const a = Array.from(h);
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < 3; p++) for (let q = p + 1; q < 3; q++) off += a[3 * p + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < 3; p++)
      for (let q = p + 1; q < 3; q++) {
        const apq = a[3 * p + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[3 * q + q]! - a[3 * p + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < 3; k++) {
          const akp = a[3 * k + p]!, akq = a[3 * k + q]!;
          a[3 * k + p] = c * akp - s * akq;
          a[3 * k + q] = s * akp + c * akq;
        }
        for (let k = 0; k < 3; k++) {
          const apk = a[3 * p + k]!, aqk = a[3 * q + k]!;
          a[3 * p + k] = c * apk - s * aqk;
          a[3 * q + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 3; k++) {
          const vkp = v[3 * k + p]!, vkq = v[3 * k + q]!;
          v[3 * k + p] = c * vkp - s * vkq;
          v[3 * k + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = [0, 1, 2].sort((x, y) => a[4 * x]! - a[4 * y]!);
  const vectors = new Float64Array(9);
  order.forEach((o, k) => {
    for (let r = 0; r < 3; r++) vectors[3 * r + k] = v[3 * r + o]!;
  });
  return { values: order.map((o) => a[4 * o]!) as Vec3, vectors };
}

/**
 * Newton steps in the Hessian's eigenbasis, uphill along the lowest mode for a saddle (`uphill` 1) or downhill
 * everywhere (0), each component scaled by 1/|λ| and the step capped at 0.1 Å.
 */
function newton(field: TestField, start: Vec3, uphill: 0 | 1, guess?: Vec3): CriticalPointLike {
  const x: Vec3 = [...start];
  const e0 = field.evaluations;
  let it = 0;
  let s = field.evaluate(x);
  for (; it < 200; it++) {
    const g = s.gradient;
    const gn = Math.hypot(g[0]!, g[1]!, g[2]!);
    if (gn < 1e-7) break;
    const { values, vectors } = eigen(s.hessian);
    // Follow the mode closest to the guess uphill on the first step, then the lowest.
    let up = 0;
    if (uphill && guess && it === 0) {
      let best = -1;
      for (let k = 0; k < 3; k++) {
        const d = Math.abs(vectors[k]! * guess[0] + vectors[3 + k]! * guess[1] + vectors[6 + k]! * guess[2]);
        if (d > best) [best, up] = [d, k];
      }
    }
    const step: Vec3 = [0, 0, 0];
    for (let k = 0; k < 3; k++) {
      const vk = [vectors[k]!, vectors[3 + k]!, vectors[6 + k]!];
      const gk = vk[0]! * g[0]! + vk[1]! * g[1]! + vk[2]! * g[2]!;
      const lam = Math.max(Math.abs(values[k]!), 1e-3);
      const c = uphill && k === up ? gk / lam : -gk / lam;
      for (let r = 0; r < 3; r++) step[r]! += c * vk[r]!;
    }
    const len = Math.hypot(...step);
    const f = len > 0.1 ? 0.1 / len : 1;
    for (let r = 0; r < 3; r++) x[r]! += f * step[r]!;
    s = field.evaluate(x);
  }
  const { values, vectors } = eigen(s.hessian);
  const gn = Math.hypot(s.gradient[0]!, s.gradient[1]!, s.gradient[2]!);
  const inv = invert3(field.lattice);
  return {
    cart: x,
    frac: [0, 1, 2].map((c) => x[0] * inv[c]! + x[1] * inv[3 + c]! + x[2] * inv[6 + c]!) as Vec3,
    energy: s.energy,
    gradientNorm: gn,
    eigenvalues: values,
    eigenvectors: vectors,
    index: values.filter((v) => v < 0).length,
    converged: gn < 1e-6,
    iterations: it,
    evaluations: field.evaluations - e0,
  };
}

export const standInSearch: CriticalSearch<TestField> = {
  findMinimum: (f, start) => newton(f, start, 0),
  findSaddle: (f, start, opts) => newton(f, start, 1, opts.guessDirection),
  verifySaddle(f, s) {
    const v: Vec3 = [s.eigenvectors[0]!, s.eigenvectors[3]!, s.eigenvectors[6]!];
    const ends = [1, -1].map((sign) => newton(f, [s.cart[0] + 0.05 * sign * v[0], s.cart[1] + 0.05 * sign * v[1], s.cart[2] + 0.05 * sign * v[2]], 0));
    if (!ends.every((e) => e.converged && e.index === 0)) return null;
    return { ends: [ends[0]!.cart, ends[1]!.cart] };
  },
};

/** The field on a uniform grid (float32, x fastest), as a backend would give it. */
export function sampleGrid(field: TestField, n: [number, number, number]): Float32Array {
  const out = new Float32Array(n[0] * n[1] * n[2]);
  const m = field.lattice;
  for (let k = 0; k < n[2]; k++)
    for (let j = 0; j < n[1]; j++)
      for (let i = 0; i < n[0]; i++) out[i + n[0] * (j + n[1] * k)] = field.energy([(i / n[0]) * m[0]!, (j / n[1]) * m[4]!, (k / n[2]) * m[8]!]);
  return out;
}
