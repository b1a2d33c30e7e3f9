// Exact percolation thresholds in one sweep (docs/ARCHITECTURE.md, "Percolation"): add grid points in increasing energy to a
// union-find over the periodic grid; every node knows its lattice offset to its root, so an edge inside
// one set whose two ends disagree on the offset closes a loop around the torus, and that offset
// difference joins the set's winding lattice. The first energy at which any set's winding rank reaches
// 1, 2, 3 is E_1D, E_2D, E_3D. Memory: parent Int32 + offsets 3×Int16 + rank Uint8 + order Uint32 = 15 B/point
// (the order only over the points sorted: those up to the band the sweep stopped in), plus one transient 4 B/point
// array during the sort. The order outlives the sweep until findBasins takes it (sortedUpTo) or the next sweep runs.
import type { GridSpec } from '../grid/index.js';
import { sortedIndicesUpTo } from './sort.js';
import { WindingLattice, type IVec3 } from './winding.js';
import { checkConnectivity, neighbourOffsets, type Connectivity } from './grid-walk.js';
import type { PercolationResult, PerDimension } from './types.js';

export interface PercolateOptions {
  /** Energy window above eMin to sweep (eV); thresholds above eMin + encut are null. Default 10. */
  encut?: number;
  /**
   * Grid neighbours: 6 (faces, the default: docs/ARCHITECTURE.md), 18 (and edges) or 26 (and corners: what
   * bvlain's scipy labelling uses). More neighbours let paths cut corners, so barriers can only drop.
   */
  connectivity?: Connectivity;
  /** Offsets start as 16-bit and switch to 32-bit on overflow; 32 starts wide (tests, pathological grids). */
  offsetBits?: 16 | 32;
  /** Stop once this winding rank is reached (default 3: everything there is to find); 4 never stops early. */
  stopAtRank?: 1 | 2 | 3 | 4;
}

const HAS_BASIS = 0x80;
const RANK_MASK = 0x7f;

export class OffsetOverflow extends Error {}

/** Union-find whose nodes carry their integer lattice offset to their parent (interleaved x, y, z). */
export class PeriodicUnionFind {
  readonly parent: Int32Array;
  readonly off: Int16Array | Int32Array;
  /** Low 7 bits: union rank; bit 7: the root has a winding lattice in `bases`. */
  readonly rank: Uint8Array;
  readonly bases = new Map<number, WindingLattice>();
  private readonly limit: number;
  /** Offset of the node passed to the last find(), relative to the root it returned. */
  fx = 0;
  fy = 0;
  fz = 0;
  maxRank = 0;

  constructor(n: number, wide: boolean, reuse?: { parent: Int32Array; off: Int16Array | Int32Array }) {
    this.parent = reuse?.parent ?? new Int32Array(n);
    this.parent.fill(-1);
    this.off = reuse?.off ?? (wide ? new Int32Array(3 * n) : new Int16Array(3 * n));
    this.off.fill(0);
    this.limit = wide ? 0x3fffffff : 0x7fff;
    this.rank = new Uint8Array(n);
  }

  find(start: number): number {
    const parent = this.parent;
    const off = this.off;
    let x = start;
    let ax = 0,
      ay = 0,
      az = 0;
    for (;;) {
      const p = parent[x]!;
      if (p === x) break;
      const gp = parent[p]!;
      const ox = 3 * x;
      if (gp !== p) {
        // Path halving: hang x on its grandparent, adding the parent's offset.
        const op = 3 * p;
        const nx = off[ox]! + off[op]!,
          ny = off[ox + 1]! + off[op + 1]!,
          nz = off[ox + 2]! + off[op + 2]!;
        const lim = this.limit;
        if (nx > lim || nx < -lim || ny > lim || ny < -lim || nz > lim || nz < -lim) throw new OffsetOverflow();
        off[ox] = nx;
        off[ox + 1] = ny;
        off[ox + 2] = nz;
        parent[x] = gp;
      }
      ax += off[ox]!;
      ay += off[ox + 1]!;
      az += off[ox + 2]!;
      x = parent[x]!;
    }
    this.fx = ax;
    this.fy = ay;
    this.fz = az;
    return x;
  }

