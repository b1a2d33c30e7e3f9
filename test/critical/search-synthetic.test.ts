// The critical-point searches (src/critical/search.ts, verify.ts) on a synthetic periodic field whose minima and
// saddles are known in closed form (test/critical/synthetic.ts), in a triclinic cell.
import { describe, expect, it } from 'vitest';
import { eigenSym3 } from '../../src/critical/eigen.js';
import { findMinimum, findSaddle } from '../../src/critical/search.js';
import type { ScalarField } from '../../src/critical/types.js';
import { verifySaddle } from '../../src/critical/verify.js';
import { invert3 } from '../../src/structure/lattice.js';
import { rng } from '../helpers/random.js';
import { cartAt, cosineField } from './synthetic.js';

const cell = { a: 5.1, b: 6.3, c: 4.7, alpha: 78, beta: 96, gamma: 107 };
const A: [number, number, number] = [1, 1.004, 0.8];
const D = 0.3;
// Known values (see synthetic.ts): the x saddle sits 0.008 eV below the y saddle.
const E_MIN = -A[0] - A[1] - A[2] + D;
const E_SX = A[0] - A[1] - A[2] - D;
const E_SY = -A[0] + A[1] - A[2] - D;

/** Fractional coordinates of a Cartesian point (lattice vectors as rows: cart = f·L, so f = cart·L⁻¹). */
const frac = (field: ScalarField, cart: ArrayLike<number>) => {
  const inv = invert3(field.lattice);
  return [0, 1, 2].map((i) => cart[0]! * inv[i]! + cart[1]! * inv[3 + i]! + cart[2]! * inv[6 + i]!);
};

/** The lattice point nearest fractional f (no signed zeros). */
const cellOf = (f: readonly number[]) => f.map((x) => Math.round(x) + 0);

/** Distance from fractional f to the nearest point of the lattice-translated set `target` + Z³ (fractional units). */
const offLattice = (f: readonly number[], target: readonly number[]) => Math.max(...f.map((v, i) => Math.abs(v - target[i]! - Math.round(v - target[i]!))));

describe('eigenSym3', () => {
  it('reproduces random symmetric matrices from their eigenpairs, ascending, and handles repeated eigenvalues', () => {
    const rand = rng(5);
    for (let n = 0; n < 200; n++) {
      const m = new Float64Array(9);
      for (let i = 0; i < 3; i++) for (let j = i; j < 3; j++) m[3 * i + j] = m[3 * j + i] = 10 * rand() - 5;
      if (n % 10 === 0) m.set([2, 0, 0, 0, 2, 0, 0, 0, -1]);
      const { values, vectors } = eigenSym3(m);
      expect(values[0]).toBeLessThanOrEqual(values[1]);
      expect(values[1]).toBeLessThanOrEqual(values[2]);
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) {
          let rebuilt = 0;
          for (let k = 0; k < 3; k++) rebuilt += vectors[3 * i + k]! * values[k]! * vectors[3 * j + k]!;
          expect(rebuilt).toBeCloseTo(m[3 * i + j]!, 12);
        }
    }
  });
});

