// Migration paths of the continuum network: for each dimension, a cycle of minima and saddles at or below that
// dimension's threshold that passes its bottleneck saddle and winds the cell in a direction the lower thresholds did
// not reach, with every saddle–minimum segment the steepest-descent path of the analytic field (the minimum-energy
// path of that half-hop, as the intrinsic reaction coordinate is in chemistry). Energies come from the field, so the
// profile's maximum is the bottleneck saddle's energy: the barrier.
//
// 1. The sublevel graph: sites and saddles (verified and seed; unverified ones are not hops of the field) with energy
//    ≤ the threshold, each saddle joined to its two ends with their lattice cells, as the sweep in build.ts sees it.
// 2. Shortest-path tree (Dijkstra, straight saddle–site distances in Å) from the bottleneck saddle in the periodic lift.
//    A non-tree edge between two reached nodes whose cells disagree by L ≠ 0 closes a cycle saddle → … → saddle + L.
//    Preference as findPath's on the grid: a cycle through the saddle (its two branches) whose winding the clusters it
//    joins did not already have, then any cycle through it, then any winding cycle; within these, one whose winding the
//    lower dimensions' paths do not span (where 1D and 2D share a threshold, the 2D path winds another way); the
//    shortest within a tier. Edges
//    through seed hops (no polished saddle) are used only when no cycle of verified saddles exists.
// 3. Each saddle on the cycle: descents from it along ± its unstable mode with a fixed arc-length step (a midpoint
//    rule on −∇E/|∇E|), until the minimum is within one step. A seed hop is polished on the spot first; where that fails
//    its segments are straight lines through the seed crossing.
// 4. The cycle starts and ends at its lowest minimum, so the profile shows the hops in the middle.
import type { Dimension, IVec3, MigrationPath, PathNode } from '../percolation/types.js';
import { MinHeap } from '../percolation/min-heap.js';
import { WindingLattice } from '../percolation/winding.js';
import { eigenSym3 } from '../critical/eigen.js';
import { CellGeometry, type Vec3 } from './geometry.js';
import { unstableDirection, type CriticalSearch, type FieldLike } from './search.js';
import type { ContinuumNetwork, NetworkSaddle } from './types.js';

const DIMENSIONS: readonly Dimension[] = ['1D', '2D', '3D'];
/** The 26 unit directions to the neighbours of a cube's centre: probes around a point where a descent stalls. */
const PROBES: Vec3[] = [];
for (let i = -1; i <= 1; i++)
  for (let j = -1; j <= 1; j++)
    for (let k = -1; k <= 1; k++) {
      const n = Math.hypot(i, j, k);
      if (n > 0) PROBES.push([i / n, j / n, k / n]);
    }
const RANK: Record<Dimension, number> = { '1D': 0, '2D': 1, '3D': 2 };

/** Default arc-length step (Å) of the descents: the path's point spacing. */
export const PATH_STEP = 0.05;
/** Energies within this (eV) above a threshold count as at it (the sweep compares float32 values). */
const TIE = 1e-6;

export interface NetworkPathOptions {
  /** Arc-length step of the descents (Å); default PATH_STEP. */
  step?: number;
}

/** The path of each dimension in `dims` that has a barrier (1D, 2D, 3D order); see the file comment. */
export function networkPaths<F extends FieldLike>(
  field: F,
  search: CriticalSearch<F>,
  net: ContinuumNetwork,
  dims: readonly Dimension[] = DIMENSIONS,
  opts: NetworkPathOptions = {},
): MigrationPath[] {
  const tracer = new SegmentTracer(field, search, net, opts.step ?? PATH_STEP);
  const out: MigrationPath[] = [];
  // The windings of the lower dimensions' paths (computed when asked or not: a 2D path should not repeat the 1D one).
  const lower = new WindingLattice();
  for (const d of DIMENSIONS) {
    const wanted = dims.includes(d);
    if (!wanted && !dims.some((x) => RANK[x] > RANK[d])) continue;
    const p = networkPath(tracer, net, d, lower);
    if (!p) continue;
    if (wanted) out.push(p);
    lower.add(p.winding[0], p.winding[1], p.winding[2]);
  }
  return out;
}

