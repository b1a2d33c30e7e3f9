// The CPU grid kernel. PURE (no node: imports): the Node worker threads and the browser's Web Worker
// both run it.
//
// Method (the backend contract in docs/ARCHITECTURE.md):
//  1. prepareCells expands the framework into every periodic image within the cutoff of the home cell
//     (expandImages), sorts the images into a Cartesian cell list, and tabulates each pair type as a
//     piecewise cubic in s = R² (Hermite interpolation with exact derivatives), so the inner loop needs
//     neither exp, erfc nor sqrt.
//  2. The grid is cut into fixed blocks of BLOCK³ points, independent of the thread count. computeBlock
//     gathers the images within the cutoff of the block's Cartesian bounding box from the cell list,
//     filters them again for each SUB³ sub-box, and sums for each point the pair terms with R < cutoff in
//     float64, in the fixed order of the candidate list, and stores the sum as float32.
//  Any schedule of blocks over threads gives the same bits: a block's result depends on nothing else.
//  3. The point loop runs in WebAssembly SIMD (wasm-kernel.ts: 16 points per call, the same float64 operations
//     in the same order, so the same bits) where the host has it, ~1.8× faster; else in the JavaScript below.
//
// Accuracy: pairs with R < EXACT_BELOW_R (where the tabulated function is steepest and the Coulomb term
// diverges) use the float64 formula itself (pairEnergy). Elsewhere the table is refined until the
// interpolation error, sampled at the centre and quarter points of every interval (the error of a cubic
// Hermite interpolant is t²(1−t)²·h⁴·f''''/24, largest at the centre), is below TABLE_TOLERANCE_EV per
// pair (per unit occupancy). A grid value therefore differs from the float64 sum by at most
// Σ_pairs weight·tableMaxError plus the float32 rounding of the total (2⁻²⁴·|E|).
import { expandImages, type Framework, type PairType } from '../../bvse/framework.js';
import { pairEnergy } from '../../bvse/pair.js';
import { BRICK, type GridSpec } from '../../grid/index.js';
import { buildTables, EXACT_BELOW_R, type PairTable } from './pair-table.js';
import { sumPointsWasm, wasmKernelActive } from './wasm-kernel.js';

/** Grid points per block edge. Fixed, so results never depend on how blocks are scheduled. */
export const BLOCK = 8;
/** Points per sub-box edge inside a block; each sub-box gets its own, shorter candidate list. A brick is one sub-box. */
const SUB = BRICK;
/** The cell list never has more bins than this (a tiny cutoff over a large framework). */
const MAX_BINS = 1 << 21;

/** Everything computeBlock needs, as plain numbers, typed arrays and small objects (structured-cloneable). */
export interface PreparedFramework extends PairTable {
  /** Lattice rows a, b, c (Å), row-major. */
  lattice: Float64Array;
  cutoff: number;
  types: PairType[];
  /** Number of periodic images kept. */
  imageCount: number;
  /** x, y, z (Å) and occupancy weight of every image, 4 per image, sorted by cell-list bin. */
  images: Float64Array;
  /** Type index of every image (same order as `images`). */
  imageType: Int32Array;
  /** Cell list: Cartesian bins of edge `binSize` starting at `binOrigin`, `binDims` bins per axis, x fastest. */
  binOrigin: Float64Array;
  binSize: number;
  binDims: Int32Array;
  /** Images of bin b are images[binStart[b] .. binStart[b+1]). */
  binStart: Int32Array;
}

/** Number of blocks of a grid; block indices run 0 .. blockCount − 1. */
export function blockCount(grid: GridSpec): number {
  return Math.ceil(grid.nx / BLOCK) * Math.ceil(grid.ny / BLOCK) * Math.ceil(grid.nz / BLOCK);
}

