// Bond-valence sums per species row and the score of a whole assignment; the enumeration of state
// combinations within a charge window.
import type { Structure } from '../../structure/types.js';
import { bondValenceParams, COINCIDENT, CUTOFF_MAX, CUTOFF_MIN, forEachSitePair, MISSING_PARAM_DISTANCE } from '../bond-valence.js';
import { MISSING_PARAM_D2, type ElementCandidates } from './common.js';

export interface Rows {
  /** Element index of each row (one row per species on a site). */
  element: Int32Array;
  occupancy: Float64Array;
  site: Int32Array;
  /** Index of the row's species within its site. */
  speciesIndex: Int32Array;
  count: number;
}

export function buildRows(s: Structure, elementIndex: Map<string, number>): Rows {
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
export interface BvsTables {
  sum: Float64Array;
  missing: Uint8Array;
  S: number;
  E: number;
  cutoff: number;
}

export function buildBvsTables(s: Structure, els: ElementCandidates[], rows: Rows, elementIndex: Map<string, number>): BvsTables {
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

  const sums = new BondSums(rows, els, S, E, pairable, r0, bb, sum, missing, rowStart);
  // A bound method, not a closure: the pair visit's compiled code belongs to BondSums.visit, which lives on from one
  // structure to the next (a closure made per structure is compiled again whenever a collection freed the last one's).
  forEachSitePair(s, cutoff, canPair, sums.visit.bind(sums));
  return { sum, missing, S, E, cutoff };
}

/** The sums of buildBvsTables, accumulated over the site pairs within the cutoff. */
class BondSums {
  constructor(
    private readonly rows: Rows,
    private readonly els: ElementCandidates[],
    private readonly S: number,
    private readonly E: number,
    private readonly pairable: Uint8Array,
    private readonly r0: Float64Array,
    private readonly bb: Float64Array,
    private readonly sum: Float64Array,
    private readonly missing: Uint8Array,
    private readonly rowStart: Int32Array,
  ) {}

  /** Sites a <= b at distance d (one lattice translation). */
  visit(a: number, b: number, d: number): void {
    const rowStart = this.rowStart;
    for (let ra = rowStart[a]!; ra < rowStart[a + 1]!; ra++)
      for (let rb = rowStart[b]!; rb < rowStart[b + 1]!; rb++) {
        this.addBond(ra, rb, d);
        // For a == b every image appears with both signs, so each direction is visited already.
        if (a !== b) this.addBond(rb, ra, d);
      }
  }

  private addBond(rowA: number, rowB: number, d: number): void {
    if (d < COINCIDENT) return; // split or shared positions are not bonds
    const { rows, els, S, E, pairable, r0, bb, sum, missing } = this;
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
  }
}

/** BVS of row r in state si given every element's state; -1 when a bond lacks parameters. */
export function rowBvs(t: BvsTables, r: number, si: number, pick: ArrayLike<number>, mix?: { element: number; lo: number; hi: number; f: number }): number {
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
export function scoreSingle(els: ElementCandidates[], rows: Rows, t: BvsTables, pick: Int32Array, totalAtoms: number): number {
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
export function enumerateCombinations(
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