  /** Edge from active node p to node q, where q's copy sits in p's cell shifted by (wx, wy, wz). */
  connect(p: number, q: number, wx: number, wy: number, wz: number): void {
    if (this.parent[q]! < 0) return;
    const rp = this.find(p);
    const px = this.fx,
      py = this.fy,
      pz = this.fz;
    const rq = this.find(q);
    // Offset of q's root relative to p's root implied by this edge.
    const dx = px + wx - this.fx,
      dy = py + wy - this.fy,
      dz = pz + wz - this.fz;
    if (rp === rq) {
      if (dx !== 0 || dy !== 0 || dz !== 0) this.addWinding(rp, dx, dy, dz);
      return;
    }
    const lim = this.limit;
    if (dx > lim || dx < -lim || dy > lim || dy < -lim || dz > lim || dz < -lim) throw new OffsetOverflow();
    const rankP = this.rank[rp]! & RANK_MASK,
      rankQ = this.rank[rq]! & RANK_MASK;
    const off = this.off;
    if (rankP < rankQ) {
      this.parent[rp] = rq;
      off[3 * rp] = -dx;
      off[3 * rp + 1] = -dy;
      off[3 * rp + 2] = -dz;
      this.mergeBases(rp, rq);
    } else {
      this.parent[rq] = rp;
      off[3 * rq] = dx;
      off[3 * rq + 1] = dy;
      off[3 * rq + 2] = dz;
      if (rankP === rankQ) this.rank[rp] = this.rank[rp]! + 1;
      this.mergeBases(rq, rp);
    }
  }

  private addWinding(root: number, dx: number, dy: number, dz: number): void {
    let basis = this.bases.get(root);
    if (basis === undefined) {
      basis = new WindingLattice();
      this.bases.set(root, basis);
      this.rank[root] = this.rank[root]! | HAS_BASIS;
    }
    if (basis.add(dx, dy, dz) && basis.rank > this.maxRank) this.maxRank = basis.rank;
  }

  private mergeBases(child: number, root: number): void {
    if ((this.rank[child]! & HAS_BASIS) === 0) return;
    const moving = this.bases.get(child)!;
    this.bases.delete(child);
    this.rank[child] = this.rank[child]! & RANK_MASK;
    const existing = this.bases.get(root);
    let rank: number;
    if (existing === undefined) {
      this.bases.set(root, moving);
      this.rank[root] = this.rank[root]! | HAS_BASIS;
      rank = moving.rank;
    } else {
      existing.addLattice(moving);
      rank = existing.rank;
    }
    if (rank > this.maxRank) this.maxRank = rank;
  }
}

interface SweepOutcome {
  thresholdIndex: [number, number, number];
  windings: [IVec3[], IVec3[], IVec3[]];
  added: number;
}

function sweep(order: Uint32Array, grid: GridSpec, stopAtRank: number, connectivity: Connectivity, uf: PeriodicUnionFind): SweepOutcome {
  const { nx, ny, nz } = grid;
  const parent = uf.parent;
  const nxy = nx * ny;
  const extra = connectivity === 6 ? null : neighbourOffsets(connectivity);
  const thresholdIndex: [number, number, number] = [-1, -1, -1];
  const windings: [IVec3[], IVec3[], IVec3[]] = [[], [], []];
  let added = 0;
  for (let t = 0; t < order.length; t++) {
    const p = order[t]!;
    parent[p] = p;
    added++;
    const i = p % nx;
    const jk = (p - i) / nx;
    const j = jk % ny;
    const k = (jk - j) / ny;
    const before = uf.maxRank;
    if (extra !== null) {
      // Edge and corner neighbours (the six faces follow below); each axis wraps on its own.
      for (let e = 18; e < extra.length; e += 3) {
        let ii = i + extra[e]!,
          jj = j + extra[e + 1]!,
          kk = k + extra[e + 2]!;
        const wx = ii < 0 ? -1 : ii >= nx ? 1 : 0;
        const wy = jj < 0 ? -1 : jj >= ny ? 1 : 0;
        const wz = kk < 0 ? -1 : kk >= nz ? 1 : 0;
        ii -= wx * nx;
        jj -= wy * ny;
        kk -= wz * nz;
        uf.connect(p, ii + nx * (jj + ny * kk), wx, wy, wz);
      }
    }
    // Six face neighbours; stepping off a face wraps to the opposite face and shifts the copy by ±1 cell.
    if (i + 1 < nx) uf.connect(p, p + 1, 0, 0, 0);
    else uf.connect(p, p - i, 1, 0, 0);
    if (i > 0) uf.connect(p, p - 1, 0, 0, 0);
    else uf.connect(p, p + nx - 1, -1, 0, 0);
    if (j + 1 < ny) uf.connect(p, p + nx, 0, 0, 0);
    else uf.connect(p, p - j * nx, 0, 1, 0);
    if (j > 0) uf.connect(p, p - nx, 0, 0, 0);
    else uf.connect(p, p + (ny - 1) * nx, 0, -1, 0);
    if (k + 1 < nz) uf.connect(p, p + nxy, 0, 0, 0);
    else uf.connect(p, p - k * nxy, 0, 0, 1);
    if (k > 0) uf.connect(p, p - nxy, 0, 0, 0);
    else uf.connect(p, p + (nz - 1) * nxy, 0, 0, -1);
    if (uf.maxRank > before) {
      const basis = uf.bases.get(uf.find(p))?.basis() ?? [];
      for (let r = before; r < uf.maxRank; r++) {
        thresholdIndex[r] = p;
        windings[r] = basis.map((v) => [...v] as IVec3);
      }
      if (uf.maxRank >= stopAtRank) break;
    }
  }
  return { thresholdIndex, windings, added };
}

