// Test helpers for the network: a synthetic periodic field with known minima and saddles, sampled on a grid.
import type { Vec3 } from '../../src/network/geometry.js';

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
    const a = edges[axis]!,
      K = k[axis]!;
    const w = (2 * Math.PI) / a;
    let e = -K * Math.cos(w * x),
      d1 = K * w * Math.sin(w * x),
      d2 = K * w * w * Math.cos(w * x);
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

/** The field on a uniform grid (float32, x fastest), as a backend would give it. */
export function sampleGrid(field: TestField, n: [number, number, number]): Float32Array {
  const out = new Float32Array(n[0] * n[1] * n[2]);
  const m = field.lattice;
  for (let k = 0; k < n[2]; k++)
    for (let j = 0; j < n[1]; j++)
      for (let i = 0; i < n[0]; i++) out[i + n[0] * (j + n[1] * k)] = field.energy([(i / n[0]) * m[0]!, (j / n[1]) * m[4]!, (k / n[2]) * m[8]!]);
  return out;
}
