// Migration path through the saddle: grow a minimax (bottleneck) tree from the saddle over the points at
// or below the threshold (Prim's algorithm with edge weight max(E(u), E(v)), the saddle's own height left
// out), remembering for each point the cell of the copy it was reached in. An edge between two reached
// points whose cells disagree by L ≠ 0 closes a loop: saddle → … → u → v → … → saddle + L.
// Preference: a loop through the saddle whose winding is new for this dimension, then any loop through the
// saddle, then any winding loop (reached only with ties at the threshold or when the saddle merely joined
// two channels). Every point is ≤ the threshold and the saddle is on the path, so its maximum is the barrier.
import type { GridSpec } from '../grid/index.js';
import { GridWalker, cartesianLength, latticeMatrix, type LatticeLike } from './grid-walk.js';
import { MinHeap } from './min-heap.js';
import { WindingLattice, type IVec3 } from './winding.js';
import type { Dimension, MigrationPath, PercolationResult } from './types.js';

const PREVIOUS: Record<Dimension, Dimension | null> = { '1D': null, '2D': '1D', '3D': '2D' };
const ROOT = 127;

export function findPath(energies: Float32Array, grid: GridSpec, lattice: LatticeLike, perc: PercolationResult, dim: Dimension): MigrationPath | null {
  const saddle = perc.saddles[dim];
  const barrier = perc.barriers[dim];
  if (saddle === null || barrier === null) return null;
  const matrix = latticeMatrix(lattice);
  const walker = new GridWalker(grid, perc.connectivity ?? 6);
  if (energies.length !== walker.n) throw new RangeError(`energies has ${energies.length} values, grid has ${walker.n}`);
  const threshold = energies[saddle]!;

  // Windings this dimension adds: prefer a loop outside the span of the previous dimension's lattice.
  const prevDim = PREVIOUS[dim];
  let previous: WindingLattice | null = null;
  if (prevDim !== null && perc.thresholds[prevDim] !== null && perc.thresholds[prevDim]! < threshold) {
    previous = new WindingLattice();
    for (const v of perc.windings[prevDim]) previous.add(v[0], v[1], v[2]);
  }

  const n = walker.n;
  const parentDir = new Int8Array(n).fill(-1); // direction from a point to its tree parent; ROOT for the saddle
  const branch = new Int32Array(n); // the saddle's child this point descends from (-1 for the saddle)
  const cell = new Int32Array(3 * n);
  // Tree edges waiting to be taken, by the higher energy of their ends; an edge is packed as u·directions + d.
  const heap = new MinHeap(1024);

  let bestTier = -1;
  let bestU = -1,
    bestV = -1;
  const bestL: IVec3 = [0, 0, 0];

  const scan = (u: number): void => {
    const eu = energies[u]!;
    for (let d = 0; d < walker.directions; d++) {
      const v = walker.step(u, d);
      const ev = energies[v]!;
      if (!(ev <= threshold)) continue;
      if (parentDir[v]! < 0) {
        heap.push(u === saddle ? ev : Math.max(eu, ev), u * walker.directions + d);
        continue;
      }
      if (d === parentDir[u]) continue; // the tree edge itself
      const lx = cell[3 * u]! + walker.wx - cell[3 * v]!;
      const ly = cell[3 * u + 1]! + walker.wy - cell[3 * v + 1]!;
      const lz = cell[3 * u + 2]! + walker.wz - cell[3 * v + 2]!;
      if (lx === 0 && ly === 0 && lz === 0) continue;
      const through = u === saddle || v === saddle || branch[u] !== branch[v];
      const isNew = previous === null || !previous.spans([lx, ly, lz]);
      const tier = through ? (isNew ? 2 : 1) : 0;
      if (tier > bestTier) {
        bestTier = tier;
        bestU = u;
        bestV = v;
        bestL[0] = lx;
        bestL[1] = ly;
        bestL[2] = lz;
      }
    }
  };

  parentDir[saddle] = ROOT;
  branch[saddle] = -1;
  scan(saddle);
  while (bestTier < 2 && heap.size > 0) {
    const edge = heap.pop();
    const u = Math.floor(edge / walker.directions);
    const d = edge - u * walker.directions;
    const v = walker.step(u, d);
    if (parentDir[v]! >= 0) continue;
    parentDir[v] = d ^ 1;
    branch[v] = u === saddle ? v : branch[u]!;
    cell[3 * v] = cell[3 * u]! + walker.wx;
    cell[3 * v + 1] = cell[3 * u + 1]! + walker.wy;
    cell[3 * v + 2] = cell[3 * u + 2]! + walker.wz;
    scan(v);
  }
  if (bestTier < 0) {
    // Cannot happen for a consistent PercolationResult: the saddle's cluster winds at this level.
    throw new Error(`no winding loop through the ${dim} saddle at ${threshold} eV: percolation result does not match these energies`);
  }

  // Tree chains up to the saddle.
  const chain = (start: number): number[] => {
    const out = [start];
    let p = start;
    while (parentDir[p] !== ROOT) {
      p = walker.step(p, parentDir[p]!);
      out.push(p);
    }
    return out;
  };
  const forward = chain(bestU).reverse(); // saddle … u in their own cells
  const back = chain(bestV); // v … saddle, shifted by L
  const count = forward.length + back.length;
  const frac = new Float64Array(3 * count);
  const indices = new Uint32Array(count);
  const pathEnergies = new Float32Array(count);
  const lengthsA = new Float64Array(count);
  let at = 0;
  const emit = (p: number, sx: number, sy: number, sz: number) => {
    const f = walker.frac(p, cell[3 * p]! + sx, cell[3 * p + 1]! + sy, cell[3 * p + 2]! + sz);
    frac[3 * at] = f[0];
    frac[3 * at + 1] = f[1];
    frac[3 * at + 2] = f[2];
    indices[at] = p;
    pathEnergies[at] = energies[p]!;
    if (at > 0) {
      const step = cartesianLength(matrix, f[0] - frac[3 * at - 3]!, f[1] - frac[3 * at - 2]!, f[2] - frac[3 * at - 1]!);
      lengthsA[at] = lengthsA[at - 1]! + step;
    }
    at++;
  };
  for (const p of forward) emit(p, 0, 0, 0);
  for (const p of back) emit(p, bestL[0], bestL[1], bestL[2]);

  return {
    dimension: dim,
    method: 'grid',
    frac,
    indices,
    energies: pathEnergies,
    lengthsA,
    saddle: { frac: walker.frac(saddle), energy: threshold, index: saddle },
    winding: [bestL[0] + 0, bestL[1] + 0, bestL[2] + 0],
    barrier,
    eMin: perc.eMin,
  };
}
