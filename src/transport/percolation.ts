// The lowest saddle energy at which the single-ion hop network connects a site to its own periodic image in 1,
// 2 and 3 independent directions: hops are added in increasing saddle energy to a union-find that keeps each
// site's lattice offset from its root, and each root's winding lattice (src/percolation/winding.ts) gives the rank.
import { WindingLattice } from '../percolation/winding.js';
import type { HopNetwork } from './types.js';

export interface HopPercolation {
  /** Absolute saddle energies (eV) at which some cluster first winds in 1, 2, 3 directions; null if never. */
  thresholds: [number | null, number | null, number | null];
}

export function hopPercolation(net: Pick<HopNetwork, 'sites' | 'hops'>): HopPercolation {
  const n = net.sites.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const off = new Int32Array(3 * n);
  const lattices: (WindingLattice | null)[] = Array.from({ length: n }, () => new WindingLattice());
  const thresholds: [number | null, number | null, number | null] = [null, null, null];
  let best = 0;

  // Root of i; off[i] becomes i's cell relative to the root's copy (path compression keeps the sums right).
  const find = (i: number): number => {
    let r = i;
    const chain: number[] = [];
    while (parent[r] !== r) {
      chain.push(r);
      r = parent[r]!;
    }
    for (let c = chain.length - 1; c >= 0; c--) {
      const x = chain[c]!;
      const p = parent[x]!;
      if (p !== r) for (let m = 0; m < 3; m++) off[3 * x + m] = off[3 * x + m]! + off[3 * p + m]!;
      parent[x] = r;
    }
    return r;
  };

  const order = net.hops.map((_, i) => i).sort((a, b) => net.hops[a]!.saddleEnergy - net.hops[b]!.saddleEnergy || a - b);
  for (const h of order) {
    const hop = net.hops[h]!;
    const ra = find(hop.from);
    const rb = find(hop.to);
    const want = [0, 1, 2].map((m) => off[3 * hop.from + m]! + hop.offset[m]!);
    let lat: WindingLattice;
    if (ra === rb) {
      lat = lattices[ra]!;
      lat.add(want[0]! - off[3 * hop.to]!, want[1]! - off[3 * hop.to + 1]!, want[2]! - off[3 * hop.to + 2]!);
    } else {
      for (let m = 0; m < 3; m++) off[3 * rb + m] = want[m]! - off[3 * hop.to + m]!;
      parent[rb] = ra;
      lat = lattices[ra]!;
      for (const v of lattices[rb]!.basis()) lat.add(v[0], v[1], v[2]);
      lattices[rb] = null;
    }
    while (best < lat.rank) {
      thresholds[best] = hop.saddleEnergy;
      best++;
    }
    if (best === 3) break;
  }
  return { thresholds };
}
