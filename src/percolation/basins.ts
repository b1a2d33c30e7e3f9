// Sites and the hop network. Points at or below the cap (the 3D threshold, else eMin + encut) are taken in
// increasing energy; a point with no lower neighbour yet starts a basin (a local minimum, i.e. a site),
// any other point joins the basin of its lowest neighbour (steepest descent), remembering the cell of the
// copy that belongs to that basin's minimum in the home cell. Every grid edge between two basins (or
// between a basin and its own periodic image) is a crossing at the energy of its higher end; the first
// crossing seen for a pair and lattice offset is the lowest, i.e. the saddle of that hop.
import type { GridSpec } from '../grid/index.js';
import { GridWalker, cartesianLength, latticeMatrix, neighbourOffsets, type LatticeLike } from './grid-walk.js';
import { sortedUpTo } from './sweep.js';
import type { BasinSite, Hop, IVec3, PercolationResult, SiteNetwork } from './types.js';

export interface BasinOptions {
  /** Basins whose minima agree within this many eV share an energy class (default 0.01 eV). */
  energyTolerance?: number;
  /** Absolute energy cap; default the 3D threshold, else eMin + encut. */
  cap?: number;
}

export function findBasins(energies: Float32Array, grid: GridSpec, lattice: LatticeLike, perc: PercolationResult, opts: BasinOptions = {}): SiteNetwork {
  const matrix = latticeMatrix(lattice);
  const walker = new GridWalker(grid, perc.connectivity ?? 6);
  if (energies.length !== walker.n) throw new RangeError(`energies has ${energies.length} values, grid has ${walker.n}`);
  const cap = opts.cap ?? perc.thresholds['3D'] ?? perc.eMin + perc.encut;
  const tolerance = opts.energyTolerance ?? 0.01;
  // The sweep that gave `perc` sorted these points already (when it was the last one run and sorted this far).
  const order = sortedUpTo(energies, perc, cap);
  // The walk, the site list and the hop sort are functions of their own: each is optimised on its own feedback
  // (a long loop in a function run once per structure is otherwise compiled on stack and again with every change
  // of the code after it).
  const minima: number[] = [];
  const volume: number[] = [];
  const hops: Hop[] = [];
  walkBasins(energies, order, walker, matrix, neighbourOffsets(perc.connectivity ?? 6), minima, volume, hops);
  const sites = basinSites(energies, walker, minima, volume, perc.eMin, tolerance);
  hops.sort(byHopEnergy);
  return { cap, energyTolerance: tolerance, sites, hops };
}

/**
 * The walk over `order`: basin of every point, one basin per local minimum, and a hop at the first crossing of each
 * pair of basins and lattice offset, pushed to `minima` (grid index), `volume` (points) and `hops`. Nothing follows the
 * loop, not even a result object: the loop is compiled on stack in its first call, before any code after it has run,
 * and an operation there without feedback would deoptimise that code at the end of every call that enters it.
 */