describe('findMinimum on the synthetic field', () => {
  it('converges from random starts to a lattice point with the known energy and Hessian', () => {
    const field = cosineField({ cell, A, D });
    const rand = rng(7);
    for (let n = 0; n < 40; n++) {
      // Starts anywhere in a 3×3×3 block of cells, excluding the saddles' and maxima's immediate neighbourhood.
      const f0 = [3 * rand() - 1, 3 * rand() - 1, 3 * rand() - 1];
      const m = findMinimum(field, cartAt(field, f0));
      expect(m.converged).toBe(true);
      expect(m.index).toBe(0);
      expect(m.gradientNorm).toBeLessThan(1e-5);
      expect(m.evaluations).toBeLessThanOrEqual(300);
      expect(offLattice(m.frac, [0, 0, 0])).toBeLessThan(1e-5);
      expect(m.energy).toBeCloseTo(E_MIN, 10);
      const exact = eigenSym3(field.evaluate(cartAt(field, m.frac.map(Math.round))).hessian).values;
      for (let k = 0; k < 3; k++) expect(m.eigenvalues[k]).toBeCloseTo(exact[k]!, 6);
    }
  });

  it('leaves a saddle and a spike (+Infinity at the start) without throwing', () => {
    const field = cosineField({ cell, A, D, spike: 0.5 });
    const fromSaddle = findMinimum(field, cartAt(field, [0.5, 0, 0]));
    expect(fromSaddle.converged && fromSaddle.index === 0).toBe(true);
    const fromSpike = findMinimum(field, cartAt(field, [0.5, 0.5, 0.5]));
    expect(fromSpike.converged).toBe(true);
    expect(fromSpike.index).toBe(0);
    expect(fromSpike.energy).toBeLessThan(E_MIN + 0.2);
  });

  it('from a start on a symmetry axis across which the field is a soft double well, reaches one of the two minima', () => {
    // Stiff along x and z (the curvatures of obelix__1dm's Li site), across y a double well with minima at y = ±w and
    // curvature −0.012 eV/Å² on the axis y = 0, where the gradient has no y component. Steepest descent along the
    // axis crawled to its saddle point and spent the 300 evaluations there (index 1, |∇E| ~ 1e-4).
    const [kx, kz, w, c] = [2.19, 3.11, 0.08, 0.012 / (4 * 0.08 ** 2)];
    let evaluations = 0;
    const axisField: ScalarField = {
      lattice: new Float64Array([10, 0, 0, 0, 10, 0, 0, 0, 10]),
      get evaluations() {
        return evaluations;
      },
      energy: (p) => axisField.evaluate(p).energy,
      evaluate(p) {
        evaluations++;
        const [x, y, z] = [p[0]!, p[1]!, p[2]!];
        const q = y * y - w * w;
        return {
          energy: 0.5 * kx * x * x + 0.5 * kz * z * z + c * q * q + x ** 4 + x * z * z,
          gradient: new Float64Array([kx * x + 4 * x ** 3 + z * z, 4 * c * y * q, kz * z + 2 * x * z]),
          hessian: new Float64Array([kx + 12 * x * x, 0, 2 * z, 0, 4 * c * (3 * y * y - w * w), 0, 2 * z, 0, kz + 2 * x]),
        };
      },
    };
    for (const start of [
      [0.06, 0, 0.04],
      [0.5, 0, 0.3],
      [-0.4, 0, 0.25],
    ]) {
      const m = findMinimum(axisField, start);
      expect(m.converged).toBe(true);
      expect(m.index).toBe(0);
      expect(m.evaluations).toBeLessThan(50);
      // |∇E| < 1e-5 eV/Å with a curvature of 0.024 eV/Å² across the well: within ~4e-4 Å of y = ±w, E within 1e-8.
      expect(Math.abs(m.cart[1])).toBeCloseTo(w, 3);
      expect(m.energy).toBeLessThan(1e-8);
      expect(Math.hypot(m.cart[0], m.cart[2])).toBeLessThan(1e-6);
    }
  });

  it('with known minima: stops in the quadratic basin of one, at the minimum the full search reaches, with fewer evaluations', () => {
    const field = cosineField({ cell, A, D });
    const exact = eigenSym3(field.evaluate(cartAt(field, [0, 0, 0])).hessian).values;
    // The minima are the lattice points: the copy nearest a point.
    const lattice = (cart: ArrayLike<number>) => cartAt(field, frac(field, cart).map(Math.round));
    const known = (cart: ArrayLike<number>) => ({ cart: lattice(cart), energy: E_MIN, eigenvalues: exact });
    const rand = rng(11);
    let full = 0,
      early = 0;
    for (let n = 0; n < 40; n++) {
      const start = cartAt(field, [3 * rand() - 1, 3 * rand() - 1, 3 * rand() - 1]);
      const plain = findMinimum(field, start);
      const m = findMinimum(field, start, { known });
      expect(m.known).toBe(true);
      expect(m.converged && m.index === 0).toBe(true);
      expect(cellOf(m.frac)).toEqual(cellOf(plain.frac));
      expect(offLattice(m.frac, [0, 0, 0])).toBeLessThan(1e-12);
      expect(m.energy).toBe(E_MIN);
      expect(m.evaluations).toBeLessThanOrEqual(plain.evaluations);
      full += plain.evaluations;
      early += m.evaluations;
    }
    expect(early).toBeLessThan(full);
    // A "known" point 0.03 Å off the true minimum is never taken: the search converges to the minimum itself.
    const off = (cart: ArrayLike<number>) => ({ cart: lattice(cart).map((x, i) => x + (i === 0 ? 0.03 : 0)), energy: E_MIN, eigenvalues: exact });
    const m = findMinimum(field, cartAt(field, [0.2, -0.1, 0.15]), { known: off });
    expect(m.known).toBeUndefined();
    expect(m.converged).toBe(true);
    expect(offLattice(m.frac, [0, 0, 0])).toBeLessThan(1e-5);
  });

  it('reports non-convergence within its budget instead of throwing', () => {
    const field = cosineField({ cell, A, D });
    const m = findMinimum(field, cartAt(field, [0.4, 0.3, 0.2]), { maxEvaluations: 3 });
    expect(m.converged).toBe(false);
    expect(m.evaluations).toBeLessThanOrEqual(3);
    expect(Number.isFinite(m.energy)).toBe(true);
  });
});

