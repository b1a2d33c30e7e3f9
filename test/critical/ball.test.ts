import { describe, expect, it } from 'vitest';
import { createAnalyticField, eigenSym3, pairThird } from '../../src/critical/index.js';
import { pairDerivatives } from '../../src/bvse/pair.js';
import type { PairType } from '../../src/bvse/framework.js';
import { fixture } from '../helpers/fixtures.js';
import { frameworkOf } from '../helpers/structures.js';

describe('ball bounds of the BVSE field', () => {
  it("pairThird is the derivative of pairDerivatives' E''", () => {
    const types: PairType[] = [
      { kind: 'morse', d0: 0.9, alpha: 1.9, rmin: 2.1 },
      { kind: 'coulomb', k: 14.4, screen: 1.3 },
    ] as PairType[];
    for (const t of types)
      for (const r of [1.2, 1.9, 2.6, 3.7, 5.5]) {
        const h = 1e-5;
        const fd = (pairDerivatives(t, r + h).d2 - pairDerivatives(t, r - h).d2) / (2 * h);
        expect(Math.abs(pairThird(t, r) - fd)).toBeLessThan(1e-6 * (1 + Math.abs(fd)));
      }
  });

  it('bounds the energy from below and the Hessian norm and its variation from above over every ball tried', async () => {
    const fw = await frameworkOf(fixture('Li3N_alpha.cif'));
    const field = createAnalyticField(fw);
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    let checked = 0;
    for (let n = 0; n < 60; n++) {
      const c = [rand() * 3, rand() * 3, rand() * 3];
      const rho = [0.02, 0.1, 0.4][n % 3]!;
      const b = field.ballBounds(c, rho);
      const h0 = field.evaluate(c).hessian;
      for (let m = 0; m < 20; m++) {
        const u = [rand() - 0.5, rand() - 0.5, rand() - 0.5];
        const len = Math.hypot(...u);
        const p = c.map((x, i) => x + (u[i]! / len) * rho * rand());
        const s = field.evaluate(p);
        if (!Number.isFinite(s.energy)) continue;
        checked++;
        expect(s.energy).toBeGreaterThanOrEqual(b.lower - 1e-9);
        const ev = eigenSym3(s.hessian).values;
        expect(Math.max(Math.abs(ev[0]), Math.abs(ev[2]))).toBeLessThanOrEqual(b.hessian);
        const diff = eigenSym3(s.hessian.map((v, i) => v - h0[i]!)).values;
        expect(Math.max(Math.abs(diff[0]), Math.abs(diff[2]))).toBeLessThanOrEqual(b.third * Math.hypot(...p.map((x, i) => x - c[i]!)) + 1e-9);
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