/** Expands the images, builds the cell list and the pair tables. The grid is accepted for API symmetry. */
export function prepareCells(fw: Framework, _grid?: GridSpec): PreparedFramework {
  const cutoff = fw.cutoff;
  if (!(cutoff > 0)) throw new RangeError(`framework cutoff must be positive, got ${cutoff}`);
  const expanded = expandImages(fw, cutoff);
  const n = expanded.count;

  // Cell list over the bounding box of the images. Bins of at most cutoff/2 keep the scanned volume
  // (bins touching box + cutoff) close to the sphere volume actually needed.
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let a = 0; a < n; a++)
    for (let d = 0; d < 3; d++) {
      const v = expanded.cart[3 * a + d]!;
      if (v < lo[d]!) lo[d] = v;
      if (v > hi[d]!) hi[d] = v;
    }
  if (n === 0) {
    lo.fill(0);
    hi.fill(0);
  }
  // ... but never more than MAX_BINS bins (a tiny cutoff over a large framework).
  const extent = [0, 1, 2].map((d) => hi[d]! - lo[d]! + cutoff);
  const binSize = Math.max(cutoff / 2, Math.cbrt((extent[0]! * extent[1]! * extent[2]!) / MAX_BINS));
  const binDims = Int32Array.from([0, 1, 2].map((d) => Math.max(1, Math.floor((hi[d]! - lo[d]!) / binSize) + 1)));
  const binOrigin = Float64Array.from(lo);
  const binOf = new Int32Array(n);
  const nBins = binDims[0]! * binDims[1]! * binDims[2]!;
  const binCount = new Int32Array(nBins + 1);
  for (let a = 0; a < n; a++) {
    let b = 0;
    for (let d = 2; d >= 0; d--) {
      const c = Math.min(binDims[d]! - 1, Math.floor((expanded.cart[3 * a + d]! - lo[d]!) / binSize));
      b = b * binDims[d]! + c;
    }
    binOf[a] = b;
    binCount[b + 1]!++;
  }
  const binStart = new Int32Array(nBins + 1);
  for (let b = 0; b < nBins; b++) binStart[b + 1] = binStart[b]! + binCount[b + 1]!;
  // Stable counting sort: within a bin, images keep expandImages' order (deterministic).
  const fill = binStart.slice(0, nBins);
  const images = new Float64Array(4 * n);
  const imageType = new Int32Array(n);
  for (let a = 0; a < n; a++) {
    const slot = fill[binOf[a]!]!++;
    images[4 * slot] = expanded.cart[3 * a]!;
    images[4 * slot + 1] = expanded.cart[3 * a + 1]!;
    images[4 * slot + 2] = expanded.cart[3 * a + 2]!;
    images[4 * slot + 3] = expanded.weight[a]!;
    imageType[slot] = expanded.type[a]!;
  }

  const tables = buildTables(fw.types, cutoff);
  return {
    lattice: Float64Array.from(fw.lattice),
    cutoff,
    types: fw.types.map((t) => ({ ...t })),
    imageCount: n,
    images,
    imageType,
    binOrigin,
    binSize,
    binDims,
    binStart,
    ...tables,
    exactBelowR2: EXACT_BELOW_R * EXACT_BELOW_R,
  };
}

// Scratch space reused between calls (one kernel instance per thread).
let blockCand = new Float64Array(0); // x, y, z, w per candidate
let blockCandType = new Int32Array(0);
let subCand = new Float64Array(0);
let subCandOffset = new Int32Array(0); // table offset of the candidate's type
let subCandType = new Int32Array(0);

function ensureScratch(count: number): void {
  if (blockCandType.length >= count) return;
  const size = Math.max(count, 2 * blockCandType.length, 1024);
  // Growing happens mid-gather: keep what was gathered so far.
  const oldCand = blockCand,
    oldType = blockCandType;
  blockCand = new Float64Array(4 * size);
  blockCand.set(oldCand);
  blockCandType = new Int32Array(size);
  blockCandType.set(oldType);
  subCand = new Float64Array(4 * size);
  subCandOffset = new Int32Array(size);
  subCandType = new Int32Array(size);
}

/** Cartesian bounding box of the grid points i0..i1−1, j0..j1−1, k0..k1−1 (inclusive corners). */
function pointBox(m: Float64Array, grid: GridSpec, i0: number, i1: number, j0: number, j1: number, k0: number, k1: number, box: Float64Array): void {
  box.fill(Infinity, 0, 3);
  box.fill(-Infinity, 3, 6);
  for (const i of [i0, i1 - 1])
    for (const j of [j0, j1 - 1])
      for (const k of [k0, k1 - 1]) {
        const fx = i / grid.nx,
          fy = j / grid.ny,
          fz = k / grid.nz;
        for (let d = 0; d < 3; d++) {
          const v = fx * m[d]! + fy * m[3 + d]! + fz * m[6 + d]!;
          if (v < box[d]!) box[d] = v;
          if (v > box[3 + d]!) box[3 + d] = v;
        }
      }
}

