import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { elementData, findPair, findSoftbvPair, pairParams, softbvIon, tabulatedCharges, knownPartners, PARAM_SOURCES } from '../../src/bvse/params.js';
import { parseIon, formatIon } from '../../src/bvse/ion.js';
import { MissingBvParamError, UsageError } from '../../src/errors.js';
import { cliErrorText } from '../../src/cli/hints.js';
import { SHARED } from '../helpers/fixtures.js';

const PARAMS = path.join(SHARED, 'params');

function csv(file: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(path.join(PARAMS, file), 'utf8').trim().split(/\r?\n/);
  const cols = head!.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [cols[i]!, v])));
}

describe.skipIf(!existsSync(PARAMS))('parameter tables against ../shared/params', () => {
  it('spot checks: Li+ with O2-/S2-/I-, I- with Li+/P5+', () => {
    const rows = csv('bvse_pairs_bvlain.csv');
    const row = (table: string, m: string, mo: number, p: string, po: number) =>
      rows.find((r) => r.table === table && r.mobile === m && +r.mobile_ox! === mo && r.partner === p && +r.partner_ox! === po)!;
    for (const [table, m, mo, p, po] of [
      ['cation.pkl', 'Li', 1, 'O', -2],
      ['cation.pkl', 'Li', 1, 'S', -2],
      ['cation.pkl', 'Li', 1, 'I', -1],
      ['cation.pkl', 'Mg', 2, 'Cl', -1],
      ['anion.pkl', 'I', -1, 'Li', 1],
      ['anion.pkl', 'I', -1, 'P', 5],
      ['anion.pkl', 'S', -2, 'Li', 1],
    ] as const) {
      const r = row(table, m, mo, p, po);
      expect(r, `${m}${mo} ${p}${po} in the CSV`).toBeDefined();
      const got = pairParams({ element: m, oxidation: mo }, { element: p, oxidation: po });
      expect(got).toEqual({ r0: +r.r0!, rmin: +r.r_min!, alpha: +r.alpha!, d0: +r.d0! });
    }
  });

  it('every CSV row, cation and anion table, is transcribed exactly', () => {
    const rows = csv('bvse_pairs_bvlain.csv');
    expect(rows.length).toBe(1182);
    for (const r of rows) {
      const got = findPair({ element: r.mobile!, oxidation: +r.mobile_ox! }, { element: r.partner!, oxidation: +r.partner_ox! });
      expect(got, `${r.table} ${r.mobile}${r.mobile_ox} ${r.partner}${r.partner_ox}`).toEqual({
        r0: +r.r0!,
        rmin: +r.r_min!,
        alpha: +r.alpha!,
        d0: +r.d0!,
      });
    }
  });

  it('elements: principal quantum numbers and covalent radii', () => {
    const rows = csv('elements_bvlain_convention.csv');
    for (const r of rows) {
      const e = elementData(r.symbol!)!;
      expect(e.Z).toBe(+r.Z!);
      expect(e.rcov).toBe(+r.covalent_radius_A!);
      expect(e.n).toBe(r.principal_quantum_number === '' ? null : +r.principal_quantum_number!);
    }
    expect(elementData('Li')).toEqual({ symbol: 'Li', Z: 3, n: 2, rcov: 1.28 });
    expect(elementData('I')).toMatchObject({ n: 5, rcov: 1.39 });
  });

  it('softBV tables: BVSEParam.dat and elements.dat', () => {
    const lines = readFileSync(path.join(PARAMS, 'softbv_BVSEParam.dat'), 'utf8')
      .split(/\r\n?|\n/)
      .filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(100);
    for (const l of lines) {
      const f = l.split('\t');
      const p = findSoftbvPair({ element: f[0]!, oxidation: +f[1]! }, { element: f[8]!, oxidation: +f[9]! });
      expect(p, l).toBeDefined();
      expect([p!.r0, p!.b, p!.nc, p!.rcut, p!.d0, p!.rmin]).toEqual(f.slice(2, 8).map(Number));
      expect(p!.alpha).toBeCloseTo(1 / +f[3]!, 12);
    }
    const el = readFileSync(path.join(PARAMS, 'softbv_elements.dat'), 'utf8').trim().split(/\r?\n/);
    const seen = new Set<string>();
    for (const l of el) {
      const f = l.trim().split(/\s+/);
      if (seen.has(f[1]! + f[2]!)) continue; // first entry wins for repeated ions
      seen.add(f[1]! + f[2]!);
      expect(softbvIon(f[1]!, +f[2]!), l).toMatchObject({ n: +f[5]!, radius: +f[8]! });
    }
  });
});

