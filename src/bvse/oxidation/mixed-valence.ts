// One element mixed-valent (two adjacent states of one sign) when no single-state assignment balances.
import type { Structure } from '../../structure/types.js';
import { MIXED_PENALTY, MISSING_PARAM_D2, BVS_TIE, MIXED_VALENCE_ELEMENTS, type ElementCandidates, type Candidate } from './common.js';
import { type SignRules, signsAllowed } from './candidates.js';
import { type Rows, type BvsTables, rowBvs, enumerateCombinations } from './bvs-score.js';

/** One element mixed-valent (two adjacent states of one sign), all others single; exact neutrality. */
export function searchMixedValence(
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

export function scoreMixed(
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