describe('findSaddle on the synthetic field: two competing saddles 0.008 eV apart', () => {
  it('from points near each saddle (up to 0.4 Å off), converges to that saddle with one negative eigenvalue', () => {
    const field = cosineField({ cell, A, D });
    const rand = rng(9);
    for (const [target, energy] of [
      [[0.5, 0, 0], E_SX],
      [[0, 0.5, 0], E_SY],
    ] as const) {
      for (let n = 0; n < 15; n++) {
        const start = cartAt(field, target).map((x) => x + 0.8 * (rand() - 0.5));
        const s = findSaddle(field, start);
        expect(s.converged).toBe(true);
        expect(s.index).toBe(1);
        expect(s.gradientNorm).toBeLessThan(1e-5);
        expect(offLattice(s.frac, target)).toBeLessThan(1e-5);
        expect(s.energy).toBeCloseTo(energy, 10);
        expect(s.evaluations).toBeLessThanOrEqual(300);
      }
    }
  });

  it('from the minimum, the guess direction picks the saddle: along a → the x saddle, along b → the y saddle', () => {
    const field = cosineField({ cell, A, D });
    const a = cartAt(field, [1, 0, 0]),
      b = cartAt(field, [0, 1, 0]);
    const sx = findSaddle(field, [0.01, -0.02, 0.01], { guessDirection: a });
    expect(sx.converged && sx.index === 1).toBe(true);
    expect(sx.energy).toBeCloseTo(E_SX, 10);
    expect(offLattice(sx.frac, [0.5, 0, 0])).toBeLessThan(1e-5);
    const sy = findSaddle(field, [0.01, -0.02, 0.01], { guessDirection: b.map((x) => -x) });
    expect(sy.converged && sy.index === 1).toBe(true);
    expect(sy.energy).toBeCloseTo(E_SY, 10);
    expect(Math.round(sy.frac[1] - 0.5)).toBe(-1); // the saddle on the −b side, at f = (0, −½, 0)
  });

  it('verifySaddle: the descents end at the two minima the saddle joins, one lattice vector apart', () => {
    const field = cosineField({ cell, A, D });
    const s = findSaddle(field, cartAt(field, [0.55, 0.05, -0.03]));
    const v = verifySaddle(field, s);
    expect(v.verified).toBe(true);
    expect(v.minus.index).toBe(0);
    expect(v.plus.index).toBe(0);
    const ends = [v.minus.frac, v.plus.frac].map((f) => f.map(Math.round));
    expect(ends.map((f) => f.join(',')).sort()).toEqual(['0,0,0', '1,0,0']);
    for (const end of [v.minus, v.plus]) expect(end.energy).toBeCloseTo(E_MIN, 10);
    // With the minima known, the descents stop in their basins: the same two ends, fewer evaluations.
    const exact = eigenSym3(field.evaluate(cartAt(field, [0, 0, 0])).hessian).values;
    const known = (cart: ArrayLike<number>) => ({ cart: cartAt(field, frac(field, cart).map(Math.round)), energy: E_MIN, eigenvalues: exact });
    const w = verifySaddle(field, s, { known });
    expect(w.verified).toBe(true);
    expect([w.minus, w.plus].map((e) => cellOf(e.frac))).toEqual([v.minus, v.plus].map((e) => cellOf(e.frac)));
    expect(w.minus.known && w.plus.known).toBe(true);
    expect(w.evaluations).toBeLessThan(v.evaluations);
  });

  it('verifySaddle rejects a minimum posing as a saddle, and a maximum', () => {
    const field = cosineField({ cell, A, D });
    const m = findMinimum(field, [0.1, 0.1, 0.1]);
    const v = verifySaddle(field, m);
    expect(v.verified).toBe(false);
    expect(v.reason).toMatch(/0 negative Hessian eigenvalues/);
  });
});

describe('the synthetic field itself', () => {
  it('has the gradient and Hessian of its energy (central differences), spike included', () => {
    const field = cosineField({ cell, A, D, spike: 0.5 });
    const rand = rng(3);
    const h = 1e-5;
    for (let n = 0; n < 30; n++) {
      // Half of the points within the spike's 1.5 Å range of the cell centre.
      const p = n % 2 ? cartAt(field, [rand(), rand(), rand()]) : cartAt(field, [0.5, 0.5, 0.5]).map((x) => x + 1.6 * (rand() - 0.5));
      const s = field.evaluate(p);
      for (let a = 0; a < 3; a++) {
        const plus = [...p],
          minus = [...p];
        plus[a]! += h;
        minus[a]! -= h;
        expect((field.energy(plus) - field.energy(minus)) / (2 * h)).toBeCloseTo(s.gradient[a]!, 5);
        const gp = field.evaluate(plus).gradient,
          gm = field.evaluate(minus).gradient;
        for (let b = 0; b < 3; b++) expect((gp[b]! - gm[b]!) / (2 * h)).toBeCloseTo(s.hessian[3 * a + b]!, 4);
      }
    }
  });
});

describe('findSaddle: hard cases are reported, not thrown', () => {
  it('starting on the spike (+Infinity) or with a budget of 5 evaluations: a result with converged = false or a true saddle', () => {
    const field = cosineField({ cell, A, D, spike: 0.5 });
    const onSpike = findSaddle(field, cartAt(field, [0.5, 0.5, 0.5]));
    expect(onSpike.evaluations).toBeLessThanOrEqual(300);
    if (onSpike.converged) expect(onSpike.index).toBe(1);
    const short = findSaddle(field, cartAt(field, [0.3, 0.1, 0.1]), { maxEvaluations: 5 });
    expect(short.converged).toBe(false);
    expect(short.evaluations).toBeLessThanOrEqual(5);
  });
});
