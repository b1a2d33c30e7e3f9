// Per pair-table-row lookup tables for the GPU kernel: w·E(R) as a cubic Hermite interpolant in s = R², uniform
// spacing over [TABLE_EXACT_BELOW_R², cutoff²], coefficients rounded to float32. The shader then needs neither
// sqrt, exp nor erfc for a pair. Pairs that can come closer than TABLE_EXACT_BELOW_R to a point of a tile are
// listed apart by the host (tiling.ts) and evaluated with the exact formulas, where the functions are steep.
// Pure (no WebGPU), shared by the Node and browser builds and by the tests' error bound (gpu-helpers.ts),
// which evaluates the same float32 coefficients in float64 to get the table's actual error at each pair.
import { erfc, pairEnergy } from '../../bvse/pair.js';
import type { PairType } from '../../bvse/framework.js';

/** Pairs closer than this (Å) to some point of a tile use the exact formula, not the table. */
export const TABLE_EXACT_BELOW_R = 1.5;
/** Sampled interpolation error the spacing is refined to (eV per pair, before float32 rounding of coefficients). */
export const TABLE_TARGET_ERROR_EV = 2e-7;
const MIN_INTERVALS = 256;
const MAX_INTERVALS = 1 << 14;

const TWO_OVER_SQRT_PI = 1.1283791670955126;

export interface GpuPairTables {
  /** Per row, `intervals` vec4 (c0, c1, c2, c3) in the local coordinate f ∈ [0, 1): E ≈ c0 + f·(c1 + f·(c2 + f·c3)). */
  coeffs: Float32Array<ArrayBuffer>;
  intervals: number;
  /** First s of the table (Å²), exactly representable in float32. */
  s0: number;
  /** Intervals per Å² (as float32 in the shader). */
  invSpacing: number;
  /** Largest sampled interpolation error over all rows (float64 coefficients; eV). */
  sampledError: number;
}

/** One row of the pair table: a pair type and the occupancy weight folded into it. */
export interface TableRow {
  type: PairType;
  weight: number;
}

/** dE/dR of one pair (float64, before the weight). */
function pairDerivative(t: PairType, r: number): number {
  if (t.kind === 'morse') {
    const e = Math.exp(t.alpha * (t.rmin - r));
    return -t.d0 * t.alpha * e * (e - 1);
  }
  const x = r / t.screen;
  return -(t.k / (r * r)) * erfc(x) - ((t.k * TWO_OVER_SQRT_PI) / t.screen) * (Math.exp(-x * x) / r);
}

function fillRow(row: TableRow, s0: number, s1: number, intervals: number, out: Float64Array, o: number): void {
  const h = (s1 - s0) / intervals;
  const w = row.weight;
  let r = Math.sqrt(s0);
  let f0 = w * pairEnergy(row.type, r);
  let d0 = ((w * pairDerivative(row.type, r)) / (2 * r)) * h;
  for (let i = 0; i < intervals; i++) {
    r = Math.sqrt(i + 1 === intervals ? s1 : s0 + (i + 1) * h);
    const f1 = w * pairEnergy(row.type, r);
    const d1 = ((w * pairDerivative(row.type, r)) / (2 * r)) * h;
    out[o] = f0;
    out[o + 1] = d0;
    out[o + 2] = 3 * (f1 - f0) - 2 * d0 - d1;
    out[o + 3] = 2 * (f0 - f1) + d0 + d1;
    o += 4;
    f0 = f1;
    d0 = d1;
  }
}

function rowError(row: TableRow, s0: number, s1: number, intervals: number, c: ArrayLike<number>, o: number): number {
  const h = (s1 - s0) / intervals;
  let worst = 0;
  for (let i = 0; i < intervals; i++, o += 4)
    for (const f of [0.25, 0.5, 0.75]) {
      const approx = c[o]! + f * (c[o + 1]! + f * (c[o + 2]! + f * c[o + 3]!));
      const err = Math.abs(approx - row.weight * pairEnergy(row.type, Math.sqrt(s0 + (i + f) * h)));
      if (!(err <= worst)) worst = err;
    }
  return worst;
}

const cache = new Map<string, GpuPairTables>();

/** Tables for the given rows (cached: a screen meets the same rows again and again). */
export function buildGpuPairTables(rows: TableRow[], cutoff: number): GpuPairTables {
  const key = JSON.stringify([cutoff, rows.map((r) => [r.type.kind, r.type.d0, r.type.rmin, r.type.alpha, r.type.k, r.type.screen, r.weight])]);
  const hit = cache.get(key);
  if (hit) return hit;
  const s0 = TABLE_EXACT_BELOW_R * TABLE_EXACT_BELOW_R;
  const s1 = Math.max(cutoff * cutoff, s0 + 1);
  let intervals = MIN_INTERVALS;
  let f64 = new Float64Array(0);
  let sampledError = 0;
  // The fewest intervals (a power of 2) whose sampled error meets the target for every row.
  for (;;) {
    f64 = new Float64Array(Math.max(1, rows.length) * intervals * 4);
    sampledError = 0;
    rows.forEach((row, n) => {
      fillRow(row, s0, s1, intervals, f64, 4 * n * intervals);
      sampledError = Math.max(sampledError, rowError(row, s0, s1, intervals, f64, 4 * n * intervals));
    });
    if (sampledError <= TABLE_TARGET_ERROR_EV || intervals >= MAX_INTERVALS) break;
    intervals *= 2;
  }
  const tables: GpuPairTables = { coeffs: Float32Array.from(f64), intervals, s0, invSpacing: intervals / (s1 - s0), sampledError };
  if (cache.size > 64) cache.clear();
  cache.set(key, tables);
  return tables;
}

/**
 * The table term of row `row` at s = R², evaluated in float64 from the float32 coefficients (what the shader
 * computes, without its rounding), with the interval's coefficient magnitudes for the rounding bound.
 */
export function tableTerm(tables: GpuPairTables, row: number, s: number): { value: number; coeffAbs: number; slopeAbs: number; u: number } {
  // As the shader: u clamped to [0, intervals], the last interval evaluated at f = 1 for u = intervals.
  const u = Math.min(Math.max((s - tables.s0) * Math.fround(tables.invSpacing), 0), tables.intervals);
  const i = Math.min(Math.floor(u), tables.intervals - 1);
  const f = u - i;
  const c = tables.coeffs;
  const o = 4 * (row * tables.intervals + i);
  const c0 = c[o]!, c1 = c[o + 1]!, c2 = c[o + 2]!, c3 = c[o + 3]!;
  return {
    value: c0 + f * (c1 + f * (c2 + f * c3)),
    coeffAbs: Math.abs(c0) + Math.abs(c1) + Math.abs(c2) + Math.abs(c3),
    slopeAbs: Math.abs(c1) + 2 * Math.abs(c2) + 3 * Math.abs(c3),
    u,
  };
}
