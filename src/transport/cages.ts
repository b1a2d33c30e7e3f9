// Cage-centred displacements for the diffusion estimators. The hops whose saddle lies below the 1D percolation
// threshold E_1D do not percolate, so they join the sites into finite cages. An ion's position r and its cage-centred
// position c = r − δ(site), with δ the site's offset from its cage's centroid (0 outside cages), differ by a bounded
// amount, so their mean squared displacements have the same slope at long times: D is the same. But c does not move
// while the ion rattles inside a cage (a hop inside a cage moves r by exactly δ(to) − δ(from)), so the block
// estimates lose the rattling's share of their variance and of their short-block bias. The kMC's hops are unchanged;
// only what the block averager sums is. Each hop of an edge moves c by edgeDisp − δ(to) + δ(from).
import type { Supercell } from './supercell.js';

/**
 * The cage-centred displacement of every edge (Å, 3 per edge): the edge's displacement minus the change of the
 * site's offset from its cage centroid; without any hop below `e1D` it equals edgeDisp.
 */
export function cageCentredDisplacements(sc: Supercell, e1D: number): Float64Array {
  const { nEdges, edgeSrc, edgeDst, edgeDisp } = sc;
  const offset = cageOffsets(sc, e1D);
  const out = new Float64Array(3 * nEdges);
  for (let e = 0; e < nEdges; e++) {
    const s = edgeSrc[e]!,
      d = edgeDst[e]!;
    for (let m = 0; m < 3; m++) out[3 * e + m] = edgeDisp[3 * e + m]! - offset[3 * d + m]! + offset[3 * s + m]!;
  }
  return out;
}

/**
 * The cages of the supercell: the groups of sites joined by hops whose saddle lies below `e1D` (every site is in one
 * group; a site with no such hop is a group of one), found breadth first. `rel` is each site's position relative to its
 * group's first site along those hops (Å, 3 per site); `wraps` marks a group whose positions along its hops disagree,
 * i.e. one that wraps around the supercell.
 */
export function findCages(sc: Supercell, e1D: number): { groups: number[][]; wraps: boolean[]; rel: Float64Array } {
  const { nSites, edgeSaddle, edgeDst, edgeDisp, outStart, outEdges } = sc;
  const rel = new Float64Array(3 * nSites);
  const seen = new Uint8Array(nSites);
  const groups: number[][] = [];
  const wraps: boolean[] = [];
  for (let root = 0; root < nSites; root++) {
    if (seen[root]) continue;
    const members = [root];
    seen[root] = 1;
    let wrapped = false;
    for (let k = 0; k < members.length; k++) {
      const s = members[k]!;
      for (let q = outStart[s]!; q < outStart[s + 1]!; q++) {
        const e = outEdges[q]!;
        if (!(edgeSaddle[e]! < e1D)) continue;
        const d = edgeDst[e]!;
        if (!seen[d]) {
          seen[d] = 1;
          for (let m = 0; m < 3; m++) rel[3 * d + m] = rel[3 * s + m]! + edgeDisp[3 * e + m]!;
          members.push(d);
        } else {
          for (let m = 0; m < 3; m++) if (Math.abs(rel[3 * s + m]! + edgeDisp[3 * e + m]! - rel[3 * d + m]!) > 1e-6) wrapped = true;
        }
      }
    }
    groups.push(members);
    wraps.push(wrapped);
  }
  return { groups, wraps, rel };
}

/**
 * Each site's offset (Å, 3 per site) from the centroid of its cage (findCages). Sites outside cages, and the sites of a
 * cage that wraps around the supercell, have offset 0.
 */
export function cageOffsets(sc: Supercell, e1D: number): Float64Array {
  const { groups, wraps, rel } = findCages(sc, e1D);
  const offset = new Float64Array(3 * sc.nSites);
  groups.forEach((members, g) => {
    if (members.length < 2 || wraps[g]) return;
    const centroid = [0, 0, 0];
    for (const s of members) for (let m = 0; m < 3; m++) centroid[m]! += rel[3 * s + m]! / members.length;
    for (const s of members) for (let m = 0; m < 3; m++) offset[3 * s + m] = rel[3 * s + m]! - centroid[m]!;
  });
  return offset;
}
