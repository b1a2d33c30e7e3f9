// The pass loop of adaptive refinement (docs/refinement.md, steps 2 and 3). Each pass builds the periodic graph of
// the octree's leaves, sweeps it on the lo-field and the hi-field to bracket every threshold, picks the blocks that
// can still change E_min or a threshold, and splits them (their children's corners evaluated or filled, then
// bounded). It stops when no block coarser than a fine point is ambiguous: the hi-field's thresholds are then the
// fine grid's.
import { EdgeList, graphThresholds, type GraphThresholds, type PeriodicGraph } from '../percolation/graph.js';
import { neighbourOffsets, type Connectivity } from '../percolation/grid-walk.js';
import { boundBlock, DIRECT_BOUND_ABOVE_ERR, tightenLowerBound, type BlockBoundsContext } from './block-bounds.js';
import { blockCode, codeBlock, codeLevel, roundDown32, roundUp32, type GridSize } from './levels.js';

/** The band around each guessed threshold refined first: this fraction of the bracket's width, plus the floor (eV). */
const GUESS_BAND_FRACTION = 0.125;
const GUESS_BAND_FLOOR = 0.002;
/** After this many passes every ambiguous block is split, not only those near a guess (so the loop ends). */
const MAX_TARGETED_PASSES = 24;

/** The refinement's state as the passes see it. */
export interface PassContext extends BlockBoundsContext {
  coarse: GridSize;
  fine: GridSize;
  connectivity: Connectivity;
  /** Percolation window above E_min (eV). */
  encut: number;
  timings: Record<string, number>;
}

export interface PassesResult {
  /** Thresholds of the last hi-field: the fine grid's. */
  thresholds: GraphThresholds['thresholds'];
  /** The fine grid's E_min (every leaf exact or above it by then). */
  eMin: number;
  passes: number;
}

/** Refines until no block can change E_min or a threshold (level 0 must be bounded already). */
export async function refineUntilExact(ctx: PassContext): Promise<PassesResult> {
  const { timings } = ctx;
  let upperE3D = Infinity;
  for (let pass = 0; ; pass++) {
    const tg = performance.now();
    const leaves = leafGraph(ctx, upperE3D);
    const ts = performance.now();
    timings.graph! += ts - tg;
    const tHi = graphThresholds(leaves.graph, leaves.hi, leaves.limit);
    const tLo = graphThresholds(leaves.graph, leaves.lo, leaves.limit);
    if (tHi.thresholds[2] !== null && tHi.thresholds[2] < upperE3D) upperE3D = tHi.thresholds[2];
    timings.sweep! += performance.now() - ts;

    const td = performance.now();
    const ambiguous = ambiguousBlocks(ctx, leaves, tLo, tHi);
    timings.decide = (timings.decide ?? 0) + performance.now() - td;
    if (ambiguous.length === 0) return { thresholds: tHi.thresholds, eMin: leaves.eMinUpper, passes: pass + 1 };
    const chosen = pass < MAX_TARGETED_PASSES ? nearGuesses(ctx, leaves, ambiguous, tLo, tHi) : [];
    await splitBlocks(ctx, chosen.length > 0 ? chosen : ambiguous);
  }
}

/** The octree's leaves as nodes of a periodic graph, with their bounds as float32 fields. */
interface LeafGraph {
  nodes: number;
  lo: Float32Array;
  hi: Float32Array;
  level: Uint8Array;
  block: Int32Array;
  /** Lowest hi of any leaf: an upper bound on E_min. */
  eMinUpper: number;
  /** Highest value swept: the window above eMinUpper, or the last hi-field E_3D when lower. */
  limit: number;
  graph: PeriodicGraph;
}

/**
 * Two leaves are neighbours when a fine point of one is a connectivity-neighbour of a fine point of the other, with
 * the periodic offset of that step. Each leaf looks one fine step past each face (edge, corner) and finds the leaf
 * there; a finer leaf is left to find us, an equal one is taken in the positive directions only.
 * Leaves above the sweep window, or above the last hi-field E_3D (an upper bound on every threshold of this pass's
 * lo-, hi- and mid-fields: hi only falls under refinement, and lo ≤ mid ≤ hi), are never swept before the last
 * threshold is found: they need no edge in the graph.
 */