interface Edge {
  to: number;
  cell: IVec3;
  length: number;
}

/** The path of dimension `dim`, or null without a barrier. */
function networkPath<F extends FieldLike>(tracer: SegmentTracer<F>, net: ContinuumNetwork, dim: Dimension, lower: WindingLattice): MigrationPath | null {
  const b = net.barriers[dim];
  if (!b) return null;
  const nodes = cycleNodes(net, tracer.geo, b.saddle, dim, lower, false) ?? cycleNodes(net, tracer.geo, b.saddle, dim, lower, true);
  if (!nodes) return null;
  return tracer.assemble(nodes, dim, b.saddle, b.barrier);
}

interface CycleNode {
  node: number;
  cell: IVec3;
}

/** Step 1–2: the node sequence of the chosen cycle, from the saddle to its image (cells relative to the saddle's). */
function cycleNodes(net: ContinuumNetwork, geo: CellGeometry, saddleId: number, dim: Dimension, lower: WindingLattice, withSeed: boolean): CycleNode[] | null {
  const nS = net.sites.length;
  const start = net.saddles[saddleId]!;
  const threshold = start.energy;
  const usable = (s: NetworkSaddle) => s.status !== 'unverified' && (withSeed || s.status === 'verified' || s.id === saddleId) && s.energy <= threshold + TIE;
  const n = nS + net.saddles.length;
  const adj: Edge[][] = Array.from({ length: n }, () => []);
  for (const s of net.saddles) {
    if (!usable(s)) continue;
    const home = s.frac.map((f) => f - Math.floor(f));
    for (const e of s.ends) {
      const site = net.sites[e.site]!;
      if (!(site.energy <= threshold + TIE)) continue;
      const d = geo.cart([site.frac[0] + e.cell[0] - home[0]!, site.frac[1] + e.cell[1] - home[1]!, site.frac[2] + e.cell[2] - home[2]!]);
      const length = Math.hypot(d[0], d[1], d[2]);
      adj[nS + s.id]!.push({ to: e.site, cell: e.cell, length });
      adj[e.site]!.push({ to: nS + s.id, cell: [-e.cell[0], -e.cell[1], -e.cell[2]], length });
    }
  }
  const root = nS + saddleId;

  // The winding lattice of the clusters the saddle joins, without the saddle: a new winding lies outside it.
  const before = clusterLattice(
    adj,
    root,
    start.ends.map((e) => e.site),
  );

  // Shortest-path tree in the lift.
  const dist = new Float64Array(n).fill(Infinity);
  const parent = new Int32Array(n).fill(-1);
  const branch = new Int32Array(n).fill(-1);
  const cell = new Int32Array(3 * n);
  const heap = new MinHeap();
  dist[root] = 0;
  heap.push(0, root);
  const done = new Uint8Array(n);
  while (heap.size > 0) {
    const u = heap.pop();
    if (done[u]) continue;
    done[u] = 1;
    adj[u]!.forEach((e, k) => {
      const v = e.to;
      const dv = dist[u]! + e.length;
      if (done[v] || dv >= dist[v]!) return;
      dist[v] = dv;
      parent[v] = u;
      branch[v] = u === root ? k : branch[u]!;
      for (let c = 0; c < 3; c++) cell[3 * v + c] = cell[3 * u + c]! + e.cell[c]!;
      heap.push(dv, v);
    });
  }

  // Closing edges.
  let best: { tier: number; length: number; u: number; v: number; L: IVec3 } | null = null;
  for (let u = 0; u < n; u++) {
    if (!done[u]) continue;
    for (const e of adj[u]!) {
      const v = e.to;
      if (!done[v]) continue; // a tree edge (or any non-winding cycle) has L = 0 below
      const L: IVec3 = [0, 1, 2].map((c) => cell[3 * u + c]! + e.cell[c]! - cell[3 * v + c]!) as IVec3;
      if (L[0] === 0 && L[1] === 0 && L[2] === 0) continue;
      const through = u === root || v === root || branch[u] !== branch[v];
      const isNew = RANK[dim] === 0 || !before.spans(L);
      const apart = lower.rank === 0 || !lower.spans(L);
      const tier = through ? (isNew ? 2 : 1) + (apart ? 0.5 : 0) : 0;
      const length = dist[u]! + e.length + dist[v]!;
      if (!best || tier > best.tier || (tier === best.tier && length < best.length - 1e-9)) best = { tier, length, u, v, L };
    }
  }
  if (!best) return null;
  const chain = (x: number): number[] => {
    const out = [x];
    while (out[out.length - 1] !== root) out.push(parent[out[out.length - 1]!]!);
    return out;
  };
  const at = (x: number, shift: IVec3): CycleNode => ({ node: x, cell: [cell[3 * x]! + shift[0], cell[3 * x + 1]! + shift[1], cell[3 * x + 2]! + shift[2]] });
  return [
    ...chain(best.u)
      .reverse()
      .map((x) => at(x, [0, 0, 0])),
    ...chain(best.v).map((x) => at(x, best.L)),
  ];
}