const blockBox = new Float64Array(6);
const subBox = new Float64Array(6);

/**
 * Computes the energies of the points of block `blockIndex` and writes them into `out` (the whole grid,
 * flat index i + nx·(j + ny·k)). Returns the number of pair terms with R < cutoff that were summed.
 */
export function computeBlock(prep: PreparedFramework, grid: GridSpec, blockIndex: number, out: Float32Array): number {
  const { nx, ny, nz } = grid;
  const bx = Math.ceil(nx / BLOCK),
    by = Math.ceil(ny / BLOCK);
  const bi = blockIndex % bx,
    bj = Math.floor(blockIndex / bx) % by,
    bk = Math.floor(blockIndex / (bx * by));
  const i0 = bi * BLOCK,
    j0 = bj * BLOCK,
    k0 = bk * BLOCK;
  const i1 = Math.min(nx, i0 + BLOCK),
    j1 = Math.min(ny, j0 + BLOCK),
    k1 = Math.min(nz, k0 + BLOCK);
  if (!(i0 < i1 && j0 < j1 && k0 < k1)) throw new RangeError(`block ${blockIndex} is outside the ${nx}×${ny}×${nz} grid`);
  const m = prep.lattice;
  const rc = prep.cutoff;
  const rc2 = rc * rc;

  // 1. Candidates for the whole block from the cell list.
  pointBox(m, grid, i0, i1, j0, j1, k0, k1, blockBox);
  const nBlock = gatherFromCells(prep, blockBox, rc, rc2);

  // 2. For each sub-box, a shorter candidate list, then the points.
  let pairs = 0;
  const sy = nx,
    sz = nx * ny;
  for (let sk = k0; sk < k1; sk += SUB)
    for (let sj = j0; sj < j1; sj += SUB)
      for (let si = i0; si < i1; si += SUB) {
        const ei = Math.min(i1, si + SUB),
          ej = Math.min(j1, sj + SUB),
          ek = Math.min(k1, sk + SUB);
        pointBox(m, grid, si, ei, sj, ej, sk, ek, subBox);
        pairs += sumPoints(prep, grid, nBlock, listBox(si, ei, sj, ej, sk, ek, 0, sy, sz), out, false);
      }
  return pairs;
}

/** The points of one call of sumPoints: i, j, k and the output index, 4 per point (at most a sub-box or brick). */
const pointList = new Int32Array(4 * SUB * SUB * SUB);

/** Lists the points of a box, x fastest, point (i, j, k) to out[outBase + i + sy·j + sz·k]; returns their count. */
function listBox(si: number, ei: number, sj: number, ej: number, sk: number, ek: number, outBase: number, sy: number, sz: number): number {
  let n = 0;
  for (let k = sk; k < ek; k++)
    for (let j = sj; j < ej; j++)
      for (let i = si; i < ei; i++) {
        pointList[n++] = i;
        pointList[n++] = j;
        pointList[n++] = k;
        pointList[n++] = outBase + i + sy * j + sz * k;
      }
  return n >> 2;
}

/**
 * Sums the `count` points of pointList against the first nBlock candidates gathered in blockCand, writing each to
 * out[its output index]. Returns the pair terms summed. Unless `gatheredForThisBox` (the candidates were gathered for
 * exactly these points' box, so none needs testing again), the candidates are filtered against subBox, which must
 * hold the points. A point's value does not depend on the list it is in: each sums its own terms, in candidate order.
 */
