// Shared helpers for the energy-backend suites (random frameworks: test/helpers/random.ts): the float64 direct-sum reference
// (expandImages + pairEnergy) with a per-point float32 error bound, and a comparison that prints a table
// around the first mismatching point.
import { existsSync } from 'node:fs';
import { expandImages, type CoulombPair, type Framework, type MorsePair } from '../../src/bvse/framework.js';
import { pairEnergy } from '../../src/bvse/pair.js';
import type { GridSpec } from '../../src/grid/index.js';
import { ERFC_APPROX_MAX_REL_ERROR } from '../../src/backends/webgpu/erfc-approx.js';
import { SUM_CHUNK } from '../../src/backends/webgpu/pipeline.js';
import { DEFAULT_TILE } from '../../src/backends/webgpu/tiling.js';
import { SHARED } from '../helpers/fixtures.js';

export { SHARED };
export const HAVE_SHARED = existsSync(SHARED);

/** Unit roundoff of float32 (round to nearest): every correctly rounded f32 operation has relative error ≤ U. */
export const U = 2 ** -24;

// ---------------------------------------------------------------------------------------------
// Float64 reference with a float32 error bound
//
// Derivation of the bound B(p) on |E_gpu(p) − E(p)| for the kernel in shaders/bvse-grid.wgsl. U = 2^-24.
// WGSL accuracies used (WGSL spec §"Floating Point Accuracy"): + − × correctly rounded (≤ U relative);
// ÷ 2.5 ULP; sqrt 1/inverseSqrt → ≤ 4.5 ULP; exp(x) ≤ (3 + 2|x|) ULP; 1 ULP ≤ 2U relative.
//
// 1. Distance. The host rounds the float64 partner position relative to the tile origin to f32 (≤ U|d| per
//    component); the shader forms the point offset `here` from three f32 steps (≤ 6U|h|, |h| ≤ H = tile diagonal),
//    subtracts (U), takes dot (3U) and sqrt (9U). So |ΔR| ≤ ΔR = 16U·(R + H), first order.
// 2. Morse, x = exp(a), a = alpha·(rmin − R), e = hd·x·(x − 2) with hd = w·½·d0 rounded once (U):
//    |Δa| ≤ U·(2|a| + |alpha|·(rmin + R)) + |alpha|·ΔR   (rounded alpha, rmin, one −, one ×, plus ΔR)
//    ρx = |Δa| + 2U·(3 + 2|a|)                              (relative error of x)
//    |Δe| ≤ |hd|·(3U·|x|·|x − 2| + |x|·|2x − 2|·ρx) + U·|e|
// 3. Coulomb, z = R·(1/screen), e = kw/R · erfc(z):
//    Δz ≤ z·2U + ΔR/screen
//    erfcApprox = t·exp(−z² + P(t)), t = 1/(1 + z/2): Horner on 9 coefficients errs by ≤ 18U·Σ|c_i|t^i,
//    −z² + P adds U·(2z² + |P|); exp adds 2U·(3 + 2|−z² + P|); t adds 5U + the ÷ (5U);
//    the fit itself ≤ ERFC_APPROX_MAX_REL_ERROR; d ln erfc/dz ≤ 2z + 1.2 carries Δz.
//    |Δe| ≤ |e|·(ρerfc + (2z + 1.2)·Δz + 5U (kw, ÷, ×) + ΔR/R)
// 4. Sum: the shader adds the terms of each run of SUM_CHUNK list entries into a partial sum, then the partial
//    sums into the total, so each term passes through ≤ SUM_CHUNK + K additions, K = ⌈Nm/SUM_CHUNK⌉ + ⌈Nc/SUM_CHUNK⌉
//    chunks (Nm, Nc: Morse and Coulomb list lengths; a list entry lies within rc + H of every point of its tile, so
//    N ≤ images within rc + H): ≤ min(n − 1, SUM_CHUNK + K)·U·Σ|e_j| (first order; terms outside rc add exact zeros).
// 5. Cutoff: f32 may decide R < rc differently when |R − rc| ≤ ΔR + U·rc: such terms count in full (|e_j|).
// 6. A Coulomb partner with R ≤ ΔR (on top of the point) makes 1/R unresolvable in f32: B = ∞ there.
// B(p) is the sum of all these; the check is |E_gpu − E| ≤ B(p) at every point. The test also reports the
// error relative to max(|E|, 1e-3·max|E|), the scale the design asks for; B(p) expressed on that scale is the
// per-point tolerance (column `tol` in the mismatch table).

const HORNER_COEFFS = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];

function morseTermBound(t: MorsePair, w: number, r: number, dR: number): { e: number; bound: number } {
  const hd = w * 0.5 * t.d0;
  const a = t.alpha * (t.rmin - r);
  const x = Math.exp(a);
  const e = hd * x * (x - 2);
  const da = U * (2 * Math.abs(a) + Math.abs(t.alpha) * (t.rmin + r)) + Math.abs(t.alpha) * dR;
  const rhoX = da + 2 * U * (3 + 2 * Math.abs(a));
  const bound = Math.abs(hd) * (3 * U * Math.abs(x) * Math.abs(x - 2) + Math.abs(x) * Math.abs(2 * x - 2) * rhoX) + U * Math.abs(e);
  return { e, bound };
}