function leafGraph(ctx: PassContext, upperE3D: number): LeafGraph {
  const { blocks, coarse, fine } = ctx;
  const finest = ctx.values.finestLevel;
  const leafId = blocks.map((blk) => new Int32Array(blk.count).fill(-1));
  let nodes = 0;
  for (let l = 0; l <= finest; l++) {
    const blk = blocks[l]!;
    for (let b = 0; b < blk.count; b++) if (blk.child[b]! < 0) leafId[l]![b] = nodes++;
  }
  const lo = new Float32Array(nodes),
    hi = new Float32Array(nodes);
  const level = new Uint8Array(nodes),
    block = new Int32Array(nodes);
  let eMinUpper = Infinity;
  for (let l = 0; l <= finest; l++) {
    const blk = blocks[l]!;
    for (let b = 0; b < blk.count; b++) {
      const id = leafId[l]![b]!;
      if (id < 0) continue;
      lo[id] = roundDown32(blk.lo[b]!);
      hi[id] = roundUp32(blk.hi[b]!);
      level[id] = l;
      block[id] = b;
      if (blk.hi[b]! < eMinUpper) eMinUpper = blk.hi[b]!;
    }
  }
  const limit = Math.min(eMinUpper + ctx.encut, upperE3D);
  const active = (id: number) => lo[id]! <= limit;
  const dirs = neighbourOffsets(ctx.connectivity);
  const nDirs = dirs.length / 3;
  const edgeList = new EdgeList(nodes * (nDirs / 2 + 1));
  /** The leaf holding fine point (i, j, k), as a block code. */
  const leafAt = (i: number, j: number, k: number): number => {
    let b = (i >> finest) + coarse[0] * ((j >> finest) + coarse[1] * (k >> finest));
    for (let l = 0; ; l++) {
      const c = blocks[l]!.child[b]!;
      if (c < 0) return blockCode(l, b);
      const sh = finest - l - 1;
      b = c + ((i >> sh) & 1) + 2 * ((j >> sh) & 1) + 4 * ((k >> sh) & 1);
    }
  };
  for (let l = 0; l <= finest; l++) {
    const blk = blocks[l]!;
    const s = 1 << (finest - l); // fine points per block edge
    for (let b = 0; b < blk.count; b++) {
      const id = leafId[l]![b]!;
      if (id < 0 || !active(id)) continue;
      const oi = blk.I[b]! * s,
        oj = blk.J[b]! * s,
        ok = blk.K[b]! * s;
      for (let d = 0; d < nDirs; d++) {
        const di = dirs[3 * d]!,
          dj = dirs[3 * d + 1]!,
          dk = dirs[3 * d + 2]!;
        let ti = di > 0 ? oi + s : di < 0 ? oi - 1 : oi;
        let tj = dj > 0 ? oj + s : dj < 0 ? oj - 1 : oj;
        let tk = dk > 0 ? ok + s : dk < 0 ? ok - 1 : ok;
        const wi = ti < 0 ? -1 : ti >= fine[0] ? 1 : 0,
          wj = tj < 0 ? -1 : tj >= fine[1] ? 1 : 0,
          wk = tk < 0 ? -1 : tk >= fine[2] ? 1 : 0;
        ti -= wi * fine[0];
        tj -= wj * fine[1];
        tk -= wk * fine[2];
        const found = leafAt(ti, tj, tk);
        const fl = codeLevel(found),
          fb = codeBlock(found);
        if (fl > l) continue;
        if (fl === l && (di !== 0 ? di : dj !== 0 ? dj : dk) < 0) continue;
        const other = leafId[fl]![fb]!;
        if (!active(other)) continue;
        edgeList.push(id, other, wi, wj, wk);
      }
    }
  }
  return { nodes, lo, hi, level, block, eMinUpper, limit, graph: edgeList.toGraph(nodes) };
}

/**
 * Leaves coarser than a fine point that can still change E_min or a threshold: they reach below the lowest hi, or
 * their bounds overlap some dimension's bracket [T_lo, T_hi]. Near atoms the direct bound is tried before a block
 * is counted.
 */
function ambiguousBlocks(ctx: PassContext, leaves: LeafGraph, tLo: GraphThresholds, tHi: GraphThresholds): number[] {
  const finest = ctx.values.finestLevel;
  const out: number[] = [];
  for (let id = 0; id < leaves.nodes; id++) {
    const l = leaves.level[id]!;
    if (l === finest) continue;
    const b = leaves.block[id]!;
    const hi = leaves.hi[id]!;
    const isAmbiguous = (lo: number): boolean => {
      if (lo <= leaves.eMinUpper) return true;
      for (let r = 0; r < 3; r++) {
        const tl = tLo.thresholds[r];
        if (tl === null) continue; // not percolating even in the lo-field: not within the window
        const th = tHi.thresholds[r] ?? leaves.limit;
        if (lo <= th && hi >= tl!) return true;
      }
      return false;
    };
    if (!isAmbiguous(leaves.lo[id]!)) continue;
    const blk = ctx.blocks[l]!;
    if (blk.err[b]! > DIRECT_BOUND_ABOVE_ERR && !blk.direct[b]) {
      if (!isAmbiguous(roundDown32(tightenLowerBound(ctx, l, b)))) continue;
    }
    out.push(blockCode(l, b));
  }
  return out;
}

