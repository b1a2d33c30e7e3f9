import { describe, expect, it } from 'vitest';
import { fitExponent } from '../../bench/lib/fit.js';

describe('fitExponent', () => {
  it('recovers the order of c·h^p whatever the sign and constant', () => {
    const h = [0.1, 0.05, 0.025];
    expect(
      fitExponent(
        h,
        h.map((x) => 1.1 * x * x),
      ),
    ).toBeCloseTo(2, 12);
    expect(
      fitExponent(
        h,
        h.map((x) => -0.3 * x ** 3),
      ),
    ).toBeCloseTo(3, 12);
    // A leading h² term with an h³ correction: between the two, closer to 2 on finer grids.
    const p = fitExponent(
      h,
      h.map((x) => x * x + 2 * x ** 3),
    )!;
    expect(p).toBeGreaterThan(2);
    expect(p).toBeLessThan(2.3);
  });

  it('leaves out differences at the float noise floor, and says when too few are left', () => {
    const h = [0.1, 0.05, 0.025];
    expect(fitExponent(h, [4e-3, 1e-3, 3e-8])).toBeCloseTo(2, 12);
    expect(fitExponent(h, [4e-3, 0, 0])).toBeNull();
    expect(fitExponent([0.1, 0.1], [1e-3, 2e-3])).toBeNull();
  });
});
