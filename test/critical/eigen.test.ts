// eigenSym3 against the version that allocated its work arrays (kept here): the same bits, eigenvalues and vectors.
import { describe, expect, it } from 'vitest';
import { eigenSym3, sortThree } from '../../src/critical/eigen.js';
import { rng } from '../helpers/random.js';

/** The earlier eigenSym3; `pairs` perturbs it (the order the off-diagonal elements are rotated away in). */
function referenceEigen(
  m: ArrayLike<number>,
  pairs: readonly (readonly [number, number])[] = [
    [0, 1],
    [0, 2],
    [1, 2],
  ],
) {
  const a = [m[0]!, m[1]!, m[2]!, m[1]!, m[4]!, m[5]!, m[2]!, m[5]!, m[8]!];
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = Math.abs(a[1]!) + Math.abs(a[2]!) + Math.abs(a[5]!);
    const scale = Math.abs(a[0]!) + Math.abs(a[4]!) + Math.abs(a[8]!);
    if (off === 0 || off <= 1e-17 * scale) break;
    for (const [p, q] of pairs) {
      const apq = a[3 * p + q]!;
      if (apq === 0) continue;
      const app = a[4 * p]!,
        aqq = a[4 * q]!;
      const theta = (aqq - app) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1),
        s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[3 * k + p]!,
          akq = a[3 * k + q]!;
        a[3 * k + p] = c * akp - s * akq;
        a[3 * k + q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[3 * p + k]!,
          aqk = a[3 * q + k]!;
        a[3 * p + k] = c * apk - s * aqk;
        a[3 * q + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[3 * k + p]!,
          vkq = v[3 * k + q]!;
        v[3 * k + p] = c * vkp - s * vkq;
        v[3 * k + q] = s * vkp + c * vkq;
      }
    }
  }
  const order = [0, 1, 2].sort((i, j) => a[4 * i]! - a[4 * j]!);
  const vectors = new Float64Array(9);
  order.forEach((src, dst) => {
    for (let r = 0; r < 3; r++) vectors[3 * r + dst] = v[3 * r + src]!;
  });
  return { values: [a[4 * order[0]!]!, a[4 * order[1]!]!, a[4 * order[2]!]!], vectors };
}

/** Symmetric matrices: random, with repeated eigenvalues, diagonal, with zeros, signed zeros, infinities and NaN. */
function matrices(): number[][] {
  const next = rng(23);
  const out: number[][] = [];
  const special = [0, -0, 1, -1, 2, 1e-300, Infinity, -Infinity, NaN];
  for (let n = 0; n < 400; n++) {
    const pick = () =>
      n % 4 === 0 ? special[Math.floor(next() * special.length)]! : n % 4 === 1 ? Math.round(next() * 4 - 2) : (next() - 0.5) * 10 ** (next() * 6 - 3);
    const [d0, d1, d2, o01, o02, o12] = [pick(), pick(), pick(), pick(), pick(), pick()];
    out.push([d0, o01, o02, o01, d1, o12, o02, o12, d2]);
  }
  return out;
}

describe('eigenSym3', () => {
  it('gives the bits of the version with allocated work arrays', () => {
    for (const m of matrices()) expect(eigenSym3(m), String(m)).toEqual(referenceEigen(m));
  });

  it('would notice the rotations taken in another order', () => {
    const moved = matrices().filter(
      (m) =>
        JSON.stringify(eigenSym3(m)) !==
        JSON.stringify(
          referenceEigen(m, [
            [1, 2],
            [0, 1],
            [0, 2],
          ]),
        ),
    );
    expect(moved.length).toBeGreaterThan(50);
  });

  it('orders three like Array.prototype.sort, for every pattern of comparisons (also NaN ones)', () => {
    const values = [NaN, -Infinity, -1, -0, 0, 1, Infinity];
    let patterns = 0;
    for (const x of values)
      for (const y of values)
        for (const z of values) {
          const d = [x, y, z];
          const compare = (i: number, j: number) => d[i]! - d[j]!;
          expect(sortThree([9, 9, 9], compare), String(d)).toEqual([0, 1, 2].sort(compare));
          patterns++;
        }
    expect(patterns).toBe(343);
  });
});
