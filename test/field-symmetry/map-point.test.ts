// mapPoint / mapDirection (src/field-symmetry/map-point.ts): a critical point polished once, mapped by the framework's
// operations, is a critical point of the same energy, with its Hessian eigenvalues and its eigenvectors mapped.
import { describe, expect, it } from 'vitest';
import { createAnalyticField } from '../../src/critical/field.js';
import { findSaddle } from '../../src/critical/search.js';
import { frameworkSymmetry } from '../../src/field-symmetry/framework.js';
import { mapDirection, mapPoint } from '../../src/field-symmetry/map-point.js';
import { BETA_LI3PS4 } from '../helpers/fixtures.js';
import { frameworkOf } from '../helpers/structures.js';

describe('mapPoint', () => {
  it('maps a polished saddle of β-Li3PS4 (Pnma) onto saddles of the same energy and curvatures', async () => {
    const sym = frameworkSymmetry(await frameworkOf(BETA_LI3PS4))!;
    expect(sym.operations.length).toBe(8);
    const fw = sym.framework;
    const field = createAnalyticField(fw);
    const m = fw.lattice;
    const start = [0.3, 0.4, 0.2].map((_, c) => 0.31 * m[c]! + 0.27 * m[3 + c]! + 0.42 * m[6 + c]!);
    const s = findSaddle(field, start);
    expect(s.converged && s.index === 1).toBe(true);
    const v0 = [s.eigenvectors[0]!, s.eigenvectors[3]!, s.eigenvectors[6]!];
    for (const op of sym.operations) {
      const p = mapPoint(op, s.cart, m);
      const sample = field.evaluate(p);
      expect(sample.energy).toBeCloseTo(s.energy, 9);
      expect(Math.hypot(...sample.gradient)).toBeLessThan(1e-4);
      // The unstable direction maps to the unstable direction: the curvature along it is unchanged.
      const w = mapDirection(op, v0, m);
      expect(Math.hypot(...w)).toBeCloseTo(1, 9);
      let curvature = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) curvature += w[i]! * sample.hessian[3 * i + j]! * w[j]!;
      expect(curvature).toBeCloseTo(s.eigenvalues[0], 5);
    }
    // The identity maps a point to itself; translations keep unwrapped points unwrapped.
    expect(
      mapPoint(sym.operations[0]!, s.cart, m)
        .map((x, i) => x - s.cart[i]!)
        .every((d) => Math.abs(d) < 1e-12),
    ).toBe(true);
  });
});