/** The winding lattice spanned by the components (without `skip`) that hold any of `seeds`. */
function clusterLattice(adj: Edge[][], skip: number, seeds: number[]): WindingLattice {
  const lattice = new WindingLattice();
  const n = adj.length;
  const seen = new Uint8Array(n);
  const cell = new Int32Array(3 * n);
  for (const s of seeds) {
    if (seen[s]) continue;
    seen[s] = 1;
    const stack = [s];
    while (stack.length > 0) {
      const u = stack.pop()!;
      for (const e of adj[u]!) {
        if (e.to === skip) continue;
        const c: IVec3 = [cell[3 * u]! + e.cell[0], cell[3 * u + 1]! + e.cell[1], cell[3 * u + 2]! + e.cell[2]];
        if (seen[e.to]) {
          lattice.add(c[0] - cell[3 * e.to]!, c[1] - cell[3 * e.to + 1]!, c[2] - cell[3 * e.to + 2]!);
          continue;
        }
        seen[e.to] = 1;
        cell.set(c, 3 * e.to);
        stack.push(e.to);
      }
    }
  }
  return lattice;
}

/** A half-hop: points from a saddle to one of its minima (Cartesian Å in the saddle's own frame) and their energies. */
interface Segment {
  points: Vec3[];
  energies: number[];
}

/** The saddle point used for a hop's segments, and both halves (to ends[0] and ends[1]). */
interface HopSegments {
  energy: number;
  cart: Vec3;
  halves: [Segment, Segment];
  mode: 'traced' | 'straight';
}

/** Step 3–4: descents from the saddles of a cycle, cached per saddle, and the assembled path. */
class SegmentTracer<F extends FieldLike> {
  readonly geo: CellGeometry;
  private readonly cache = new Map<number, HopSegments>();

  constructor(
    private readonly field: F,
    private readonly search: CriticalSearch<F>,
    private readonly net: ContinuumNetwork,
    private readonly step: number,
  ) {
    this.geo = new CellGeometry(field.lattice);
  }

