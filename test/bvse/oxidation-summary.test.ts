// The oxidation states reported as used: one number per element, lists and per-site values for mixed valence.
import { describe, expect, it } from 'vitest';
import { anionsOf, oxidationStatesUsed } from '../../src/bvse/oxidation/summary.js';
import { Lattice } from '../../src/structure/lattice.js';
import type { Site, Structure } from '../../src/structure/types.js';

function structure(sites: Site[]): Structure {
  return { file: 't', block: null, lattice: Lattice.fromParameters({ a: 5, b: 5, c: 5, alpha: 90, beta: 90, gamma: 90 }), sites, warnings: [] };
}
const site = (label: string, species: [string, number | null, number][], x = 0): Site => ({
  label,
  frac: [x, 0, 0],
  species: species.map(([element, oxidation, occupancy]) => ({ element, oxidation, occupancy })),
});

describe('oxidationStatesUsed', () => {
  it('one state per element: a plain map in formula order, no per-site table', () => {
    const s = structure([site('Li1', [['Li', 1, 1]]), site('P1', [['P', 5, 1]]), site('S1', [['S', -2, 1]], 0.5), site('Li1', [['Li', 1, 1]], 0.25)]);
    const used = oxidationStatesUsed(s);
    expect(used.states).toEqual({ Li: 1, P: 5, S: -2 });
    expect(Object.keys(used.states)).toEqual(['Li', 'P', 'S']);
    expect(used.bySite).toBeNull();
  });

  it('mixed valence: the element lists its states and each site says which it has', () => {
    const s = structure([
      site('Fe1', [['Fe', 3, 1]]),
      site(
        'Fe2',
        [
          ['Fe', 2, 0.5],
          ['Li', 1, 0.5],
        ],
        0.25,
      ),
      site(
        'Fe2',
        [
          ['Fe', 3, 0.5],
          ['Li', 1, 0.5],
        ],
        0.75,
      ),
      site('O1', [['O', -2, 1]], 0.5),
    ]);
    const used = oxidationStatesUsed(s);
    expect(used.states).toEqual({ Li: 1, Fe: [2, 3], O: -2 });
    expect(used.bySite).toEqual({ Fe1: { Fe: 3 }, Fe2: { Fe: 2, Li: 1 }, 'Fe2#2': { Fe: 3, Li: 1 }, O1: { O: -2 } });
  });

  it('species without a state are left out', () => {
    expect(oxidationStatesUsed(structure([site('X', [['Li', null, 1]])])).states).toEqual({});
  });
});

describe('anionsOf', () => {
  it('lists each anion once as an ion label, sorted; cations and unset states are left out', () => {
    const s = structure([
      site('Li1', [['Li', 1, 1]]),
      site('S1', [['S', -2, 1]], 0.1),
      site('X1', [
        ['Cl', -1, 0.5],
        ['Br', -1, 0.5],
      ]),
      site('S2', [['S', -2, 1]], 0.3),
      site('O1', [['O', null, 1]], 0.6),
    ]);
    expect(anionsOf(s)).toEqual(['Br-', 'Cl-', 'S2-']);
  });
});
