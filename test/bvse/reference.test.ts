import { describe, it, expect } from 'vitest';
import { Lattice } from '../../src/structure/lattice.js';
import type { Structure } from '../../src/structure/types.js';
import { buildFramework } from '../../src/bvse/build-framework.js';
import { energyAtFrac, energyTermsAtFrac } from '../../src/bvse/reference.js';
import type { Framework } from '../../src/bvse/framework.js';

type Sp = [element: string, oxidation: number, occupancy?: number];

function structure(lattice: Lattice, sites: Array<{ at: [number, number, number]; sp: Sp[] }>): Structure {
  return {
    file: 't',
    block: null,
    lattice,
    sites: sites.map((s, i) => ({
      frac: s.at,
      label: `s${i}`,
      species: s.sp.map(([element, oxidation, occupancy]) => ({ element, oxidation, occupancy: occupancy ?? 1 })),
    })),
    warnings: [],
  };
}

const cubic = (a: number) => Lattice.fromParameters({ a, b: a, c: a, alpha: 90, beta: 90, gamma: 90 });

/** erfc by Simpson integration of 2/√π·e^(−t²) on [x, x+12]: independent of src/bvse/pair.ts. */
function erfcBySimpson(x: number): number {
  const n = 20000;
  const h = 12 / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const t = x + i * h;
    s += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * Math.exp(-t * t);
  }
  return ((s * h) / 3) * (2 / Math.sqrt(Math.PI));
}

// Hand-typed from /work/shared/params (bvse_pairs_bvlain.csv, elements_bvlain_convention.csv).
const LiS = { rmin: 2.40971, alpha: 1.531394, d0: 1.04027 };
const LiCl = { rmin: 2.39647, alpha: 1.577287, d0: 0.49302 };
const morse = (p: { rmin: number; alpha: number; d0: number }, r: number) => 0.5 * p.d0 * ((Math.exp(p.alpha * (p.rmin - r)) - 1) ** 2 - 1);
// Li+ with P5+: 14.4·1·5/sqrt(2·3), screen 0.74·(1.28 + 1.07)
const coulombLiP = (r: number) => ((14.4 * 5) / Math.sqrt(6) / r) * erfcBySimpson(r / (0.74 * (1.28 + 1.07)));