  assemble(cycle: CycleNode[], dim: Dimension, saddleId: number, barrier: number): MigrationPath {
    const nS = this.net.sites.length;
    // The cycle runs saddle → … → saddle + L; start it at its lowest minimum instead (the last node is its image).
    const first = cycle[0]!,
      last = cycle[cycle.length - 1]!;
    const L: IVec3 = [last.cell[0] - first.cell[0], last.cell[1] - first.cell[1], last.cell[2] - first.cell[2]];
    let low = -1;
    cycle.forEach((c, i) => {
      if (c.node < nS && (low < 0 || this.net.sites[c.node]!.energy < this.net.sites[cycle[low]!.node]!.energy)) low = i;
    });
    const m = cycle.length - 1;
    const shifted = (c: CycleNode, by: IVec3 | null, origin: IVec3): CycleNode => ({
      node: c.node,
      cell: [0, 1, 2].map((k) => c.cell[k]! + (by ? by[k]! : 0) - origin[k]!) as IVec3,
    });
    const origin = cycle[low]!.cell;
    const nodes = [...cycle.slice(low, m).map((c) => shifted(c, null, origin)), ...cycle.slice(0, low + 1).map((c) => shifted(c, L, origin))];

    const pts: Vec3[] = [];
    const es: number[] = [];
    const chain: PathNode[] = [];
    const push = (p: Vec3, e: number) => {
      pts.push(p);
      es.push(e);
    };
    for (let i = 0; i < nodes.length; i++) {
      const a = nodes[i]!;
      if (a.node < nS) {
        const site = this.net.sites[a.node]!;
        chain.push({ kind: 'site', id: site.id, cell: a.cell, point: pts.length, energy: site.energy });
        push(this.geo.cart(site.frac.map((f, k) => f + a.cell[k]!)), site.energy);
        continue;
      }
      // A saddle lies between two sites: the half towards the previous one reversed, the saddle, the half onwards (each
      // half's first point is the saddle and its last the minimum, which the site nodes add).
      const s = this.net.saddles[a.node - nS]!;
      const hop = this.hop(s);
      const shift = this.geo.cart(a.cell.map((c, k) => c - Math.floor(s.frac[k]!)));
      const moved = (p: Vec3): Vec3 => [p[0] + shift[0], p[1] + shift[1], p[2] + shift[2]];
      const back = hop.halves[this.endIndex(s, a.cell, nodes[i - 1]!)]!;
      for (let k = back.points.length - 2; k >= 1; k--) push(moved(back.points[k]!), back.energies[k]!);
      chain.push({ kind: 'saddle', id: s.id, cell: a.cell, point: pts.length, energy: hop.energy, segments: hop.mode });
      push(moved(hop.cart), hop.energy);
      const on = hop.halves[this.endIndex(s, a.cell, nodes[i + 1]!)]!;
      for (let k = 1; k < on.points.length - 1; k++) push(moved(on.points[k]!), on.energies[k]!);
    }

    const frac = new Float64Array(3 * pts.length);
    const lengthsA = new Float64Array(pts.length);
    pts.forEach((p, i) => {
      frac.set(this.geo.frac(p), 3 * i);
      if (i > 0) {
        const q = pts[i - 1]!;
        lengthsA[i] = lengthsA[i - 1]! + Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
      }
    });
    const bottleneck = chain.find((c) => c.kind === 'saddle' && c.id === saddleId) ?? chain.find((c) => c.kind === 'saddle')!;
    const sf = frac.subarray(3 * bottleneck.point, 3 * bottleneck.point + 3);
    return {
      dimension: dim,
      method: 'continuum',
      frac,
      indices: new Uint32Array(0),
      energies: Float32Array.from(es),
      lengthsA,
      saddle: { frac: [sf[0]!, sf[1]!, sf[2]!], energy: bottleneck.energy, index: saddleId },
      chain,
      winding: [L[0] + 0, L[1] + 0, L[2] + 0],
      barrier,
      eMin: this.net.eMin,
    };
  }

  /** Which end of saddle `s` (its copy in `cell`) the neighbouring cycle node is. */
  private endIndex(s: NetworkSaddle, cell: IVec3, other: CycleNode): number {
    return s.ends.findIndex((e) => e.site === other.node && [0, 1, 2].every((k) => e.cell[k]! === other.cell[k]! - cell[k]!));
  }

