// The CPU kernel's pair tables: each pair type as a piecewise cubic in s = R² (Hermite interpolation with exact
// derivatives), refined until the interpolation error of one pair term is below TABLE_TOLERANCE_EV, so the
// kernel's inner loop (kernel.ts) needs neither exp, erfc nor sqrt. PURE, like the kernel.
import { pairBranch, type PairBranches, type PairType } from '../../bvse/framework.js';
import { erfc, pairEnergy, TWO_OVER_SQRT_PI } from '../../bvse/pair.js';

/** Pairs closer than this (Å) are evaluated with the exact float64 formula, not the table. */
export const EXACT_BELOW_R = 1.0;
/** Target bound on the interpolation error of one pair term (eV, per unit occupancy). */
export const TABLE_TOLERANCE_EV = 1e-9;
/** Table segment boundaries (Å) between EXACT_BELOW_R and the cutoff. */
const SEGMENT_BREAKS_R = [2, 4];
const MIN_SEGMENT_INTERVALS = 64;
const MAX_SEGMENT_INTERVALS = 1 << 16;

/** The tabulated pair terms of a framework (part of PreparedFramework; structured-cloneable). */
export interface PairTable {
  cutoff: number;
  types: PairType[];
  /**
   * Cubic coefficients in s = R²: per type, `tableIntervals` intervals of 4 numbers (c0..c3 in the local
   * coordinate t ∈ [0,1)), made of up to 3 segments with uniform spacing each.
   */
  table: Float64Array;
  tableIntervals: number;
  /** First s of each segment (Infinity for absent ones; 4 entries, the last always Infinity). */
  segmentStart: Float64Array;
  /** Intervals per unit s, per segment. */
  segmentInvSpacing: Float64Array;
  /** Index of each segment's first interval within a type's table; entry [segments] = tableIntervals. */
  segmentFirstInterval: Int32Array;
  /** EXACT_BELOW_R². */
  exactBelowR2: number;
  /** Largest interpolation error found when the table was checked (eV per pair, per unit weight). */
  tableMaxError: number;
}

/** The kernel's branches per pair kind: dE/dR (float64, before the weight) and the parameters that key its tables. */
const PAIR_DERIVATIVE: PairBranches<[r: number], number> = {
  morse: (t, r) => {
    const e = Math.exp(t.alpha * (t.rmin - r));
    return -t.d0 * t.alpha * e * (e - 1);
  },
  coulomb: (t, r) => {
    const x = r / t.screen;
    return -(t.k / (r * r)) * erfc(x) - ((t.k * TWO_OVER_SQRT_PI) / t.screen) * (Math.exp(-x * x) / r);
  },
};
const PAIR_PARAMETERS: PairBranches<[], number[]> = {
  morse: (t) => [t.d0, t.rmin, t.alpha],
  coulomb: (t) => [t.k, t.screen],
};

function pairDerivative(t: PairType, r: number): number {
  return pairBranch(PAIR_DERIVATIVE, t)(t, r);
}

/** Fills `intervals` cubic Hermite intervals of one segment [sa, sb] of one type, starting at table[o]. */
function fillSegment(t: PairType, sa: number, sb: number, intervals: number, table: Float64Array, o: number): void {
  const h = (sb - sa) / intervals;
  let r = Math.sqrt(sa);
  let f0 = pairEnergy(t, r);
  let d0 = (pairDerivative(t, r) / (2 * r)) * h; // dE/ds · h
  for (let i = 0; i < intervals; i++) {
    r = Math.sqrt(i + 1 === intervals ? sb : sa + (i + 1) * h);
    const f1 = pairEnergy(t, r);
    const d1 = (pairDerivative(t, r) / (2 * r)) * h;
    table[o] = f0;
    table[o + 1] = d0;
    table[o + 2] = 3 * (f1 - f0) - 2 * d0 - d1;
    table[o + 3] = 2 * (f0 - f1) + d0 + d1;
    o += 4;
    f0 = f1;
    d0 = d1;
  }
}