function coulombTermBound(t: CoulombPair, w: number, r: number, dR: number): { e: number; bound: number } {
  const e = w * pairEnergy(t, r);
  const z = r / t.screen;
  const tt = 1 / (1 + 0.5 * z);
  let hornerAbs = 0;
  let p = 0;
  for (let i = HORNER_COEFFS.length - 1; i >= 0; i--) {
    p = p * tt + HORNER_COEFFS[i]!;
    hornerAbs = hornerAbs * tt + Math.abs(HORNER_COEFFS[i]!);
  }
  const arg = -z * z + p;
  const rhoErfc = ERFC_APPROX_MAX_REL_ERROR + 18 * U * hornerAbs + U * (2 * z * z + Math.abs(p)) + 2 * U * (3 + 2 * Math.abs(arg)) + 10 * U;
  const dz = 2 * U * z + dR / t.screen;
  const bound = Math.abs(e) * (rhoErfc + (2 * z + 1.2) * dz + 5 * U + dR / r);
  return { e, bound };
}

export interface Reference {
  /** Indices (flat, x fastest) of the points evaluated. */
  points: Uint32Array;
  energy: Float64Array;
  /** B(p): the float32 error bound of the GPU kernel at each point (see the derivation above). */
  bound: Float64Array;
  /** Pair terms with R < cutoff (float64 decision). */
  pairTerms: number;
}

/** Tile diagonal (Å) for the distance error term H: an upper bound on |here| for the given tile shape. */
export function tileDiagonal(fw: Framework, grid: GridSpec, tile: { x: number; y: number; z: number } = DEFAULT_TILE): number {
  const m = fw.lattice;
  const len = (i: number) => Math.hypot(m[3 * i]!, m[3 * i + 1]!, m[3 * i + 2]!);
  return (tile.x * len(0)) / grid.nx + (tile.y * len(1)) / grid.ny + (tile.z * len(2)) / grid.nz;
}

/**
 * Direct float64 sum over every periodic image (expandImages + pairEnergy, R < cutoff) at the given points
 * (default: all), with the error bound B(p). `tileSpan` is H in the derivation (Å).
 */
export function directSum(fw: Framework, grid: GridSpec, tileSpan: number, points?: ArrayLike<number>): Reference {
  const { nx, ny, nz } = grid;
  const total = nx * ny * nz;
  const idx = points ? Uint32Array.from(points) : Uint32Array.from({ length: total }, (_, i) => i);
  const rc = fw.cutoff;
  // Images out to rc + H: the ones past rc only count towards the list lengths in the summation bound.
  const img = expandImages(fw, rc + tileSpan + 2e-3);
  const m = fw.lattice;
  const energy = new Float64Array(idx.length);
  const bound = new Float64Array(idx.length);
  let pairTerms = 0;
  for (let q = 0; q < idx.length; q++) {
    const p = idx[q]!;
    const i = p % nx,
      j = Math.floor(p / nx) % ny,
      k = Math.floor(p / (nx * ny));
    const f0 = i / nx,
      f1 = j / ny,
      f2 = k / nz;
    const px = f0 * m[0]! + f1 * m[3]! + f2 * m[6]!;
    const py = f0 * m[1]! + f1 * m[4]! + f2 * m[7]!;
    const pz = f0 * m[2]! + f1 * m[5]! + f2 * m[8]!;
    let sum = 0,
      sumAbs = 0,
      terms = 0,
      termBounds = 0,
      boundary = 0,
      listedMorse = 0,
      listedCoulomb = 0;
    for (let a = 0; a < img.count; a++) {
      const dx = img.cart[3 * a]! - px,
        dy = img.cart[3 * a + 1]! - py,
        dz = img.cart[3 * a + 2]! - pz;
      const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (r > rc + tileSpan + 2e-3) continue;
      if (fw.types[img.type[a]!]!.kind === 'morse') listedMorse++;
      else listedCoulomb++;
      if (r > rc + 1e-3) continue;
      const t = fw.types[img.type[a]!]!;
      const w = img.weight[a]!;
      const dR = 16 * U * (r + tileSpan);
      const { e, bound: b } =
        t.kind === 'morse' ? morseTermBound(t, w, r, dR) : r <= dR ? { e: w * pairEnergy(t, r), bound: Infinity } : coulombTermBound(t, w, r, dR);
      const nearCutoff = Math.abs(r - rc) <= dR + 2 * U * rc;
      if (nearCutoff) boundary += Math.abs(e);
      if (r >= rc) continue;
      sum += e;
      sumAbs += Math.abs(e);
      termBounds += b;
      terms++;
    }
    energy[q] = sum;
    const chunks = Math.ceil(listedMorse / SUM_CHUNK) + Math.ceil(listedCoulomb / SUM_CHUNK);
    bound[q] = termBounds + Math.min(Math.max(0, terms - 1), SUM_CHUNK + chunks) * U * sumAbs + boundary;
    pairTerms += terms;
  }
  return { points: idx, energy, bound, pairTerms };
}