  /** The two halves of a hop, in the saddle's own frame (its unwrapped position as stored). */
  private hop(s: NetworkSaddle): HopSegments {
    const known = this.cache.get(s.id);
    if (known) return known;
    const base = s.frac.map(Math.floor);
    const ends = s.ends.map((e) => {
      const site = this.net.sites[e.site]!;
      return { cart: this.geo.cart(site.frac.map((f, k) => f + e.cell[k]! + base[k]!)), energy: site.energy };
    }) as [{ cart: Vec3; energy: number }, { cart: Vec3; energy: number }];
    let out: HopSegments | null = null;
    if (s.status === 'verified' && s.unstable) out = this.trace(s.cart, s.energy, s.unstable, ends);
    else {
      // A seed crossing: polish it now; keep the result only when its descents reach this hop's two minima.
      const p = this.search.findSaddle(this.field, s.cart, { guessDirection: [0, 1, 2].map((k) => ends[1].cart[k]! - ends[0].cart[k]!) as Vec3 });
      if (p.converged && p.index === 1 && this.search.verifySaddle(this.field, p)) out = this.trace(p.cart, p.energy, unstableDirection(p), ends);
    }
    out ??= this.straight(s, ends);
    this.cache.set(s.id, out);
    return out;
  }

  /** Both descents from a saddle, to ends[0] along −v and ends[1] along +v (or the other way round); null when they fail. */
  private trace(cart: Vec3, energy: number, unstable: Vec3, ends: [{ cart: Vec3; energy: number }, { cart: Vec3; energy: number }]): HopSegments | null {
    const minusV = unstable.map((x) => -x) as Vec3;
    for (const [d0, d1] of [
      [minusV, unstable],
      [unstable, minusV],
    ] as const) {
      const a = this.descend(cart, energy, d0, ends[0].cart);
      if (!a) continue;
      const b = this.descend(cart, energy, d1, ends[1].cart);
      if (!b) continue;
      const halves: [Segment, Segment] = [a, b];
      halves.forEach((h, k) => {
        h.points.push(ends[k]!.cart);
        h.energies.push(ends[k]!.energy);
      });
      return { energy, cart, halves, mode: 'traced' };
    }
    return null;
  }

  /**
   * Steepest descent from the saddle to the minimum at `target` with arc-length step h: first along `dir`, then
   * midpoint steps along −∇E/|∇E|, a step halved whenever it would not lower the energy, until the target lies within
   * one step (it is not included). A descent can meet a lower stationary point on a symmetry element (on a mirror plane
   * of α-Li3N the descent from one saddle runs straight into another, which then descends to either of two minima):
   * where it stalls, or ends at another minimum, it goes back to the point of its path with the smallest gradient and
   * leaves it along that point's unstable mode in the sense of the target. Null when the target is not reached.
   */
  private descend(start: Vec3, energy: number, dir: Vec3, target: Vec3): Segment | null {
    const h0 = this.step;
    const points: Vec3[] = [start];
    const energies: number[] = [energy];
    const slopes: number[] = [0];
    const dist = (p: Vec3) => Math.hypot(p[0] - target[0], p[1] - target[1], p[2] - target[2]);
    const downhill = (p: Vec3): { d: Vec3; n: number } | null => {
      const g = this.field.evaluate(p).gradient;
      const n = Math.hypot(g[0]!, g[1]!, g[2]!);
      return n > 0 && Number.isFinite(n) ? { d: [-g[0]! / n, -g[1]! / n, -g[2]! / n], n } : null;
    };
    let x: Vec3 = [start[0] + h0 * dir[0], start[1] + h0 * dir[1], start[2] + h0 * dir[2]];
    let e = this.field.energy(x);
    let retries = 0;
    for (let it = 0; it < 4000 && Number.isFinite(e) && e < energy; it++) {
      points.push(x);
      energies.push(e);
      if (dist(x) < h0) return { points, energies };
      let h = h0;
      let moved = false;
      const here = downhill(x);
      slopes.push(here ? here.n : 0);
      while (here && h > 1e-4 * h0) {
        const mid = downhill([x[0] + 0.5 * h * here.d[0], x[1] + 0.5 * h * here.d[1], x[2] + 0.5 * h * here.d[2]]);
        const d = mid ? mid.d : here.d;
        const y: Vec3 = [x[0] + h * d[0], x[1] + h * d[1], x[2] + h * d[2]];
        const ey = this.field.energy(y);
        if (ey < e) {
          [x, e, moved] = [y, ey, true];
          break;
        }
        h /= 2;
      }
      if (moved) continue;
      // Stalled: at the target's minimum (within a few steps), done. At another stationary point, off it towards the
      // target; at another minimum, back to the flattest place the path passed (a local minimum of |∇E| along it,
      // well below the slopes before it, not on the final approach) and off that towards the target.
      if (dist(x) < 4 * h0) return { points, energies };
      if (retries++ >= 4) return null;
      let off = this.kick(x, e, target);
      if (!off) {
        let flat = -1,
          steepest = 0;
        for (let i = 1; i < points.length - 1; i++) {
          steepest = Math.max(steepest, slopes[i - 1]!);
          const low = slopes[i]! <= slopes[i - 1]! && slopes[i]! <= slopes[i + 1]! && slopes[i]! < 0.5 * steepest && energies[i]! - e > 0.1 * (energy - e);
          if (i >= 3 && low && (flat < 0 || slopes[i]! < slopes[flat]!)) flat = i;
        }
        if (flat < 0) return null;
        points.length = energies.length = slopes.length = flat + 1;
        off = this.kick(points[flat]!, energies[flat]!, target);
      }
      if (!off) return null;
      [x, e] = off;
    }
    return null;
  }