function walkBasins(
  energies: Float32Array,
  order: Uint32Array,
  walker: GridWalker,
  matrix: ArrayLike<number>,
  offsets: Int8Array,
  minima: number[],
  volume: number[],
  hops: Hop[],
): void {
  const dirs = walker.directions;
  // Memory: the walk reads its points' neighbours in energy order, i.e. at random, so each read is a cache miss. A slot
  // per grid point (0: not walked yet, else 1 + its place in the walk) is the only array as long as the grid; basin,
  // cell and energy live in arrays in walk order, as long as the walk (typically 15 % of the grid), which stay in
  // cache. One random read per neighbour instead of three (basin, energy, cell in grid-long arrays): about 20 % less time.
  const n = walker.n;
  const m = order.length;
  const slot = new Int32Array(n);
  // Per walked point: its basin and the cell of the copy that belongs to its basin's home minimum; its energy.
  const walked = new Int32Array(4 * m);
  const walkedEnergy = new Float32Array(m);
  const hopSeen = new Set<number | string>();
  const neighbour = new Int32Array(dirs); // place in the walk of each neighbour (−1: not walked, −2: p itself)
  const at = new Int32Array(dirs); // grid index of each neighbour
  const wrap = new Int32Array(3 * dirs);
  const { nx, ny, nz } = walker;
  const nxy = nx * ny;

  for (let t = 0; t < m; t++) {
    const p = order[t]!;
    // The neighbours and their wraps, as GridWalker.step gives them, from one decomposition of p.
    const i = p % nx;
    const jk = (p - i) / nx;
    const j = jk % ny;
    const k = (jk - j) / ny;
    if (dirs === 6) {
      // The six faces written out (findBasins takes a quarter less time than with the loop); other wraps stay 0.
      at[0] = i + 1 < nx ? p + 1 : p - i;
      wrap[0] = i + 1 < nx ? 0 : 1;
      at[1] = i > 0 ? p - 1 : p + nx - 1;
      wrap[3] = i > 0 ? 0 : -1;
      at[2] = j + 1 < ny ? p + nx : p - j * nx;
      wrap[7] = j + 1 < ny ? 0 : 1;
      at[3] = j > 0 ? p - nx : p + (ny - 1) * nx;
      wrap[10] = j > 0 ? 0 : -1;
      at[4] = k + 1 < nz ? p + nxy : p - k * nxy;
      wrap[14] = k + 1 < nz ? 0 : 1;
      at[5] = k > 0 ? p - nxy : p + (nz - 1) * nxy;
      wrap[17] = k > 0 ? 0 : -1;
    } else neighboursAt(i, j, k, nx, ny, nz, offsets, at, wrap);
    let lowest = -1;
    let lowestE = 0;
    for (let d = 0; d < dirs; d++) {
      const q = at[d]!;
      // −2 marks p itself (a neighbour on an axis one point thick): walked by the time its hops are looked at.
      const s = q === p ? -2 : slot[q]! - 1;
      neighbour[d] = s;
      if (s >= 0 && (lowest < 0 || walkedEnergy[s]! < lowestE)) {
        lowest = d;
        lowestE = walkedEnergy[s]!;
      }
    }
    slot[p] = t + 1;
    walkedEnergy[t] = energies[p]!;
    const r = 4 * t;
    let b: number;
    if (lowest < 0) {
      // A new minimum (its only walked neighbour can be itself, on a grid one point thick).
      b = minima.length;
      minima.push(p);
      volume.push(1);
    } else {
      const q = 4 * neighbour[lowest]!;
      b = walked[q]!;
      volume[b] = volume[b]! + 1;
      // q's copy in cell(q) belongs to the basin; p's neighbouring copy is one wrap back.
      walked[r + 1] = walked[q + 1]! - wrap[3 * lowest]!;
      walked[r + 2] = walked[q + 2]! - wrap[3 * lowest + 1]!;
      walked[r + 3] = walked[q + 3]! - wrap[3 * lowest + 2]!;
    }
    walked[r] = b;
    const px = walked[r + 1]!,
      py = walked[r + 2]!,
      pz = walked[r + 3]!;

    for (let d = 0; d < dirs; d++) {
      const s = neighbour[d]!;
      if (s === -1) continue;
      const x = s === -2 ? r : 4 * s;
      const bx = walked[x]!;
      // x's copy next to p's basin copy sits in cell(p) + w; its basin's minimum is then in cell(p) + w − cell(x).
      const ox = px + wrap[3 * d]! - walked[x + 1]!;
      const oy = py + wrap[3 * d + 1]! - walked[x + 2]!;
      const oz = pz + wrap[3 * d + 2]! - walked[x + 3]!;
      if (bx === b && ox === 0 && oy === 0 && oz === 0) continue;
      // Canonical orientation: from the lower basin id; for a self-hop, the offset with a positive first non-zero.
      // Written without branches on the offsets (a branch first taken after the loop was compiled costs a recompile).
      const firstSign = Math.sign(ox) * 4 + Math.sign(oy) * 2 + Math.sign(oz);
      const flip = bx < b || (bx === b && firstSign < 0);
      const from = flip ? bx : b;
      const to = flip ? b : bx;
      // −1 to negate the offset (fx = −ox), 0 to keep it.
      const negate = flip ? -1 : 0;
      const fx = (ox ^ negate) - negate,
        fy = (oy ^ negate) - negate,
        fz = (oz ^ negate) - negate;
      const key = hopKey(from, to, fx, fy, fz);
      if (hopSeen.has(key)) continue;
      hopSeen.add(key);
      // The saddle is p (the later, higher end); place it next to `from`'s minimum in the home cell.
      const frac = walker.frac(p, px - (ox & negate), py - (oy & negate), pz - (oz & negate));
      hops.push(newHop(energies, walker, matrix, minima, p, frac, from, to, fx, fy, fz));
    }
  }
}

