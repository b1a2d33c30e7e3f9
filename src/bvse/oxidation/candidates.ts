// The states each element may take (overrides, usual and rare states) and the sign rules that prune them
// (electronegativity, anion dimers, bond contacts).
import { OxidationStateError } from '../../errors.js';
import { electronegativity } from '../../structure/elements.js';
import type { Structure } from '../../structure/types.js';
import { elementData } from '../params.js';
import { COINCIDENT, forEachSitePair } from '../bond-valence.js';
import { EN_MARGIN, COMMON_RANK_PENALTY, RARE_PENALTY, STATES, type ElementCandidates } from './common.js';

export function candidatesFor(el: string, amount: number, override: Record<string, number>): ElementCandidates {
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
export interface SignRules {
  /** Pairs of element indices that share a position somewhere (mixed or split sites): same sign. */
  sameSign: Array<[number, number]>;
  /** Pairs of element indices bonded by a short contact between fully occupied sites: not both anions. */
  notBothAnions: Array<[number, number]>;
}

/** Signs allowed by electronegativity and shared positions (noble gases and zero states are neutral). */
export function signsAllowed(els: ElementCandidates[], rules: SignRules, pick: ArrayLike<number>): boolean {
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
export const DIMER_STATES: Record<string, { state: number; maxDistance: number; minOccupancy: number }> = {
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
export const BOND_CONTACT_SLACK = 0.1;

/**
 * Short contacts: elements sharing a position (-> same sign) and homonuclear dimers (-> allow the
 * dimer state). Drops dimer states from `els` where the structure has no such dimer.
 */
export function structuralRules(s: Structure, els: ElementCandidates[], elementIndex: Map<string, number>): SignRules {
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
  forEachSitePair(
    s,
    cutoff,
    () => true,
    (a, b, d) => {
      for (const x of siteEls[a]!)
        for (const y of siteEls[b]!) {
          if (x !== y && d < COINCIDENT) same[x * E + y] = same[y * E + x] = 1;
          else if (x !== y && full[a] && full[b] && d < contact[x * E + y]!) bonded[x * E + y] = bonded[y * E + x] = 1;
          if (x === y && d < dimerCut[x]! && siteOcc[a]! >= dimerOcc[x]! && siteOcc[b]! >= dimerOcc[x]!) hasDimer[x] = 1;
        }
    },
  );
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
