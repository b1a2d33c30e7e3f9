// findBasins against the walk it replaced: basin, cell and energy read from grid-long arrays (three random reads per
// neighbour), kept here as the reference. The networks must be equal to the bit: sites, hops, their order and values.
import { describe, expect, it } from 'vitest';
import { percolate } from '../../src/percolation/sweep.js';
import { findBasins } from '../../src/percolation/basins.js';
import { GridWalker, cartesianLength, latticeMatrix, neighbourOffsets } from '../../src/percolation/grid-walk.js';
import { sortedIndicesUpTo } from '../../src/percolation/sort.js';
import type { GridSpec } from '../../src/grid/index.js';
import type { BasinSite, Hop, IVec3, PercolationResult, SiteNetwork } from '../../src/percolation/types.js';
import { Lattice } from '../../src/structure/lattice.js';
import { gridOf, rng } from './helpers.js';

const triclinic = Lattice.fromParameters({ a: 4, b: 5, c: 6, alpha: 80, beta: 95, gamma: 105 });

/** The earlier findBasins; `lastTie` perturbs it (of equal lowest neighbours the last, not the first, is followed). */
function referenceBasins(energies: Float32Array, grid: GridSpec, perc: PercolationResult, cap: number, lastTie = false): SiteNetwork {
  const matrix = latticeMatrix(triclinic);
  const walker = new GridWalker(grid, perc.connectivity);
  const dirs = walker.directions;
  const order = sortedIndicesUpTo(energies, cap);
  const n = walker.n;
  const basin = new Int32Array(n).fill(-1);
  const cell = new Int32Array(3 * n);
  const minima: number[] = [];
  const volume: number[] = [];
  const seen = new Set<string>();
  const hops: Hop[] = [];
  const offsets = neighbourOffsets(perc.connectivity);
  for (const p of order) {
    const i = p % grid.nx,
      j = Math.floor(p / grid.nx) % grid.ny,
      k = Math.floor(p / (grid.nx * grid.ny));
    const at: { q: number; w: IVec3 }[] = [];
    for (let d = 0; d < dirs; d++) {
      const u = [i + offsets[3 * d]!, j + offsets[3 * d + 1]!, k + offsets[3 * d + 2]!];
      const size = [grid.nx, grid.ny, grid.nz];
      const w = u.map((v, a) => (v < 0 ? -1 : v >= size[a]! ? 1 : 0)) as IVec3;
      const h = u.map((v, a) => v - w[a]! * size[a]!);
      at.push({ q: h[0]! + grid.nx * (h[1]! + grid.ny * h[2]!), w });
    }
    let lowest = -1;
    for (let d = 0; d < dirs; d++) {
      const q = at[d]!.q;
      if (basin[q]! < 0) continue;
      const better = lowest < 0 || energies[q]! < energies[at[lowest]!.q]! || (lastTie && energies[q]! === energies[at[lowest]!.q]!);
      if (better) lowest = d;
    }
    let b: number;
    if (lowest < 0) {
      b = minima.length;
      minima.push(p);
      volume.push(1);
    } else {
      const { q, w } = at[lowest]!;
      b = basin[q]!;
      volume[b]!++;
      for (let a = 0; a < 3; a++) cell[3 * p + a] = cell[3 * q + a]! - w[a]!;
    }
    basin[p] = b;
    for (const { q: x, w } of at) {
      const bx = basin[x]!;
      if (bx < 0) continue;
      const o = [0, 1, 2].map((a) => cell[3 * p + a]! + w[a]! - cell[3 * x + a]!) as IVec3;
      if (bx === b && o.every((v) => v === 0)) continue;
      const firstNonZero = o.find((v) => v !== 0) ?? 0;
      const flip = bx < b || (bx === b && firstNonZero < 0);
      const from = flip ? bx : b,
        to = flip ? b : bx;
      const offset = o.map((v) => (flip ? -v + 0 : v)) as IVec3;
      const key = `${from},${to},${offset.join(',')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const shift = flip ? o.map((v) => -v) : [0, 0, 0];
      const frac = walker.frac(p, cell[3 * p]! + shift[0]!, cell[3 * p + 1]! + shift[1]!, cell[3 * p + 2]! + shift[2]!);
      const a = walker.frac(minima[from]!);
      const c = walker.frac(minima[to]!, offset[0], offset[1], offset[2]);
      const energy = energies[p]!;
      hops.push({
        distanceA: cartesianLength(matrix, c[0] - a[0], c[1] - a[1], c[2] - a[2]),
        from,
        to,
        offset,
        energy,
        barrierFrom: energy - energies[minima[from]!]!,
        barrierTo: energy - energies[minima[to]!]!,
        index: p,
        frac,
      });
    }
  }
  const tolerance = 0.01;
  const byEnergy = minima.map((_, id) => id).sort((a, b) => energies[minima[a]!]! - energies[minima[b]!]! || a - b);
  const energyClass: number[] = [];
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
  const sites: BasinSite[] = minima.map((p, id) => ({
    id,
    index: p,
    frac: walker.frac(p),
    energy: energies[p]!,
    relativeEnergy: energies[p]! - perc.eMin,
    energyClass: energyClass[id]!,
    energyClassSize: classSize[energyClass[id]!]!,
    volumePoints: volume[id]!,
  }));
  hops.sort((a, b) => a.energy - b.energy || a.from - b.from || a.to - b.to);
  return { cap, energyTolerance: tolerance, sites, hops };
}

/** Random landscapes on few levels (so neighbours tie), some axes one point thick, caps from the sweep and above. */
function cases(connectivity: 6 | 18 | 26): { g: GridSpec; e: Float32Array; perc: PercolationResult; cap: number }[] {
  const out = [];
  for (let seed = 1; seed <= 40; seed++) {
    const next = rng(seed * 7 + connectivity);
    const g = gridOf(1 + Math.floor(next() * 7), 1 + Math.floor(next() * 6), 1 + Math.floor(next() * 6));
    const levels = 2 + Math.floor(next() * 6);
    const e = new Float32Array(g.nx * g.ny * g.nz).map(() => Math.floor(next() * levels) * 0.25 - 1);
    const perc = percolate(e, g, { connectivity, encut: 2 });
    const cap = seed % 2 === 0 ? (perc.thresholds['3D'] ?? perc.eMin + perc.encut) : perc.eMin + 1.5;
    out.push({ g, e, perc, cap });
  }
  return out;
}

describe('findBasins against the earlier walk', () => {
  it.each([6, 18, 26] as const)('gives the same network, to the bit (%i neighbours)', (connectivity) => {
    let hops = 0;
    for (const { g, e, perc, cap } of cases(connectivity)) {
      const net = findBasins(e, g, triclinic, perc, { cap });
      expect(net).toEqual(referenceBasins(e, g, perc, cap));
      hops += net.hops.length;
    }
    expect(hops).toBeGreaterThan(100);
  });

  it('would notice a walk that broke ties between neighbours differently', () => {
    // The cases above decide ties; following the last lowest neighbour instead of the first changes some networks.
    let differ = 0;
    for (const connectivity of [6, 18, 26] as const) {
      for (const { g, e, perc, cap } of cases(connectivity)) {
        const net = findBasins(e, g, triclinic, perc, { cap });
        if (JSON.stringify(net) !== JSON.stringify(referenceBasins(e, g, perc, cap, true))) differ++;
      }
    }
    expect(differ).toBeGreaterThan(10);
  });
});
