import { describe, it, expect } from 'vitest';
import { Lattice } from '../../src/structure/lattice.js';
import type { Structure } from '../../src/structure/types.js';
import { buildFramework, resolveMobileIon } from '../../src/bvse/build-framework.js';
import { bvlainModel, softbvModel, getModel, models } from '../../src/bvse/model.js';
import { InputError, MissingBvParamError, MobileIonError, OxidationStateError, UsageError } from '../../src/errors.js';
import { cliErrorText } from '../../src/cli/hints.js';
import { paramSources, type Framework, type PairKind, type PairOf, type PairType } from '../../src/bvse/framework.js';

/** The framework's pair type for `species`, which must be of `kind`. */
function speciesType<K extends PairKind>(fw: Framework, species: string, kind: K): PairOf<K> {
  const t = fw.types.find((x) => x.species === species);
  expect(t?.kind).toBe(kind);
  return t as PairOf<K>;
}

type Sp = [element: string, oxidation: number | null, occupancy?: number];

function structure(sites: Array<{ at: [number, number, number]; sp: Sp[] }>, a = 10): Structure {
  return {
    file: 'test.cif',
    block: null,
    lattice: Lattice.fromParameters({ a, b: a, c: a, alpha: 90, beta: 90, gamma: 90 }),
    sites: sites.map((s, i) => ({
      frac: s.at,
      label: `s${i}`,
      species: s.sp.map(([element, oxidation, occupancy]) => ({ element, oxidation, occupancy: occupancy ?? 1 })),
    })),
    warnings: [],
  };
}

// Li3PS4-like toy: 2 Li, 1 P5+, 2 S2-, and a Li/Na mixed site.
const toy = () =>
  structure([
    { at: [0, 0, 0], sp: [['Li', 1]] },
    { at: [0.5, 0.5, 0.5], sp: [['Li', 1, 0.5]] },
    { at: [0.25, 0.25, 0.25], sp: [['P', 5]] },
    { at: [0.3, 0.2, 0.1], sp: [['S', -2]] },
    { at: [0.7, 0.8, 0.9], sp: [['S', -2]] },
    {
      at: [0.1, 0.6, 0.3],
      sp: [
        ['Li', 1, 0.4],
        ['Na', 1, 0.6],
      ],
    },
  ]);

const typeOf = (fw: Framework, i: number): PairType => fw.types[fw.atoms.type[i]!]!;

