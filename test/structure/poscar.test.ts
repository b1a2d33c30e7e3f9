import { describe, it, expect } from 'vitest';
import { readPoscar, writePoscar, looksLikePoscar } from '../../src/structure/poscar.js';
import { StructureError, InputError } from '../../src/errors.js';
import { Lattice } from '../../src/structure/lattice.js';
import type { Structure } from '../../src/structure/types.js';

// Antifluorite Li2S conventional cell, a = 5.708 Å (Fm-3m): S on 4a, Li on 8c.
const LI2S = `Li2S antifluorite
1.0
5.708 0 0
0 5.708 0
0 0 5.708
S Li
4 8
Direct
0 0 0
0 0.5 0.5
0.5 0 0.5
0.5 0.5 0
0.25 0.25 0.25
0.75 0.75 0.75
0.25 0.75 0.75
0.75 0.25 0.25
0.75 0.75 0.25
0.25 0.25 0.75
0.75 0.25 0.75
0.25 0.75 0.25
`;

function expectError(text: string, line: number, pattern: RegExp): void {
  let err: unknown;
  try {
    readPoscar(text, 'bad.vasp');
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(StructureError);
  const se = err as StructureError;
  expect(se.line).toBe(line);
  expect(se.message).toMatch(/^bad\.vasp:\d+: /);
  expect(se.message).toMatch(pattern);
}

describe('readPoscar', () => {
  it('reads a VASP 5 POSCAR with direct coordinates', () => {
    const s = readPoscar(LI2S, 'Li2S.vasp');
    expect(s.block).toBeNull();
    expect(s.sites.length).toBe(12);
    expect(s.lattice.volume).toBeCloseTo(5.708 ** 3, 8);
    expect(s.sites.filter((x) => x.species[0]!.element === 'Li').length).toBe(8);
    expect(s.sites[4]!.frac).toEqual([0.25, 0.25, 0.25]);
    expect(s.sites[4]!.label).toBe('Li1');
    expect(s.sites[0]!.species).toEqual([{ element: 'S', oxidation: null, occupancy: 1 }]);
  });

  it('applies a scale factor to the lattice and to Cartesian positions', () => {
    const text = `scaled\n2.0\n1 0 0\n0 2 0\n0 0 3\nLi\n1\nCartesian\n1.0 1.0 1.5\n`;
    const s = readPoscar(text, 'x.vasp');
    expect(s.lattice.parameters.a).toBeCloseTo(2, 12);
    expect(s.lattice.parameters.c).toBeCloseTo(6, 12);
    // Cartesian (1,1,1.5) * 2 = (2,2,3) -> fractions (1, 0.5, 0.5) -> wrapped to 0.
    const f = s.sites[0]!.frac;
    expect(f[0]).toBeCloseTo(0, 12);
    expect(f[1]).toBeCloseTo(0.5, 12);
    expect(f[2]).toBeCloseTo(0.5, 12);
  });

  it('reads a negative scale factor as the cell volume', () => {
    const text = `vol\n-64\n1 0 0\n0 1 0\n0 0 1\nNa Cl\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n`;
    const s = readPoscar(text, 'x.vasp');
    expect(s.lattice.volume).toBeCloseTo(64, 9);
    expect(s.lattice.parameters.a).toBeCloseTo(4, 9);
  });

  it('accepts selective dynamics, POTCAR suffixes, CRLF and wraps coordinates', () => {
    const text = 'sd\r\n1\r\n4 0 0\r\n0 4 0\r\n0 0 4\r\nLi_sv O\r\n1 1\r\nSelective dynamics\r\nDirect\r\n-0.25 1.5 0.0 T T F\r\n0.5 0.5 0.5 F F F O\r\n';
    const s = readPoscar(text, 'CONTCAR');
    expect(s.sites.map((x) => x.species[0]!.element)).toEqual(['Li', 'O']);
    expect(s.sites[0]!.frac).toEqual([0.75, 0.5, 0]);
  });

  it('takes the species from the comment line of a VASP 4 file, with a warning', () => {
    const s = readPoscar(`Li Cl\n1\n5 0 0\n0 5 0\n0 0 5\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n`, 'POSCAR');
    expect(s.sites.map((x) => x.species[0]!.element)).toEqual(['Li', 'Cl']);
    expect(s.warnings.join(' ')).toMatch(/VASP 4/);
  });

  it('reports broken files with file and line', () => {
    expectError(`c\n1\n5 0 0\n0 5 0\n0 0 5\nLi Xq\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n`, 6, /unknown element 'Xq'/);
    expectError(`c\n1\n5 0 0\n0 5 0\n0 0 5\nLi Cl\n1\nDirect\n0 0 0\n`, 7, /2 species but 1 counts/);
    expectError(`c\n1\n5 0 0\n0 5 0\n0 0 5\nLi Cl\n1 1\nDirect\n0 0 0\n`, 10, /ends before the position 2 of 2/);
    expectError(`c\n1\n5 0 0\n0 5 0\n0 0 5\nLi\n1\nDirect\n0 zero 0\n`, 9, /not 3 numbers/);
    expectError(`c\n1\n5 0 0\n5 0 0\n0 0 5\nLi\n1\nDirect\n0 0 0\n`, 3, /no volume/);
    expectError(`c\none\n5 0 0\n0 5 0\n0 0 5\nLi\n1\nDirect\n0 0 0\n`, 2, /scale factor/);
    expectError(`c\n1\n5 0 0\n0 5 0\n0 0 5\nLi\n1\nFractional\n0 0 0\n`, 8, /Direct' or 'Cartesian/);
    expectError(`c\n1\n5 0 0\n0 5\n`, 4, /lattice vector b/);
    expectError(`c\n1\n5 0 0\n0 5 0\n0 0 5\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n`, 6, /no species line/);
    expectError(``, 1, /file is empty/);
    expectError(`only a comment`, 1, /ends before the scale factor/);
  });

  it('recognises POSCAR content', () => {
    expect(looksLikePoscar(LI2S)).toBe(true);
    expect(looksLikePoscar('data_x\n_cell_length_a 5\n')).toBe(false);
  });
});

describe('writePoscar', () => {
  it('round-trips a structure through text', () => {
    const s = readPoscar(LI2S, 'Li2S.vasp');
    const back = readPoscar(writePoscar(s), 'again.vasp');
    expect(back.sites.length).toBe(s.sites.length);
    for (let k = 0; k < 9; k++) expect(back.lattice.matrix[k]).toBeCloseTo(s.lattice.matrix[k]!, 9);
    back.sites.forEach((site, i) => {
      expect(site.species[0]!.element).toBe(s.sites[i]!.species[0]!.element);
      for (let d = 0; d < 3; d++) expect(site.frac[d]).toBeCloseTo(s.sites[i]!.frac[d]!, 9);
    });
  });

  it('refuses mixed sites', () => {
    const s: Structure = {
      file: 'm.cif',
      block: 'm',
      lattice: Lattice.fromParameters({ a: 4, b: 4, c: 4, alpha: 90, beta: 90, gamma: 90 }),
      sites: [
        {
          frac: [0, 0, 0],
          label: 'M1',
          species: [
            { element: 'Li', oxidation: 1, occupancy: 0.5 },
            { element: 'Na', oxidation: 1, occupancy: 0.5 },
          ],
        },
      ],
      warnings: [],
    };
    expect(() => writePoscar(s)).toThrow(InputError);
  });
});
