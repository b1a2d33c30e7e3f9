// Occupancy-weighted composition and formulas of a Structure.
import type { Structure } from './types.js';

/** Electronegativity-like order used for formulas: cations first by Pauling electronegativity, as pymatgen does. */
import { electronegativity } from './elements.js';

/** Element -> atoms per cell, occupancy-weighted. */
export function composition(s: Structure): Record<string, number> {
  const out: Record<string, number> = {};
  for (const site of s.sites) for (const sp of site.species) out[sp.element] = (out[sp.element] ?? 0) + sp.occupancy;
  return out;
}

function sortedElements(comp: Record<string, number>): string[] {
  return Object.keys(comp).sort((a, b) => {
    const d = electronegativity(a) - electronegativity(b);
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  });
}

function formatAmount(x: number): string {
  if (Math.abs(x - 1) < 1e-6) return '';
  if (Math.abs(x - Math.round(x)) < 1e-6) return String(Math.round(x));
  return String(Number(x.toFixed(4)));
}

/** Reduced formula, e.g. Li12P4S16 -> "Li3PS4"; non-integral amounts are kept with up to 4 decimals. */
export function reducedFormula(comp: Record<string, number>): string {
  const els = sortedElements(comp).filter((e) => (comp[e] ?? 0) > 1e-8);
  const amounts = els.map((e) => comp[e]!);
  let factor = 1;
  if (amounts.every((a) => Math.abs(a - Math.round(a)) < 1e-4)) {
    const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
    factor = amounts.map((a) => Math.round(a)).reduce(gcd, 0) || 1;
  }
  return els.map((e, i) => e + formatAmount(amounts[i]! / factor)).join('');
}