/** Lowest and highest finite energies (NaN and ±Infinity are ignored). */
export function energyRange(energies: Float32Array): { eMin: number; eMax: number } {
  let eMin = Infinity,
    eMax = -Infinity;
  const n = energies.length;
  for (let p = 0; p < n; p++) {
    const e = energies[p]!;
    if (e < eMin && e !== -Infinity) eMin = e;
    if (e > eMax && e !== Infinity) eMax = e;
  }
  return { eMin, eMax };
}

export function percolate(energies: Float32Array, grid: GridSpec, opts: PercolateOptions = {}): PercolationResult {
  const { nx, ny, nz } = grid;
  if (![nx, ny, nz].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new RangeError(`grid dimensions must be positive integers, got ${nx}×${ny}×${nz}`);
  }
  if (energies.length !== nx * ny * nz) {
    throw new RangeError(`energies has ${energies.length} values but the ${nx}×${ny}×${nz} grid has ${nx * ny * nz} points`);
  }
  const encut = opts.encut ?? 10;
  const connectivity = checkConnectivity(opts.connectivity ?? 6);
  if (!(encut >= 0)) throw new RangeError(`encut must be ≥ 0, got ${encut}`);
  const { eMin, eMax } = energyRange(energies);
  if (!Number.isFinite(eMin)) throw new RangeError('the energy grid has no finite value');

  const t0 = performance.now();
  const n = nx * ny * nz;
  const stopAtRank = opts.stopAtRank ?? 3;
  const top = eMin + encut;
  // Points are sorted in bands of energy above eMin (1, 2, 4, … eV wide, up to encut) and swept band by band: the
  // sweep stops at its last threshold, usually 1–2 eV above eMin, while eMin + encut takes in most of the grid
  // (61 % of the 0.2 Å grids of ../shared/cif/named within 10 eV, 15 % below the 3D threshold + 0.5 eV). The bands
  // joined are the sort of every point up to eMin + encut, so the sweep adds the same points in the same order.
  // The union-find arrays are allocated first and lent to the first band's sort as key buffers, so its temporaries
  // do not add to the sweep's peak memory.
  const parent = new Int32Array(n);
  const off = new Int16Array(3 * n);
  const bands: Uint32Array[] = [];
  const bandTop: number[] = [];
  const band = (b: number): Uint32Array | null => {
    if (b < bands.length) return bands[b]!;
    const lo = b === 0 ? -Infinity : bandTop[b - 1]!;
    if (lo >= top) return null;
    const hi = Math.min(top, eMin + 2 ** b);
    const ts = performance.now();
    bands.push(b === 0 ? sortedIndicesUpTo(energies, hi, { keysA: parent.buffer, keysB: off.buffer }) : sortedIndicesUpTo(energies, hi, undefined, lo));
    bandTop.push(hi);
    sortMs += performance.now() - ts;
    return bands[b]!;
  };
  let sortMs = 0;
  band(0);
  const sweepBands = (uf: PeriodicUnionFind): SweepOutcome => {
    const total: SweepOutcome = { thresholdIndex: [-1, -1, -1], windings: [[], [], []], added: 0 };
    for (let b = 0; ; b++) {
      const order = band(b);
      if (!order) break;
      const o = sweep(order, grid, stopAtRank, connectivity, uf);
      total.added += o.added;
      for (let r = 0; r < 3; r++)
        if (total.thresholdIndex[r]! < 0 && o.thresholdIndex[r]! >= 0) {
          total.thresholdIndex[r] = o.thresholdIndex[r]!;
          total.windings[r] = o.windings[r]!;
        }
      if (uf.maxRank >= stopAtRank) break;
    }
    return total;
  };
  let outcome: SweepOutcome;
  try {
    if (opts.offsetBits === 32) throw new OffsetOverflow();
    outcome = sweepBands(new PeriodicUnionFind(n, false, { parent, off }));
  } catch (err) {
    if (!(err instanceof OffsetOverflow)) throw err;
    // Offsets beyond ±32767 cells need a pathological (helical) landscape; redo with 32-bit offsets.
    outcome = sweepBands(new PeriodicUnionFind(n, true, { parent, off: new Int32Array(3 * n) }));
  }
  const t2 = performance.now();
  // Points within the window, also in bands the sweep did not need to sort.
  let pointsSorted = 0;
  for (const o of bands) pointsSorted += o.length;
  const sortedTop = bandTop[bandTop.length - 1]!;
  if (sortedTop < top) pointsSorted += countWithin(energies, sortedTop, top);
  lastOrder = { energies, result: null, bands, limit: sortedTop };
  const result = sweepResult(energies, outcome, eMin, eMax, encut, connectivity, pointsSorted, { sort: sortMs, sweep: t2 - t0 - sortMs });
  lastOrder.result = result;
  return result;
}

