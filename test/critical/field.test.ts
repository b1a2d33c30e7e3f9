// The analytic BVSE field (src/critical/field.ts) and the pair derivatives under it (src/bvse/pair.ts): the energy
// against the float64 reference (energyAtFrac), the gradient and Hessian against central finite differences, on real
// fixtures and on random frameworks, a small triclinic cell among them.
import { describe, expect, it } from 'vitest';
import type { Framework, PairType } from '../../src/bvse/framework.js';
import { erfc, erfcFromGaussianBatch, pairDerivatives, pairEnergy } from '../../src/bvse/pair.js';
import { energyAtFrac, energyTermsAtFrac } from '../../src/bvse/reference.js';
import { createAnalyticField } from '../../src/critical/field.js';
import { BETA_LI3PS4, fixture } from '../helpers/fixtures.js';
import { randomFramework, rng } from '../helpers/random.js';
import { frameworkOf } from '../helpers/structures.js';
import { invert3 } from '../../src/structure/lattice.js';

/** Fractional coordinates of a Cartesian point (rows of fw.lattice are the lattice vectors: f = p·M⁻¹). */
const fracOf = (fw: Framework, p: readonly number[]) => {
  const inv = invert3(fw.lattice);
  return [0, 1, 2].map((i) => p[0]! * inv[i]! + p[1]! * inv[3 + i]! + p[2]! * inv[6 + i]!);
};

const cartOf = (fw: Framework, f: readonly number[]) => [0, 1, 2].map((c) => f[0]! * fw.lattice[c]! + f[1]! * fw.lattice[3 + c]! + f[2]! * fw.lattice[6 + c]!);

/** Random Cartesian points in and around the cell (fractional −1.5…2.5: the field must wrap), away from the cutoff
 *  sphere's edge for the finite-difference stencil (a neighbour crossing rc makes E jump by ~1e-5 eV). */
function stencilSafePoints(fw: Framework, seed: number, count: number, h: number): number[][] {
  const rand = rng(seed);
  const out: number[][] = [];
  while (out.length < count) {
    const p = cartOf(fw, [4 * rand() - 1.5, 4 * rand() - 1.5, 4 * rand() - 1.5]);
    const stencil: number[] = [];
    for (let a = 0; a < 3; a++)
      for (const s of [-2 * h, 2 * h]) {
        const q = [...p];
        q[a]! += s;
        stencil.push(...fracOf(fw, q));
      }
    const terms = energyTermsAtFrac(fw, [...fracOf(fw, p), ...stencil]);
    if (!terms.energy.every(Number.isFinite)) continue;
    if (terms.neighbours.every((n) => n === terms.neighbours[0])) out.push(p);
  }
  return out;
}

function checkAgainstReference(fw: Framework, seed: number, count: number) {
  const field = createAnalyticField(fw);
  const points = stencilSafePoints(fw, seed, count, 1e-4);
  const ref = energyAtFrac(
    fw,
    points.flatMap((p) => fracOf(fw, p)),
  );
  const h = 1e-4;
  let worstE = 0,
    worstG = 0,
    worstH = 0;
  points.forEach((p, n) => {
    const s = field.evaluate(p);
    expect(field.energy(p)).toBe(s.energy);
    worstE = Math.max(worstE, Math.abs(s.energy - ref[n]!) / Math.max(1, Math.abs(ref[n]!)));
    const gScale = 1 + Math.hypot(...s.gradient);
    const hScale = 1 + Math.max(...s.hessian.map(Math.abs));
    for (let a = 0; a < 3; a++) {
      const plus = [...p],
        minus = [...p];
      plus[a]! += h;
      minus[a]! -= h;
      const fd = (field.energy(plus) - field.energy(minus)) / (2 * h);
      worstG = Math.max(worstG, Math.abs(fd - s.gradient[a]!) / gScale);
      const gp = field.evaluate(plus).gradient,
        gm = field.evaluate(minus).gradient;
      for (let b = 0; b < 3; b++) worstH = Math.max(worstH, Math.abs((gp[b]! - gm[b]!) / (2 * h) - s.hessian[3 * a + b]!) / hScale);
    }
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(s.hessian[3 * a + b]).toBe(s.hessian[3 * b + a]);
  });
  expect(worstE).toBeLessThan(1e-10);
  expect(worstG).toBeLessThan(1e-6);
  expect(worstH).toBeLessThan(1e-6);
  return { worstE, worstG, worstH };
}

