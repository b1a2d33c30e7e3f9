// What the oxidation-state search shares: its tolerances and penalties, the candidate and assignment types,
// and small helpers for structures and messages.
import bvData from '../data/bond-valence.json';
import { composition, reducedFormula } from '../../structure/composition.js';
import type { Site, Species, Structure } from '../../structure/types.js';

/** Relative neutrality tolerance: |sum q| <= this * sum |q| (occupancy-weighted, per cell). */
export const NEUTRALITY_TOLERANCE = 0.05;
/**
 * Last resort, when neither single states within NEUTRALITY_TOLERANCE nor mixed valence balance the
 * charge: accept up to this imbalance, with a warning. Files with dopants or Li left out of the
 * occupancies (OBELiX's cubic LLZO has 35.8 Li per cell instead of 56) need it.
 */
export const RELAXED_NEUTRALITY_TOLERANCE = 0.1;
/**
 * Score per (imbalance / sum|q|)^2: a 1 % residual costs 0.1 v.u.^2, as much as a 0.3 v.u. BVS error
 * on every atom. Charge balance outweighs bond valences on purpose: BVS of real (and refined or
 * relaxed) structures is off by a few tenths of a v.u. in a systematic way (Ti4+ in NASICON sums to
 * ~3.7), which must not pull a whole element into a lower state against the stoichiometry.
 */
export const IMBALANCE_WEIGHT = 1000;
/** A cation may exceed an anion's Pauling electronegativity by at most this much. */
export const EN_MARGIN = 0.3;
/**
 * Score added for choosing an element's second, third... common state, or a rare one. Per element,
 * not per atom: a dopant at 1 % should not take a rare state just to absorb sloppy occupancies.
 */
export const COMMON_RANK_PENALTY = 0.02;
export const RARE_PENALTY = 0.5;
/** Score added for making one element mixed-valent. */
export const MIXED_PENALTY = 0.1;
/**
 * Squared deviation (v.u.^2) charged to an atom whose BVS cannot be computed (no R0/b for one of its
 * bonds): a state that the bond-valence tables never met with that anion is itself unlikely.
 */
export const MISSING_PARAM_D2 = 0.25;
/** Sites of the mixed-valent element whose BVS differ by less than this (v.u.) share the higher state. */
export const BVS_TIE = 0.1;
/** Largest number of state combinations searched (see the trace-element rule in assignByBondValence). */
export const MAX_COMBINATIONS = 4096;

/** Metals whose mixed valence is chemically common; p-block non-metals (P3+/P5+, S4+/S6+) never mix. */
export const MIXED_VALENCE_ELEMENTS = new Set([
  'Ti',
  'V',
  'Cr',
  'Mn',
  'Fe',
  'Co',
  'Ni',
  'Cu',
  'Nb',
  'Mo',
  'Ru',
  'Rh',
  'Pd',
  'Ag',
  'Sn',
  'Sb',
  'Ce',
  'Pr',
  'Sm',
  'Eu',
  'Tb',
  'Tm',
  'Yb',
  'W',
  'Re',
  'Os',
  'Ir',
  'Pt',
  'Au',
  'Tl',
  'Pb',
  'Bi',
  'U',
  'Np',
  'Pu',
]);

export const STATES = bvData.oxidationStates.states as Record<string, { common: number[]; rare: number[] }>;

export function copyStructure(s: Structure, oxidationOf: (site: Site, sp: Species) => number | null): Structure {
  return {
    ...s,
    warnings: [...s.warnings],
    sites: s.sites.map((site) => ({
      ...site,
      frac: [...site.frac] as Site['frac'],
      species: site.species.map((sp) => ({ ...sp, oxidation: oxidationOf(site, sp) })),
    })),
  };
}

export function chargeSums(s: Structure): { net: number; abs: number } {
  let net = 0;
  let abs = 0;
  for (const site of s.sites)
    for (const sp of site.species) {
      const q = (sp.oxidation ?? 0) * sp.occupancy;
      net += q;
      abs += Math.abs(q);
    }
  return { net, abs };
}

export function fmtState(el: string, q: number): string {
  const v = Number.isInteger(q) ? String(Math.abs(q)) : Math.abs(q).toFixed(2);
  return `${el}${q < 0 ? '-' : '+'}${v}`;
}

export function fmtNum(x: number, digits = 3): string {
  return String(Number(x.toFixed(digits)));
}

export function describe(s: Structure): string {
  const formula = reducedFormula(composition(s));
  return `${formula} (${s.file}${s.block ? `, block ${s.block}` : ''})`;
}

export function imbalanceWarning(s: Structure, net: number, abs: number, what: string): string | null {
  if (abs > 0 && Math.abs(net) > NEUTRALITY_TOLERANCE * abs) {
    return (
      `${what} are not charge-neutral in ${describe(s)}: net charge ${fmtNum(net)} e per cell ` +
      `(${fmtNum((100 * Math.abs(net)) / abs, 1)} % of the total |charge|); check the occupancies or the given states`
    );
  }
  return null;
}

export interface ElementCandidates {
  symbol: string;
  /** Occupancy-weighted atoms per cell. */
  amount: number;
  en: number;
  states: number[];
  penalty: number[];
  /** Given as an override: exempt from the electronegativity rule (the user knows better). */
  fixed: boolean;
}

export interface Candidate {
  /** State index per element. */
  pick: Int32Array;
  score: number;
  imbalance: number;
  /** Mixed valence: element index, the two state indices and the per-row fraction of the higher one. */
  mixed?: { element: number; lo: number; hi: number; rowFraction: Map<number, number>; average: number };
}
