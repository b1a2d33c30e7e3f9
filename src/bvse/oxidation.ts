// Oxidation states for every species of a structure, including partially occupied and mixed sites.
//
// Order of precedence: the caller's overrides (`--oxi` on the command line), then the file's own
// states (when every species has one), then a bond-valence-sum (BVS) assignment in the spirit of
// pymatgen's BVAnalyzer (M. O'Keeffe & N. E. Brese, J. Am. Chem. Soc. 113, 3226 (1991); I. D. Brown,
// The Chemical Bond in Inorganic Chemistry, OUP 2002). BVAnalyzer assigns one state per SITE and needs every site fully occupied,
// which is why it fails on argyrodites, cubic LLZO or experimental LGPS. Here the unknowns are one
// state per ELEMENT, which makes disorder harmless:
//
//  1. Candidates: a small table of common (and a few rare, penalised) states per element
//     (data/bond-valence.json, after Greenwood & Earnshaw). Dimer states (peroxide O-1, disulfide
//     S-1, P+4 of P2S6 4-) stay only when the structure has the homonuclear bond.
//  2. Signs: no cation may be more electronegative than an anion by more than EN_MARGIN (Pauling's
//     scale misorders a few heavy elements, e.g. Pb 2.33 vs Te 2.1); species sharing a position
//     (mixed sites) have one sign; two elements bonded on fully occupied sites (closer than their
//     covalent radii + slack) are not both anions (no P-3 inside a PS4 tetrahedron).
//  3. Neutrality is occupancy-weighted: |sum n_e q_e| <= NEUTRALITY_TOLERANCE * sum n_e |q_e|,
//     n_e = sum of occupancies of element e in the cell. Refined occupancies are rarely exactly
//     neutral (gamma-Li3PS4's S at 0.98, LGPS's Li), hence a tolerance and not equality.
//  4. Score: occupancy-weighted mean squared BVS deviation per atom (the square of Brown's global
//     instability index) + priors for uncommon states + IMBALANCE_WEIGHT * (residual / sum|q|)^2.
//     The lowest score wins.
//  5. Only when no single state per element is neutral within the tolerance, one metal may be
//     mixed-valent (two adjacent states, e.g. Mn3+/Mn4+, Fe2+/Fe3+ in Fe3O4, Bi3+/Bi5+ in BaBiO3),
//     balancing exactly: the higher state goes to the sites with the higher BVS (charge ordering),
//     sites within BVS_TIE of each other share it, and a split site becomes two species.
//  6. Last resort before an error: each element's usual state, if the imbalance stays below
//     RELAXED_NEUTRALITY_TOLERANCE (files that left out Li or dopants), with a warning.
//  7. Beyond that, the closest assignment of usual states (smallest residual, then BVS), with a
//     warning naming the residual charge per formula unit and its likely cause (an H the X-ray
//     refinement did not locate, a deficient or over-occupied site): real files are published
//     that way (Li2OHBr without its H, Sr-deficient niobates), and a result with a warning serves
//     a screen better than a refusal. Refused still: a structure without both cations and anions,
//     and states forced with --oxi that cannot balance.
// BVS uses R0/b from softBV's table (Chen & Adams 2017, i.e. Brown's bvparm compilation), neighbours
// from a periodic search over all images within the bond cutoff, each neighbour weighted by its
// occupancy. The search enumerates state combinations depth-first with charge-range pruning; with
// many elements the least abundant are fixed at their usual state (MAX_COMBINATIONS).
import bvData from './data/bond-valence.json';
import { OxidationStateError } from '../errors.js';
import { electronegativity } from '../structure/elements.js';
import { composition, displayFormula, reducedFormula } from '../structure/composition.js';
import type { Site, Species, Structure } from '../structure/types.js';
import { elementData } from './params.js';
import { bondValenceParams, COINCIDENT, CUTOFF_MAX, CUTOFF_MIN, forEachSitePair, MISSING_PARAM_DISTANCE } from './bond-valence.js';

// Bond-valence parameters and sums, and the --oxi text form, live in their own modules; re-exported
// here because callers have imported them from this one.

export interface OxidationResult {
  /** A copy of the input with `oxidation` set on every species. */
  structure: Structure;
  /** 'mixed': some states from the overrides, the others from the file or from bond valences. */
  source: 'file' | 'bvs' | 'override' | 'mixed';
  warnings: string[];
}

export interface AssignOptions {
  /** Element -> oxidation state, given by the user (the CLI's --oxi, parsed by parseOxiOverride). */
  override?: Record<string, number>;
}

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
const IMBALANCE_WEIGHT = 1000;
/** A cation may exceed an anion's Pauling electronegativity by at most this much. */
const EN_MARGIN = 0.3;
/**
 * Score added for choosing an element's second, third... common state, or a rare one. Per element,
 * not per atom: a dopant at 1 % should not take a rare state just to absorb sloppy occupancies.
 */
const COMMON_RANK_PENALTY = 0.02;
const RARE_PENALTY = 0.5;
/** Score added for making one element mixed-valent. */
const MIXED_PENALTY = 0.1;
/**
 * Squared deviation (v.u.^2) charged to an atom whose BVS cannot be computed (no R0/b for one of its
 * bonds): a state that the bond-valence tables never met with that anion is itself unlikely.
 */
const MISSING_PARAM_D2 = 0.25;
/** Sites of the mixed-valent element whose BVS differ by less than this (v.u.) share the higher state. */
const BVS_TIE = 0.1;
/** Largest number of state combinations searched (see the trace-element rule in assignByBondValence). */
const MAX_COMBINATIONS = 4096;

