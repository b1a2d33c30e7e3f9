// The percolation thresholds of the network (docs/continuum.md, "The network", step 5): sites are nodes at their
// energies, each saddle a node at its energy joined to the two sites it connects (with the cells of their copies);
// the one-sweep union-find with winding lattices (percolation/graph.ts) gives E_1D, E_2D, E_3D, and the node that
// raised the rank is the bottleneck saddle. Shared by the network's construction and the certificate's searches,
// which add sites and saddles and sweep again.
import { EdgeList, graphThresholds } from '../percolation/graph.js';
import type { PerDimension } from '../percolation/types.js';
import type { NetworkBarrier, NetworkSaddle, NetworkSite } from './types.js';

export interface NetworkThresholds {
  eMin: number;
  /** The site at E_min (−1 without sites). */
  minSite: number;
  /** Uncertified (certified false, lowerBound null): the certificate fills those. */
  barriers: PerDimension<NetworkBarrier | null>;
}

/**
 * Sweeps `sites` and `saddles` (ids equal to their indices). Unverified saddles are left out of the barriers, so
 * every edge on the way is a path of the field; a second sweep with them names an unverified hop that could lower a
 * barrier (`unverifiedBelow`), and gives the barrier of a dimension that percolates only through unverified hops
 * (`viaUnverified`).
 */
export function networkThresholds(sites: readonly NetworkSite[], saddles: readonly NetworkSaddle[]): NetworkThresholds {
  const nSites = sites.length;
  const sweep = (withUnverified: boolean) => {
    const edges = new EdgeList(2 * saddles.length + 2);
    const values = new Float32Array(nSites + saddles.length).fill(NaN);
    for (const s of sites) values[s.id] = s.energy;
    for (const s of saddles) {
      if (s.status === 'unverified' && !withUnverified) continue;
      const node = nSites + s.id;
      values[node] = s.energy;
      for (const e of s.ends) edges.push(node, e.site, e.cell[0], e.cell[1], e.cell[2]);
    }
    return graphThresholds(edges.toGraph(values.length), values, Infinity);
  };
  const swept = sweep(false);
  const withGaps = saddles.some((s) => s.status === 'unverified') ? sweep(true) : swept;
  let eMin = Infinity,
    minSite = -1;
  for (const s of sites) if (s.energy < eMin) [eMin, minSite] = [s.energy, s.id];
  const barrier = (r: number): NetworkBarrier | null => {
    const node = swept.nodes[r]!;
    if (node < nSites) {
      // The verified hops alone do not percolate in this dimension. Where the unverified ones complete a path, report
      // that path's threshold, flagged: "no path" would be wrong, and the seed crossings are the best estimate known.
      const via = withGaps.nodes[r]!;
      if (via < nSites) return null;
      const s = saddles[via - nSites]!;
      return { threshold: s.energy, barrier: s.energy - eMin, saddle: s.id, certified: false, lowerBound: null, viaUnverified: true };
    }
    const s = saddles[node - nSites]!;
    const gap = withGaps.nodes[r]! !== node ? saddles[withGaps.nodes[r]! - nSites] : undefined;
    return {
      threshold: s.energy,
      barrier: s.energy - eMin,
      saddle: s.id,
      certified: false,
      lowerBound: null,
      ...(gap && gap.energy < s.energy ? { unverifiedBelow: gap.id } : {}),
    };
  };
  return { eMin, minSite, barriers: { '1D': barrier(0), '2D': barrier(1), '3D': barrier(2) } };
}

/**
 * Whether a barrier rests on an unverified hop: its path needs one (`viaUnverified`), or one below its bottleneck could
 * lower it (`unverifiedBelow`). Such a barrier is neither certified nor counted as verified, and the pipeline rebuilds
 * its network from a finer seed.
 */
export function restsOnUnverifiedHop(b: NetworkBarrier): boolean {
  return b.viaUnverified === true || b.unverifiedBelow !== undefined;
}
