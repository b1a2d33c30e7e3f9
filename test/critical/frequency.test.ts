// Harmonic frequencies and Vineyard's attempt frequency (src/critical/frequency.ts).
import { describe, expect, it } from 'vitest';
import { harmonicFrequencies, harmonicFrequency, vineyardFrequency } from '../../src/critical/frequency.js';

describe('harmonic frequencies', () => {
  it('1 eV/Å² on 1 amu is 15.633 THz (ω = 9.82269e13 rad/s, the textbook unit conversion)', () => {
    expect(harmonicFrequency(1, 1) / 1e12).toBeCloseTo(15.6333, 4);
    // ν ∝ √(λ/m)
    expect(harmonicFrequency(4, 6.94) / harmonicFrequency(1, 6.94)).toBeCloseTo(2, 12);
    expect(harmonicFrequency(1, 4) / harmonicFrequency(1, 1)).toBeCloseTo(0.5, 12);
    expect(harmonicFrequency(-1, 1)).toBeNaN();
    expect(() => harmonicFrequency(1, 0)).toThrow(/mass/);
    expect(harmonicFrequencies([1, 4, 9], 1).map((v) => v / harmonicFrequency(1, 1))).toEqual([1, 2, 3].map((x) => expect.closeTo(x, 12)));
  });

  it('Vineyard: Π ν(minimum) / Π ν(saddle, real modes); NaN unless the points have index 0 and 1', () => {
    const mass = 6.941; // Li
    const min = [2.1, 3.4, 5.0],
      saddle = [-1.2, 2.5, 6.3];
    const expected =
      (harmonicFrequency(min[0]!, mass) * harmonicFrequency(min[1]!, mass) * harmonicFrequency(min[2]!, mass)) /
      (harmonicFrequency(saddle[1]!, mass) * harmonicFrequency(saddle[2]!, mass));
    expect(vineyardFrequency(min, saddle, mass) / expected).toBeCloseTo(1, 12);
    // Same curvatures at both ends but one: ν* is the frequency of that one mode.
    expect(vineyardFrequency([1, 2, 3], [-5, 2, 3], mass) / harmonicFrequency(1, mass)).toBeCloseTo(1, 12);
    expect(vineyardFrequency([1, -2, 3], saddle, mass)).toBeNaN();
    expect(vineyardFrequency(min, [-1, -2, 3], mass)).toBeNaN();
  });
});