/** Metals whose mixed valence is chemically common; p-block non-metals (P3+/P5+, S4+/S6+) never mix. */
const MIXED_VALENCE_ELEMENTS = new Set([
  'Ti', 'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Nb', 'Mo', 'Ru', 'Rh', 'Pd', 'Ag', 'Sn', 'Sb', 'Ce', 'Pr',
  'Sm', 'Eu', 'Tb', 'Tm', 'Yb', 'W', 'Re', 'Os', 'Ir', 'Pt', 'Au', 'Tl', 'Pb', 'Bi', 'U', 'Np', 'Pu',
]);

const STATES = bvData.oxidationStates.states as Record<string, { common: number[]; rare: number[] }>;

// ---------------------------------------------------------------------------------------------
// helpers

function copyStructure(s: Structure, oxidationOf: (site: Site, sp: Species) => number | null): Structure {
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

function chargeSums(s: Structure): { net: number; abs: number } {
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

function fmtState(el: string, q: number): string {
  const v = Number.isInteger(q) ? String(Math.abs(q)) : Math.abs(q).toFixed(2);
  return `${el}${q < 0 ? '-' : '+'}${v}`;
}

function fmtNum(x: number, digits = 3): string {
  return String(Number(x.toFixed(digits)));
}

function describe(s: Structure): string {
  const formula = reducedFormula(composition(s));
  return `${formula} (${s.file}${s.block ? `, block ${s.block}` : ''})`;
}

function imbalanceWarning(s: Structure, net: number, abs: number, what: string): string | null {
  if (abs > 0 && Math.abs(net) > NEUTRALITY_TOLERANCE * abs) {
    return `${what} are not charge-neutral in ${describe(s)}: net charge ${fmtNum(net)} e per cell ` +
      `(${fmtNum((100 * Math.abs(net)) / abs, 1)} % of the total |charge|); check the occupancies or the given states`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// main entry

/** Oxidation states for every species; never mutates `s`. Throws OxidationStateError when no charge-neutral assignment exists. */
export function assignOxidationStates(s: Structure, opts: AssignOptions = {}): OxidationResult {
  const warnings: string[] = [];
  const override = opts.override ?? {};
  const present = new Set<string>();
  for (const site of s.sites) for (const sp of site.species) present.add(sp.element);
  for (const el of Object.keys(override)) {
    if (!present.has(el)) warnings.push(`an oxidation state is given for ${el}, which is not in ${describe(s)}`);
  }
  const overridden = [...present].filter((el) => el in override);
  const allSpecies = s.sites.flatMap((site) => site.species);
  const fileComplete = allSpecies.length > 0 && allSpecies.every((sp) => sp.oxidation !== null);
  const fileAllZero = fileComplete && allSpecies.every((sp) => sp.oxidation === 0);

  // Everything given by the overrides.
  if (overridden.length === present.size) {
    const out = copyStructure(s, (_site, sp) => override[sp.element]!);
    const { net, abs } = chargeSums(out);
    const w = imbalanceWarning(out, net, abs, 'the given oxidation states');
    if (w) warnings.push(w);
    return { structure: out, source: 'override', warnings };
  }
  // The file's states, with the overrides on top.
  if (fileComplete && !fileAllZero) {
    const out = copyStructure(s, (_site, sp) => override[sp.element] ?? sp.oxidation);
    const { net, abs } = chargeSums(out);
    const w = imbalanceWarning(out, net, abs, overridden.length ? "the file's states with the given ones on top" : "the file's oxidation states");
    if (w) warnings.push(w);
    return { structure: out, source: overridden.length ? 'mixed' : 'file', warnings };
  }
  if (fileAllZero) warnings.push(`the file gives every species oxidation state 0; assigning states from bond valences instead`);
  else if (allSpecies.some((sp) => sp.oxidation !== null)) {
    warnings.push(`the file gives oxidation states for only some species; all are assigned from bond valences instead`);
  }
  const res = assignByBondValence(s, override);
  return { structure: res.structure, source: overridden.length ? 'mixed' : 'bvs', warnings: [...warnings, ...res.warnings] };
}

// ---------------------------------------------------------------------------------------------
// bond-valence search

interface ElementCandidates {
  symbol: string;
  /** Occupancy-weighted atoms per cell. */
  amount: number;
  en: number;
  states: number[];
  penalty: number[];
  /** Given as an override: exempt from the electronegativity rule (the user knows better). */
  fixed: boolean;
}

interface Candidate {
  /** State index per element. */
  pick: Int32Array;
  score: number;
  imbalance: number;
  /** Mixed valence: element index, the two state indices and the per-row fraction of the higher one. */
  mixed?: { element: number; lo: number; hi: number; rowFraction: Map<number, number>; average: number };
}

function candidatesFor(el: string, amount: number, override: Record<string, number>): ElementCandidates {
  const en = electronegativity(el);
  const fixed = override[el];
  if (fixed !== undefined) return { symbol: el, amount, en, states: [fixed], penalty: [0], fixed: true };
  const table = STATES[el];
  if (!table) {
    throw new OxidationStateError(`no oxidation states known for element ${el}`, [el], {
      hint: { kind: 'give-oxidation-states', elements: [el], example: { [el]: 2 } },
    });
  }
  const states = [...table.common, ...table.rare];
  const penalty = [...table.common.map((_, i) => i * COMMON_RANK_PENALTY), ...table.rare.map(() => RARE_PENALTY)];
  return { symbol: el, amount, en, states, penalty, fixed: false };
}

/** Sign rules that do not depend on bond valences. */
interface SignRules {
  /** Pairs of element indices that share a position somewhere (mixed or split sites): same sign. */
  sameSign: Array<[number, number]>;
  /** Pairs of element indices bonded by a short contact between fully occupied sites: not both anions. */
  notBothAnions: Array<[number, number]>;
}

/** Signs allowed by electronegativity and shared positions (noble gases and zero states are neutral). */
function signsAllowed(els: ElementCandidates[], rules: SignRules, pick: ArrayLike<number>): boolean {
  let maxCation = -Infinity;
  let minAnion = Infinity;
  let nCation = 0;
  let nAnion = 0;
  for (let e = 0; e < els.length; e++) {
    const el = els[e]!;
    const q = el.states[pick[e]!]!;
    const en = Number.isNaN(el.en) || el.fixed ? NaN : el.en;
    if (q > 0) {
      nCation++;
      if (!Number.isNaN(en)) maxCation = Math.max(maxCation, en);
    } else if (q < 0) {
      nAnion++;
      if (!Number.isNaN(en)) minAnion = Math.min(minAnion, en);
    }
  }
  if (nCation === 0 || nAnion === 0) return false;
  if (maxCation > minAnion + EN_MARGIN) return false;
  for (const [a, b] of rules.sameSign) {
    if (Math.sign(els[a]!.states[pick[a]!]!) !== Math.sign(els[b]!.states[pick[b]!]!)) return false;
  }
  for (const [a, b] of rules.notBothAnions) {
    if (els[a]!.states[pick[a]!]! < 0 && els[b]!.states[pick[b]!]! < 0) return false;
  }
  return true;
}

/**
 * States that need a homonuclear bond: peroxide O-1 (O-O ~1.5 Å), disulfide S-1 (S-S ~2.1 Å),
 * hypodiphosphate P+4 (P2S6 4-, P2O6 4-: P-P ~2.2 Å). Without such a contact the state is dropped.
 */
const DIMER_STATES: Record<string, { state: number; maxDistance: number; minOccupancy: number }> = {
  // Split anion positions of disordered files come close too: only fully occupied pairs count.
  O: { state: -1, maxDistance: 1.7, minOccupancy: 0.99 },
  S: { state: -1, maxDistance: 2.4, minOccupancy: 0.99 },
  // Li4P2S6-type files often refine P-P dumbbells with partial occupancy (Mg-doped Li4P2S6: 0.8).
  P: { state: 4, maxDistance: 2.4, minOccupancy: 0.5 },
};
/**
 * Two elements that can both be anions, closer than the sum of their covalent radii plus this slack
 * (Å) on fully occupied sites, are bonded (P-S 2.05 < 2.22, Si-O 1.62 < 1.87, O-H 0.97 < 1.07), so
 * they are not both anions: this rules out P-3 next to S-2 in a thiophosphate. Anion-anion contacts
 * that are not bonds are longer (an N-O tetrahedron edge of 2.23 Å vs 1.47). Only pairs that could
 * both be negative are tested: covalent radii of electropositive metals say nothing about cations.
 */
const BOND_CONTACT_SLACK = 0.1;

/**
 * Short contacts: elements sharing a position (-> same sign) and homonuclear dimers (-> allow the
 * dimer state). Drops dimer states from `els` where the structure has no such dimer.
 */
function structuralRules(s: Structure, els: ElementCandidates[], elementIndex: Map<string, number>): SignRules {
  const E = els.length;
  const same = new Uint8Array(E * E);
  const siteEls = s.sites.map((site) => [...new Set(site.species.map((sp) => elementIndex.get(sp.element)!))]);
  for (const list of siteEls) for (const a of list) for (const b of list) if (a !== b) same[a * E + b] = 1;
  const dimerCut = new Float64Array(E);
  const dimerOcc = new Float64Array(E);
  for (let e = 0; e < E; e++) {
    const d = DIMER_STATES[els[e]!.symbol];
    if (d && els[e]!.states.includes(d.state) && els[e]!.states.length > 1) {
      dimerCut[e] = d.maxDistance;
      dimerOcc[e] = d.minOccupancy;
    }
  }
  const hasDimer = new Uint8Array(E);
  const bonded = new Uint8Array(E * E);
  const siteOcc = s.sites.map((site) => site.species.reduce((acc, sp) => acc + sp.occupancy, 0));
  const full = s.sites.map((site) => site.species.reduce((acc, sp) => acc + sp.occupancy, 0) >= 0.99 && site.species.length === 1);
  const rcov = els.map((el) => elementData(el.symbol)?.rcov ?? 0);
  const contact = new Float64Array(E * E);
  const canBeAnion = els.map((el) => el.states.some((q) => q < 0));
  for (let a = 0; a < E; a++)
    for (let b = 0; b < E; b++) {
      const both = canBeAnion[a] && canBeAnion[b] && rcov[a]! > 0 && rcov[b]! > 0;
      contact[a * E + b] = both ? rcov[a]! + rcov[b]! + BOND_CONTACT_SLACK : 0;
    }
  const cutoff = Math.max(COINCIDENT, ...contact, ...dimerCut);
  forEachSitePair(s, cutoff, () => true, (a, b, d) => {
    for (const x of siteEls[a]!)
      for (const y of siteEls[b]!) {
        if (x !== y && d < COINCIDENT) same[x * E + y] = same[y * E + x] = 1;
        else if (x !== y && full[a] && full[b] && d < contact[x * E + y]!) bonded[x * E + y] = bonded[y * E + x] = 1;
        if (x === y && d < dimerCut[x]! && siteOcc[a]! >= dimerOcc[x]! && siteOcc[b]! >= dimerOcc[x]!) hasDimer[x] = 1;
      }
  });
  for (let e = 0; e < E; e++) {
    if (dimerCut[e]! > 0 && !hasDimer[e]) {
      const el = els[e]!;
      const drop = el.states.indexOf(DIMER_STATES[el.symbol]!.state);
      el.states.splice(drop, 1);
      el.penalty.splice(drop, 1);
    }
  }
  const sameSign: Array<[number, number]> = [];
  const notBothAnions: Array<[number, number]> = [];
  for (let a = 0; a < E; a++)
    for (let b = a + 1; b < E; b++) {
      if (same[a * E + b]) sameSign.push([a, b]);
      if (bonded[a * E + b]) notBothAnions.push([a, b]);
    }
  return { sameSign, notBothAnions };
}

interface Rows {
  /** Element index of each row (one row per species on a site). */
  element: Int32Array;
  occupancy: Float64Array;
  site: Int32Array;
  /** Index of the row's species within its site. */
  speciesIndex: Int32Array;
  count: number;
}

function buildRows(s: Structure, elementIndex: Map<string, number>): Rows {
  const n = s.sites.reduce((acc, site) => acc + site.species.length, 0);
  const rows: Rows = {
    element: new Int32Array(n),
    occupancy: new Float64Array(n),
    site: new Int32Array(n),
    speciesIndex: new Int32Array(n),
    count: n,
  };
  let r = 0;
  s.sites.forEach((site, i) => {
    site.species.forEach((sp, k) => {
      rows.element[r] = elementIndex.get(sp.element)!;
      rows.occupancy[r] = sp.occupancy;
      rows.site[r] = i;
      rows.speciesIndex[r] = k;
      r++;
    });
  });
  return rows;
}

/**
 * Bond-valence tables. For row r in state si and neighbour element e2 in state sj:
 * sum[(r*S + si)*E*S + e2*S + sj] = sum over neighbours of that element of occupancy * exp((R0 - d)/b),
 * counted only where the two states have opposite signs. missing[...] = 1 when such a neighbour lies
 * closer than MISSING_PARAM_DISTANCE and the pair has no parameters.
 */
interface BvsTables {
  sum: Float64Array;
  missing: Uint8Array;
  S: number;
  E: number;
  cutoff: number;
}

function buildBvsTables(s: Structure, els: ElementCandidates[], rows: Rows, elementIndex: Map<string, number>): BvsTables {
  const E = els.length;
  const S = Math.max(...els.map((e) => e.states.length));
  // Parameter table by (e1, si, e2, sj): r0, b, or NaN when none; e1 is the row's element.
  const r0 = new Float64Array(E * S * E * S).fill(NaN);
  const bb = new Float64Array(E * S * E * S).fill(NaN);
  const pairable = new Uint8Array(E * S * E * S);
  let cutoff = CUTOFF_MIN;
  for (let e1 = 0; e1 < E; e1++)
    for (let si = 0; si < els[e1]!.states.length; si++)
      for (let e2 = 0; e2 < E; e2++)
        for (let sj = 0; sj < els[e2]!.states.length; sj++) {
          if (e1 === e2) continue;
          const q1 = els[e1]!.states[si]!;
          const q2 = els[e2]!.states[sj]!;
          if (!(q1 * q2 < 0)) continue;
          const idx = ((e1 * S + si) * E + e2) * S + sj;
          pairable[idx] = 1;
          const p = q1 > 0 ? bondValenceParams(els[e1]!.symbol, q1, els[e2]!.symbol) : bondValenceParams(els[e2]!.symbol, q2, els[e1]!.symbol);
          if (p) {
            r0[idx] = p.r0;
            bb[idx] = p.b;
            cutoff = Math.max(cutoff, p.r0 + 4 * p.b);
          }
        }
  cutoff = Math.min(cutoff, CUTOFF_MAX);
  // Which element pairs can bond at all: skip the others in the neighbour search.
  const elementPairs = new Uint8Array(E * E);
  for (let e1 = 0; e1 < E; e1++)
    for (let e2 = 0; e2 < E; e2++)
      for (let si = 0; si < S && !elementPairs[e1 * E + e2]; si++)
        for (let sj = 0; sj < S; sj++) if (pairable[((e1 * S + si) * E + e2) * S + sj]) elementPairs[e1 * E + e2] = 1;

  const sum = new Float64Array(rows.count * S * E * S);
  const missing = new Uint8Array(rows.count * S * E * S);
  const rowStart = new Int32Array(s.sites.length + 1);
  for (let r = 0; r < rows.count; r++) rowStart[rows.site[r]! + 1] = r + 1;
  for (let i = 1; i <= s.sites.length; i++) rowStart[i] = Math.max(rowStart[i]!, rowStart[i - 1]!);

  // Quick pair test: sites whose elements can bond, as bit masks (a slow path above 31 elements).
  const siteEls = s.sites.map((site) => site.species.map((sp) => elementIndex.get(sp.element)!));
  let canPair: (a: number, b: number) => boolean;
  if (E <= 31) {
    const partnerMask = new Int32Array(E);
    for (let x = 0; x < E; x++) for (let y = 0; y < E; y++) if (elementPairs[x * E + y]) partnerMask[x]! |= 1 << y;
    const siteMask = new Int32Array(s.sites.length);
    const sitePartners = new Int32Array(s.sites.length);
    siteEls.forEach((list, i) => {
      for (const x of list) {
        siteMask[i]! |= 1 << x;
        sitePartners[i]! |= partnerMask[x]!;
      }
    });
    canPair = (a, b) => (sitePartners[a]! & siteMask[b]!) !== 0;
  } else {
    canPair = (a, b) => {
      for (const x of siteEls[a]!) for (const y of siteEls[b]!) if (elementPairs[x * E + y]) return true;
      return false;
    };
  }

  const addBond = (rowA: number, rowB: number, d: number) => {
    if (d < COINCIDENT) return; // split or shared positions are not bonds
    const e1 = rows.element[rowA]!;
    const e2 = rows.element[rowB]!;
    if (e1 === e2) return;
    const occB = rows.occupancy[rowB]!;
    const n1 = els[e1]!.states.length;
    const n2 = els[e2]!.states.length;
    for (let si = 0; si < n1; si++) {
      const base = ((e1 * S + si) * E + e2) * S;
      const out = ((rowA * S + si) * E + e2) * S;
      for (let sj = 0; sj < n2; sj++) {
        if (!pairable[base + sj]) continue;
        const R0 = r0[base + sj]!;
        if (Number.isNaN(R0)) {
          if (d < MISSING_PARAM_DISTANCE) missing[out + sj] = 1;
        } else sum[out + sj] = sum[out + sj]! + occB * Math.exp((R0 - d) / bb[base + sj]!);
      }
    }
  };

  forEachSitePair(s, cutoff, canPair, (a, b, d) => {
    for (let ra = rowStart[a]!; ra < rowStart[a + 1]!; ra++)
      for (let rb = rowStart[b]!; rb < rowStart[b + 1]!; rb++) {
        addBond(ra, rb, d);
        // For a == b every image appears with both signs, so each direction is visited already.
        if (a !== b) addBond(rb, ra, d);
      }
  });
  return { sum, missing, S, E, cutoff };
}

/** BVS of row r in state si given every element's state; -1 when a bond lacks parameters. */
function rowBvs(t: BvsTables, r: number, si: number, pick: ArrayLike<number>, mix?: { element: number; lo: number; hi: number; f: number }): number {
  const { S, E } = t;
  let total = 0;
  const base = (r * S + si) * E * S;
  for (let e2 = 0; e2 < E; e2++) {
    if (mix && e2 === mix.element) {
      const lo = base + e2 * S + mix.lo;
      const hi = base + e2 * S + mix.hi;
      if (t.missing[lo] || t.missing[hi]) return -1;
      total += (1 - mix.f) * t.sum[lo]! + mix.f * t.sum[hi]!;
    } else {
      const idx = base + e2 * S + pick[e2]!;
      if (t.missing[idx]) return -1;
      total += t.sum[idx]!;
    }
  }
  return total;
}

/** Score of a single-state candidate: mean squared BVS deviation per atom plus the state priors. */
function scoreSingle(els: ElementCandidates[], rows: Rows, t: BvsTables, pick: Int32Array, totalAtoms: number): number {
  let dev = 0;
  for (let r = 0; r < rows.count; r++) {
    const e = rows.element[r]!;
    const q = els[e]!.states[pick[e]!]!;
    if (q === 0) continue;
    const bvs = rowBvs(t, r, pick[e]!, pick);
    dev += rows.occupancy[r]! * (bvs < 0 ? MISSING_PARAM_D2 : (bvs - Math.abs(q)) ** 2);
  }
  let prior = 0;
  for (let e = 0; e < els.length; e++) prior += els[e]!.penalty[pick[e]!]!;
  return dev / totalAtoms + prior;
}

/**
 * Depth-first enumeration of state combinations, pruned when the charge the remaining elements can add
 * cannot bring the net charge within `slack` of zero. Element `skip` (mixed valence) is left out of
 * the combinations and contributes anywhere in `skipRange` (charge per cell).
 */
function enumerateCombinations(
  els: ElementCandidates[],
  slack: number,
  visit: (pick: Int32Array, net: number, abs: number) => void,
  skip = -1,
  skipRange: [number, number] = [0, 0],
): void {
  const E = els.length;
  const pick = new Int32Array(E);
  const restMin = new Float64Array(E + 1);
  const restMax = new Float64Array(E + 1);
  for (let e = E - 1; e >= 0; e--) {
    const el = els[e]!;
    const qs = e === skip ? [0] : el.states.map((q) => q * el.amount);
    restMin[e] = restMin[e + 1]! + Math.min(...qs);
    restMax[e] = restMax[e + 1]! + Math.max(...qs);
  }
  // The skipped element's charge is never added to `net`, so its range widens every bound.
  const [skipMin, skipMax] = skipRange;
  const recurse = (e: number, net: number, abs: number) => {
    if (net + restMin[e]! + skipMin > slack || net + restMax[e]! + skipMax < -slack) return;
    if (e === E) {
      visit(pick, net, abs);
      return;
    }
    if (e === skip) {
      pick[e] = 0;
      recurse(e + 1, net, abs);
      return;
    }
    const el = els[e]!;
    for (let si = 0; si < el.states.length; si++) {
      pick[e] = si;
      const q = el.states[si]! * el.amount;
      recurse(e + 1, net + q, abs + Math.abs(q));
    }
  };
  recurse(0, 0, 0);
}

function assignByBondValence(s: Structure, override: Record<string, number>): { structure: Structure; warnings: string[] } {
  const warnings: string[] = [];
  const comp = composition(s);
  const symbols = Object.keys(comp).sort();
  if (symbols.length === 0) throw new OxidationStateError(`no atoms in ${describe(s)}`);
  const els = symbols.map((el) => candidatesFor(el, comp[el]!, override));
  const elementIndex = new Map(symbols.map((el, i) => [el, i]));
  const rules = structuralRules(s, els, elementIndex);
  // Many elements (minerals with 20 trace elements) would make the search explode: the least
  // abundant elements take their most common state until the combinations are few enough.
  const fixedTrace: string[] = [];
  for (;;) {
    const combos = els.reduce((acc, e) => acc * e.states.length, 1);
    if (combos <= MAX_COMBINATIONS) break;
    let smallest: ElementCandidates | null = null;
    for (const e of els) if (e.states.length > 1 && (!smallest || e.amount < smallest.amount)) smallest = e;
    if (!smallest) break;
    smallest.states = smallest.states.slice(0, 1);
    smallest.penalty = smallest.penalty.slice(0, 1);
    fixedTrace.push(fmtState(smallest.symbol, smallest.states[0]!));
  }
  if (fixedTrace.length) warnings.push(`too many elements to try every combination; least abundant fixed at their most common state: ${fixedTrace.join(' ')}`);
  const rows = buildRows(s, elementIndex);
  const totalAtoms = els.reduce((acc, e) => acc + e.amount, 0);

  let tables: BvsTables | null = null;
  const getTables = () => (tables ??= buildBvsTables(s, els, rows, elementIndex));

  const single: Candidate[] = [];
  const relaxed: Candidate[] = [];
  // Any assignment within the tolerance has |net| <= tolerance * (largest possible sum |q|).
  const maxAbs = els.reduce((acc, e) => acc + e.amount * Math.max(...e.states.map(Math.abs)), 0);
  enumerateCombinations(els, RELAXED_NEUTRALITY_TOLERANCE * maxAbs, (pick, net, abs) => {
    const rel = abs > 0 ? Math.abs(net) / abs : Infinity;
    if (rel > RELAXED_NEUTRALITY_TOLERANCE || !signsAllowed(els, rules, pick)) return;
    const c = { pick: pick.slice(), score: IMBALANCE_WEIGHT * rel * rel, imbalance: net };
    if (rel <= NEUTRALITY_TOLERANCE) single.push(c);
    // The relaxed tier blames the occupancies, not the chemistry: only each element's usual state.
    else if (els.every((el, e) => el.penalty[pick[e]!] === 0)) relaxed.push(c);
  });

  // Tiers: neutral within the tolerance; one mixed-valent metal; the usual states with sloppy occupancies.
  const bestOf = (list: Candidate[]): Candidate | null => {
    let best: Candidate | null = null;
    for (const c of list) {
      c.score += scoreSingle(els, rows, getTables(), c.pick, totalAtoms);
      if (!best || c.score < best.score) best = c;
    }
    return best;
  };
  let best = bestOf(single);
  best ??= searchMixedValence(els, rules, rows, getTables, totalAtoms, s);
  if (!best) {
    best = bestOf(relaxed);
    if (best) {
      warnings.push(
        `no oxidation states balance the charge within ${100 * NEUTRALITY_TOLERANCE} %; using the usual ones, ` +
          `${symbols.map((el, e) => fmtState(el, els[e]!.states[best!.pick[e]!]!)).join(' ')}: check the occupancies in the file or give the states explicitly`,
      );
    }
  }
  let closestNote: string | null = null;
  // With states given by the user (--oxi), an imbalance is theirs to see: refuse rather than paper over it.
  if (!best && Object.keys(override).length === 0) {
    best = closestUsual(els, rules, (c) => bestOf([c]));
    if (best) closestNote = nonNeutralWarning(s, symbols, els, best);
  }
  if (!best) throw noAssignmentError(s, els, symbols, rules);
  if (closestNote) warnings.push(closestNote);

  // Apply: state per row; split rows of a mixed-valent element into two species.
  const chosen = best;
  const out: Structure = { ...s, warnings: [...s.warnings], sites: [] };
  let r = 0;
  for (const site of s.sites) {
    const species: Species[] = [];
    for (const sp of site.species) {
      const e = rows.element[r]!;
      const mix = chosen.mixed && chosen.mixed.element === e ? chosen.mixed : null;
      if (mix) {
        const f = mix.rowFraction.get(r) ?? 0;
        const lo = els[e]!.states[mix.lo]!;
        const hi = els[e]!.states[mix.hi]!;
        if (f < 1e-9) species.push({ ...sp, oxidation: lo });
        else if (f > 1 - 1e-9) species.push({ ...sp, oxidation: hi });
        else {
          species.push({ ...sp, oxidation: lo, occupancy: sp.occupancy * (1 - f) });
          species.push({ ...sp, oxidation: hi, occupancy: sp.occupancy * f });
        }
      } else species.push({ ...sp, oxidation: els[e]!.states[chosen.pick[e]!]! });
      r++;
    }
    out.sites.push({ ...site, frac: [...site.frac] as Site['frac'], species });
  }
  if (chosen.mixed) {
    const el = els[chosen.mixed.element]!;
    warnings.push(
      `mixed valence: ${el.symbol} is ${fmtState(el.symbol, el.states[chosen.mixed.lo]!)}/${fmtState(el.symbol, el.states[chosen.mixed.hi]!)} ` +
        `(average ${fmtNum(chosen.mixed.average, 2)}), the higher state on the sites with the higher bond-valence sum`,
    );
  }
  const { net, abs } = chargeSums(out);
  if (!closestNote && abs > 0 && Math.abs(net) > 0.01 * abs) {
    warnings.push(
      `assigned states leave a net charge of ${fmtNum(net)} e per cell (${fmtNum((100 * Math.abs(net)) / abs, 1)} % of the total |charge|), from the occupancies in the file`,
    );
  }
  return { structure: out, warnings };
}

/**
 * The assignment of usual states (no penalty) with the smallest relative residual, then the best BVS
 * score; at least one cation and one anion, signs allowed. Null when none qualifies.
 */
function closestUsual(els: ElementCandidates[], rules: SignRules, scored: (c: Candidate) => Candidate | null): Candidate | null {
  let best: Candidate | null = null;
  const maxAbs = els.reduce((acc, e) => acc + e.amount * Math.max(...e.states.map(Math.abs)), 0);
  enumerateCombinations(els, 2 * maxAbs + 1, (pick, net, abs) => {
    if (!els.every((el, e) => el.penalty[pick[e]!] === 0)) return;
    if (!els.some((el, e) => el.states[pick[e]!]! > 0) || !els.some((el, e) => el.states[pick[e]!]! < 0)) return;
    if (!signsAllowed(els, rules, pick)) return;
    const rel = abs > 0 ? Math.abs(net) / abs : Infinity;
    const c = scored({ pick: pick.slice(), score: IMBALANCE_WEIGHT * rel * rel, imbalance: net });
    if (c && (!best || c.score < best.score)) best = c;
  });
  return best;
}

/** Formula units per cell: the greatest common divisor of the integral amounts (1 when none is integral). */
function formulaUnits(comp: Record<string, number>): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const ints = Object.values(comp).filter((v) => Math.abs(v - Math.round(v)) < 1e-3).map((v) => Math.round(v));
  return ints.reduce((g, v) => gcd(g, v), 0) || 1;
}

/** The warning for a closest (non-neutral) assignment: residual per formula unit and the likely cause. */
function nonNeutralWarning(s: Structure, symbols: string[], els: ElementCandidates[], c: Candidate): string {
  const comp = composition(s);
  const net = c.imbalance;
  let abs = 0;
  for (let e = 0; e < els.length; e++) abs += Math.abs(els[e]!.states[c.pick[e]!]! * els[e]!.amount);
  const perFu = net / formulaUnits(comp);
  const signed = (x: number) => `${x > 0 ? '+' : ''}${fmtNum(x)}`;
  const has = (el: string) => (comp[el] ?? 0) > 0;
  const cause =
    net < 0 && !has('H') && (has('O') || has('N'))
      ? `hydrogen not located in the file (OH- groups or water whose H the X-ray refinement left out; each missing H+ leaves -1)`
      : net < 0
        ? `cations missing from the file or under-occupied (a deficient site refined without charge compensation, or a cation the file does not locate)`
        : `anions missing from the file, or cation sites over-occupied (occupancies adding up to more than the composition allows)`;
  return (
    `${describe(s)} is not charge-neutral: with the closest assignment, ${symbols.map((el, e) => fmtState(el, els[e]!.states[c.pick[e]!]!)).join(' ')}, ` +
    `the net charge is ${signed(perFu)} e per formula unit ${displayFormula(comp)} (${signed(net)} e per cell, ${fmtNum((100 * Math.abs(net)) / abs, 1)} % of the total |charge|); ` +
    `likely cause: ${cause}. The results use this assignment; give the oxidation states explicitly to override it`
  );
}

/** Why the usual states (pick 0 everywhere) fail signsAllowed, in words. */
function excludedBecause(s: Structure, els: ElementCandidates[], symbols: string[], rules: SignRules): string {
  const q = (e: number) => els[e]!.states[0]!;
  for (const [a, b] of rules.sameSign) {
    if (Math.sign(q(a)) !== Math.sign(q(b))) {
      return (
        `${symbols[a]} and ${symbols[b]} share positions in the file (mixed or overlapping sites), so they would need charges of the same sign` +
        `${s.sites.length > 500 ? `; with ${s.sites.length} sites after applying the symmetry operators, check that the operators belong to this cell` : ''}`
      );
    }
  }
  for (const [a, b] of rules.notBothAnions) {
    if (q(a) < 0 && q(b) < 0) return `${symbols[a]} and ${symbols[b]} are at bonding distance, so they cannot both be anions`;
  }
  return 'the cations would be more electronegative than the anions';
}

/** The error for a composition without a charge-neutral assignment, suggesting each element's usual state. */
function noAssignmentError(s: Structure, els: ElementCandidates[], symbols: string[], rules: SignRules): OxidationStateError {
  // Suggest each element's usual state (what a chemist would try first) and say how far off it is.
  let net = 0;
  let abs = 0;
  for (const el of els) {
    net += el.states[0]! * el.amount;
    abs += Math.abs(el.states[0]! * el.amount);
  }
  const usual = symbols.map((el, e) => fmtState(el, els[e]!.states[0]!)).join(' ');
  const charge = `${net > 0 ? '+' : ''}${fmtNum(net)}`;
  const hint = { kind: 'give-oxidation-states' as const, elements: symbols, example: Object.fromEntries(symbols.map((el, e) => [el, els[e]!.states[0]!])) };
  if (abs > 0 && Math.abs(net) <= NEUTRALITY_TOLERANCE * abs) {
    // The usual states balance: the charge is not the problem, a structural rule excluded them. Say which.
    return new OxidationStateError(
      `no oxidation-state assignment for ${describe(s)}: the usual states, ${usual}, balance the charge, but ${excludedBecause(s, els, symbols, rules)}`,
      symbols,
      { hint },
    );
  }
  return new OxidationStateError(
    `no charge-neutral oxidation-state assignment for ${describe(s)}: no combination of common oxidation states ` +
      `(one per element, or one mixed-valent metal) balances within ${100 * NEUTRALITY_TOLERANCE} % (occupancy-weighted); ` +
      `with the usual states, ${usual}, the net charge is ${charge} e per cell` +
      `${abs > 0 ? ` (${fmtNum((100 * Math.abs(net)) / abs, 1)} % of the total |charge|)` : ''}`,
    symbols,
    { hint: { kind: 'give-oxidation-states', elements: symbols, example: Object.fromEntries(symbols.map((el, e) => [el, els[e]!.states[0]!])) } },
  );
}

/** One element mixed-valent (two adjacent states of one sign), all others single; exact neutrality. */
function searchMixedValence(
  els: ElementCandidates[],
  rules: SignRules,
  rows: Rows,
  getTables: () => BvsTables,
  totalAtoms: number,
  s: Structure,
): Candidate | null {
  let best: Candidate | null = null;
  const E = els.length;
  for (let m = 0; m < E; m++) {
    const el = els[m]!;
    if (!MIXED_VALENCE_ELEMENTS.has(el.symbol) || el.states.length < 2) continue;
    const order = el.states.map((q, i) => [q, i] as const).sort((x, y) => x[0] - y[0]);
    for (let k = 0; k + 1 < order.length; k++) {
      const [qLo, lo] = order[k]!;
      const [qHi, hi] = order[k + 1]!;
      if (qLo * qHi <= 0 || qHi - qLo > 2) continue;
      enumerateCombinations(
        els,
        1e-9,
        (pick, net) => {
          const average = -net / el.amount;
          if (!(average > qLo + 0.01 && average < qHi - 0.01)) return;
          pick[m] = lo;
          const signCheck = signsAllowed(els, rules, pick);
          pick[m] = hi;
          if (!signCheck || !signsAllowed(els, rules, pick)) return;
          const c = scoreMixed(els, rows, getTables(), pick, m, lo, hi, qLo, qHi, average, totalAtoms, s);
          if (!best || c.score < best.score) best = c;
        },
        m,
        [qLo * el.amount, qHi * el.amount],
      );
    }
  }
  return best;
}

function scoreMixed(
  els: ElementCandidates[],
  rows: Rows,
  t: BvsTables,
  pickIn: Int32Array,
  m: number,
  lo: number,
  hi: number,
  qLo: number,
  qHi: number,
  average: number,
  totalAtoms: number,
  s: Structure,
): Candidate {
  const pick = pickIn.slice();
  const fMean = (average - qLo) / (qHi - qLo);
  const neighbourMix = { element: m, lo, hi, f: fMean };
  // Group the element's rows by site label; order groups by their BVS computed for the higher state.
  const groups = new Map<string, { rows: number[]; weight: number; bvs: number }>();
  for (let r = 0; r < rows.count; r++) {
    if (rows.element[r] !== m) continue;
    const key = s.sites[rows.site[r]!]!.label;
    const g = groups.get(key) ?? { rows: [], weight: 0, bvs: 0 };
    const b = rowBvs(t, r, hi, pick, neighbourMix);
    g.rows.push(r);
    g.weight += rows.occupancy[r]!;
    g.bvs += rows.occupancy[r]! * Math.max(b, 0);
    groups.set(key, g);
  }
  const sorted = [...groups.values()].map((g) => ({ ...g, bvs: g.bvs / g.weight })).sort((a, b) => b.bvs - a.bvs);
  // Clusters of groups with nearly equal BVS share the higher state evenly.
  const clusters: { rows: number[]; weight: number }[] = [];
  let lastBvs = Infinity;
  for (const g of sorted) {
    if (clusters.length > 0 && lastBvs - g.bvs < BVS_TIE) {
      const c = clusters[clusters.length - 1]!;
      c.rows.push(...g.rows);
      c.weight += g.weight;
    } else clusters.push({ rows: [...g.rows], weight: g.weight });
    lastBvs = g.bvs;
  }
  let remaining = fMean * els[m]!.amount;
  const rowFraction = new Map<number, number>();
  for (const c of clusters) {
    const f = Math.max(0, Math.min(1, remaining / c.weight));
    for (const r of c.rows) rowFraction.set(r, f);
    remaining -= f * c.weight;
  }

  let dev = 0;
  for (let r = 0; r < rows.count; r++) {
    const e = rows.element[r]!;
    let d2: number;
    if (e === m) {
      const f = rowFraction.get(r) ?? 0;
      const bLo = rowBvs(t, r, lo, pick, neighbourMix);
      const bHi = rowBvs(t, r, hi, pick, neighbourMix);
      d2 = bLo < 0 || bHi < 0 ? MISSING_PARAM_D2 : ((1 - f) * bLo + f * bHi - (qLo + f * (qHi - qLo))) ** 2;
    } else {
      const q = els[e]!.states[pick[e]!]!;
      if (q === 0) continue;
      const b = rowBvs(t, r, pick[e]!, pick, neighbourMix);
      d2 = b < 0 ? MISSING_PARAM_D2 : (b - Math.abs(q)) ** 2;
    }
    dev += rows.occupancy[r]! * d2;
  }
  let prior = MIXED_PENALTY;
  for (let e = 0; e < els.length; e++) {
    prior += e === m ? Math.max(els[e]!.penalty[lo]!, els[e]!.penalty[hi]!) : els[e]!.penalty[pick[e]!]!;
  }
  pick[m] = lo;
  return { pick, score: dev / totalAtoms + prior, imbalance: 0, mixed: { element: m, lo, hi, rowFraction, average } };
}
