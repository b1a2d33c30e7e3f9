// A synthetic periodic field with known critical points, for the search tests:
//   E(f) = −Σ_i A_i·cos(2π f_i) + D·cos(2π f_0)·cos(2π f_1) [+ a short-ranged S/r spike at f = (½, ½, ½)]
// with f = x·M⁻¹ the fractional coordinates of the Cartesian point x. Minima at integer f (E = −ΣA + D); index-1
// saddles at (½, 0, 0) (E = A0 − A1 − A2 − D) and (0, ½, 0) (E = −A0 + A1 − A2 − D), so barriers 2(A0 − D) and
// 2(A1 − D); the optional spike makes E = +Infinity at the cell's centre.
import type { FieldSample, ScalarField } from '../../src/critical/types.js';
import { invert3, Lattice, type LatticeParameters } from '../../src/structure/lattice.js';

export interface CosineFieldSpec {
  cell: LatticeParameters;
  A: [number, number, number];
  D?: number;
  /** Strength (eV·Å) of a 1/r spike at the cell centre. */
  spike?: number;
}

export function cosineField(spec: CosineFieldSpec): ScalarField & { evaluations: number } {
  const lattice = Lattice.fromParameters(spec.cell).matrix;
  const inv = invert3(lattice);
  const [A0, A1, A2] = spec.A;
  const D = spec.D ?? 0;
  const S = spec.spike ?? 0;
  const tau = 2 * Math.PI;

  function sample(x: ArrayLike<number>): FieldSample {
    const f = [0, 1, 2].map((i) => x[0]! * inv[i]! + x[1]! * inv[3 + i]! + x[2]! * inv[6 + i]!);
    const c = f.map((v) => Math.cos(tau * v)),
      s = f.map((v) => Math.sin(tau * v));
    let e = -A0 * c[0]! - A1 * c[1]! - A2 * c[2]! + D * c[0]! * c[1]!;
    const gf = [tau * (A0 * s[0]! - D * s[0]! * c[1]!), tau * (A1 * s[1]! - D * c[0]! * s[1]!), tau * A2 * s[2]!];
    const t2 = tau * tau;
    const hf = [
      t2 * (A0 * c[0]! - D * c[0]! * c[1]!),
      t2 * D * s[0]! * s[1]!,
      0,
      t2 * D * s[0]! * s[1]!,
      t2 * (A1 * c[1]! - D * c[0]! * c[1]!),
      0,
      0,
      0,
      t2 * A2 * c[2]!,
    ];
    // Chain rule, J_ij = ∂f_i/∂x_j = inv[3j + i]: g_x = Jᵀ g_f, H_x = Jᵀ H_f J.
    const J = (i: number, j: number) => inv[3 * j + i]!;
    const gradient = new Float64Array(3),
      hessian = new Float64Array(9);
    for (let a = 0; a < 3; a++) {
      for (let i = 0; i < 3; i++) gradient[a]! += J(i, a) * gf[i]!;
      for (let b = 0; b < 3; b++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) hessian[3 * a + b]! += J(i, a) * hf[3 * i + j]! * J(j, b);
    }
    if (S !== 0) {
      // φ(r) = S/r·(1 − r²/rc²)³ within rc = 1.5 Å of the nearest image of the centre: +Infinity at it, and smooth
      // (value, gradient and Hessian continuous) where it ends. Gradient φ'·u, Hessian φ''·u uᵀ + φ'/r·(I − u uᵀ).
      const rc = 1.5;
      const df = [0, 1, 2].map((i) => {
        const u = f[i]! - 0.5;
        return u - Math.round(u);
      });
      const d = [0, 1, 2].map((k) => df[0]! * lattice[k]! + df[1]! * lattice[3 + k]! + df[2]! * lattice[6 + k]!);
      const r = Math.hypot(d[0]!, d[1]!, d[2]!);
      if (r === 0) return { energy: Infinity, gradient: gradient.fill(NaN), hessian: hessian.fill(NaN) };
      if (r < rc) {
        const q = 1 - (r * r) / (rc * rc);
        const w = q ** 3,
          w1 = -6 * q * q * (r / (rc * rc)),
          w2 = 24 * q * (r / (rc * rc)) ** 2 - (6 * q * q) / (rc * rc);
        const phi = (S / r) * w;
        const p1 = (-S / (r * r)) * w + (S / r) * w1;
        const p2 = ((2 * S) / r ** 3) * w - ((2 * S) / (r * r)) * w1 + (S / r) * w2;
        e += phi;
        const u = d.map((x) => x / r);
        for (let a = 0; a < 3; a++) {
          gradient[a]! += p1 * u[a]!;
          for (let b = 0; b < 3; b++) hessian[3 * a + b]! += (p2 - p1 / r) * u[a]! * u[b]! + (a === b ? p1 / r : 0);
        }
      }
    }
    return { energy: e, gradient, hessian };
  }

  const field = {
    lattice,
    evaluations: 0,
    evaluate(x: ArrayLike<number>) {
      field.evaluations++;
      return sample(x);
    },
    energy(x: ArrayLike<number>) {
      field.evaluations++;
      return sample(x).energy;
    },
  };
  return field;
}

/** Cartesian point of fractional f in `field`'s cell. */
export function cartAt(field: ScalarField, f: readonly number[]): number[] {
  const m = field.lattice;
  return [0, 1, 2].map((c) => f[0]! * m[c]! + f[1]! * m[3 + c]! + f[2]! * m[6 + c]!);
}
