// The periodic table: symbols, atomic numbers and Pauling electronegativities.
//
// Electronegativities are Pauling's scale as revised by A. L. Allred, J. Inorg. Nucl. Chem. 17, 215
// (1961), with later values for the lanthanides/actinides as tabulated by WebElements
// (https://www.webelements.com, "Pauling electronegativity") and the CRC Handbook of Chemistry and
// Physics. These are the values pymatgen's periodic_table.json ("X") carries, so sorting formulas
// by them reproduces pymatgen's formula ordering ("Li3PS4", "LiCoO2", "Li7La3Zr2O12").
// He, Ne, Ar and the elements beyond Lr have no Pauling value: NaN.

/** Element symbols ordered by atomic number (index 0 is H, Z = 1). */
// biome-ignore format: one period per line
export const ELEMENTS: readonly string[] = [
  'H', 'He',
  'Li', 'Be', 'B', 'C', 'N', 'O', 'F', 'Ne',
  'Na', 'Mg', 'Al', 'Si', 'P', 'S', 'Cl', 'Ar',
  'K', 'Ca', 'Sc', 'Ti', 'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Zn', 'Ga', 'Ge', 'As', 'Se', 'Br', 'Kr',
  'Rb', 'Sr', 'Y', 'Zr', 'Nb', 'Mo', 'Tc', 'Ru', 'Rh', 'Pd', 'Ag', 'Cd', 'In', 'Sn', 'Sb', 'Te', 'I', 'Xe',
  'Cs', 'Ba',
  'La', 'Ce', 'Pr', 'Nd', 'Pm', 'Sm', 'Eu', 'Gd', 'Tb', 'Dy', 'Ho', 'Er', 'Tm', 'Yb', 'Lu',
  'Hf', 'Ta', 'W', 'Re', 'Os', 'Ir', 'Pt', 'Au', 'Hg', 'Tl', 'Pb', 'Bi', 'Po', 'At', 'Rn',
  'Fr', 'Ra',
  'Ac', 'Th', 'Pa', 'U', 'Np', 'Pu', 'Am', 'Cm', 'Bk', 'Cf', 'Es', 'Fm', 'Md', 'No', 'Lr',
  'Rf', 'Db', 'Sg', 'Bh', 'Hs', 'Mt', 'Ds', 'Rg', 'Cn', 'Nh', 'Fl', 'Mc', 'Lv', 'Ts', 'Og',
];

const N = NaN;
/** Pauling electronegativity by atomic number (index Z - 1), same order as ELEMENTS. */
// biome-ignore format: one period per line, as ELEMENTS
const PAULING: readonly number[] = [
  2.2, N,
  0.98, 1.57, 2.04, 2.55, 3.04, 3.44, 3.98, N,
  0.93, 1.31, 1.61, 1.9, 2.19, 2.58, 3.16, N,
  0.82, 1.0, 1.36, 1.54, 1.63, 1.66, 1.55, 1.83, 1.88, 1.91, 1.9, 1.65, 1.81, 2.01, 2.18, 2.55, 2.96, 3.0,
  0.82, 0.95, 1.22, 1.33, 1.6, 2.16, 1.9, 2.2, 2.28, 2.2, 1.93, 1.69, 1.78, 1.96, 2.05, 2.1, 2.66, 2.6,
  0.79, 0.89,
  1.1, 1.12, 1.13, 1.14, 1.13, 1.17, 1.2, 1.2, 1.1, 1.22, 1.23, 1.24, 1.25, 1.1, 1.27,
  1.3, 1.5, 2.36, 1.9, 2.2, 2.2, 2.28, 2.54, 2.0, 1.62, 2.33, 2.02, 2.0, 2.2, 2.2,
  0.7, 0.9,
  1.1, 1.3, 1.5, 1.38, 1.36, 1.28, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3, N,
  N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,
];

const Z_BY_SYMBOL = new Map<string, number>(ELEMENTS.map((s, i) => [s, i + 1]));
// Hydrogen isotopes that crystallographers write as their own "element".
const ISOTOPES: Record<string, string> = { D: 'H', T: 'H' };

/** True for an element symbol in canonical case ("Li", not "LI"). Isotope symbols D/T are not elements. */
export function isElement(sym: string): boolean {
  return Z_BY_SYMBOL.has(sym);
}

/**
 * The canonical element for a symbol written in any case ("LI", "li" -> "Li"), with deuterium and
 * tritium read as hydrogen. Null for anything that is not an element symbol.
 */
export function canonicalElement(sym: string): string | null {
  if (sym.length === 0 || sym.length > 2) return null;
  const fixed = sym[0]!.toUpperCase() + sym.slice(1).toLowerCase();
  if (Z_BY_SYMBOL.has(fixed)) return fixed;
  return ISOTOPES[fixed] ?? null;
}

/** Atomic number 1..118 of a canonical symbol; throws RangeError for anything else. */
export function atomicNumber(sym: string): number {
  const z = Z_BY_SYMBOL.get(sym);
  if (z === undefined) throw new RangeError(`unknown element symbol '${sym}'`);
  return z;
}

/** Pauling electronegativity of a canonical symbol (NaN for He, Ne, Ar and Z > 102); throws for an unknown symbol. */
export function electronegativity(sym: string): number {
  return PAULING[atomicNumber(sym) - 1]!;
}