function sumPoints(prep: PreparedFramework, grid: GridSpec, nBlock: number, count: number, out: Float32Array, gatheredForThisBox: boolean): number {
  const { nx, ny, nz } = grid;
  const m = prep.lattice;
  const rc2 = prep.cutoff * prep.cutoff;
  const images = blockCand;
  const table = prep.table;
  const exactR2 = prep.exactBelowR2;
  const typeStride = prep.tableIntervals * 4;
  const seg = prep.segmentStart,
    segInv = prep.segmentInvSpacing,
    segFirst = prep.segmentFirstInterval;
  const s0 = seg[0]!,
    s1 = seg[1]!,
    s2 = seg[2]!;
  const inv0 = segInv[0]!,
    inv1 = segInv[1]!,
    inv2 = segInv[2]!;
  const first1 = segFirst[1]!,
    first2 = segFirst[2]!;
  const lastInterval = prep.tableIntervals - 1;
  const types = prep.types;
  const m0 = m[0]!,
    m1 = m[1]!,
    m2 = m[2]!,
    m3 = m[3]!,
    m4 = m[4]!,
    m5 = m[5]!,
    m6 = m[6]!,
    m7 = m[7]!,
    m8 = m[8]!;
  // A brick's candidates go to the WebAssembly loop as gathered (it copies them into its memory anyway).
  if (gatheredForThisBox && wasmKernelActive()) return sumPointsWasm(prep, grid, nBlock, blockCand, blockCandType, pointList, count, out);
  let pairs = 0;
  const lx = subBox[0]!,
    ly = subBox[1]!,
    lz = subBox[2]!,
    hx = subBox[3]!,
    hy = subBox[4]!,
    hz = subBox[5]!;
  let nSub = 0;
  for (let c = 0; c < nBlock; c++) {
    const x = images[4 * c]!,
      y = images[4 * c + 1]!,
      z = images[4 * c + 2]!;
    const dx = x < lx ? lx - x : x > hx ? x - hx : 0;
    const dy = y < ly ? ly - y : y > hy ? y - hy : 0;
    const dz = z < lz ? lz - z : z > hz ? z - hz : 0;
    // A brick's candidates were gathered for this very box: the test would keep them all.
    if (gatheredForThisBox || dx * dx + dy * dy + dz * dz < rc2) {
      subCand[4 * nSub] = x;
      subCand[4 * nSub + 1] = y;
      subCand[4 * nSub + 2] = z;
      subCand[4 * nSub + 3] = images[4 * c + 3]!;
      const t = blockCandType[c]!;
      subCandType[nSub] = t;
      subCandOffset[nSub] = t * typeStride;
      nSub++;
    }
  }
  // Same bits either way (test/backends/cpu-wasm.test.ts).
  if (wasmKernelActive()) return sumPointsWasm(prep, grid, nSub, subCand, subCandType, pointList, count, out);
  const cand = subCand,
    offs = subCandOffset,
    pts = pointList;
  // Two points at a time: each candidate is loaded once for both, and the two sums are independent chains. An odd
  // last point is paired with itself and stored once.
  for (let p = 0; p < count; p += 2) {
    const a = 4 * p,
      b = p + 1 < count ? a + 4 : a;
    const fxA = pts[a]! / nx,
      fyA = pts[a + 1]! / ny,
      fzA = pts[a + 2]! / nz,
      fxB = pts[b]! / nx,
      fyB = pts[b + 1]! / ny,
      fzB = pts[b + 2]! / nz;
    const pxA = fxA * m0 + fyA * m3 + fzA * m6,
      pxB = fxB * m0 + fyB * m3 + fzB * m6;
    const pyA = fxA * m1 + fyA * m4 + fzA * m7,
      pyB = fxB * m1 + fyB * m4 + fzB * m7;
    const pzA = fxA * m2 + fyA * m5 + fzA * m8,
      pzB = fxB * m2 + fyB * m5 + fzB * m8;
    let sumA = 0,
      sumB = 0,
      pairsA = 0,
      pairsB = 0;
    for (let c = 0; c < nSub; c++) {
      const q = 4 * c;
      const x = cand[q]!,
        y = cand[q + 1]!,
        z = cand[q + 2]!,
        w = cand[q + 3]!;
      const off = offs[c]!;
      const dxA = x - pxA,
        dyA = y - pyA,
        dzA = z - pzA;
      const dxB = x - pxB,
        dyB = y - pyB,
        dzB = z - pzB;
      const r2A = dxA * dxA + dyA * dyA + dzA * dzA;
      const r2B = dxB * dxB + dyB * dyB + dzB * dzB;
      if (r2A < rc2) {
        pairsA++;
        if (r2A < exactR2) sumA += w * pairEnergy(types[subCandType[c]!]!, Math.sqrt(r2A));
        else {
          let u: number, idx: number;
          if (r2A >= s2) {
            u = (r2A - s2) * inv2;
            idx = u | 0;
            u -= idx;
            idx += first2;
          } else if (r2A >= s1) {
            u = (r2A - s1) * inv1;
            idx = u | 0;
            u -= idx;
            idx += first1;
          } else {
            u = (r2A - s0) * inv0;
            idx = u | 0;
            u -= idx;
          }
          if (idx > lastInterval) {
            idx = lastInterval;
            u = 1;
          }
          const o = off + 4 * idx;
          sumA += w * (table[o]! + u * (table[o + 1]! + u * (table[o + 2]! + u * table[o + 3]!)));
        }
      }
      if (r2B < rc2) {
        pairsB++;
        if (r2B < exactR2) sumB += w * pairEnergy(types[subCandType[c]!]!, Math.sqrt(r2B));
        else {
          let u: number, idx: number;
          if (r2B >= s2) {
            u = (r2B - s2) * inv2;
            idx = u | 0;
            u -= idx;
            idx += first2;
          } else if (r2B >= s1) {
            u = (r2B - s1) * inv1;
            idx = u | 0;
            u -= idx;
            idx += first1;
          } else {
            u = (r2B - s0) * inv0;
            idx = u | 0;
            u -= idx;
          }
          if (idx > lastInterval) {
            idx = lastInterval;
            u = 1;
          }
          const o = off + 4 * idx;
          sumB += w * (table[o]! + u * (table[o + 1]! + u * (table[o + 2]! + u * table[o + 3]!)));
        }
      }
    }
    out[pts[a + 3]!] = sumA;
    pairs += pairsA;
    if (b !== a) {
      out[pts[b + 3]!] = sumB;
      pairs += pairsB;
    }
  }
  return pairs;
}

