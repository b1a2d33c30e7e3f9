// The pair term is a union on `kind`: tables of branches must name every kind (checked by the compiler: the
// expect-error directive below fails `tsc` if a table could miss one), and each table picks the branch of t's kind.
import { describe, expect, it } from 'vitest';
import { assertNeverPair, pairBranch, type PairBranches, type PairType } from '../../src/bvse/framework.js';
import { pairDerivatives, pairEnergy } from '../../src/bvse/pair.js';

const morse: PairType = { kind: 'morse', species: 'S2-', d0: 1.04027, rmin: 2.40971, alpha: 1.531394 };
const coulomb: PairType = { kind: 'coulomb', species: 'P5+', k: 29.39, screen: 1.739 };

describe('pair kinds', () => {
  it('a branch table must cover every kind, and picks the branch of the pair it is given', () => {
    // @ts-expect-error a table without the Coulomb branch does not compile
    const partial: PairBranches<[], string> = { morse: () => 'morse' };
    expect(partial).toBeDefined();
    const name: PairBranches<[r: number], string> = { morse: (t, r) => `morse ${t.d0} at ${r}`, coulomb: (t, r) => `coulomb ${t.k} at ${r}` };
    expect(pairBranch(name, morse)(morse, 2)).toBe('morse 1.04027 at 2');
    expect(pairBranch(name, coulomb)(coulomb, 3)).toBe('coulomb 29.39 at 3');
  });

  it('an exhaustive switch reaches assertNeverPair only for a kind no case handles', () => {
    const describeKind = (t: PairType): string => {
      switch (t.kind) {
        case 'morse':
          return 'counter-ion';
        case 'coulomb':
          return 'like charge';
        default:
          return assertNeverPair(t, 'describeKind');
      }
    };
    expect(describeKind(morse)).toBe('counter-ion');
    expect(describeKind(coulomb)).toBe('like charge');
    // A kind the union does not have (data from outside the type system) is refused, not taken for Coulomb.
    const stranger = { kind: 'lennard-jones', species: 'X' } as unknown as PairType;
    expect(() => describeKind(stranger)).toThrow(/describeKind: no branch for pair kind 'lennard-jones'/);
    expect(() => pairDerivatives(stranger, 2)).toThrow(/pairDerivatives: no branch for pair kind 'lennard-jones'/);
    expect(() => pairEnergy(stranger, 2)).toThrow(/no branch for pair kind 'lennard-jones'/);
  });

  it('pairEnergy is the Morse well at rmin and the screened Coulomb term elsewhere', () => {
    expect(pairEnergy(morse, 2.40971)).toBeCloseTo(-0.5 * 1.04027, 12);
    expect(pairEnergy(coulomb, 3)).toBeCloseTo((29.39 / 3) * 0.014699407539054372, 10); // erfc(3 / 1.739)
  });
});
