// Grid-converged percolation thresholds at coarse-grid cost (docs/refinement.md).
//
// The answer is defined as that of the uniform grid at the finest spacing (nf = n0·2^L points per axis). The cell
// is covered by blocks of an octree: a level-ℓ block holds (2^(L−ℓ))³ fine points, a level-L block is one fine
// point. Every block carries bounds lo ≤ E ≤ hi over its fine points (bounds.ts: corner values and a rigorous
// curvature bound). Percolation is monotone in the field, so the thresholds T_lo of the field "every block at its
// lo" and T_hi of "every block at its hi" bracket the fine grid's T for each dimension. A block that lies wholly
// above T_hi or wholly below T_lo cannot change connectivity at T; only the rest ("ambiguous") is refined, level by
// level, until every ambiguous block is a single fine point. Then the hi-field's thresholds ARE the fine grid's:
// replacing the values of a block that lies wholly on one side of T by its hi (≥ every value in it, and on the
// same side) changes neither the sublevel set at T nor lowers any value, so the threshold stays where it is.
//
// Leaves of different sizes are joined as the fine grid joins their points: two leaves are neighbours when a fine
// point of one is a 6- (or 18-, 26-) neighbour of a fine point of the other, with the periodic offset of that step.
import type { Framework } from '../bvse/framework.js';
import type { GridSpec } from '../grid/index.js';
import { BRICK, prepareCells, tablePairEnergy } from '../backends/cpu/kernel.js';
import type { CpuBackend } from '../backends/cpu/driver.js';
import type { EnergyBackend } from '../backends/types.js';
import { EdgeList, graphThresholds } from '../percolation/graph.js';
import { checkConnectivity, neighbourOffsets, type Connectivity } from '../percolation/grid-walk.js';
import type { PerDimension } from '../percolation/types.js';
import { CURVATURE_CAP, curvatureTable } from './bounds.js';
import { gridImageOf, gridSymmetry, type GridSymmetry } from '../symmetry/grid.js';
import type { SymOp } from '../structure/symmetry.js';

export interface RefineOptions {
  /** Finest spacing (Å): the answer equals the uniform grid's at this spacing. */
  resolution: number;
  /** Spacing of the coarsest level (Å, default 0.2); the number of levels follows from it. */
  coarsest?: number;
  connectivity?: Connectivity;
  /** Percolation window above E_min (eV, default 10). */
  encut?: number;
  /** Energies of bricks; when it has no computeBricks, `cpu` computes them. */
  backend: EnergyBackend;
  /** CPU backend for the curvature bounds (and energies when `backend` cannot do bricks). */
  cpu: CpuBackend;
  /**
   * Space-group operations under which the framework is exactly invariant (src/symmetry: a symmetrized framework).
   * Bricks whose points all have known images are then filled instead of evaluated, at every level.
   */
  symmetry?: readonly SymOp[];
}

export interface RefineResult {
  /** The finest grid: its thresholds are what this returns. */
  grid: GridSpec;
  /** Levels including the coarsest (1 = a single uniform level). */
  levels: number;
  coarseGrid: GridSpec;
  eMin: number;
  /** Highest finite energy among the points evaluated (the uniform grid's E_max can only be higher). */
  eMaxEvaluated: number;
  thresholds: PerDimension<number | null>;
  barriers: PerDimension<number | null>;
  /** Energies computed (points of the bricks evaluated, padding included) and the fine grid's point count. */
  pointsEvaluated: number;
  /** Points of bricks filled from symmetric images instead of evaluated (padding included). */
  pointsFilled: number;
  pointsUniform: number;
  /** Curvature bounds computed (points). */
  boundsEvaluated: number;
  pairTerms: number;
  /** Leaves at the end, by level, and the refinement passes (each one graph, two or three sweeps). */
  leavesByLevel: number[];
  passes: number;
  timingsMs: Record<string, number>;
  /**
   * The finest grid's field as the refinement knows it, one float per fine point (only for callers that write grids
   * or trace paths). Exact where evaluated; elsewhere 'interpolated' (default) gives the trilinear interpolation of
   * the block's corners kept within its bounds: smooth, for grid files, sites and paths; 'upper' gives an upper bound
   * on the same side of every threshold as the true value, so percolating it gives exactly the refined thresholds.
   */
  assembleGrid(kind?: 'interpolated' | 'upper'): Float32Array;
}

/** Growable typed arrays for the blocks of one level. */
class LevelBlocks {
  count = 0;
  I = new Int32Array(64);
  J = new Int32Array(64);
  K = new Int32Array(64);
  lo = new Float64Array(64);
  hi = new Float64Array(64);
  /** First of the 8 children at the next level, or −1 for a leaf. */
  child = new Int32Array(64);
  /** Curvature-interpolation error used for the block's bounds (for assembleGrid). */
  err = new Float64Array(64);
  /** 1 once lo holds the direct pair-by-pair bound too. */
  direct = new Uint8Array(64);

  /** Makes room for `more` blocks. */
  reserve(more: number): void {
    if (this.count + more > this.I.length) this.resize(Math.max(this.count + more, Math.ceil(this.I.length * 1.5)));
  }

