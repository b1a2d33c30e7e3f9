import { describe, expect, it } from 'vitest';
import { averageRanks, logGamma, regularizedIncompleteBeta, spearman } from '../../bench/lib/stats.js';

describe('averageRanks', () => {
  it('ranks distinct values 1..n', () => {
    expect(Array.from(averageRanks([30, 10, 20]))).toEqual([3, 1, 2]);
  });

  it('gives tied values the mean of the ranks they span', () => {
    // Sorted: 1 | 2 2 | 3 | 4 4 4 -> ranks 1 | 2.5 2.5 | 4 | 6 6 6.
    expect(Array.from(averageRanks([4, 2, 1, 4, 2, 3, 4]))).toEqual([6, 2.5, 1, 6, 2.5, 4, 6]);
  });
});

describe('spearman', () => {
  it('is +1 for any strictly increasing relation and -1 for a decreasing one', () => {
    const x = [0.1, 0.5, 2, 7, 30, 31];
    expect(
      spearman(
        x,
        x.map((v) => Math.exp(v / 10)),
      ).rho,
    ).toBeCloseTo(1, 14);
    expect(
      spearman(
        x,
        x.map((v) => -Math.log(v)),
      ).rho,
    ).toBeCloseTo(-1, 14);
    expect(
      spearman(
        x,
        x.map((v) => v ** 3),
      ).p,
    ).toBe(0);
  });

  it('matches the textbook formula 1 - 6Σd²/(n(n²-1)) without ties', () => {
    // d = (-1, 1, -1, 1, 0), Σd² = 4 -> rho = 1 - 24/120 = 0.8.
    const r = spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]);
    expect(r.n).toBe(5);
    expect(r.rho).toBeCloseTo(0.8, 14);
    // t = 0.8·sqrt(3/0.36), df = 3; scipy.stats.spearmanr gives p = 0.10408803866182788.
    expect(r.p).toBeCloseTo(0.10408803866182788, 10);
  });

  it('uses average ranks for ties (hand-computed)', () => {
    // ranks x = (1, 2.5, 2.5, 4), y = (1, 3, 2, 4): Sxy = 4.5, Sxx = 4.5, Syy = 5 -> rho = 4.5/sqrt(22.5).
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4]).rho).toBeCloseTo(4.5 / Math.sqrt(22.5), 14);
  });

  it('agrees with scipy.stats.spearmanr on tied and untied samples', () => {
    const a = spearman([1, 2, 2, 3, 4, 4, 4, 5], [3, 1, 2, 2, 5, 6, 4, 7]);
    expect(a.rho).toBeCloseTo(0.8088885876886688, 12);
    expect(a.p).toBeCloseTo(0.015044583758423642, 10);
    const b = spearman([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], [5, 3, 8, 1, 9, 2, 7, 6, 10, 4]);
    expect(b.rho).toBeCloseTo(0.24848484848484845, 12);
    expect(b.p).toBeCloseTo(0.4887763045192432, 10);
    // 40 values rounded to 0.1, so many ties on both sides (numpy default_rng(1)).
    const x = [
      0.3, 0.8, 0.3, -1.3, 0.9, 0.4, -0.5, 0.6, 0.4, 0.3, 0, 0.5, -0.7, -0.2, -0.5, 0.6, 0, -0.3, -0.8, -0.3, 0, -0.3, 1.3, 1, -2.7, -1.9, -0.2, -0.4, 0.2, 0.2,
      2.1, -1.1, -0.4, 2, 0.6, 0.7, -0.5, -1.6, 0.2, 0.1,
    ];
    const y = [
      -0.9, 0.1, 0.2, -2.2, 0.8, 0.5, -0.5, 0.1, 1, 1.2, 0.3, -0.3, 0, -0.7, 0.4, -0.5, 0.9, -0.3, -2, -0.6, 0.1, -0, 0.3, -0.1, -2.5, -2.4, 0, 0.4, -1.4, 0.5,
      3.3, -1.4, -1.2, 2.8, 0.9, 1.6, -0.8, -3.1, 0.1, -0.3,
    ];
    const c = spearman(x, y);
    expect(c.n).toBe(40);
    expect(c.rho).toBeCloseTo(0.6741266699247125, 12);
    expect(c.p! / 1.8541259494026818e-6).toBeCloseTo(1, 8);
  });

  it('is symmetric and invariant under monotone transforms', () => {
    const x = [3, 1, 4, 1, 5, 9, 2, 6];
    const y = [2, 7, 1, 8, 2, 8, 1, 8];
    const r = spearman(x, y).rho;
    expect(spearman(y, x).rho).toBeCloseTo(r, 14);
    expect(
      spearman(
        x.map((v) => 10 ** v),
        y,
      ).rho,
    ).toBeCloseTo(r, 14);
    expect(
      spearman(
        x.map((v) => -v),
        y,
      ).rho,
    ).toBeCloseTo(-r, 14);
  });

  it('drops pairs with a non-finite value and counts only the rest', () => {
    const r = spearman([1, Number.NaN, 2, 3, Number.POSITIVE_INFINITY, 4], [1, 5, 2, 3, 0, 4]);
    expect(r.n).toBe(4);
    expect(r.rho).toBeCloseTo(1, 14);
  });

  it('has no correlation below 3 pairs or for a constant side', () => {
    expect(spearman([], [])).toEqual({ rho: Number.NaN, n: 0 });
    const two = spearman([1, 2], [2, 1]);
    expect(two.n).toBe(2);
    expect(two.rho).toBeNaN();
    expect(two.p).toBeUndefined();
    const flat = spearman([1, 2, 3, 4], [5, 5, 5, 5]);
    expect(flat.rho).toBeNaN();
    expect(flat.p).toBeUndefined();
  });

  it('rejects samples of different lengths', () => {
    expect(() => spearman([1, 2, 3], [1, 2])).toThrow(RangeError);
  });
});

describe('special functions behind the p-value', () => {
  it('logGamma matches known values', () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(logGamma(10.3)).toBeCloseTo(13.482036786138359, 12); // scipy.special.gammaln
  });

  it('regularizedIncompleteBeta matches scipy.special.betainc on both sides of the switch point', () => {
    expect(regularizedIncompleteBeta(0.3, 2.5, 0.5)).toBeCloseTo(0.018927124071945658, 12);
    expect(regularizedIncompleteBeta(0.95, 10, 0.5)).toBeCloseTo(0.31715157546554495, 12);
    // I_x(1, 1) = x.
    expect(regularizedIncompleteBeta(0.37, 1, 1)).toBeCloseTo(0.37, 13);
  });
});