describe('energyAtFrac: hand-computed sums in a big cubic cell (one image in reach)', () => {
  const a = 30; // > 2·rc: at most one image of each atom lies within 10 Å of any point
  const s = structure(cubic(a), [
    { at: [0.1, 0.1, 0.1], sp: [['Li', 1]] },
    { at: [0.5, 0.5, 0.5], sp: [['S', -2]] },
    { at: [0.5, 0.5, 0.6], sp: [['P', 5]] }, // 3 Å above S along z
  ]);
  const fw = buildFramework(s, { ion: 'Li' });

  it('one counter-ion: ½·D0·[(exp(α(Rmin−R))−1)²−1] at several distances, plus the Coulomb term', () => {
    for (const R of [1.5, 2.0, 2.40971, 3.1, 5.7, 9.5]) {
      const pt = [0.5 + R / a, 0.5, 0.5];
      const rP = Math.hypot(R, 3);
      const expected = morse(LiS, R) + (rP < 10 ? coulombLiP(rP) : 0);
      const [e] = energyAtFrac(fw, pt);
      expect(e).toBeCloseTo(expected, 10);
    }
  });

  it('at Rmin the Morse term is −D0/2', () => {
    const t = energyTermsAtFrac(fw, [0.5 - LiS.rmin / a, 0.5, 0.5]);
    expect(t.morse[0]).toBeCloseTo(-LiS.d0 / 2, 12);
  });

  it('beyond the cutoff nothing counts; just inside it does', () => {
    // S at 10.05 Å and P at sqrt(10.05² + 9) > 10: E = 0
    expect(energyAtFrac(fw, [0.5 - 10.05 / a, 0.5, 0.5])[0]).toBe(0);
    const near = energyTermsAtFrac(fw, [0.5 + 9.95 / a, 0.5, 0.5]);
    expect(near.morse[0]).toBeCloseTo(morse(LiS, 9.95), 14);
    expect(near.neighbours[0]).toBe(1);
  });

  it('the mobile element is removed: adding Li atoms next to the point changes nothing', () => {
    const withLi = structure(cubic(a), [
      ...s.sites.map((x) => ({ at: x.frac, sp: x.species.map((p) => [p.element, p.oxidation!, p.occupancy] as Sp) })),
      { at: [0.55, 0.5, 0.5], sp: [['Li', 1]] },
      {
        at: [0.45, 0.45, 0.5],
        sp: [
          ['Li', 1, 0.5],
          ['Na', 1, 0.5],
        ],
      },
    ]);
    const fw2 = buildFramework(withLi, { ion: 'Li' });
    const pt = [0.58, 0.52, 0.47];
    const e1 = energyAtFrac(fw, pt)[0]!;
    const e2 = energyTermsAtFrac(fw2, pt);
    // Only the Na half of the mixed site is new: 0.5 · Coulomb(Li+, Na+)
    const r = Math.hypot(0.58 - 0.45, 0.52 - 0.45, 0.47 - 0.5) * a;
    const kNa = 14.4 / Math.sqrt(2 * 3);
    const expected = e1 + 0.5 * (kNa / r) * erfcBySimpson(r / (0.74 * (1.28 + 1.66)));
    expect(e2.energy[0]).toBeCloseTo(expected, 10);
  });

  it('occupancy weights each species of a mixed site', () => {
    const mixed = structure(cubic(a), [
      {
        at: [0.5, 0.5, 0.5],
        sp: [
          ['S', -2, 0.3],
          ['Cl', -1, 0.6],
        ],
      },
    ]);
    const fwm = buildFramework(mixed, { ion: 'Li+' });
    for (const R of [2.0, 2.5, 4.0]) {
      const [e] = energyAtFrac(fwm, [0.5, 0.5 + R / a, 0.5]);
      expect(e).toBeCloseTo(0.3 * morse(LiS, R) + 0.6 * morse(LiCl, R), 12);
    }
  });

  it('a like-charged atom exactly at the point gives +Infinity; a counter-ion there stays finite', () => {
    const onP = energyTermsAtFrac(fw, [0.5, 0.5, 0.6]);
    expect(onP.coulomb[0]).toBe(Infinity);
    expect(Number.isFinite(onP.morse[0])).toBe(true);
    const onS = energyTermsAtFrac(fw, [0.5, 0.5, 0.5]);
    expect(onS.morse[0]).toBeCloseTo(morse(LiS, 0), 8);
  });

  it('a point outside [0,1) is its periodic image', () => {
    const pts = [0.58, 0.52, 0.47, 1.58, -0.48, 2.47];
    const e = energyAtFrac(fw, pts);
    expect(e[1]).toBeCloseTo(e[0]!, 12);
  });

  it('nearest: keeps only the k closest atoms (bvlain truncation)', () => {
    const pt = [0.5 + 2 / a, 0.5, 0.5]; // S at 2 Å, P at sqrt(13) Å
    const all = energyTermsAtFrac(fw, pt);
    const one = energyTermsAtFrac(fw, pt, { nearest: 1 });
    expect(all.neighbours[0]).toBe(2);
    expect(one.neighbours[0]).toBe(1);
    expect(one.energy[0]).toBeCloseTo(morse(LiS, 2), 12);
    expect(one.coulomb[0]).toBe(0);
  });
});

/** Brute force over a wide block of lattice translations (independent of expandImages' slab test). */
function bruteForce(fw: Framework, lattice: Lattice, frac: [number, number, number], reach: number): number {
  const p = lattice.fracToCart(frac);
  let e = 0;
  for (let a = 0; a < fw.atoms.type.length; a++) {
    const t = fw.types[fw.atoms.type[a]!]!;
    for (let i = -reach; i <= reach; i++)
      for (let j = -reach; j <= reach; j++)
        for (let k = -reach; k <= reach; k++) {
          const q = lattice.fracToCart([fw.atoms.frac[3 * a]! + i, fw.atoms.frac[3 * a + 1]! + j, fw.atoms.frac[3 * a + 2]! + k]);
          const r = Math.hypot(q[0] - p[0], q[1] - p[1], q[2] - p[2]);
          if (r >= fw.cutoff) continue;
          const pe = t.kind === 'morse' ? 0.5 * t.d0 * ((Math.exp(t.alpha * (t.rmin - r)) - 1) ** 2 - 1) : (t.k / r) * erfcBySimpson(r / t.screen);
          e += fw.atoms.weight[a]! * pe;
        }
  }
  return e;
}