  add(i: number, j: number, k: number): number {
    if (this.count === this.I.length) this.resize(2 * this.count);
    const b = this.count++;
    this.I[b] = i;
    this.J[b] = j;
    this.K[b] = k;
    this.child[b] = -1;
    return b;
  }

  private resize(cap: number): void {
    const grow = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.I = grow(this.I);
    this.J = grow(this.J);
    this.K = grow(this.K);
    this.lo = grow(this.lo);
    this.hi = grow(this.hi);
    this.child = grow(this.child);
    this.err = grow(this.err);
    const d = new Uint8Array(cap);
    d.set(this.direct);
    this.direct = d;
  }
}

const imageScratch = new Int32Array(3);

/** First point of brick `key` of a level's grid. */
function brickOrigin(store: LevelPoints, key: number): [number, number, number] {
  const bi = key % store.nb[0], rest = (key - bi) / store.nb[0];
  const bj = rest % store.nb[1], bk = (rest - bj) / store.nb[1];
  return [bi * BRICK, bj * BRICK, bk * BRICK];
}

/** Energies (and curvature bounds) of one level's grid points, stored by BRICK³ brick. */
class LevelPoints {
  /** Storage slot of each brick of the level's grid, −1 when not evaluated (dense: a level has few bricks). */
  readonly slotOf: Int32Array;
  slots = 0;
  energy: Float32Array = new Float32Array(0);
  curvature: Float32Array = new Float32Array(0);
  readonly nb: [number, number, number];
  constructor(readonly n: [number, number, number]) {
    this.nb = [Math.ceil(n[0] / BRICK), Math.ceil(n[1] / BRICK), Math.ceil(n[2] / BRICK)];
    this.slotOf = new Int32Array(this.nb[0] * this.nb[1] * this.nb[2]).fill(-1);
  }
  brickKey(i: number, j: number, k: number): number {
    return (i >> 2) + this.nb[0] * ((j >> 2) + this.nb[1] * (k >> 2));
  }
  /** Offset of point (i, j, k) in energy/curvature, or −1 if its brick was not evaluated. */
  offsetOf(i: number, j: number, k: number): number {
    const s = this.slotOf[(i >> 2) + this.nb[0] * ((j >> 2) + this.nb[1] * (k >> 2))]!;
    if (s < 0) return -1;
    return (s << 6) + (i & 3) + ((j & 3) << 2) + ((k & 3) << 4);
  }
  append(keys: Int32Array, energy: Float32Array, curvature: Float32Array | null): void {
    const per = BRICK * BRICK * BRICK;
    const need = per * (this.slots + keys.length);
    const growTo = (a: Float32Array): Float32Array => {
      if (a.length >= need) return a;
      const b = new Float32Array(Math.max(need, Math.ceil(a.length * 1.5)));
      b.set(a);
      return b;
    };
    this.energy = growTo(this.energy);
    this.energy.set(energy, per * this.slots);
    if (curvature) {
      this.curvature = growTo(this.curvature);
      this.curvature.set(curvature, per * this.slots);
    }
    for (let n = 0; n < keys.length; n++) this.slotOf[keys[n]!] = this.slots + n;
    this.slots += keys.length;
  }
}

/** The band around each guessed threshold refined first: this fraction of the bracket's width, plus the floor (eV). */
const GUESS_BAND_FRACTION = 0.125;
const GUESS_BAND_FLOOR = 0.002;
const MAX_TARGETED_PASSES = 24;
const DIRECT_BOUND_ABOVE_ERR = 3; // eV: ambiguous blocks whose curvature error exceeds this (an atom near) try the direct lower bound