describe('parameter look-ups', () => {
  it('MissingBvParamError names the pair', () => {
    expect(findPair({ element: 'Li', oxidation: 1 }, { element: 'P', oxidation: -3 })).toBeUndefined();
    let err: unknown;
    try {
      pairParams({ element: 'Li', oxidation: 1 }, { element: 'P', oxidation: -3 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MissingBvParamError);
    expect((err as Error).message).toMatch(/^no BVSE parameters for Li\+ with P3-; known counter-ions of Li\+: N3-, O2-/);
    expect(err).toMatchObject({ mobile: 'Li+', partner: 'P3-', hint: { kind: 'check-oxidation-state', species: 'P3-' } });
    expect((err as Error).message).toMatch(/if P3- is a wrong oxidation state, give the states explicitly$/);
    expect(cliErrorText(err)).toMatch(/if P3- is a wrong oxidation state, fix it with --oxi$/);
    expect(() => pairParams({ element: 'I', oxidation: -1 }, { element: 'Sn', oxidation: 2 })).toThrow(/^no BVSE parameters for I- with Sn2\+/);
  });

  it('like charges have no Morse pair', () => {
    expect(findPair({ element: 'Li', oxidation: 1 }, { element: 'Na', oxidation: 1 })).toBeUndefined();
  });

  it('tabulated charges and partners', () => {
    expect(tabulatedCharges('Li')).toEqual([1]);
    expect(tabulatedCharges('Cu')).toEqual([1, 2, 3]);
    expect(tabulatedCharges('I')).toEqual([-1, 5, 7]);
    expect(knownPartners({ element: 'Li', oxidation: 1 })).toEqual(['N3-', 'O2-', 'F-', 'S2-', 'Cl-', 'Se2-', 'Br-', 'Te2-', 'I-']);
  });

  it('every table cites its source', () => {
    expect(PARAM_SOURCES.pairs).toMatch(/Chen.*Adams.*IUCrJ 4, 614/);
    expect(PARAM_SOURCES.pairs).toMatch(/Adams.*Rao.*208, 1746/);
    expect(PARAM_SOURCES.elements).toMatch(/Cordero/);
    expect(PARAM_SOURCES.softbvElements).toMatch(/Acta Cryst. B 75, 18/);
  });
});

describe('ions', () => {
  it.each([
    ['Li', 'Li', null],
    ['Li+', 'Li', 1],
    ['Li1+', 'Li', 1],
    ['I-', 'I', -1],
    ['I1-', 'I', -1],
    ['S2-', 'S', -2],
    ['Mg2+', 'Mg', 2],
    ['li+', 'Li', 1],
    ['Li+1', 'Li', 1],
    ['S-2', 'S', -2],
    [' Na+ ', 'Na', 1],
  ])('parseIon(%j)', (spec, element, oxidation) => {
    expect(parseIon(spec)).toEqual({ element, oxidation });
  });

  it.each(['', 'L', 'Li++', '2Li', 'Li0+', 'Li 1+', 'X1'])('parseIon(%j) is a UsageError', (spec) => {
    expect(() => parseIon(spec)).toThrow(UsageError);
  });

  it('formatIon', () => {
    expect(formatIon('Li', 1)).toBe('Li+');
    expect(formatIon('S', -2)).toBe('S2-');
    expect(formatIon('Mg', 2)).toBe('Mg2+');
    expect(formatIon('I', -1)).toBe('I-');
    expect(formatIon('Fe', 2.5)).toBe('Fe2.5+');
    expect(formatIon('Xe', 0)).toBe('Xe');
  });
});