/**
 * Computes the BRICK³ points starting at grid point (i0, j0, k0) (clipped at the grid's edge; i0, j0, k0 multiples
 * of BRICK) into out[outOffset ..], x fastest with stride BRICK: the point (i0+a, j0+b, k0+c) goes to
 * out[outOffset + a + BRICK·(b + BRICK·c)]. Slots past the grid's edge are not written. Same bits as computeBlock.
 * With `mask` (BRICK³ bits from word maskOffset: bit x = a + BRICK·(b + BRICK·c) is bit x & 31 of word x >>> 5) only
 * the points whose bit is set are computed (the others' slots are not written), against the candidates of their
 * bounding box: the same bits again, since a point's sum is over the images within the cutoff, in cell-list order.
 */
export function computeBrick(
  prep: PreparedFramework,
  grid: GridSpec,
  i0: number,
  j0: number,
  k0: number,
  out: Float32Array,
  outOffset: number,
  mask: Uint32Array | null = null,
  maskOffset = 0,
): number {
  let i1 = Math.min(grid.nx, i0 + BRICK),
    j1 = Math.min(grid.ny, j0 + BRICK),
    k1 = Math.min(grid.nz, k0 + BRICK);
  if (!(i0 >= 0 && j0 >= 0 && k0 >= 0 && i0 < i1 && j0 < j1 && k0 < k1) || i0 % BRICK || j0 % BRICK || k0 % BRICK)
    throw new RangeError(`brick at (${i0}, ${j0}, ${k0}) is not a brick of the ${grid.nx}×${grid.ny}×${grid.nz} grid`);
  let count: number;
  if (mask) {
    // The marked points inside the grid, and their bounding box.
    let n = 0,
      li = i1,
      lj = j1,
      lk = k1,
      hi = i0,
      hj = j0,
      hk = k0;
    for (let k = k0; k < k1; k++)
      for (let j = j0; j < j1; j++)
        for (let i = i0; i < i1; i++) {
          const x = i - i0 + BRICK * (j - j0 + BRICK * (k - k0));
          if (!((mask[maskOffset + (x >>> 5)]! >>> (x & 31)) & 1)) continue;
          pointList[n++] = i;
          pointList[n++] = j;
          pointList[n++] = k;
          pointList[n++] = outOffset + x;
          if (i < li) li = i;
          if (i >= hi) hi = i + 1;
          if (j < lj) lj = j;
          if (j >= hj) hj = j + 1;
          if (k < lk) lk = k;
          hk = k + 1;
        }
    count = n >> 2;
    if (count === 0) return 0;
    i0 = li;
    i1 = hi;
    j0 = lj;
    j1 = hj;
    k0 = lk;
    k1 = hk;
  } else count = listBox(i0, i1, j0, j1, k0, k1, outOffset - i0 - BRICK * j0 - BRICK * BRICK * k0, BRICK, BRICK * BRICK);
  pointBox(prep.lattice, grid, i0, i1, j0, j1, k0, k1, blockBox);
  const rc = prep.cutoff;
  const n = gatherFromCells(prep, blockBox, rc, rc * rc);
  return sumPoints(prep, grid, n, count, out, true);
}

