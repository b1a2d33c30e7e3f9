import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCif } from '../../src/structure/cif/index.js';
import { Lattice } from '../../src/structure/lattice.js';
import {
  detectSpaceGroup,
  formatSymop,
  hallNumberFromHM,
  initSymmetry,
  opsFromHall,
  opsFromHermannMauguin,
  opsFromNumber,
  parseSymopXyz,
  type SymOp,
} from '../../src/structure/space-group.js';
import { SymopSyntaxError } from '../../src/errors.js';
import type { Structure } from '../../src/structure/types.js';

import { REPO_ROOT } from '../helpers/fixtures.js';

function apply(op: SymOp, f: [number, number, number]): [number, number, number] {
  const r = op.rot;
  const out: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < 3; i++) out[i] = r[3 * i]! * f[0] + r[3 * i + 1]! * f[1] + r[3 * i + 2]! * f[2] + op.trans[i]!;
  return out;
}

/** Distinct images of a point, wrapped into [0,1). */
function orbit(ops: SymOp[], f: [number, number, number]): number {
  const seen = new Set<string>();
  for (const op of ops) {
    const p = apply(op, f).map((x) => {
      const w = x - Math.floor(x);
      return Math.round((w >= 0.99999 ? 0 : w) * 1e4);
    });
    seen.add(p.join(','));
  }
  return seen.size;
}

beforeAll(async () => {
  await initSymmetry();
});

describe('parseSymopXyz', () => {
  it('reads plain, shifted, fractional, decimal and upper-case forms', () => {
    const a = parseSymopXyz('-y+1/2, x-y, z+0.25');
    expect(Array.from(a.rot)).toEqual([0, -1, 0, 1, -1, 0, 0, 0, 1]);
    expect(a.trans).toEqual([0.5, 0, 0.25]);
    const b = parseSymopXyz('1/2+X,Y,-Z');
    expect(Array.from(b.rot)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, -1]);
    expect(b.trans).toEqual([0.5, 0, 0]);
    expect(parseSymopXyz('x+.5,-y,z').trans[0]).toBe(0.5);
    expect(Array.from(parseSymopXyz('x - y , x , z').rot)).toEqual([1, -1, 0, 1, 0, 0, 0, 0, 1]);
  });

  it('ignores the time-reversal part of a magnetic operator', () => {
    const op = parseSymopXyz('-y+3/4,-x+3/4,-z,+1');
    expect(Array.from(op.rot)).toEqual([0, -1, 0, -1, 0, 0, 0, 0, -1]);
    expect(op.trans).toEqual([0.75, 0.75, 0]);
  });

  it('round-trips through formatSymop', () => {
    for (const s of ['x,y,z', '-y+1/2,x-y,z+1/4', '-x+y,-x,-z+1/3']) expect(formatSymop(parseSymopXyz(s))).toBe(s);
  });

  it.each(['x,y', 'x,y,z,1,2', 'x,q,z', 'x,y,', '2x,y,z', 'x,y,z+1/0', 'x,x,z'])('rejects %s with a SymopSyntaxError', (s) => {
    expect(() => parseSymopXyz(s)).toThrow(SymopSyntaxError);
  });
});

describe('space-group tables (moyo)', () => {
  it('gives the full conventional operator count', () => {
    expect(opsFromHermannMauguin('Fm-3m')).toHaveLength(192);
    expect(opsFromHermannMauguin('F m -3 m')).toHaveLength(192);
    expect(opsFromHermannMauguin('R-3m:H')).toHaveLength(36);
    expect(opsFromHermannMauguin('R -3 m :R')).toHaveLength(12);
    expect(opsFromHermannMauguin('P 42/n m c')).toHaveLength(16);
    expect(opsFromHermannMauguin('P4_2/nmc')).toHaveLength(16);
    expect(opsFromNumber(225)).toHaveLength(192);
    expect(opsFromNumber(1)).toHaveLength(1);
    expect(opsFromHall('-F 4 2 3')).toHaveLength(192);
    expect(opsFromHall('-R 3 2"')).toHaveLength(36);
    expect(opsFromHall('-P_2yn')).toHaveLength(4);
  });

  it('spelling variants of one symbol name one setting', () => {
    const fm3m = hallNumberFromHM('Fm-3m');
    expect(hallNumberFromHM('F m -3 m')).toBe(fm3m);
    expect(hallNumberFromHM('Fm3m')).toBe(fm3m);
    expect(hallNumberFromHM('P 1 21/n 1')).toBe(hallNumberFromHM('P21/n'));
    expect(hallNumberFromHM('R-3mH')).toBe(hallNumberFromHM('R -3 m :H'));
    expect(hallNumberFromHM('Fd-3mZ')).toBe(hallNumberFromHM('Fd-3m:2'));
    expect(hallNumberFromHM('F d -3 m {origin @ centre (-3m)}')).toBe(hallNumberFromHM('Fd-3m'));
    expect(hallNumberFromHM('P6(3)/mmc')).toBe(hallNumberFromHM('P 63/m m c'));
    expect(hallNumberFromHM('P 21/c (No. 14)')).toBe(hallNumberFromHM('P 1 21/c 1'));
    expect(hallNumberFromHM('not a group')).toBeNull();
    expect(opsFromNumber(231)).toBeNull();
  });

  it('distinguishes origin choices 1 and 2 of Fd-3m (diamond: 8a has 8 atoms in either, at its own origin)', () => {
    const o1 = opsFromHermannMauguin('Fd-3m:1')!;
    const o2 = opsFromHermannMauguin('Fd-3m:2')!;
    expect(o1).toHaveLength(192);
    expect(o2).toHaveLength(192);
    // 8a is (0,0,0) in origin choice 1 and (1/8,1/8,1/8) in origin choice 2; the other origin's
    // 8a point is a general-ish position there and gives a larger orbit.
    expect(orbit(o1, [0, 0, 0])).toBe(8);
    expect(orbit(o2, [1 / 8, 1 / 8, 1 / 8])).toBe(8);
    expect(orbit(o2, [0, 0, 0])).toBe(16);
    // Same rotations, translations differ by the origin shift.
    expect(o1.map(formatSymop).sort()).not.toEqual(o2.map(formatSymop).sort());
  });

  it('R-3m on rhombohedral axes has no centring translations; on hexagonal axes it has (2/3,1/3,1/3)', () => {
    const r = opsFromHermannMauguin('R-3m:R')!;
    const h = opsFromHermannMauguin('R-3m:H')!;
    expect(r.every((op) => op.trans.every((t) => t === 0))).toBe(true);
    expect(h.some((op) => formatSymop(op) === 'x+2/3,y+1/3,z+1/3')).toBe(true);
  });
});