/**
 * Points with above < E <= upTo, counted without a branch: on the continuum bench's seed grids this pass took ~40 %
 * less CPU than with one. A function of its own, so the loop is optimised by itself (not compiled on stack inside
 * percolate, which runs once per structure).
 */
function countWithin(energies: Float32Array, above: number, upTo: number): number {
  let count = 0;
  const n = energies.length;
  for (let p = 0; p < n; p++) {
    const e = energies[p]!;
    count += +(e > above) & +(e <= upTo);
  }
  return count;
}

function threshold(energies: Float32Array, p: number): number | null {
  return p < 0 ? null : energies[p]!;
}

function barrier(e: number | null, eMin: number): number | null {
  return e === null ? null : e - eMin;
}

function saddle(p: number): number | null {
  return p < 0 ? null : p;
}

/** percolate's result from the sweep's outcome. */
function sweepResult(
  energies: Float32Array,
  outcome: SweepOutcome,
  eMin: number,
  eMax: number,
  encut: number,
  connectivity: Connectivity,
  pointsSorted: number,
  timingsMs: PercolationResult['timingsMs'],
): PercolationResult {
  const at = outcome.thresholdIndex;
  const thresholds: PerDimension<number | null> = { '1D': threshold(energies, at[0]!), '2D': threshold(energies, at[1]!), '3D': threshold(energies, at[2]!) };
  const barriers: PerDimension<number | null> = {
    '1D': barrier(thresholds['1D'], eMin),
    '2D': barrier(thresholds['2D'], eMin),
    '3D': barrier(thresholds['3D'], eMin),
  };
  return {
    eMin,
    eMax,
    encut,
    connectivity,
    barriers,
    thresholds,
    saddles: { '1D': saddle(at[0]!), '2D': saddle(at[1]!), '3D': saddle(at[2]!) },
    windings: { '1D': outcome.windings[0]!, '2D': outcome.windings[1]!, '3D': outcome.windings[2]! },
    percolationDimensionAt: { '1D': barriers['1D'], '2D': barriers['2D'], '3D': barriers['3D'] },
    pointsSorted,
    pointsAdded: outcome.added,
    timingsMs,
  };
}

/** The sorted bands of the last sweep, for the caller that asks next (sortedUpTo); dropped by that call. */
let lastOrder: { energies: Float32Array; result: PercolationResult | null; bands: Uint32Array[]; limit: number } | null = null;

/**
 * The points of `energies` with energy ≤ `limit` in sweep order, as sortedIndicesUpTo(energies, limit) gives them:
 * taken from the bands `perc`'s sweep sorted when it was the last sweep run on these energies (and one more band
 * above them when the limit lies higher), else sorted here. Either way the kept bands are released.
 */
export function sortedUpTo(energies: Float32Array, perc: PercolationResult, limit: number): Uint32Array {
  const kept = lastOrder;
  lastOrder = null;
  if (!kept || kept.energies !== energies || kept.result !== perc) return sortedIndicesUpTo(energies, limit);
  // Above the last band sorted, one more band (kept.limit, limit] sorted the same way extends the join exactly, as
  // the sweep's own bands do: sorting only the new band costs less than sorting everything again.
  const bands = kept.limit < limit ? [...kept.bands, sortedIndicesUpTo(energies, limit, undefined, kept.limit)] : kept.bands;
  // The bands joined are sorted by energy: the wanted points are a prefix.
  let count = 0;
  for (const order of bands) {
    let lo = 0,
      hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (energies[order[mid]!]! <= limit) lo = mid + 1;
      else hi = mid;
    }
    count += lo;
    if (lo < order.length) break;
  }
  const out = new Uint32Array(count);
  let at = 0;
  for (const order of bands) {
    if (at >= count) break;
    const take = Math.min(order.length, count - at);
    out.set(take === order.length ? order : order.subarray(0, take), at);
    at += take;
  }
  return out;
}