/**
 * Slack (Å) of the bin pruning in gatherFromCells: far above the rounding of coordinates and bin edges (~1e-14 Å), so
 * a bin is skipped only when every image in it fails the distance test anyway.
 */
const BIN_SLACK = 1e-6;

/** Distance along one axis from bin c ([o + c·s, o + (c+1)·s]) to [lo, hi], less BIN_SLACK, at least 0. */
function binGap(o: number, s: number, c: number, lo: number, hi: number): number {
  const a = o + c * s,
    b = a + s;
  const g = lo > b ? lo - b : a > hi ? a - hi : 0;
  return g > BIN_SLACK ? g - BIN_SLACK : 0;
}

/**
 * Fills blockCand/blockCandType with the images within `rc` of the box; returns their count. Bins are visited in
 * cell-list order (z, y, then a contiguous x range), skipping the rows and the ends of rows that lie farther than rc
 * from the box: what is kept, and its order, is that of testing every image of the box's bin range.
 */
function gatherFromCells(prep: PreparedFramework, box: Float64Array, rc: number, rc2: number): number {
  const { binOrigin, binSize, binDims, binStart, images, imageType } = prep;
  const lo = [0, 0, 0],
    hi = [0, 0, 0];
  for (let d = 0; d < 3; d++) {
    lo[d] = Math.max(0, Math.floor((box[d]! - rc - binOrigin[d]!) / binSize));
    hi[d] = Math.min(binDims[d]! - 1, Math.floor((box[3 + d]! + rc - binOrigin[d]!) / binSize));
    if (lo[d]! > hi[d]!) return 0; // the box + cutoff misses every image
  }
  const lx = box[0]!,
    ly = box[1]!,
    lz = box[2]!,
    hx = box[3]!,
    hy = box[4]!,
    hz = box[5]!;
  const [ox, oy, oz] = binOrigin as unknown as [number, number, number];
  let count = 0;
  for (let cz = lo[2]!; cz <= hi[2]!; cz++) {
    const gz = binGap(oz, binSize, cz, lz, hz);
    for (let cy = lo[1]!; cy <= hi[1]!; cy++) {
      const gy = binGap(oy, binSize, cy, ly, hy);
      const rest = rc2 - gz * gz - gy * gy;
      if (!(rest > 0)) continue; // every image of this row is at least rc from the box
      const rx = Math.sqrt(rest) + BIN_SLACK;
      const x0 = Math.max(lo[0]!, Math.floor((lx - rx - ox) / binSize)),
        x1 = Math.min(hi[0]!, Math.floor((hx + rx - ox) / binSize));
      if (x0 > x1) continue;
      const rowBin = binDims[0]! * (cy + binDims[1]! * cz);
      const start = binStart[rowBin + x0]!,
        end = binStart[rowBin + x1 + 1]!;
      if (start === end) continue;
      ensureScratch(count + end - start);
      for (let a = start; a < end; a++) {
        const x = images[4 * a]!,
          y = images[4 * a + 1]!,
          z = images[4 * a + 2]!;
        const dx = x < lx ? lx - x : x > hx ? x - hx : 0;
        const dy = y < ly ? ly - y : y > hy ? y - hy : 0;
        const dz = z < lz ? lz - z : z > hz ? z - hz : 0;
        if (dx * dx + dy * dy + dz * dz < rc2) {
          blockCand[4 * count] = x;
          blockCand[4 * count + 1] = y;
          blockCand[4 * count + 2] = z;
          blockCand[4 * count + 3] = images[4 * a + 3]!;
          blockCandType[count] = imageType[a]!;
          count++;
        }
      }
    }
  }
  return count;
}
