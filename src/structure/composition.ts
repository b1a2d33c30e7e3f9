// Occupancy-weighted composition and formulas of a Structure.
//
// Formulas follow pymatgen's conventions (Composition.formula / reduced_formula) so that our output
// can be compared with the reference parser line by line: elements sorted by Pauling
// electronegativity (ties by symbol), reduced by the greatest common divisor when every amount is
// integral, a trailing polyanion written as "(SO4)3" when its two most electronegative elements
// differ by less than 1.65, and a handful of molecular special cases (O -> O2, LiO -> LiO2, ...).
import type { Structure } from './types.js';
import { electronegativity } from './elements.js';

export type Composition = Record<string, number>;

/** Element -> atoms per cell, occupancy-weighted. */
export function composition(s: Structure): Composition {
  const out: Composition = {};
  for (const site of s.sites) for (const sp of site.species) out[sp.element] = (out[sp.element] ?? 0) + sp.occupancy;
  return out;
}

/** Amounts below this count as absent, and within this of an integer as integral (pymatgen's amount_tolerance). */
const AMOUNT_TOL = 1e-8;

// Elements without a Pauling value (He, Ne, Ar, ...) sort after all others.
function enKey(el: string): number {
  const x = electronegativity(el);
  return Number.isNaN(x) ? Infinity : x;
}

/** Elements present (amount > tolerance), sorted by electronegativity, then symbol. */
export function sortedElements(comp: Composition): string[] {
  return Object.keys(comp)
    .filter((e) => Math.abs(comp[e] ?? 0) > AMOUNT_TOL)
    .sort((a, b) => {
      const d = enKey(a) - enKey(b);
      return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
    });
}

/**
 * pymatgen's formula_double_format: integers without decimals, others rounded to 8 decimals and
 * printed as Python prints floats, so 15.9999999996 becomes "16.0" exactly as pymatgen writes it.
 */
function formatAmount(x: number, omitOne: boolean): string {
  if (omitOne && x === 1) return '';
  if (Math.abs(x - Math.trunc(x)) < AMOUNT_TOL) return String(Math.trunc(x));
  const rounded = Number(x.toFixed(8));
  return Number.isInteger(rounded) ? `${rounded}.0` : String(rounded);
}

/** Unreduced formula per cell, space separated, every amount written: "Li12 P4 S16" (pymatgen's `formula`). */
export function cellFormula(comp: Composition): string {
  return sortedElements(comp)
    .map((e) => e + formatAmount(comp[e]!, false))
    .join(' ');
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return Math.abs(a);
}

const SPECIAL_FORMULAS: Record<string, string> = {
  LiO: 'LiO2',
  NaO: 'NaO2',
  KO: 'KO2',
  HO: 'H2O2',
  CsO: 'CsO2',
  RbO: 'RbO2',
  O: 'O2',
  N: 'N2',
  F: 'F2',
  Cl: 'Cl2',
  H: 'H2',
};

/** Reduce an all-integral (or fractional, then by factor 1) amount map; returns the formula and the factor divided out. */
function reduce(amounts: Composition): { formula: string; factor: number } {
  const syms = sortedElements(amounts);
  const values = Object.values(amounts);
  let factor = 1;
  if (values.every((v) => Number.isInteger(v))) factor = values.reduce((g, v) => gcd(g, v), 0) || 1;

  let polyanion = '';
  if (syms.length >= 3) {
    const last = syms[syms.length - 1]!;
    const prev = syms[syms.length - 2]!;
    if (enKey(last) - enKey(prev) < 1.65) {
      const poly = reduce({ [prev]: amounts[prev]! / factor, [last]: amounts[last]! / factor });
      if (poly.factor !== 1) polyanion = `(${poly.formula})${formatAmount(poly.factor, true)}`;
    }
  }
  const head = polyanion ? syms.slice(0, -2) : syms;
  const formula = head.map((e) => e + formatAmount(amounts[e]! / factor, true)).join('') + polyanion;
  return { formula, factor };
}

/**
 * Reduced formula as pymatgen writes it: Li12P4S16 -> "Li3PS4", Fe8S12O48 -> "Fe2(SO4)3".
 * When any amount is non-integral (partial occupancy) the per-cell formula is kept unreduced,
 * every amount written: "Li1Fe0.3334I2O6".
 */
export function reducedFormula(comp: Composition): string {
  const els = sortedElements(comp);
  if (els.length === 0) return '';
  const allIntegral = els.every((e) => Math.abs(comp[e]! - Math.round(comp[e]!)) < AMOUNT_TOL);
  if (!allIntegral) return cellFormula(comp).replace(/ /g, '');
  const ints: Composition = {};
  for (const e of els) ints[e] = Math.round(comp[e]!);
  const { formula } = reduce(ints);
  return SPECIAL_FORMULAS[formula] ?? formula;
}

/**
 * The formula people read in summaries and table rows: reducedFormula when every amount is integral; with
 * partial occupancies, the amounts divided by the greatest common divisor of the integral ones (the formula
 * units in the cell) and fractional amounts to at most four decimals, so 24.024 Li, 4 P, 20 S, 4 Br per cell
 * read "Li6.006PS5Br" (reducedFormula keeps pymatgen's per-cell "Li24.024P4S20Br4" for comparisons).
 */
export function displayFormula(comp: Composition): string {
  const els = sortedElements(comp);
  if (els.every((e) => Math.abs(comp[e]! - Math.round(comp[e]!)) < AMOUNT_TOL)) return reducedFormula(comp);
  const integral = els.filter((e) => Math.abs(comp[e]! - Math.round(comp[e]!)) < AMOUNT_TOL).map((e) => Math.round(comp[e]!));
  const factor = integral.reduce((g, v) => gcd(g, v), 0) || 1;
  return els
    .map((e) => {
      const x = comp[e]! / factor;
      const text = Math.abs(x - Math.round(x)) < AMOUNT_TOL ? String(Math.round(x)) : String(Number(x.toFixed(4)));
      return e + (text === '1' ? '' : text);
    })
    .join('');
}