/** Largest |cubic − exact| of one segment, at the quarter and centre points of every interval. */
function segmentError(t: PairType, sa: number, sb: number, intervals: number, table: Float64Array, o: number): number {
  const h = (sb - sa) / intervals;
  let worst = 0;
  for (let i = 0; i < intervals; i++, o += 4)
    for (const u of [0.25, 0.5, 0.75]) {
      const approx = table[o]! + u * (table[o + 1]! + u * (table[o + 2]! + u * table[o + 3]!));
      const err = Math.abs(approx - pairEnergy(t, Math.sqrt(sa + (i + u) * h)));
      if (!(err <= worst)) worst = err; // NaN-safe: a NaN error wins
    }
  return worst;
}

// Intervals each (type, segment) needs, remembered across frameworks: a screen meets the same pair types
// again and again, and finding the spacing costs far more than filling the table.
const spacingCache = new Map<string, { intervals: number; error: number }>();

/** The fewest intervals (a power of 2 ≥ MIN_SEGMENT_INTERVALS) that meet TABLE_TOLERANCE_EV, with the error found. */
function intervalsNeeded(t: PairType, sa: number, sb: number): { intervals: number; error: number } {
  const key = spacingKey(t, sa, sb);
  const hit = spacingCache.get(key);
  if (hit) return hit;
  let result: { intervals: number; error: number };
  for (let intervals = MIN_SEGMENT_INTERVALS; ; intervals *= 2) {
    const scratch = new Float64Array(4 * intervals);
    fillSegment(t, sa, sb, intervals, scratch, 0);
    const error = segmentError(t, sa, sb, intervals, scratch, 0);
    if (error <= TABLE_TOLERANCE_EV || intervals >= MAX_SEGMENT_INTERVALS) {
      result = { intervals, error };
      rememberSegment(segmentKey(t, sa, sb, intervals), scratch); // the segment at this spacing, filled already
      break;
    }
  }
  if (spacingCache.size > 4096) spacingCache.clear();
  spacingCache.set(key, result);
  return result;
}

// Filled segments, remembered across frameworks like their spacing: a screen meets the same (pair type, spacing) again
// and again, and filling costs a pairEnergy and a derivative per interval. A segment's coefficients depend on nothing
// else, so a remembered one has the bits a new one would have.
const segmentCache = new Map<string, Float64Array>();
let segmentCacheBytes = 0;
/** Bytes of segmentCache before it is cleared (a segment takes ~25 kB on the corpus, at most 2 MB). */
const SEGMENT_CACHE_BYTES = 32 << 20;

/** A pair type and a segment [sa, sb]: the key of its spacing. */
function spacingKey(t: PairType, sa: number, sb: number): string {
  return [t.kind, ...pairBranch(PAIR_PARAMETERS, t)(t), sa, sb].join(',');
}

/** The same with the interval count: the key of a filled segment. */
function segmentKey(t: PairType, sa: number, sb: number, intervals: number): string {
  return `${spacingKey(t, sa, sb)},${intervals}`;
}

function rememberSegment(key: string, seg: Float64Array): void {
  if (segmentCacheBytes + seg.byteLength > SEGMENT_CACHE_BYTES) {
    segmentCache.clear();
    segmentCacheBytes = 0;
  }
  segmentCache.set(key, seg);
  segmentCacheBytes += seg.byteLength;
}

/** The 4·intervals coefficients of one segment [sa, sb] of one type, filled once per (type, sa, sb, intervals). */
function filledSegment(t: PairType, sa: number, sb: number, intervals: number): Float64Array {
  const key = segmentKey(t, sa, sb, intervals);
  const hit = segmentCache.get(key);
  if (hit) return hit;
  const seg = new Float64Array(4 * intervals);
  fillSegment(t, sa, sb, intervals, seg, 0);
  rememberSegment(key, seg);
  return seg;
}