/**
 * Refining every ambiguous block would refine everything inside the bracket [T_lo, T_hi], which at coarse levels is
 * wide. The blocks around a best guess of each threshold (the sweep of the field at the middle of every leaf's
 * bounds) go first: once they are exact, the bracket closes onto the guess (when the guess was right) and the rest
 * stops being ambiguous. Returns those of `ambiguous` near a guess (or reaching below the lowest hi); any ambiguity
 * left is refined in later passes.
 */
function nearGuesses(ctx: PassContext, leaves: LeafGraph, ambiguous: number[], tLo: GraphThresholds, tHi: GraphThresholds): number[] {
  const tm = performance.now();
  const mid = new Float32Array(leaves.nodes);
  for (let id = 0; id < leaves.nodes; id++) {
    const lo = leaves.lo[id]!,
      hi = leaves.hi[id]!;
    mid[id] = Number.isFinite(lo) && Number.isFinite(hi) ? 0.5 * (lo + hi) : hi;
  }
  const tMid = graphThresholds(leaves.graph, mid, leaves.limit);
  ctx.timings.sweep! += performance.now() - tm;
  const guess = [0, 1, 2].map((r) => {
    const tl = tLo.thresholds[r],
      th = tHi.thresholds[r] ?? leaves.limit;
    if (tl === null || tl === undefined) return null;
    const est = tMid.thresholds[r] ?? th;
    const delta = GUESS_BAND_FRACTION * (th - tl) + GUESS_BAND_FLOOR;
    return { lo: est - delta, hi: est + delta };
  });
  return ambiguous.filter((code) => {
    const blk = ctx.blocks[codeLevel(code)]!,
      b = codeBlock(code);
    const lo = blk.lo[b]!,
      hi = blk.hi[b]!;
    return lo <= leaves.eMinUpper || guess.some((g) => g !== null && lo <= g.hi && hi >= g.lo);
  });
}

/**
 * Splits each block into its 8 children, then, level by level, makes the children's corners known and bounds them
 * within their parent's bounds. The children of a parent are created in one run, so they are consecutive.
 */
async function splitBlocks(ctx: PassContext, chosen: number[]): Promise<void> {
  const { blocks, values, timings } = ctx;
  const finest = values.finestLevel;
  // Per level ℓ ≥ 1: the parents split (level ℓ−1 indices) and the first of each one's 8 children (level ℓ).
  const perLevel = Array.from({ length: finest + 1 }, () => 0);
  for (const code of chosen) perLevel[codeLevel(code) + 1]!++;
  const parentsAt = perLevel.map((n) => new Int32Array(n));
  const firstChildAt = perLevel.map((n) => new Int32Array(n));
  const filled = perLevel.map(() => 0);
  for (let l = 1; l <= finest; l++) blocks[l]!.reserve(8 * perLevel[l]!);
  for (const code of chosen) {
    const l = codeLevel(code),
      b = codeBlock(code);
    const blk = blocks[l]!,
      next = blocks[l + 1]!;
    const I = 2 * blk.I[b]!,
      J = 2 * blk.J[b]!,
      K = 2 * blk.K[b]!;
    const first = next.add(I, J, K);
    for (let c = 1; c < 8; c++) next.add(I + (c & 1), J + ((c >> 1) & 1), K + ((c >> 2) & 1));
    blk.child[b] = first;
    const q = filled[l + 1]!++;
    parentsAt[l + 1]![q] = b;
    firstChildAt[l + 1]![q] = first;
  }
  for (let l = 1; l <= finest; l++) {
    const groups = perLevel[l]!;
    if (groups === 0) continue;
    const blk = blocks[l]!;
    const n = values.levels[l]!.size;
    const corners = l < finest ? 8 : 1; // a fine point is its own only corner
    const pts = new Int32Array(3 * corners * 8 * groups);
    let p = 0;
    for (let g = 0; g < groups; g++)
      for (let b = firstChildAt[l]![g]!, end = b + 8; b < end; b++)
        for (let c = 0; c < corners; c++) {
          pts[p++] = (blk.I[b]! + (c & 1)) % n[0];
          pts[p++] = (blk.J[b]! + ((c >> 1) & 1)) % n[1];
          pts[p++] = (blk.K[b]! + ((c >> 2) & 1)) % n[2];
        }
    await values.ensure(l, pts, p / 3);
    const tb = performance.now();
    const parent = blocks[l - 1]!;
    for (let g = 0; g < groups; g++) {
      const pb = parentsAt[l]![g]!;
      for (let b = firstChildAt[l]![g]!, end = b + 8; b < end; b++) boundBlock(ctx, l, b, parent.lo[pb]!, parent.hi[pb]!);
    }
    timings.bounds! += performance.now() - tb;
  }
}