  /** A point one step (or less) from `x` and below its energy `e`: along the unstable mode towards `target`, else the lowest probe that nears it. */
  private kick(x: Vec3, e: number, target: Vec3): [Vec3, number] | null {
    const h0 = this.step;
    const H = (this.field.evaluate(x) as { hessian?: ArrayLike<number> }).hessian;
    const eig = H ? eigenSym3(Float64Array.from(H)) : null;
    if (eig && eig.values[0] < 0) {
      const v = [eig.vectors[0]!, eig.vectors[3]!, eig.vectors[6]!];
      const sign = v[0]! * (target[0] - x[0]) + v[1]! * (target[1] - x[1]) + v[2]! * (target[2] - x[2]) >= 0 ? 1 : -1;
      for (let h = h0; h > 1e-3 * h0; h /= 2) {
        const y: Vec3 = [x[0] + sign * h * v[0]!, x[1] + sign * h * v[1]!, x[2] + sign * h * v[2]!];
        const ey = this.field.energy(y);
        if (ey < e) return [y, ey];
      }
    }
    const far = Math.hypot(x[0] - target[0], x[1] - target[1], x[2] - target[2]);
    let best: [Vec3, number] | null = null,
      bestD = far;
    for (const d of PROBES) {
      const y: Vec3 = [x[0] + h0 * d[0], x[1] + h0 * d[1], x[2] + h0 * d[2]];
      const ey = this.field.energy(y);
      const dist = Math.hypot(y[0] - target[0], y[1] - target[1], y[2] - target[2]);
      if (ey < e && dist < bestD) [best, bestD] = [[y, ey], dist];
    }
    return best;
  }

  /** Straight segments from the seed crossing (or saddle) to both ends, energies of the field. */
  private straight(s: NetworkSaddle, ends: [{ cart: Vec3; energy: number }, { cart: Vec3; energy: number }]): HopSegments {
    const half = (end: { cart: Vec3; energy: number }): Segment => {
      const d = [0, 1, 2].map((k) => end.cart[k]! - s.cart[k]!);
      const n = Math.max(1, Math.ceil(Math.hypot(d[0]!, d[1]!, d[2]!) / this.step));
      const points: Vec3[] = [];
      const energies: number[] = [];
      for (let i = 0; i <= n; i++) {
        const p: Vec3 = [s.cart[0] + (i / n) * d[0]!, s.cart[1] + (i / n) * d[1]!, s.cart[2] + (i / n) * d[2]!];
        points.push(p);
        energies.push(i === 0 ? this.field.energy(p) : i === n ? end.energy : this.field.energy(p));
      }
      return { points, energies };
    };
    const halves: [Segment, Segment] = [half(ends[0]), half(ends[1])];
    return { energy: halves[0].energies[0]!, cart: s.cart, halves, mode: 'straight' };
  }
}