describe('erfc', () => {
  /** The continued fraction at a fixed depth of 200 (far beyond convergence for x ≥ 3). */
  const deep = (x: number) => {
    let f = x;
    for (let k = 200; k >= 1; k--) f = x + k / 2 / f;
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
  };
  it('its continued fraction (x ≥ 3, adaptive depth) agrees with a depth of 200 to 1e-15 relative, and joins the series at 3', () => {
    for (let x = 3; x < 26; x += 0.0173) expect(Math.abs(erfc(x) - deep(x))).toBeLessThanOrEqual(1e-15 * deep(x));
    // The series (x < 3) computes 1 − erf, so near 3 it keeps ~1e-11 relative (erfc(3) = 2.2e-5).
    expect(Math.abs(erfc(3 - 1e-12) - erfc(3)) / erfc(3)).toBeLessThan(1e-10);
    expect(erfc(30)).toBe(0);
    expect(erfc(0)).toBe(1);
  });

  it('erfcFromGaussianBatch gives erfc bit for bit: both branches, the ends 3 and 27, groups of four and a remainder', () => {
    const next = rng(7);
    for (const n of [1, 3, 4, 5, 8, 9, 63]) {
      const x = Float64Array.from({ length: n }, (_, j) => [3, 27, 27.5, 2.999][j] ?? 30 * next());
      const g = x.map((v) => Math.exp(-v * v));
      const out = new Float64Array(n);
      erfcFromGaussianBatch(x, g, n, out, new Int32Array(n));
      for (let j = 0; j < n; j++) expect(Object.is(out[j], erfc(x[j]!))).toBe(true);
    }
  });
});

describe('pairDerivatives', () => {
  const morse: PairType = { kind: 'morse', species: 'S2-', d0: 1.04027, rmin: 2.40971, alpha: 1.531394 };
  const coulomb: PairType = { kind: 'coulomb', species: 'P5+', k: 29.39, screen: 1.739 };

  it('energy equals pairEnergy; first and second derivatives equal central differences (both kinds, 0.3–10 Å)', () => {
    for (const t of [morse, coulomb]) {
      for (let r = 0.3; r < 10; r += 0.137) {
        const d = pairDerivatives(t, r);
        expect(d.energy).toBe(pairEnergy(t, r));
        const h = 1e-5 * r;
        const fd1 = (pairEnergy(t, r + h) - pairEnergy(t, r - h)) / (2 * h);
        const fd2 = (pairDerivatives(t, r + h).d1 - pairDerivatives(t, r - h).d1) / (2 * h);
        expect(Math.abs(fd1 - d.d1)).toBeLessThan(1e-7 * (1 + Math.abs(d.d1)));
        expect(Math.abs(fd2 - d.d2)).toBeLessThan(1e-7 * (1 + Math.abs(d.d2)));
      }
    }
  });

  it('Morse: zero slope at Rmin with curvature α²·D0, and the well depth −½·D0', () => {
    const d = pairDerivatives(morse, morse.rmin);
    expect(d.energy).toBeCloseTo(-0.5 * morse.d0, 14);
    expect(d.d1).toBeCloseTo(0, 14);
    expect(d.d2).toBeCloseTo(morse.alpha ** 2 * morse.d0, 12);
  });

  it('screened Coulomb: far beyond the screening length, E → k/r·erfc and the slope → −E/r − 2k/(s√π·r)·exp(−r²/s²)', () => {
    const r = 3;
    const d = pairDerivatives(coulomb, r);
    const s = coulomb.screen;
    const expected = -d.energy / r - ((2 * coulomb.k) / (s * Math.sqrt(Math.PI) * r)) * Math.exp(-(r * r) / (s * s));
    expect(d.d1).toBeCloseTo(expected, 13);
  });
});