/** The neighbours of point (i, j, k) along `offsets` and their wraps, as GridWalker.step gives them. */
function neighboursAt(i: number, j: number, k: number, nx: number, ny: number, nz: number, offsets: Int8Array, at: Int32Array, wrap: Int32Array): void {
  const dirs = at.length;
  for (let d = 0; d < dirs; d++) {
    let ii = i + offsets[3 * d]!,
      jj = j + offsets[3 * d + 1]!,
      kk = k + offsets[3 * d + 2]!;
    const wx = ii < 0 ? -1 : ii >= nx ? 1 : 0;
    const wy = jj < 0 ? -1 : jj >= ny ? 1 : 0;
    const wz = kk < 0 ? -1 : kk >= nz ? 1 : 0;
    ii -= wx * nx;
    jj -= wy * ny;
    kk -= wz * nz;
    at[d] = ii + nx * (jj + ny * kk);
    wrap[3 * d] = wx;
    wrap[3 * d + 1] = wy;
    wrap[3 * d + 2] = wz;
  }
}

/** The hop from basin `from` to `to`'s image at offset (fx, fy, fz) through grid point p (at `frac`). */
function newHop(
  energies: Float32Array,
  walker: GridWalker,
  matrix: ArrayLike<number>,
  minima: number[],
  p: number,
  frac: IVec3,
  from: number,
  to: number,
  fx: number,
  fy: number,
  fz: number,
): Hop {
  const energy = energies[p]!;
  const a = walker.frac(minima[from]!);
  const c = walker.frac(minima[to]!, fx, fy, fz);
  return {
    distanceA: cartesianLength(matrix, c[0] - a[0], c[1] - a[1], c[2] - a[2]),
    from,
    to,
    offset: [fx, fy, fz],
    energy,
    barrierFrom: energy - energies[minima[from]!]!,
    barrierTo: energy - energies[minima[to]!]!,
    index: p,
    frac,
  };
}

function byHopEnergy(a: Hop, b: Hop): number {
  return a.energy - b.energy || a.from - b.from || a.to - b.to;
}

/** The sites, with their energy classes: sorted minima, a new class whenever one lies beyond the tolerance of the class's first. */
function basinSites(energies: Float32Array, walker: GridWalker, minima: number[], volume: number[], eMin: number, tolerance: number): BasinSite[] {
  const count = minima.length;
  const energyClass = new Int32Array(count);
  const byEnergy: number[] = [];
  for (let id = 0; id < count; id++) byEnergy.push(id);
  byEnergy.sort((a, b) => energies[minima[a]!]! - energies[minima[b]!]! || a - b);
  const classSize: number[] = [];
  let classStart = -Infinity;
  for (const id of byEnergy) {
    const e = energies[minima[id]!]!;
    if (e - classStart > tolerance || classSize.length === 0) {
      classStart = e;
      classSize.push(0);
    }
    energyClass[id] = classSize.length - 1;
    classSize[classSize.length - 1]!++;
  }
  const sites: BasinSite[] = [];
  for (let id = 0; id < count; id++) {
    const p = minima[id]!;
    sites.push({
      id,
      index: p,
      frac: walker.frac(p),
      energy: energies[p]!,
      relativeEnergy: energies[p]! - eMin,
      energyClass: energyClass[id]!,
      energyClassSize: classSize[energyClass[id]!]!,
      volumePoints: volume[id]!,
    });
  }
  return sites;
}

/**
 * A number naming a hop (two basins and a lattice offset) while both basin ids and every offset are small, which
 * they are on any real grid (a string otherwise): building a string per basin-boundary edge cost more than the walk.
 */
function hopKey(from: number, to: number, ox: number, oy: number, oz: number): number | string {
  // 16 + 16 bits of basin ids and 3 × 7 bits of offset: 53 bits, exact in a double. Summed as doubles from the start
  // (the ids' factor is no small integer), so no compiled walk meets an int32 overflow.
  if (from < 65536 && to < 65536 && ox > -64 && ox < 64 && oy > -64 && oy < 64 && oz > -64 && oz < 64) {
    return from * 137438953472 + to * 2097152 + (ox + 64) * 16384 + (oy + 64) * 128 + (oz + 64);
  }
  return `${from},${to},${ox},${oy},${oz}`;
}