function seeded(seed: number) {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('energyAtFrac: periodic images (cells smaller than the cutoff)', () => {
  it('a 4 Å cubic cell: every image within 10 Å counts', () => {
    const lat = cubic(4);
    const s = structure(lat, [
      { at: [0, 0, 0], sp: [['Li', 1]] },
      { at: [0.5, 0.5, 0.5], sp: [['S', -2]] },
      { at: [0.5, 0, 0], sp: [['P', 5, 0.25]] },
    ]);
    const fw = buildFramework(s, { ion: 'Li' });
    const pts: [number, number, number][] = [
      [0.1, 0.2, 0.3],
      [0.0, 0.0, 0.0],
      [0.99, 0.5, 0.01],
    ];
    const e = energyAtFrac(fw, pts.flat());
    pts.forEach((p, i) => expect(e[i]).toBeCloseTo(bruteForce(fw, lat, p, 4), 9));
    // Sanity: the sum really reaches many images (4 Å cell, 10 Å sphere).
    expect(energyTermsAtFrac(fw, pts[0]!).neighbours[0]).toBeGreaterThan(50);
  });

  it('a skewed triclinic cell agrees with brute force and with an equivalent (sheared) basis', () => {
    const lat = Lattice.fromParameters({ a: 4.1, b: 5.3, c: 6.2, alpha: 71, beta: 82, gamma: 103 });
    const sites: Array<{ at: [number, number, number]; sp: Sp[] }> = [
      { at: [0.0, 0.0, 0.0], sp: [['Li', 1]] },
      { at: [0.31, 0.12, 0.77], sp: [['S', -2]] },
      { at: [0.64, 0.58, 0.21], sp: [['Cl', -1, 0.5]] },
      { at: [0.9, 0.35, 0.45], sp: [['P', 5]] },
    ];
    const fw = buildFramework(structure(lat, sites), { ion: 'Li' });
    const rnd = seeded(7);
    const pts: [number, number, number][] = Array.from({ length: 6 }, () => [rnd(), rnd(), rnd()]);
    const e = energyAtFrac(fw, pts.flat());
    pts.forEach((p, i) => expect(e[i]).toBeCloseTo(bruteForce(fw, lat, p, 5), 9));

    // Same crystal, basis a' = a, b' = b + 2a, c' = c − a + b: f' = f·T⁻¹ with rows of T being the new vectors in the old basis.
    const T = [1, 0, 0, 2, 1, 0, -1, 1, 1];
    const m = lat.matrix;
    const m2 = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => T[3 * r]! * m[c]! + T[3 * r + 1]! * m[3 + c]! + T[3 * r + 2]! * m[6 + c]!));
    const lat2 = new Lattice(m2);
    const toNew = (f: [number, number, number]) => lat2.cartToFrac(lat.fracToCart(f));
    const fw2 = buildFramework(
      structure(
        lat2,
        sites.map((x) => ({ at: toNew(x.at), sp: x.sp })),
      ),
      { ion: 'Li' },
    );
    const e2 = energyAtFrac(fw2, pts.flatMap(toNew));
    pts.forEach((_, i) => expect(e2[i]).toBeCloseTo(e[i]!, 9));
  });
});

describe('energyAtFrac: input checks', () => {
  it('rejects a point list that is not a multiple of 3', () => {
    const fw = buildFramework(structure(cubic(10), [{ at: [0.5, 0.5, 0.5], sp: [['S', -2]] }]), { ion: 'Li+' });
    expect(() => energyAtFrac(fw, [0.1, 0.2])).toThrow(RangeError);
    expect(energyAtFrac(fw, []).length).toBe(0);
  });
});
