// Assignments that do not balance, in words: the closest usual one, its warning, and the error when none qualifies.
import { OxidationStateError } from '../../errors.js';
import { composition, displayFormula } from '../../structure/composition.js';
import type { Structure } from '../../structure/types.js';
import { NEUTRALITY_TOLERANCE, IMBALANCE_WEIGHT, fmtState, fmtNum, describe, type ElementCandidates, type Candidate } from './common.js';
import { type SignRules, signsAllowed } from './candidates.js';
import { enumerateCombinations } from './bvs-score.js';

/**
 * The assignment of usual states (no penalty) with the smallest relative residual, then the best BVS
 * score; at least one cation and one anion, signs allowed. Null when none qualifies.
 */
export function closestUsual(els: ElementCandidates[], rules: SignRules, scored: (c: Candidate) => Candidate | null): Candidate | null {
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
export function formulaUnits(comp: Record<string, number>): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const ints = Object.values(comp)
    .filter((v) => Math.abs(v - Math.round(v)) < 1e-3)
    .map((v) => Math.round(v));
  return ints.reduce((g, v) => gcd(g, v), 0) || 1;
}

/** The warning for a closest (non-neutral) assignment: residual per formula unit and the likely cause. */
export function nonNeutralWarning(s: Structure, symbols: string[], els: ElementCandidates[], c: Candidate): string {
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
export function excludedBecause(s: Structure, els: ElementCandidates[], symbols: string[], rules: SignRules): string {
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
export function noAssignmentError(s: Structure, els: ElementCandidates[], symbols: string[], rules: SignRules): OxidationStateError {
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