export async function refineThresholds(fw: Framework, opts: RefineOptions): Promise<RefineResult> {
  const t0 = performance.now();
  const connectivity = checkConnectivity(opts.connectivity ?? 6);
  const encut = opts.encut ?? 10;
  const h = opts.resolution;
  if (!(h > 0)) throw new RangeError(`resolution must be positive, got ${h}`);
  const coarsest = Math.max(h, opts.coarsest ?? 0.2);
  const m = fw.lattice;
  const len = [0, 1, 2].map((a) => Math.hypot(m[3 * a]!, m[3 * a + 1]!, m[3 * a + 2]!));
  const { steps: L, coarse: n0, finest: nf } = refinementGrids(m, h, coarsest);
  const S = 1 << L;
  const levelN = (l: number): [number, number, number] => [n0[0] << l, n0[1] << l, n0[2] << l];

  const prep = prepareCells(fw);
  const canBricks = typeof opts.backend.computeBricks === 'function';
  const valueSlack = !canBricks || opts.backend.name === 'cpu' ? { abs: 1e-5, rel: 2e-7 } : { abs: 2e-4, rel: 2e-4 };
  const points = Array.from({ length: L + 1 }, (_, l) => new LevelPoints(levelN(l)));
  const blocks = Array.from({ length: L + 1 }, () => new LevelBlocks());
  // Per level ℓ < L: the block edge lengths (Å), the ball radius that covers a block from any corner, the
  // interpolation factor (h_a² + h_b² + h_c²)/8, and the curvature table for that radius.
  const levelGeom = Array.from({ length: L }, (_, l) => {
    const n = levelN(l);
    const a = [0, 1, 2].map((d) => m[d]! / n[0]), b = [0, 1, 2].map((d) => m[3 + d]! / n[1]), c = [0, 1, 2].map((d) => m[6 + d]! / n[2]);
    let diag = 0;
    for (const sb of [-1, 1]) for (const sc of [-1, 1]) diag = Math.max(diag, Math.hypot(a[0]! + sb * b[0]! + sc * c[0]!, a[1]! + sb * b[1]! + sc * c[1]!, a[2]! + sb * b[2]! + sc * c[2]!));
    const edges2 = (len[0]! / n[0]) ** 2 + (len[1]! / n[1]) ** 2 + (len[2]! / n[2]) ** 2;
    const table = curvatureTable(prep, diag);
    return { a, b, c, diag, interp: edges2 / 8, table };
  });
  let pointsEvaluated = 0, pointsFilled = 0, boundsEvaluated = 0, pairTerms = 0, passes = 0;
  // The operations that map each level's grid onto itself (none without symmetry, or when only the identity does).
  const levelSymmetry = Array.from({ length: L + 1 }, (_, l) => {
    if (!opts.symmetry || opts.symmetry.length < 2) return null;
    const [nx, ny, nz] = levelN(l);
    const gs = gridSymmetry(opts.symmetry, { nx, ny, nz });
    return gs.operations.length > 1 ? gs : null;
  });

  let eMaxEvaluated = -Infinity;
  const timings: Record<string, number> = { energy: 0, bounds: 0, symmetry: 0, graph: 0, sweep: 0 };

  /** Evaluates the bricks (at level l) that hold the given level-l points and are not known yet. */
  async function ensurePoints(l: number, pts: Int32Array, count: number): Promise<void> {
    const store = points[l]!;
    const wanted = new Uint8Array(store.slotOf.length);
    let nKeys = 0;
    for (let p = 0; p < count; p++) {
      const i = pts[3 * p]!, j = pts[3 * p + 1]!, k = pts[3 * p + 2]!;
      if (energyAt(l, i, j, k) !== undefined) continue;
      const key = store.brickKey(i, j, k);
      if (!wanted[key]) (wanted[key] = 1), nKeys++;
    }
    if (nKeys === 0) return;
    // With symmetry, a brick whose every point has an image already known (or in a brick evaluated now) is filled
    // from those images instead of evaluated: the field of the symmetrized framework is invariant under them.
    const sym = levelSymmetry[l] ?? null;
    let fill: { keys: number[]; ops: number[] } | null = null;
    const ty = performance.now();
    if (sym) {
      const keys: number[] = [];
      const ops: number[] = [];
      // wanted: 1 = to evaluate, 2 = to evaluate because a filled brick takes values from it (never filled itself).
      let last = 1;
      for (let key = 0; key < wanted.length; key++) {
        if (wanted[key] !== 1) continue;
        const op = fillSource(l, key, wanted, sym, last);
        if (op < 0) continue;
        last = op;
        wanted[key] = 0;
        nKeys--;
        keys.push(key);
        ops.push(op);
      }
      if (keys.length > 0) fill = { keys, ops };
    }
    timings.symmetry! += performance.now() - ty;
    if (nKeys > 0) await evaluateBricks(l, wanted, nKeys);
    const tf = performance.now();
    if (fill) fillBricks(l, fill.keys, fill.ops, sym!);
    timings.symmetry! += performance.now() - tf;
  }

  /** Evaluates the level-l bricks marked in `wanted` (nKeys of them) and stores their energies and curvature bounds. */
  async function evaluateBricks(l: number, wanted: Uint8Array, nKeys: number): Promise<void> {
    const store = points[l]!;
    const list = new Int32Array(nKeys);
    for (let key = 0, q = 0; key < wanted.length; key++) if (wanted[key] !== 0) list[q++] = key;
    const bricks = new Int32Array(3 * list.length);
    list.forEach((key, b) => {
      const [i, j, k] = brickOrigin(store, key);
      bricks[3 * b] = i;
      bricks[3 * b + 1] = j;
      bricks[3 * b + 2] = k;
    });
    const grid = { nx: store.n[0], ny: store.n[1], nz: store.n[2] };
    const te = performance.now();
    let energy: Float32Array;
    if (canBricks) {
      const r = await opts.backend.computeBricks!(fw, grid, bricks);
      energy = r.energies;
      pairTerms += r.pairTerms;
    } else {
      const r = await opts.cpu.runPrepared(prep, grid, { kind: 'bricks', bricks });
      energy = r.values;
      pairTerms += r.pairTerms;
    }
    const tb = performance.now();
    let curvature: Float32Array | null = null;
    if (l < L) {
      curvature = (await opts.cpu.runPrepared(levelGeom[l]!.table.prep, grid, { kind: 'bricks', bricks })).values;
      boundsEvaluated += curvature.length;
    }
    timings.energy! += tb - te;
    timings.bounds! += performance.now() - tb;
    pointsEvaluated += energy.length;
    for (let q = 0; q < energy.length; q++) {
      const e = energy[q]!;
      if (e > eMaxEvaluated && e !== Infinity) eMaxEvaluated = e;
    }
    store.append(list, energy, curvature);
  }

  /**
   * An operation that maps every point of level-l brick `key` (inside the grid) onto a point already known or in a
   * brick about to be evaluated (`pending` non-zero), or −1. One operation per brick keeps the search cheap: most
   * operations fail at the first point. The pending bricks it uses are marked 2: evaluated, never filled in turn.
   */
  function fillSource(l: number, key: number, pending: Uint8Array, sym: GridSymmetry, first: number): number {
    const store = points[l]!;
    const [i0, j0, k0] = brickOrigin(store, key);
    const i1 = Math.min(store.n[0], i0 + BRICK), j1 = Math.min(store.n[1], j0 + BRICK), k1 = Math.min(store.n[2], k0 + BRICK);
    const ops = sym.operations.length;
    const img = imageScratch;
    const available = (x: number, y: number, z: number): boolean => {
      const k2 = store.brickKey(x, y, z);
      return k2 !== key && (pending[k2] !== 0 || energyAt(l, x, y, z) !== undefined);
    };
    for (let t = 0; t < ops - 1; t++) {
      const op = 1 + ((first - 1 + t) % (ops - 1));
      let ok = true;
      for (let k = k0; k < k1 && ok; k++)
        for (let j = j0; j < j1 && ok; j++)
          for (let i = i0; i < i1; i++) {
            gridImageOf(sym, op, i, j, k, img);
            if (!available(img[0]!, img[1]!, img[2]!)) {
              ok = false;
              break;
            }
          }
      if (!ok) continue;
      for (let k = k0; k < k1; k++)
        for (let j = j0; j < j1; j++)
          for (let i = i0; i < i1; i++) {
            gridImageOf(sym, op, i, j, k, img);
            const k2 = store.brickKey(img[0]!, img[1]!, img[2]!);
            if (pending[k2]) pending[k2] = 2;
          }
      return op;
    }
    return -1;
  }

  /** Stores bricks filled through the operations fillSource chose (all their images are known now). */
  function fillBricks(l: number, keys: number[], ops: number[], sym: GridSymmetry): void {
    const store = points[l]!;
    const per = BRICK * BRICK * BRICK;
    const energy = new Float32Array(per * keys.length);
    const curvature = l < L ? new Float32Array(per * keys.length) : null;
    const img = imageScratch;
    keys.forEach((key, b) => {
      const [i0, j0, k0] = brickOrigin(store, key);
      const op = ops[b]!;
      for (let q = 0; q < per; q++) {
        const i = i0 + (q & 3), j = j0 + ((q >> 2) & 3), k = k0 + (q >> 4);
        if (i >= store.n[0] || j >= store.n[1] || k >= store.n[2]) continue;
        gridImageOf(sym, op, i, j, k, img);
        const x = img[0]!, y = img[1]!, z = img[2]!;
        const e = energyAt(l, x, y, z);
        if (e === undefined) throw new Error(`internal: symmetric image (${x}, ${y}, ${z}) of level-${l} point (${i}, ${j}, ${k}) was not evaluated`);
        energy[per * b + q] = e;
        if (curvature) curvature[per * b + q] = curvatureAt(l, x, y, z);
      }
    });
    pointsFilled += energy.length;
    store.append(Int32Array.from(keys), energy, curvature);
  }

  /**
   * A value stored for level-l point (i, j, k) (wrapped): at that level, or at the same point of a coarser level
   * (even indices halve); undefined when no level evaluated it. The finest level stores no curvature bound.
   */
  function storedAt(l: number, i: number, j: number, k: number, field: 'energy' | 'curvature'): number | undefined {
    for (;;) {
      const o = points[l]!.offsetOf(i, j, k);
      if (o >= 0 && (field === 'energy' || l < L)) return points[l]![field][o]!;
      if (l === 0 || (i | j | k) & 1) return undefined;
      i >>= 1;
      j >>= 1;
      k >>= 1;
      l--;
    }
  }
  /** Energy at level-l point (i, j, k), from the level where it was evaluated. */
  function energyAt(l: number, i: number, j: number, k: number): number | undefined {
    return storedAt(l, i, j, k, 'energy');
  }
  /** Curvature bound at level-l point (i, j, k) for a ball covering a level-l block (a coarser one is valid too). */
  function curvatureAt(l: number, i: number, j: number, k: number): number {
    return storedAt(l, i, j, k, 'curvature') ?? Infinity;
  }

  /**
   * Lower bound of the backend's values over a ball (centre c, radius rho): the minimum of each pair term over its
   * distance range, each term as the kernel's table gives it, less the table's and the backend's error.
   */
  function directLowerBound(cx: number, cy: number, cz: number, rho: number): number {
    const { binOrigin, binSize, binDims, binStart, images, imageType, cutoff } = prep;
    const reach = cutoff + rho;
    const lo = [0, 0, 0], hi = [0, 0, 0];
    const c = [cx, cy, cz];
    for (let d = 0; d < 3; d++) {
      lo[d] = Math.max(0, Math.floor((c[d]! - reach - binOrigin[d]!) / binSize));
      hi[d] = Math.min(binDims[d]! - 1, Math.floor((c[d]! + reach - binOrigin[d]!) / binSize));
      if (lo[d]! > hi[d]!) return 0;
    }
    let sum = 0, weight = 0;
    for (let bz = lo[2]!; bz <= hi[2]!; bz++)
      for (let by = lo[1]!; by <= hi[1]!; by++) {
        const row = binDims[0]! * (by + binDims[1]! * bz);
        for (let a = binStart[row + lo[0]!]!, end = binStart[row + hi[0]! + 1]!; a < end; a++) {
          const dx = images[4 * a]! - cx, dy = images[4 * a + 1]! - cy, dz = images[4 * a + 2]! - cz;
          const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
          const near = r - rho;
          if (near >= cutoff) continue;
          const far = Math.min(r + rho, cutoff);
          const ti = imageType[a]!;
          const t = prep.types[ti]!;
          let min: number;
          if (t.kind === 'morse') {
            if (near <= t.rmin && t.rmin <= far) min = -0.5 * t.d0;
            else {
              const x = far < t.rmin ? far : Math.max(near, 0);
              min = tablePairEnergy(prep, ti, x * x);
            }
          } else if (t.k >= 0) min = tablePairEnergy(prep, ti, far * far);
          else return -Infinity;
          // Past the cutoff the kernel adds nothing, so 0 is one of the values the term can take.
          if (r + rho >= cutoff) min = Math.min(min, 0);
          const w = images[4 * a + 3]!;
          sum += w * min;
          weight += w;
        }
      }
    // The kernel's value at any point of the range is within the table error of the exact term, as is the endpoint
    // value used here (twice the table error per term); then the float32 rounding of the total.
    return sum - 2 * weight * prep.tableMaxError - (valueSlack.abs + valueSlack.rel * Math.abs(sum));
  }

  /** Bounds of block b at level l (all its corners must be known). */
  function boundBlock(l: number, b: number, parentLo: number, parentHi: number): void {
    const blk = blocks[l]!;
    const I = blk.I[b]!, J = blk.J[b]!, K = blk.K[b]!;
    if (l === L) {
      const e = energyAt(L, I, J, K)!;
      blk.lo[b] = e;
      blk.hi[b] = e;
      blk.err[b] = 0;
      return;
    }
    const n = points[l]!.n;
    let eMin = Infinity, eMax = -Infinity, hMin = Infinity, finite = true;
    for (let c = 0; c < 8; c++) {
      const i = (I + (c & 1)) % n[0], j = (J + ((c >> 1) & 1)) % n[1], k = (K + ((c >> 2) & 1)) % n[2];
      const e = energyAt(l, i, j, k)!;
      if (!Number.isFinite(e)) finite = false;
      if (e < eMin) eMin = e;
      if (e > eMax) eMax = e;
      const hc = curvatureAt(l, i, j, k);
      if (hc < hMin) hMin = hc;
    }
    const g = levelGeom[l]!;
    // Slack: how far the backend's values may stray from the float64 field (twice: corners and the point). The CPU
    // kernel: float32 rounding and its table (≪ 1e-5 eV). Other backends (WebGPU's float32 arithmetic): their
    // tolerance contract, 1e-4 relative (test/backends/gpu-helpers.ts), doubled.
    const slack = valueSlack.abs + valueSlack.rel * Math.max(Math.abs(eMin), Math.abs(eMax));
    const err = finite && hMin < CURVATURE_CAP ? (hMin + g.table.tailBound) * g.interp + slack : Infinity;
    const lo = finite ? eMin - err : -Infinity;
    const hi = finite ? eMax + err : Infinity;
    blk.lo[b] = Math.max(lo, parentLo);
    blk.hi[b] = Math.min(hi, parentHi);
    blk.err[b] = err;
  }

  /**
   * Near an atom the curvature bound is loose or unbounded: tighten lo by bounding each pair term over the block.
   * Done only for blocks that would otherwise be refined. Returns the new lo.
   */
  function tightenLo(l: number, b: number): number {
    const blk = blocks[l]!;
    if (blk.direct[b]) return blk.lo[b]!;
    blk.direct[b] = 1;
    const n = points[l]!.n;
    const fx = (blk.I[b]! + 0.5) / n[0], fy = (blk.J[b]! + 0.5) / n[1], fz = (blk.K[b]! + 0.5) / n[2];
    const cx = fx * m[0]! + fy * m[3]! + fz * m[6]!, cy = fx * m[1]! + fy * m[4]! + fz * m[7]!, cz = fx * m[2]! + fy * m[5]! + fz * m[8]!;
    const lo = Math.max(blk.lo[b]!, directLowerBound(cx, cy, cz, levelGeom[l]!.diag / 2 + 1e-9));
    blk.lo[b] = lo;
    return lo;
  }

  // Level 0: every point, every block.
  {
    const n = n0;
    const pts = new Int32Array(3 * n[0] * n[1] * n[2]);
    let p = 0;
    for (let k = 0; k < n[2]; k++) for (let j = 0; j < n[1]; j++) for (let i = 0; i < n[0]; i++) (pts[p++] = i), (pts[p++] = j), (pts[p++] = k);
    await ensurePoints(0, pts, p / 3);
    blocks[0]!.reserve(n[0] * n[1] * n[2]);
    for (let k = 0; k < n[2]; k++) for (let j = 0; j < n[1]; j++) for (let i = 0; i < n[0]; i++) blocks[0]!.add(i, j, k);
    const tb = performance.now();
    for (let b = 0; b < blocks[0]!.count; b++) boundBlock(0, b, -Infinity, Infinity);
    timings.bounds! += performance.now() - tb;
  }

  const dirs = neighbourOffsets(connectivity);
  const nDirs = dirs.length / 3;
  let final: ReturnType<typeof graphThresholds> | null = null;
  let upperE3D = Infinity;
  let eMinFinal = Infinity;
  for (let pass = 0; ; pass++) {
    passes = pass + 1;
    // Leaves get node ids; internal blocks none.
    const tg = performance.now();
    const nodeBase: number[] = [];
    const leafId = blocks.map((blk) => new Int32Array(blk.count).fill(-1));
    let nodes = 0;
    for (let l = 0; l <= L; l++) {
      nodeBase.push(nodes);
      const blk = blocks[l]!;
      for (let b = 0; b < blk.count; b++) if (blk.child[b]! < 0) leafId[l]![b] = nodes++;
    }
    const lo32 = new Float32Array(nodes), hi32 = new Float32Array(nodes);
    const nodeLevel = new Uint8Array(nodes), nodeBlock = new Int32Array(nodes);
    let emHi = Infinity;
    for (let l = 0; l <= L; l++) {
      const blk = blocks[l]!;
      for (let b = 0; b < blk.count; b++) {
        const id = leafId[l]![b]!;
        if (id < 0) continue;
        lo32[id] = roundDown32(blk.lo[b]!);
        hi32[id] = roundUp32(blk.hi[b]!);
        nodeLevel[id] = l;
        nodeBlock[id] = b;
        if (blk.hi[b]! < emHi) emHi = blk.hi[b]!;
      }
    }
    // Edges between leaves: each leaf looks one fine step past each face (edge, corner) and finds the leaf there;
    // a finer leaf is left to find us, an equal one is taken in the positive directions only.
    // Leaves above the sweep window, or above the last hi-field E_3D (an upper bound on every threshold of this
    // pass's lo-, hi- and mid-fields: hi only falls under refinement, and lo ≤ mid ≤ hi), are never swept before
    // the last threshold is found: they need no node in the graph.
    const windowTop = emHi + encut;
    const limit = Math.min(windowTop, upperE3D);
    const active = (id: number) => lo32[id]! <= limit;
    const edgeList = new EdgeList(nodes * (nDirs / 2 + 1));
    const locate = (i: number, j: number, k: number): number => {
      let b = (i >> L) + n0[0] * ((j >> L) + n0[1] * (k >> L));
      for (let l = 0; ; l++) {
        const c = blocks[l]!.child[b]!;
        if (c < 0) return (l << 28) | b;
        const sh = L - l - 1;
        b = c + ((i >> sh) & 1) + 2 * ((j >> sh) & 1) + 4 * ((k >> sh) & 1);
      }
    };
    for (let l = 0; l <= L; l++) {
      const blk = blocks[l]!;
      const s = 1 << (L - l);
      for (let b = 0; b < blk.count; b++) {
        const id = leafId[l]![b]!;
        if (id < 0 || !active(id)) continue;
        const oi = blk.I[b]! * s, oj = blk.J[b]! * s, ok = blk.K[b]! * s;
        for (let d = 0; d < nDirs; d++) {
          const di = dirs[3 * d]!, dj = dirs[3 * d + 1]!, dk = dirs[3 * d + 2]!;
          let ti = di > 0 ? oi + s : di < 0 ? oi - 1 : oi;
          let tj = dj > 0 ? oj + s : dj < 0 ? oj - 1 : oj;
          let tk = dk > 0 ? ok + s : dk < 0 ? ok - 1 : ok;
          const wi = ti < 0 ? -1 : ti >= nf[0] ? 1 : 0, wj = tj < 0 ? -1 : tj >= nf[1] ? 1 : 0, wk = tk < 0 ? -1 : tk >= nf[2] ? 1 : 0;
          ti -= wi * nf[0];
          tj -= wj * nf[1];
          tk -= wk * nf[2];
          const found = locate(ti, tj, tk);
          const fl = found >>> 28, fb = found & 0x0fffffff;
          if (fl > l) continue;
          if (fl === l && (di !== 0 ? di : dj !== 0 ? dj : dk) < 0) continue;
          const other = leafId[fl]![fb]!;
          if (!active(other)) continue;
          edgeList.push(id, other, wi, wj, wk);
        }
      }
    }
    const graph = edgeList.toGraph(nodes);
    const ts = performance.now();
    timings.graph! += ts - tg;
    const tHi = graphThresholds(graph, hi32, limit);
    const tLo = graphThresholds(graph, lo32, limit);
    if (tHi.thresholds[2] !== null && tHi.thresholds[2] < upperE3D) upperE3D = tHi.thresholds[2];
    timings.sweep! += performance.now() - ts;

    // Blocks that can still change E_min or a threshold.
    const td = performance.now();
    const refine: number[] = []; // (level << 28) | block
    // Refining every ambiguous block would refine everything inside the bracket [T_lo, T_hi], which at coarse levels
    // is wide. Blocks around the best guess go first: once they are exact, the bracket closes onto the guess (when
    // the guess was right) and the rest stops being ambiguous. Any ambiguity left is refined in later passes.
    for (let id = 0; id < nodes; id++) {
      const l = nodeLevel[id]!;
      if (l === L) continue;
      const b = nodeBlock[id]!;
      const hi = hi32[id]!;
      const isAmbiguous = (lo: number): boolean => {
        if (lo <= emHi) return true;
        for (let r = 0; r < 3; r++) {
          const tl = tLo.thresholds[r];
          if (tl === null) continue; // not percolating even in the lo-field: not within the window
          const th = tHi.thresholds[r] ?? limit;
          if (lo <= th && hi >= tl!) return true;
        }
        return false;
      };
      if (!isAmbiguous(lo32[id]!)) continue;
      if (blocks[l]!.err[b]! > DIRECT_BOUND_ABOVE_ERR && !blocks[l]!.direct[b]) {
        if (!isAmbiguous(roundDown32(tightenLo(l, b)))) continue;
      }
      refine.push((l << 28) | b);
    }
    timings.decide = (timings.decide ?? 0) + performance.now() - td;
    if (refine.length === 0) {
      final = tHi;
      eMinFinal = emHi;
      break;
    }
    // A best guess of each threshold: the field at the middle of every block's bounds. Targeted blocks first;
    // everything ambiguous when no block is near a guess, or after many passes (always terminates: each full pass
    // takes every ambiguous block one level down).
    const tm = performance.now();
    const mid32 = new Float32Array(nodes);
    for (let id = 0; id < nodes; id++) {
      const lo = lo32[id]!, hi = hi32[id]!;
      mid32[id] = Number.isFinite(lo) && Number.isFinite(hi) ? 0.5 * (lo + hi) : hi;
    }
    const tMid = graphThresholds(graph, mid32, limit);
    timings.sweep! += performance.now() - tm;
    const guess = [0, 1, 2].map((r) => {
      const tl = tLo.thresholds[r], th = tHi.thresholds[r] ?? limit;
      if (tl === null || tl === undefined) return null;
      const est = tMid.thresholds[r] ?? th;
      const delta = GUESS_BAND_FRACTION * (th - tl) + GUESS_BAND_FLOOR;
      return { lo: est - delta, hi: est + delta };
    });
    const targeted = refine.filter((code) => {
      const l = code >>> 28, b = code & 0x0fffffff;
      const lo = blocks[l]!.lo[b]!, hi = blocks[l]!.hi[b]!;
      return lo <= emHi || guess.some((g) => g !== null && lo <= g.hi && hi >= g.lo);
    });
    const chosen = targeted.length > 0 && pass < MAX_TARGETED_PASSES ? targeted : refine;

    // Children, then the points their bounds need, level by level.
    // Per level: the parents split (level ℓ−1 indices) and the first of each one's 8 children (level ℓ), created in
    // one run so that the children of a parent are consecutive.
    const perLevel = Array.from({ length: L + 1 }, () => 0);
    for (const code of chosen) perLevel[(code >>> 28) + 1]!++;
    const parentsAt = perLevel.map((n) => new Int32Array(n));
    const firstChildAt = perLevel.map((n) => new Int32Array(n));
    const filled = perLevel.map(() => 0);
    for (let l = 1; l <= L; l++) blocks[l]!.reserve(8 * perLevel[l]!);
    for (const code of chosen) {
      const l = code >>> 28, b = code & 0x0fffffff;
      const blk = blocks[l]!, next = blocks[l + 1]!;
      const I = 2 * blk.I[b]!, J = 2 * blk.J[b]!, K = 2 * blk.K[b]!;
      const first = next.add(I, J, K);
      for (let c = 1; c < 8; c++) next.add(I + (c & 1), J + ((c >> 1) & 1), K + ((c >> 2) & 1));
      blk.child[b] = first;
      const q = filled[l + 1]!++;
      parentsAt[l + 1]![q] = b;
      firstChildAt[l + 1]![q] = first;
    }
    for (let l = 1; l <= L; l++) {
      const groups = perLevel[l]!;
      if (groups === 0) continue;
      const blk = blocks[l]!;
      const n = points[l]!.n;
      const corners = l < L ? 8 : 1;
      const pts = new Int32Array(3 * corners * 8 * groups);
      let p = 0;
      for (let g = 0; g < groups; g++)
        for (let b = firstChildAt[l]![g]!, end = b + 8; b < end; b++)
          for (let c = 0; c < corners; c++) {
            pts[p++] = (blk.I[b]! + (c & 1)) % n[0];
            pts[p++] = (blk.J[b]! + ((c >> 1) & 1)) % n[1];
            pts[p++] = (blk.K[b]! + ((c >> 2) & 1)) % n[2];
          }
      await ensurePoints(l, pts, p / 3);
      const tb = performance.now();
      const parent = blocks[l - 1]!;
      for (let g = 0; g < groups; g++) {
        const pb = parentsAt[l]![g]!;
        for (let b = firstChildAt[l]![g]!, end = b + 8; b < end; b++) boundBlock(l, b, parent.lo[pb]!, parent.hi[pb]!);
      }
      timings.bounds! += performance.now() - tb;
    }
  }

  const pick = <T>(f: (r: number) => T): PerDimension<T> => ({ '1D': f(0), '2D': f(1), '3D': f(2) });
  const thresholds = pick((r) => {
    const t = final!.thresholds[r] ?? null;
    return t !== null && t <= eMinFinal + encut ? t : null;
  });
  const leavesByLevel = blocks.map((blk) => {
    let c = 0;
    for (let b = 0; b < blk.count; b++) if (blk.child[b]! < 0) c++;
    return c;
  });

  function assembleGrid(kind: 'interpolated' | 'upper' = 'interpolated'): Float32Array {
    const upper = kind === 'upper';
    const out = new Float32Array(nf[0] * nf[1] * nf[2]);
    const fill = (l: number, b: number): void => {
      const blk = blocks[l]!;
      const c = blk.child[b]!;
      if (c >= 0) {
        for (let q = 0; q < 8; q++) fill(l + 1, c + q);
        return;
      }
      const s = 1 << (L - l);
      const I = blk.I[b]!, J = blk.J[b]!, K = blk.K[b]!;
      if (l === L) {
        out[I + nf[0] * (J + nf[1] * K)] = energyAt(L, I, J, K)!;
        return;
      }
      const n = points[l]!.n;
      const e: number[] = [];
      for (let q = 0; q < 8; q++) e.push(energyAt(l, (I + (q & 1)) % n[0], (J + ((q >> 1) & 1)) % n[1], (K + ((q >> 2) & 1)) % n[2])!);
      const err = blk.err[b]!, hi = blk.hi[b]!, lo = blk.lo[b]!;
      for (let z = 0; z < s; z++)
        for (let y = 0; y < s; y++)
          for (let x = 0; x < s; x++) {
            const u = x / s, v = y / s, w = z / s;
            const interp =
              (1 - w) * ((1 - v) * ((1 - u) * e[0]! + u * e[1]!) + v * ((1 - u) * e[2]! + u * e[3]!)) +
              w * ((1 - v) * ((1 - u) * e[4]! + u * e[5]!) + v * ((1 - u) * e[6]! + u * e[7]!));
            // 'upper': on the same side of every threshold as the true value (see the file comment).
            const val = upper ? Math.min(interp + err, hi) : Math.min(Math.max(interp, lo), hi);
            out[I * s + x + nf[0] * (J * s + y + nf[1] * (K * s + z))] = Number.isNaN(val) ? Infinity : upper ? roundUp32(val) : val;
          }
    };
    for (let b = 0; b < blocks[0]!.count; b++) fill(0, b);
    return out;
  }

  timings.total = performance.now() - t0;
  return {
    grid: { nx: nf[0], ny: nf[1], nz: nf[2] },
    levels: L + 1,
    coarseGrid: { nx: n0[0], ny: n0[1], nz: n0[2] },
    eMin: eMinFinal,
    eMaxEvaluated,
    thresholds,
    barriers: pick((r) => {
      const t = thresholds[(['1D', '2D', '3D'] as const)[r]!];
      return t === null ? null : t - eMinFinal;
    }),
    pointsEvaluated,
    pointsFilled,
    pointsUniform: nf[0] * nf[1] * nf[2],
    boundsEvaluated,
    pairTerms,
    leavesByLevel,
    passes,
    timingsMs: timings,
    assembleGrid,
  };
}