/** Evenly spread point indices (a fixed stride plus the first and last point). */
export function samplePoints(grid: GridSpec, count: number): Uint32Array {
  const total = grid.nx * grid.ny * grid.nz;
  if (count >= total) return Uint32Array.from({ length: total }, (_, i) => i);
  const stride = total / count;
  const out = new Set<number>([0, total - 1]);
  for (let q = 0; q < count; q++) out.add(Math.min(total - 1, Math.floor(q * stride + stride / 2)));
  return Uint32Array.from([...out].sort((a, b) => a - b));
}

// ---------------------------------------------------------------------------------------------
// Comparison

export interface Comparison {
  ok: boolean;
  checked: number;
  /** Largest |ΔE| / max(|E|, 1e-3·max|E|). */
  maxRelError: number;
  /** Largest |ΔE| / B(p): below 1 everywhere when ok. */
  maxBoundRatio: number;
  /** Human-readable: counts, and a table around the first mismatching point. */
  report: string;
}

/**
 * Checks `energies` (a whole grid, float32) against the float64 reference at the reference's points:
 * every point must be finite (the output was poisoned) and within B(p).
 */
export function compareToReference(energies: Float32Array, ref: Reference, grid: GridSpec, label = 'result'): Comparison {
  const { nx, ny } = grid;
  let maxAbs = 0;
  for (const e of ref.energy) maxAbs = Math.max(maxAbs, Math.abs(e));
  const floor = 1e-3 * maxAbs;
  let maxRel = 0,
    maxRatio = 0,
    firstBad = -1,
    bad = 0;
  for (let q = 0; q < ref.points.length; q++) {
    const got = energies[ref.points[q]!]!;
    const want = ref.energy[q]!;
    const diff = Math.abs(got - want);
    const rel = diff / Math.max(Math.abs(want), floor);
    const ratio = ref.bound[q]! > 0 ? diff / ref.bound[q]! : diff === 0 ? 0 : Infinity;
    // B = ∞ where a like-charged ion sits within float32 resolution of the point (1/R unresolvable): any number will do.
    // ±Infinity is right only where the reference has it.
    const okHere = ref.bound[q] === Infinity ? !Number.isNaN(got) : Number.isFinite(got) ? diff <= ref.bound[q]! : got === want;
    if (Number.isFinite(rel)) maxRel = Math.max(maxRel, rel);
    if (Number.isFinite(ratio)) maxRatio = Math.max(maxRatio, ratio);
    if (!okHere) {
      bad++;
      if (firstBad < 0) firstBad = q;
    }
  }
  const lines = [
    `${label}: ${ref.points.length} points checked, ${bad} outside the float32 bound; max |ΔE|/max(|E|, 1e-3·max|E|) = ${maxRel.toExponential(2)}, max |ΔE|/B = ${maxRatio.toFixed(3)}`,
  ];
  if (firstBad >= 0) {
    lines.push(`first mismatch at reference row ${firstBad}:`);
    lines.push(['flat', 'i', 'j', 'k', 'got (f32)', 'want (f64)', '|diff|', 'bound B', 'rel', 'tol'].map((s) => s.padStart(13)).join(''));
    for (let q = Math.max(0, firstBad - 3); q < Math.min(ref.points.length, firstBad + 4); q++) {
      const p = ref.points[q]!;
      const got = energies[p]!;
      const want = ref.energy[q]!;
      const scale = Math.max(Math.abs(want), floor);
      const cells = [
        String(p),
        String(p % nx),
        String(Math.floor(p / nx) % ny),
        String(Math.floor(p / (nx * ny))),
        got.toPrecision(8),
        want.toPrecision(10),
        Math.abs(got - want).toExponential(2),
        ref.bound[q]!.toExponential(2),
        (Math.abs(got - want) / scale).toExponential(2),
        (ref.bound[q]! / scale).toExponential(2),
      ];
      lines.push(cells.map((s) => s.padStart(13)).join('') + (q === firstBad ? '  <--' : ''));
    }
  }
  return { ok: bad === 0, checked: ref.points.length, maxRelError: maxRel, maxBoundRatio: maxRatio, report: lines.join('\n') };
}

/** Points in `energies` that are NaN (never written, since the buffers are poisoned). */
export function countNaN(energies: Float32Array): number {
  let n = 0;
  for (const e of energies) if (Number.isNaN(e)) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Adapter availability: in CI a missing adapter fails the suite; elsewhere the suite skips and says why.

export const IN_CI = process.env.CI === 'true';

export async function probeAdapter(): Promise<{ ok: true; name: string } | { ok: false; reason: string }> {
  try {
    const { openDevice } = await import('../../src/backends/webgpu/device.js');
    const handle = await openDevice();
    const name = handle.adapterName;
    handle.destroy();
    return { ok: true, name };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}