/**
 * The pair tables. In s = R² the functions are steepest at small R, so [EXACT_BELOW_R, cutoff] is split at
 * R = 2 and 4 Å into up to three segments, each with its own uniform spacing, refined (doubling) until the
 * interpolation error of every type is below TABLE_TOLERANCE_EV (a segment gets the most intervals any of the
 * framework's types needs; with more intervals than a type needs, its error only shrinks, as h⁴). Per type the segments lie one after the
 * other; an index that rounds one past the end of a segment lands on the next segment's first interval at
 * t ≈ 0, which is the same function value, so only the last segment is clamped.
 */
export function buildTables(
  types: PairType[],
  cutoff: number,
): Pick<PairTable, 'table' | 'tableIntervals' | 'segmentStart' | 'segmentInvSpacing' | 'segmentFirstInterval' | 'tableMaxError'> {
  const bounds = [EXACT_BELOW_R, ...SEGMENT_BREAKS_R.filter((r) => r > EXACT_BELOW_R && r < cutoff), cutoff].map((r) => r * r);
  const segments = cutoff > EXACT_BELOW_R ? bounds.length - 1 : 0;
  const counts: number[] = [];
  let maxError = 0;
  for (let g = 0; g < segments; g++) {
    let count = 0;
    for (const t of types) {
      const need = intervalsNeeded(t, bounds[g]!, bounds[g + 1]!);
      count = Math.max(count, need.intervals);
      if (!(need.error <= maxError)) maxError = need.error;
    }
    counts.push(count);
  }
  const total = counts.reduce((a, b) => a + b, 0);
  const table = new Float64Array(Math.max(1, types.length * total) * 4);
  const segmentStart = new Float64Array(4).fill(Infinity);
  const segmentInvSpacing = new Float64Array(3);
  const segmentFirstInterval = new Int32Array(4);
  let first = 0;
  for (let g = 0; g < segments; g++) {
    segmentStart[g] = bounds[g]!;
    segmentInvSpacing[g] = counts[g]! / (bounds[g + 1]! - bounds[g]!);
    segmentFirstInterval[g] = first;
    types.forEach((t, ti) => table.set(filledSegment(t, bounds[g]!, bounds[g + 1]!, counts[g]!), 4 * (ti * total + first)));
    first += counts[g]!;
  }
  segmentFirstInterval[segments] = first;
  for (let g = segments + 1; g < 4; g++) segmentFirstInterval[g] = first;
  return { table, tableIntervals: total, segmentStart, segmentInvSpacing, segmentFirstInterval, tableMaxError: maxError };
}

/**
 * One pair term exactly as computeBlock evaluates it (table or exact fallback), in float64 and before the
 * occupancy weight; 0 at or beyond the cutoff. For tests of the interpolation error.
 */
export function tablePairEnergy(prep: PairTable, typeIndex: number, r2: number): number {
  if (!(r2 < prep.cutoff * prep.cutoff)) return 0;
  const type = prep.types[typeIndex];
  if (!type) throw new RangeError(`no pair type ${typeIndex}`);
  if (r2 < prep.exactBelowR2) return pairEnergy(type, Math.sqrt(r2));
  const seg = prep.segmentStart;
  const g = r2 >= seg[2]! ? 2 : r2 >= seg[1]! ? 1 : 0;
  let u = (r2 - seg[g]!) * prep.segmentInvSpacing[g]!;
  let idx = Math.floor(u);
  u -= idx;
  idx += prep.segmentFirstInterval[g]!;
  if (idx > prep.tableIntervals - 1) {
    idx = prep.tableIntervals - 1;
    u = 1;
  }
  const o = typeIndex * prep.tableIntervals * 4 + 4 * idx;
  const t = prep.table;
  return t[o]! + u * (t[o + 1]! + u * (t[o + 2]! + u * t[o + 3]!));
}
