// Whether two site copies are already joined below an energy by the network's edges (docs/continuum.md, "The
// network", step 3): a hop between copies that are joined, with the same lattice offset, through edges below its own
// energy closes a cycle of zero winding when it enters the sweep, so it cannot raise any cluster's winding rank.
import type { EdgeEnd, NetworkSaddle, NetworkSite } from './types.js';

/**
 * Whether the copies `a` and `b` (site and cell) are joined by verified and seed saddles whose energies, and those of
 * the sites they join, lie strictly below `energy` in the sweep's float32 values (so that they enter the sweep before an
 * edge at `energy`, ties included). Unverified hops are left out (the thresholds are swept without them). A plain
 * union-find with cell offsets: a cycle with a winding is not recorded, so this can only answer "not joined" too often.
 */
export function joinedBelow(sites: readonly NetworkSite[], saddles: readonly NetworkSaddle[], energy: number, a: EdgeEnd, b: EdgeEnd): boolean {
  const limit = Math.fround(energy);
  const below = (e: number) => Math.fround(e) < limit;
  const n = sites.length;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  // off[3x..3x+2]: the cell of x's copy relative to its parent's copy (after find: to the root's).
  const off = new Int32Array(3 * n);
  const find = (x: number): number => {
    const p = parent[x]!;
    if (p === x) return x;
    const r = find(p);
    for (let k = 0; k < 3; k++) off[3 * x + k] = off[3 * x + k]! + off[3 * p + k]!;
    parent[x] = r;
    return r;
  };
  for (const s of saddles) {
    if (s.status === 'unverified' || !below(s.energy)) continue;
    const [u, v] = s.ends;
    if (!below(sites[u.site]!.energy) || !below(sites[v.site]!.energy)) continue;
    const ru = find(u.site),
      rv = find(v.site);
    if (ru === rv) continue;
    // Placing u's copy at off(u) puts v's copy at v.cell − u.cell + off(u), so v's root copy goes to that − off(v).
    parent[rv] = ru;
    for (let k = 0; k < 3; k++) off[3 * rv + k] = v.cell[k]! - u.cell[k]! + off[3 * u.site + k]! - off[3 * v.site + k]!;
  }
  if (a.site >= n || b.site >= n) return false;
  const ra = find(a.site),
    rb = find(b.site);
  if (ra !== rb) return false;
  for (let k = 0; k < 3; k++) if (b.cell[k]! - a.cell[k]! + off[3 * a.site + k]! - off[3 * b.site + k]! !== 0) return false;
  return true;
}