describe('detectSpaceGroup', () => {
  it('finds Fm-3m for rock salt and P6/mmm for a simple hexagonal cell', () => {
    const lattice = Lattice.fromParameters({ a: 5.64, b: 5.64, c: 5.64, alpha: 90, beta: 90, gamma: 90 });
    const sites: Structure['sites'] = [];
    for (const [x, y, z] of [
      [0, 0, 0],
      [0.5, 0.5, 0],
      [0.5, 0, 0.5],
      [0, 0.5, 0.5],
    ] as const) {
      sites.push({ frac: [x, y, z], species: [{ element: 'Na', oxidation: 1, occupancy: 1 }], label: 'Na' });
      sites.push({ frac: [x + 0.5, y, z], species: [{ element: 'Cl', oxidation: -1, occupancy: 1 }], label: 'Cl' });
    }
    const nacl: Structure = { file: 'mem', block: null, lattice, sites, warnings: [] };
    expect(detectSpaceGroup(nacl)).toEqual({ number: 225, symbol: expect.stringMatching(/^F m -3 m$/) });

    const hex: Structure = {
      file: 'mem',
      block: null,
      lattice: Lattice.fromParameters({ a: 3, b: 3, c: 4, alpha: 90, beta: 90, gamma: 120 }),
      sites: [{ frac: [0, 0, 0], species: [{ element: 'Mg', oxidation: null, occupancy: 1 }], label: 'Mg' }],
      warnings: [],
    };
    expect(detectSpaceGroup(hex)?.number).toBe(191);
  });

  it('treats a mixed site as its own atom type', () => {
    const lattice = Lattice.fromParameters({ a: 4, b: 4, c: 4, alpha: 90, beta: 90, gamma: 90 });
    const s: Structure = {
      file: 'mem',
      block: null,
      lattice,
      sites: [
        {
          frac: [0, 0, 0],
          species: [
            { element: 'Sr', oxidation: null, occupancy: 0.5 },
            { element: 'Y', oxidation: null, occupancy: 0.5 },
          ],
          label: 'A',
        },
        { frac: [0.5, 0.5, 0.5], species: [{ element: 'Sr', oxidation: null, occupancy: 1 }], label: 'B' },
      ],
      warnings: [],
    };
    expect(detectSpaceGroup(s)?.number).toBe(221);
  });

  describe('on real files (the project fixtures)', () => {
    const cases: [string, number][] = [
      ['fixtures/db/Li3PS4_beta.cif', 62],
      ['fixtures/Li3N_alpha.cif', 191],
      ['fixtures/Li4P2O7_triclinic.cif', 2],
      ['fixtures/ReTe2_triclinic.cif', 2],
      ['fixtures/LiFeO2_disordered.cif', 225],
      ['fixtures/NaCl_annotated.cif', 225],
      ['src/benchmark/structures/Li7La3Zr2O12_cubic.cif', 230],
    ];
    it.each(cases)('%s is space group %i', (rel, number) => {
      const [first] = readCif(readFileSync(path.join(REPO_ROOT, rel), 'latin1'), rel);
      expect(first?.structure).toBeDefined();
      expect(detectSpaceGroup(first!.structure!, 0.1)?.number).toBe(number);
    });
  });
});