describe('buildFramework (bvlain model)', () => {
  it('removes every atom of the mobile element, keeps the others with their occupancy', () => {
    const fw = buildFramework(toy(), { ion: 'Li' });
    expect(fw.mobile).toEqual({ element: 'Li', oxidation: 1 });
    expect(fw.model).toBe('bvlain');
    expect(fw.cutoff).toBe(10);
    // P, S, S, Na (the Li on the mixed site is removed, Na stays with weight 0.6)
    expect(fw.atoms.type.length).toBe(4);
    const species = Array.from(fw.atoms.type, (t) => fw.types[t]!.species);
    expect(species.sort()).toEqual(['Na+', 'P5+', 'S2-', 'S2-']);
    const naIndex = Array.from(fw.atoms.type).findIndex((t) => fw.types[t]!.species === 'Na+');
    expect(fw.atoms.weight[naIndex]).toBeCloseTo(0.6, 15);
    expect(Array.from(fw.atoms.frac.slice(3 * naIndex, 3 * naIndex + 3))).toEqual([0.1, 0.6, 0.3]);
  });

  it('one type per distinct (element, oxidation): Morse for counter-ions, Coulomb for like charges', () => {
    const fw = buildFramework(toy(), { ion: 'Li+' });
    expect(fw.types.length).toBe(3);
    const s = speciesType(fw, 'S2-', 'morse');
    expect(s.kind).toBe('morse');
    // Li+ with S2- in bvse_pairs_bvlain.csv: r_min 2.40971, alpha 1.531394, d0 1.04027
    expect(s.rmin).toBe(2.40971);
    expect(s.alpha).toBe(1.531394);
    expect(s.d0).toBe(1.04027);
    const p = speciesType(fw, 'P5+', 'coulomb');
    expect(p.kind).toBe('coulomb');
    // 14.4·1·5/sqrt(n_Li·n_P) = 14.4·5/sqrt(2·3); screen 0.74·(1.28 + 1.07)
    expect(p.k).toBeCloseTo((14.4 * 5) / Math.sqrt(6), 12);
    expect(p.screen).toBeCloseTo(0.74 * (1.28 + 1.07), 12);
    const na = speciesType(fw, 'Na+', 'coulomb');
    expect(na.k).toBeCloseTo(14.4 / Math.sqrt(2 * 3), 12);
    expect(na.screen).toBeCloseTo(0.74 * (1.28 + 1.66), 12);
  });

  it('mobile anions: the cations are the counter-ions, the other anions repel', () => {
    const s = structure([
      { at: [0, 0, 0], sp: [['Li', 1]] },
      { at: [0.5, 0.5, 0.5], sp: [['I', -1]] },
      { at: [0.2, 0.2, 0.2], sp: [['Cl', -1]] },
      { at: [0.7, 0.1, 0.2], sp: [['P', 5]] },
    ]);
    const fw = buildFramework(s, { ion: 'I-' });
    expect(fw.mobile).toEqual({ element: 'I', oxidation: -1 });
    const li = fw.types.find((t) => t.species === 'Li+')!;
    // The (Li+, I-) row: r_min 2.78807, alpha 1.360544, d0 0.44117
    expect(li).toMatchObject({ kind: 'morse', rmin: 2.78807, alpha: 1.360544, d0: 0.44117 });
    expect(fw.types.find((t) => t.species === 'P5+')).toMatchObject({ kind: 'morse' });
    const cl = speciesType(fw, 'Cl-', 'coulomb');
    expect(cl.kind).toBe('coulomb');
    // (−1)(−1)/sqrt(n_I·n_Cl) = 1/sqrt(5·3): repulsive
    expect(cl.k).toBeCloseTo(14.4 / Math.sqrt(15), 12);
    expect(cl.screen).toBeCloseTo(0.74 * (1.39 + 1.02), 12);
    expect(fw.atoms.type.length).toBe(3);
  });

  it('skips species with oxidation state 0 and wraps coordinates into [0,1)', () => {
    const s = structure([
      { at: [0, 0, 0], sp: [['Li', 1]] },
      { at: [0.5, 0.5, 0.5], sp: [['S', -2]] },
      { at: [0.2, 0.2, 0.2], sp: [['Xe', 0]] },
    ]);
    s.sites[1]!.frac = [1.25, -0.25, 0.5];
    const fw = buildFramework(s, { ion: 'Li' });
    expect(fw.atoms.type.length).toBe(1);
    expect(Array.from(fw.atoms.frac)).toEqual([0.25, 0.75, 0.5]);
  });

  it('a missing pair is a MissingBvParamError that names it', () => {
    const s = structure([
      { at: [0, 0, 0], sp: [['Li', 3]] },
      { at: [0.5, 0.5, 0.5], sp: [['H', -1]] },
    ]);
    expect(() => buildFramework(s, { ion: 'Li+' })).toThrow(MissingBvParamError);
    expect(() => buildFramework(s, { ion: 'Li+' })).toThrow(/^no BVSE parameters for Li\+ with H-/);
    const cs = structure([
      { at: [0, 0, 0], sp: [['Cs', 1]] },
      { at: [0.5, 0.5, 0.5], sp: [['Sn', 2]] },
      { at: [0.2, 0.5, 0.5], sp: [['I', -1]] },
    ]);
    // I-–Sn2+ is not tabulated but its inputs exist: derived (derive-params.ts), and the type says so.
    const fw = buildFramework(cs, { ion: 'I-' });
    expect(fw.types.find((t) => t.species === 'Sn2+')).toMatchObject({ kind: 'morse', source: 'derived' });
    expect(fw.types.find((t) => t.species === 'Cs+')).toMatchObject({ kind: 'morse', source: 'table' });
    expect(paramSources(fw).sources).toEqual({ 'I-–Cs+': 'table', 'I-–Sn2+': 'derived' });
    expect(paramSources(fw).warnings).toHaveLength(1);
  });

  it('refuses table rows with alpha < 0 (failed fits) and says why', () => {
    const s = structure([
      { at: [0, 0, 0], sp: [['Mg', 2]] },
      { at: [0.5, 0.5, 0.5], sp: [['I', -1]] },
    ]);
    expect(() => buildFramework(s, { ion: 'I-' })).toThrow(MissingBvParamError);
    expect(() => buildFramework(s, { ion: 'I-' })).toThrow(/^no BVSE parameters for I- with Mg2\+; the tabulated entry is unusable \(alpha = -1.367989 < 0/);
  });

  it('resolves the mobile charge from the structure, or explains why it cannot', () => {
    expect(resolveMobileIon(toy(), { element: 'Li', oxidation: null })).toEqual({ element: 'Li', oxidation: 1 });
    // Explicit charge wins, even if the element is absent (insertion).
    expect(resolveMobileIon(toy(), { element: 'Mg', oxidation: 2 })).toEqual({ element: 'Mg', oxidation: 2 });
    // Absent element with a single tabulated charge: inferred.
    expect(resolveMobileIon(toy(), { element: 'K', oxidation: null })).toEqual({ element: 'K', oxidation: 1 });
    // Absent element with several tabulated charges: an InputError saying so.
    expect(() => resolveMobileIon(toy(), { element: 'Cu', oxidation: null })).toThrow(InputError);
    expect(() => resolveMobileIon(toy(), { element: 'Cu', oxidation: null })).toThrow(/Cu is not in test.cif and its charge cannot be inferred/);
    // Two charges of the mobile element in the structure: ambiguous.
    const mixed = structure([
      { at: [0, 0, 0], sp: [['Fe', 2]] },
      { at: [0.5, 0, 0], sp: [['Fe', 3]] },
      { at: [0.5, 0.5, 0.5], sp: [['O', -2]] },
    ]);
    expect(() => resolveMobileIon(mixed, { element: 'Fe', oxidation: null })).toThrow(/Fe appears as Fe2\+ and Fe3\+/);
    let err: unknown;
    try {
      resolveMobileIon(mixed, { element: 'Fe', oxidation: null });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MobileIonError);
    expect(err).toMatchObject({ element: 'Fe', hint: { kind: 'name-ion-charge', element: 'Fe', example: 'Fe2+' } });
    expect(cliErrorText(err)).toMatch(/; name the mobile ion with its charge, e\.g\. --ion Fe2\+$/);
    // Present without an oxidation state.
    const bare = structure([{ at: [0, 0, 0], sp: [['Li', null]] }]);
    expect(() => resolveMobileIon(bare, { element: 'Li', oxidation: null })).toThrow(/Li has no oxidation state/);
  });

  it('a framework species without an oxidation state is an OxidationStateError', () => {
    const s = structure([
      { at: [0, 0, 0], sp: [['Li', 1]] },
      { at: [0.5, 0.5, 0.5], sp: [['S', null]] },
    ]);
    expect(() => buildFramework(s, { ion: 'Li' })).toThrow(OxidationStateError);
    expect(() => buildFramework(s, { ion: 'Li' })).toThrow(
      expect.objectContaining({ elements: ['S'], hint: { kind: 'give-oxidation-states', elements: ['S'] } }),
    );
  });

  it('cutoff override and unknown model', () => {
    expect(buildFramework(toy(), { ion: 'Li', cutoff: 6 }).cutoff).toBe(6);
    expect(() => buildFramework(toy(), { ion: 'Li', model: 'nope' })).toThrow(UsageError);
    expect(() => getModel('nope')).toThrow(/known models: bvlain, softbv/);
    expect(Object.keys(models)).toEqual(['bvlain', 'softbv']);
  });

  it('a model without the Coulomb term builds no Coulomb types', () => {
    const fw = buildFramework(toy(), { ion: 'Li', model: { ...bvlainModel, name: 'morse-only', terms: { morse: true, coulomb: false } } });
    expect(fw.types.every((t) => t.kind === 'morse')).toBe(true);
    expect(fw.model).toBe('morse-only');
    expect(typeOf(fw, 0).kind).toBe('morse');
  });
});

describe('buildFramework (softbv model)', () => {
  it('scales effective charges V/sqrt(n) to neutrality and uses softBV radii', () => {
    // Li3PS4 stoichiometry in one cell: Li+ x3, P5+ x1, S2- x4 (softBV n: Li 2, P 3, S 3).
    const s = structure([
      { at: [0, 0, 0], sp: [['Li', 1]] },
      { at: [0.5, 0, 0], sp: [['Li', 1]] },
      { at: [0, 0.5, 0], sp: [['Li', 1]] },
      { at: [0.25, 0.25, 0.25], sp: [['P', 5]] },
      { at: [0.3, 0.2, 0.1], sp: [['S', -2]] },
      { at: [0.7, 0.8, 0.9], sp: [['S', -2]] },
      { at: [0.1, 0.8, 0.4], sp: [['S', -2]] },
      { at: [0.6, 0.4, 0.8], sp: [['S', -2]] },
    ]);
    const fw = buildFramework(s, { ion: 'Li', model: 'softbv' });
    expect(fw.model).toBe('softbv');
    const C = 3 / Math.sqrt(2) + 5 / Math.sqrt(3);
    const A = (4 * 2) / Math.sqrt(3);
    const qLi = (1 / Math.sqrt(2)) * Math.sqrt(A / C);
    const qP = (5 / Math.sqrt(3)) * Math.sqrt(A / C);
    // After scaling, the cation charges sum to the anion charges' magnitude.
    expect(3 * qLi + qP).toBeCloseTo(A / Math.sqrt(A / C), 12);
    const p = speciesType(fw, 'P5+', 'coulomb');
    expect(p.k).toBeCloseTo(14.4 * qLi * qP, 12);
    // softBV radii: Li+ 1.31, P5+ 1.10 (elements.dat)
    expect(p.screen).toBeCloseTo(0.74 * (1.31 + 1.1), 12);
    // Li+-S2- is in softBV's BVSEParam.dat: D0 1.016393, Rmin 2.466331, b 0.653 (alpha = 1/b)
    const sType = speciesType(fw, 'S2-', 'morse');
    expect(sType).toMatchObject({ kind: 'morse', d0: 1.016393, rmin: 2.466331 });
    expect(sType.alpha).toBeCloseTo(1 / 0.653, 12);
    expect(softbvModel.morseTables[0]).toBe('softbv-bvseparam');
  });

  it('mobile anions: anion-anion products scale by C/A', () => {
    const s = structure([
      { at: [0, 0, 0], sp: [['Li', 1]] },
      { at: [0.5, 0.5, 0.5], sp: [['I', -1]] },
      { at: [0.5, 0, 0], sp: [['Li', 1]] },
      { at: [0.2, 0.2, 0.2], sp: [['Cl', -1]] },
    ]);
    const fw = buildFramework(s, { ion: 'I-', model: 'softbv' });
    // softBV n: Li+ 2, Cl- 3, I- 5; radii Cl- 1.74, I- 2.13
    const C = 2 / Math.sqrt(2);
    const A = 1 / Math.sqrt(3) + 1 / Math.sqrt(5);
    const cl = speciesType(fw, 'Cl-', 'coulomb');
    expect(cl.k).toBeCloseTo((14.4 / Math.sqrt(15)) * (C / A), 12);
    expect(cl.screen).toBeCloseTo(0.74 * (2.13 + 1.74), 12);
  });

  it('falls back to the bvse-pairs table for pairs BVSEParam.dat lacks', () => {
    const s = structure([
      { at: [0, 0, 0], sp: [['Li', 1]] },
      { at: [0.5, 0.5, 0.5], sp: [['Cl', -1]] },
    ]);
    const fw = buildFramework(s, { ion: 'Li', model: 'softbv' });
    expect(fw.types[0]).toMatchObject({ kind: 'morse', rmin: 2.39647, alpha: 1.577287, d0: 0.49302 });
  });
});
