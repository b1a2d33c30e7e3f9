import { describe, it, expect } from 'vitest';
import { ELEMENTS, isElement, canonicalElement, atomicNumber, electronegativity } from '../../src/structure/elements.js';

describe('element table', () => {
  it('has 118 unique symbols in atomic-number order', () => {
    expect(ELEMENTS.length).toBe(118);
    expect(new Set(ELEMENTS).size).toBe(118);
    expect(ELEMENTS[0]).toBe('H');
    expect(ELEMENTS[2]).toBe('Li');
    expect(ELEMENTS[25]).toBe('Fe');
    expect(ELEMENTS[56]).toBe('La');
    expect(ELEMENTS[91]).toBe('U');
    expect(ELEMENTS[117]).toBe('Og');
  });

  it('maps symbols to atomic numbers and back', () => {
    for (const [sym, z] of [
      ['H', 1],
      ['Li', 3],
      ['S', 16],
      ['I', 53],
      ['Zr', 40],
      ['Pb', 82],
      ['Lr', 103],
    ] as const) {
      expect(atomicNumber(sym)).toBe(z);
      expect(ELEMENTS[z - 1]).toBe(sym);
    }
    expect(() => atomicNumber('Xx')).toThrow(/unknown element/);
    expect(() => atomicNumber('li')).toThrow();
  });

  it('recognises canonical symbols only', () => {
    expect(isElement('Li')).toBe(true);
    expect(isElement('LI')).toBe(false);
    expect(isElement('D')).toBe(false);
    expect(isElement('')).toBe(false);
  });

  it('canonicalises case and hydrogen isotopes', () => {
    expect(canonicalElement('LI')).toBe('Li');
    expect(canonicalElement('li')).toBe('Li');
    expect(canonicalElement('o')).toBe('O');
    expect(canonicalElement('D')).toBe('H');
    expect(canonicalElement('t')).toBe('H');
    expect(canonicalElement('Xx')).toBeNull();
    expect(canonicalElement('Lix')).toBeNull();
    expect(canonicalElement('')).toBeNull();
  });

  it('has Pauling electronegativities with the expected order', () => {
    expect(electronegativity('F')).toBeCloseTo(3.98, 10);
    expect(electronegativity('Li')).toBeCloseTo(0.98, 10);
    expect(electronegativity('O')).toBeCloseTo(3.44, 10);
    expect(Number.isNaN(electronegativity('Ar'))).toBe(true);
    // Cations before anions: Li < P < S, Li < Co < O, Li < La < Zr < O.
    const order = (xs: string[]) => [...xs].sort((a, b) => electronegativity(a) - electronegativity(b));
    expect(order(['S', 'P', 'Li'])).toEqual(['Li', 'P', 'S']);
    expect(order(['O', 'Co', 'Li'])).toEqual(['Li', 'Co', 'O']);
    expect(order(['O', 'Zr', 'La', 'Li'])).toEqual(['Li', 'La', 'Zr', 'O']);
    // Every element up to No has a value, and all values lie on the Pauling range.
    for (let z = 1; z <= 102; z++) {
      const x = electronegativity(ELEMENTS[z - 1]!);
      if (['He', 'Ne', 'Ar'].includes(ELEMENTS[z - 1]!)) continue;
      expect(x).toBeGreaterThanOrEqual(0.7);
      expect(x).toBeLessThanOrEqual(3.98);
    }
  });
});
