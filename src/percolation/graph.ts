// Percolation thresholds on any periodic graph, not only a regular grid: nodes carry a value, edges carry the
// lattice offset (in cells) of the neighbour's copy. The same one-sweep union-find with winding lattices as the
// grid sweep (sweep.ts). Adaptive refinement (src/refine) runs it on the leaves of its octree, whose blocks differ
// in size.
import { sortedIndicesUpTo } from './sort.js';
import { OffsetOverflow, PeriodicUnionFind } from './sweep.js';

/** Adjacency in compressed rows: the edges of node u are e ∈ [start[u], start[u+1]). Both directions stored. */
export interface PeriodicGraph {
  nodeCount: number;
  start: Int32Array;
  target: Int32Array;
  /** Cell offset of the target's copy, 3 per edge. */
  offset: Int8Array;
}

/** Builds a PeriodicGraph from undirected edges (u, v, offset of v's copy as seen from u). */
export function buildPeriodicGraph(nodeCount: number, edgeCount: number, from: Int32Array, to: Int32Array, offset: Int8Array): PeriodicGraph {
  const degree = new Int32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) {
    degree[from[e]! + 1]!++;
    degree[to[e]! + 1]!++;
  }
  const start = new Int32Array(nodeCount + 1);
  for (let u = 0; u < nodeCount; u++) start[u + 1] = start[u]! + degree[u + 1]!;
  const fill = start.slice(0, nodeCount);
  const target = new Int32Array(2 * edgeCount);
  const off = new Int8Array(6 * edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    const u = from[e]!,
      v = to[e]!;
    let s = fill[u]!++;
    target[s] = v;
    off[3 * s] = offset[3 * e]!;
    off[3 * s + 1] = offset[3 * e + 1]!;
    off[3 * s + 2] = offset[3 * e + 2]!;
    s = fill[v]!++;
    target[s] = u;
    off[3 * s] = -offset[3 * e]!;
    off[3 * s + 1] = -offset[3 * e + 1]!;
    off[3 * s + 2] = -offset[3 * e + 2]!;
  }
  return { nodeCount, start, target, offset: off };
}

/** Undirected edges with the cell offset of each target, gathered one at a time (growable). */
export class EdgeList {
  count = 0;
  private from: Int32Array;
  private to: Int32Array;
  /** Exactly 3 entries per edge slot: a shorter array would drop writes silently (typed arrays ignore them). */
  private offset: Int8Array;

  constructor(capacity = 1024) {
    const cap = Math.max(1, Math.ceil(capacity));
    this.from = new Int32Array(cap);
    this.to = new Int32Array(cap);
    this.offset = new Int8Array(3 * cap);
  }

  /** Edge u–v whose v copy sits in u's cell shifted by (wx, wy, wz) cells. */
  push(u: number, v: number, wx: number, wy: number, wz: number): void {
    if (this.count === this.from.length) this.grow(2 * this.from.length);
    const e = this.count++;
    this.from[e] = u;
    this.to[e] = v;
    this.offset[3 * e] = wx;
    this.offset[3 * e + 1] = wy;
    this.offset[3 * e + 2] = wz;
  }

  toGraph(nodeCount: number): PeriodicGraph {
    return buildPeriodicGraph(nodeCount, this.count, this.from, this.to, this.offset);
  }

  private grow(cap: number): void {
    const from = new Int32Array(cap),
      to = new Int32Array(cap),
      offset = new Int8Array(3 * cap);
    from.set(this.from);
    to.set(this.to);
    offset.set(this.offset);
    this.from = from;
    this.to = to;
    this.offset = offset;
  }
}

export interface GraphThresholds {
  /** Lowest value at which some cluster's winding rank reaches 1, 2, 3; null if not up to `limit`. */
  thresholds: [number | null, number | null, number | null];
  /** The node whose addition reached that rank (−1 if none). */
  nodes: [number, number, number];
}

/**
 * Adds nodes in increasing value (those with value ≤ limit; NaN never) and reports the values at which the
 * winding rank first reaches 1, 2 and 3.
 */
export function graphThresholds(graph: PeriodicGraph, values: Float32Array, limit: number): GraphThresholds {
  if (values.length !== graph.nodeCount) throw new RangeError(`${values.length} values for ${graph.nodeCount} nodes`);
  const order = sortedIndicesUpTo(values, limit);
  try {
    return sweepGraph(graph, values, order, false);
  } catch (err) {
    if (!(err instanceof OffsetOverflow)) throw err;
    return sweepGraph(graph, values, order, true);
  }
}

function sweepGraph(graph: PeriodicGraph, values: Float32Array, order: Uint32Array, wide: boolean): GraphThresholds {
  const uf = new PeriodicUnionFind(graph.nodeCount, wide);
  const { start, target, offset } = graph;
  const parent = uf.parent;
  const out: GraphThresholds = { thresholds: [null, null, null], nodes: [-1, -1, -1] };
  for (let t = 0; t < order.length; t++) {
    const p = order[t]!;
    parent[p] = p;
    const before = uf.maxRank;
    for (let e = start[p]!, end = start[p + 1]!; e < end; e++) uf.connect(p, target[e]!, offset[3 * e]!, offset[3 * e + 1]!, offset[3 * e + 2]!);
    if (uf.maxRank > before) {
      for (let r = before; r < uf.maxRank; r++) {
        out.thresholds[r] = values[p]!;
        out.nodes[r] = p;
      }
      if (uf.maxRank >= 3) break;
    }
  }
  return out;
}
