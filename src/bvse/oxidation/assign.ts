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
//
// This folder: assign.ts (the entry, assignOxidationStates), common.ts (tolerances, penalties, types, helpers),
// candidates.ts (states and sign rules), bvs-score.ts (bond-valence sums and the enumeration), mixed-valence.ts,
// messages.ts (warnings and errors); beside them the --oxi parser (override.ts), the states-used summary of a result
// (summary.ts) and the choice of the mobile ion (mobile-ion.ts).
import { OxidationStateError } from '../../errors.js';
import { composition } from '../../structure/composition.js';
import type { Site, Species, Structure } from '../../structure/types.js';
import {
  NEUTRALITY_TOLERANCE,
  RELAXED_NEUTRALITY_TOLERANCE,
  IMBALANCE_WEIGHT,
  MAX_COMBINATIONS,
  copyStructure,
  chargeSums,
  fmtState,
  fmtNum,
  describe,
  imbalanceWarning,
  type ElementCandidates,
  type Candidate,
} from './common.js';
import { candidatesFor, signsAllowed, structuralRules } from './candidates.js';
import { buildRows, type BvsTables, buildBvsTables, scoreSingle, enumerateCombinations } from './bvs-score.js';
import { closestUsual, nonNeutralWarning, noAssignmentError } from './messages.js';
import { searchMixedValence } from './mixed-valence.js';

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
