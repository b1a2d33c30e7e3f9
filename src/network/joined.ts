// Whether a hop's edge can change the thresholds (docs/continuum.md, "The network", step 3): when its two site copies
// are already joined through edges below its own energy, the edge closes a cycle whose winding lies in the span of the
// windings that cluster has (zero, when the copies are joined with the hop's own offset), so it cannot raise any
// cluster's winding rank when it enters the sweep, nor at any later merge.
import { WindingLattice } from '../percolation/index.js';
import type { EdgeEnd, NetworkSaddle, NetworkSite } from './types.js';

/** An edge between two site copies at an energy (a saddle's, or one about to be added). */
export interface JoinEdge {
  energy: number;
  ends: readonly [EdgeEnd, EdgeEnd];
}

/**
 * Whether an edge from copy `a` to copy `b` (site and cell) at `energy` or above is redundant for the thresholds: the
 * copies are joined by verified and seed saddles (and `extra` edges) whose energies, and those of the sites they join,
 * lie strictly below `energy` in the sweep's float32 values (so they enter the sweep first, ties included), and the
 * cycle it would close has a winding in the real span of that cluster's windings. Unverified hops are left out (the
 * thresholds are swept without them).
 */
export function joinedBelow(
  sites: readonly NetworkSite[],
  saddles: readonly NetworkSaddle[],
  energy: number,
  a: EdgeEnd,
  b: EdgeEnd,
  extra: readonly JoinEdge[] = [],
): boolean {
  const limit = Math.fround(energy);
  const below = (e: number) => Math.fround(e) < limit;
  const n = sites.length;
  if (a.site >= n || b.site >= n) return false;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  // off[3x..3x+2]: the cell of x's copy relative to its parent's copy (after find: to the root's).
  const off = new Int32Array(3 * n);
  const windings = new Map<number, WindingLattice>();
  const path: number[] = [];
  // Iterative (a chain can be as long as the sites are many): the root, then every node on the way hung on it.
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) {
      path.push(r);
      r = parent[r]!;
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const y = path[i]!,
        p = parent[y]!;
      if (p !== r) for (let k = 0; k < 3; k++) off[3 * y + k] = off[3 * y + k]! + off[3 * p + k]!;
      parent[y] = r;
    }
    path.length = 0;
    return r;
  };
  // The winding of the cycle an edge u–v closes in one cluster: where the edge puts v's copy, less where the cluster has it.
  const winding = (u: EdgeEnd, v: EdgeEnd): [number, number, number] =>
    [0, 1, 2].map((k) => v.cell[k]! - u.cell[k]! + off[3 * u.site + k]! - off[3 * v.site + k]!) as [number, number, number];
  const join = (e: JoinEdge): void => {
    if (!below(e.energy)) return;
    const [u, v] = e.ends;
    if (u.site >= n || v.site >= n || !below(sites[u.site]!.energy) || !below(sites[v.site]!.energy)) return;
    const ru = find(u.site),
      rv = find(v.site);
    const w = winding(u, v);
    if (ru === rv) {
      if (w[0] !== 0 || w[1] !== 0 || w[2] !== 0) {
        const l = windings.get(ru) ?? new WindingLattice();
        l.add(w[0], w[1], w[2]);
        windings.set(ru, l);
      }
      return;
    }
    // Placing u's copy at off(u) puts v's copy at v.cell − u.cell + off(u): v's root copy goes to that − off(v).
    parent[rv] = ru;
    for (let k = 0; k < 3; k++) off[3 * rv + k] = w[k]!;
    const lv = windings.get(rv);
    if (lv) {
      const lu = windings.get(ru);
      if (lu) lu.addLattice(lv);
      else windings.set(ru, lv);
      windings.delete(rv);
    }
  };
  for (const s of saddles) if (s.status !== 'unverified') join(s);
  for (const e of extra) join(e);
  const ra = find(a.site),
    rb = find(b.site);
  if (ra !== rb) return false;
  const w = winding(a, b);
  if (w[0] === 0 && w[1] === 0 && w[2] === 0) return true;
  return windings.get(ra)?.spans(w) ?? false;
}