/**
 * The grids of a refinement: `steps` refinements (refinementSteps), the coarsest grid and the finest, exactly 2^steps
 * times it along each axis with spacing ≤ `resolution` (so it can be a few points larger than gridForResolution's).
 */
export function refinementGrids(lattice: ArrayLike<number>, resolution: number, coarsest: number): { steps: number; coarse: [number, number, number]; finest: [number, number, number] } {
  const steps = refinementSteps(resolution, coarsest);
  const S = 1 << steps;
  const coarse = [0, 1, 2].map((a) => {
    const l = Math.hypot(lattice[3 * a]!, lattice[3 * a + 1]!, lattice[3 * a + 2]!);
    return Math.max(1, Math.ceil(l / (resolution * S) - 1e-9));
  }) as [number, number, number];
  return { steps, coarse, finest: [coarse[0] * S, coarse[1] * S, coarse[2] * S] };
}

/** Refinements from the coarsest level (spacing ≈ `coarsest`) to the finest (≤ `resolution`); 0 means one uniform grid. */
export function refinementSteps(resolution: number, coarsest: number): number {
  return Math.max(0, Math.round(Math.log2(Math.max(resolution, coarsest) / resolution)));
}

/** Largest float32 ≤ x. */
function roundDown32(x: number): number {
  const f = Math.fround(x);
  if (f <= x || !Number.isFinite(x)) return f;
  return Math.fround(x - Math.max(Math.abs(x) * 1.2e-7, 1e-38));
}
/** Smallest float32 ≥ x. */
function roundUp32(x: number): number {
  const f = Math.fround(x);
  if (f >= x || !Number.isFinite(x)) return f;
  return Math.fround(x + Math.max(Math.abs(x) * 1.2e-7, 1e-38));
}