describe('createAnalyticField: energy = energyAtFrac, gradient and Hessian = finite differences', () => {
  it('β-Li3PS4 (fixture)', async () => {
    checkAgainstReference(await frameworkOf(BETA_LI3PS4), 1, 12);
  });

  it('α-Li3N and triclinic Li4P2O7 (fixtures)', async () => {
    checkAgainstReference(await frameworkOf(fixture('Li3N_alpha.cif')), 2, 8);
    checkAgainstReference(await frameworkOf(fixture('Li4P2O7_triclinic.cif')), 3, 8);
  });

  it('random frameworks, a small triclinic cell (3.1 × 3.7 × 4.3 Å) among them, with half-occupied atoms', () => {
    checkAgainstReference(randomFramework({ seed: 11, cell: { a: 3.1, b: 3.7, c: 4.3, alpha: 71, beta: 99, gamma: 113 }, atoms: 3, partial: 0.3 }), 4, 12);
    checkAgainstReference(randomFramework({ seed: 12, cell: { a: 7.5, b: 8.2, c: 6.1, alpha: 90, beta: 104, gamma: 90 }, atoms: 20, partial: 0.3 }), 5, 12);
    checkAgainstReference(
      randomFramework({ seed: 13, cell: { a: 12, b: 12, c: 12, alpha: 90, beta: 90, gamma: 90 }, atoms: 40, partial: 0.3, cutoff: 6 }),
      6,
      12,
    );
  });

  it('periodic: a point and its lattice images give the same sample; the image list is rebuilt only beyond the margin', async () => {
    const fw = randomFramework({ seed: 21, cell: { a: 5, b: 6, c: 7, alpha: 80, beta: 95, gamma: 100 }, atoms: 10, partial: 0.3 });
    const field = createAnalyticField(fw, { margin: 1 });
    const p = [1.234, 2.345, 3.456];
    const s0 = field.evaluate(p);
    const shifted = cartOf(fw, [3, -2, 5]).map((x, i) => x + p[i]!);
    const s1 = field.evaluate(shifted);
    expect(Math.abs(s1.energy - s0.energy)).toBeLessThan(1e-11 * Math.max(1, Math.abs(s0.energy)));
    for (let i = 0; i < 3; i++) expect(Math.abs(s1.gradient[i]! - s0.gradient[i]!)).toBeLessThan(1e-9);
    const before = field.rebuilds;
    field.evaluate(shifted.map((x) => x + 0.5));
    expect(field.rebuilds).toBe(before);
    field.evaluate(shifted.map((x) => x + 0.7));
    expect(field.rebuilds).toBe(before + 1);
    expect(field.evaluations).toBe(4);
  });

  it('keeps recent image lists: a search that returns to an earlier place reuses its list, with the same sample', () => {
    const fw = randomFramework({ seed: 22, cell: { a: 6, b: 7, c: 8, alpha: 90, beta: 100, gamma: 90 }, atoms: 10, partial: 0.3 });
    const field = createAnalyticField(fw, { margin: 1 });
    const p = [1.1, 2.2, 3.3];
    const s0 = field.evaluate(p);
    const r0 = field.rebuilds;
    // Two far places (each a rebuild), then back: no rebuild, bit-for-bit the first sample.
    field.evaluate([p[0]! + 3, p[1]!, p[2]!]);
    field.evaluate([p[0]!, p[1]! + 3, p[2]!]);
    expect(field.rebuilds).toBe(r0 + 2);
    const s1 = field.evaluate(p);
    expect(field.rebuilds).toBe(r0 + 2);
    expect(s1.energy).toBe(s0.energy);
    expect([...s1.gradient]).toEqual([...s0.gradient]);
    expect([...s1.hessian]).toEqual([...s0.hessian]);
  });

  it("evaluateGradient and energy give evaluate's energy and gradient bit for bit (both pair kinds, near and far from atoms)", () => {
    const fw = randomFramework({ seed: 41, cell: { a: 7, b: 8, c: 6.5, alpha: 85, beta: 97, gamma: 104 }, atoms: 24, partial: 0.3, cutoff: 6 });
    expect(new Set(fw.types.map((t) => t.kind))).toEqual(new Set(['morse', 'coulomb']));
    const field = createAnalyticField(fw);
    const next = rng(42);
    for (let k = 0; k < 200; k++) {
      const p = cartOf(fw, [next(), next(), next()]);
      const full = field.evaluate(p);
      const g = field.evaluateGradient(p);
      expect(g.energy).toBe(full.energy);
      expect(field.energy(p)).toBe(full.energy);
      for (let i = 0; i < 3; i++) expect(Object.is(g.gradient[i], full.gradient[i])).toBe(true);
    }
    expect(field.evaluations).toBe(600);
  });

  it("equals the plain sum of pairDerivatives' terms bit for bit (its terms come from terms.ts, erfc from a batch)", () => {
    // A cubic cell, the point the list's centre: the test rebuilds the list's offsets with the field's own operations and
    // sums the terms one by one in its order (atoms, then image shifts), as the field did before its batch.
    const L = 9.3;
    const base = { ...randomFramework({ seed: 51, cell: { a: L, b: L, c: L, alpha: 90, beta: 90, gamma: 90 }, atoms: 30, partial: 0.3, cutoff: 7 }) };
    base.lattice = Float64Array.of(L, 0, 0, 0, L, 0, 0, 0, L);
    expect(new Set(base.types.map((t) => t.kind))).toEqual(new Set(['morse', 'coulomb']));
    const inv = invert3(base.lattice);
    const next = rng(52);
    for (let k = 0; k < 20; k++) {
      const field = createAnalyticField(base);
      const p = [L * next(), L * next(), L * next()];
      const fc = [0, 1, 2].map((c) => p[0]! * inv[c]! + p[1]! * inv[3 + c]! + p[2]! * inv[6 + c]!);
      let e = 0;
      const g = [0, 0, 0],
        h = [0, 0, 0, 0, 0, 0];
      const reach = base.cutoff + 1.5;
      for (let a = 0; a < base.atoms.type.length; a++) {
        const t = base.types[base.atoms.type[a]!]!,
          w = base.atoms.weight[a]!;
        const reach2 = Math.min(base.cutoff ** 2, t.kind === 'coulomb' ? (6.5 * t.screen) ** 2 : Infinity);
        const f = [0, 1, 2].map((c) => base.atoms.frac[3 * a + c]!);
        const range = (c: number) => [Math.ceil(fc[c]! - reach / L - f[c]!), Math.floor(fc[c]! + reach / L - f[c]!)] as const;
        const [r0, r1, r2] = [range(0), range(1), range(2)];
        for (let i = r0[0]; i <= r0[1]; i++)
          for (let j = r1[0]; j <= r1[1]; j++)
            for (let l = r2[0]; l <= r2[1]; l++) {
              const rel = [(f[0]! + i - fc[0]!) * L, (f[1]! + j - fc[1]!) * L, (f[2]! + l - fc[2]!) * L];
              if (rel[0]! ** 2 + rel[1]! ** 2 + rel[2]! ** 2 > reach * reach) continue;
              const d = rel.map((v) => 0 - v);
              const rr = d[0]! * d[0]! + d[1]! * d[1]! + d[2]! * d[2]!;
              if (rr >= reach2) continue;
              const r = Math.sqrt(rr);
              const pd = pairDerivatives(t, r);
              e += w * pd.energy;
              const ir = 1 / r;
              const u = d.map((v) => v * ir);
              const g1 = w * pd.d1;
              for (let c = 0; c < 3; c++) g[c]! += g1 * u[c]!;
              const tt = g1 * ir,
                ss = w * pd.d2 - tt;
              h[0]! += ss * u[0]! * u[0]! + tt;
              h[1]! += ss * u[1]! * u[1]! + tt;
              h[2]! += ss * u[2]! * u[2]! + tt;
              h[3]! += ss * u[0]! * u[1]!;
              h[4]! += ss * u[0]! * u[2]!;
              h[5]! += ss * u[1]! * u[2]!;
            }
      }
      const s = field.evaluate(p);
      expect(field.rebuilds).toBe(1);
      expect(Object.is(s.energy, e)).toBe(true);
      expect([...s.gradient]).toEqual(g);
      expect([s.hessian[0], s.hessian[4], s.hessian[8], s.hessian[1], s.hessian[2], s.hessian[5]]).toEqual(h);
      expect(Object.is(field.energy(p), e)).toBe(true);
    }
  });

  it('on top of a like-charged ion: energy +Infinity, gradient and Hessian NaN, no exception', () => {
    const fw = randomFramework({ seed: 31, cell: { a: 6, b: 6, c: 6, alpha: 90, beta: 90, gamma: 90 }, atoms: 4, partial: 0.3 });
    const a = Array.from(fw.atoms.type).findIndex((t) => fw.types[t]!.kind === 'coulomb');
    expect(a).toBeGreaterThanOrEqual(0);
    // At the origin, so that the point is the ion's position to the bit (R = 0, not a rounding residue).
    fw.atoms.frac.fill(0, 3 * a, 3 * a + 3);
    const field = createAnalyticField(fw);
    const p = [0, 0, 0];
    const s = field.evaluate(p);
    expect(s.energy).toBe(Infinity);
    expect(s.gradient.every(Number.isNaN)).toBe(true);
    expect(field.energy(p)).toBe(Infinity);
    expect(() => field.evaluate([NaN, 0, 0])).toThrow(/non-finite/);
  });
});
