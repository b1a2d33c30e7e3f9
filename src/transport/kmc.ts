// Rejection-free kinetic Monte Carlo (Bortz, Kalos & Lebowitz, J. Comput. Phys. 17, 10, 1975) of N mobile ions
// on a periodic supercell of sites. Every directed edge (site i → site j) carries its current rate, nonzero only
// while i holds an ion and j is empty; the rates sit in the leaves of a binary sum tree, so drawing the next hop
// (with probability rate/total) and updating a rate both cost O(log E). Time advances by −ln(u)/total.
//
// After a hop i → j only the rates that can change are recomputed: edges into and out of i and j (occupancy),
// and edges touching the sites within the interaction cutoff of i or j (their mobile–mobile energy changed).
//
// Diffusion coefficients come from block averages. The production run is cut into blocks of equal simulated time
// τ0; each block stores every ion's displacement. Consecutive blocks (b0, b1) give one estimate
//     D = [ (|b0|² + |b1|²)/2 + 2·b0·b1 ] / (6·τ0)  =  [MSD(2τ0) − MSD(τ0)] / (6·τ0),
// the slope of the mean squared displacement, which cancels the constant offset that rattling inside a cage adds
// to MSD(t) (an ion that returns within its cage makes b0·b1 negative). Tracer D* averages this over ions; the
// collective D_σ applies it to the sum of displacements, divided by N. Their standard errors are the spread of the
// pair estimates over √(pairs).
import { Random } from './random.js';
import { BOLTZMANN_EV } from './rates.js';
import type { Supercell } from './supercell.js';

export interface KmcRunOptions {
  temperatureK: number;
  ions: number;
  seed: number;
  /** Stream number of the generator (one per temperature), so temperatures do not share random numbers. */
  stream: number;
  /** Saddle energies below this are raised to it (eV, absolute); -Infinity: none. */
  saddleFloor: number;
  /** Use the pair energies (else site exclusion only). */
  interacting: boolean;
  targetTracer: number;
  targetCollective: number;
  maxSteps: number;
  /** Equilibration ends when the ions' mean squared displacement reaches this (Å²). */
  equilibrationMsdA2: number;
}

export interface KmcRunResult {
  status: 'converged' | 'step-budget';
  /** Å²/s */
  tracerD: number;
  tracerDError: number;
  collectiveD: number;
  collectiveDError: number;
  steps: number;
  equilibrationSteps: number;
  timeS: number;
  blocks: number;
  meanEnergyPerIon: number;
  /** Edges whose saddle was raised by the floor. */
  slowedEdges: number;
}

/** Fewest pairs of blocks before convergence is judged (a standard error from fewer is itself too uncertain). */
const MIN_PAIRS = 16;

class SumTree {
  readonly size: number;
  readonly tree: Float64Array;
  constructor(n: number) {
    let p = 1;
    while (p < n) p <<= 1;
    this.size = p;
    this.tree = new Float64Array(2 * p);
  }
  set(i: number, v: number): void {
    const t = this.tree;
    let k = this.size + i;
    t[k] = v;
    k >>= 1;
    while (k >= 1) {
      t[k] = t[2 * k]! + t[2 * k + 1]!;
      k >>= 1;
    }
  }
  get total(): number {
    return this.tree[1]!;
  }
  /** The leaf where the running sum passes x (0 ≤ x < total). */
  find(x: number): number {
    const t = this.tree;
    let k = 1;
    while (k < this.size) {
      const l = t[2 * k]!;
      if (x < l) k = 2 * k;
      else {
        x -= l;
        k = 2 * k + 1;
      }
    }
    return k - this.size;
  }
}

export function runKmc(sc: Supercell, o: KmcRunOptions): KmcRunResult {
  const beta = 1 / (BOLTZMANN_EV * o.temperatureK);
  const N = o.ions;
  const { nSites, nEdges, edgeSrc, edgeDst, edgeDisp, edgeNu, siteEnergy, outStart, outEdges, inStart, inEdges } = sc;
  const nbrStart = o.interacting ? sc.nbrStart : new Int32Array(nSites + 1);
  const { nbrSite, nbrEnergy } = sc;
  const pairE = o.interacting ? sc.edgePairEnergy : new Float64Array(nEdges);
  const rng = new Random(o.seed, o.stream);

  // KRA barrier of each edge with the floor applied to its saddle (both directions alike: detailed balance holds).
  const kra = new Float64Array(nEdges);
  let slowedEdges = 0;
  for (let e = 0; e < nEdges; e++) {
    let s = sc.edgeSaddle[e]!;
    if (s < o.saddleFloor) {
      s = o.saddleFloor;
      slowedEdges++;
    }
    kra[e] = s - 0.5 * (siteEnergy[edgeSrc[e]!]! + siteEnergy[edgeDst[e]!]!);
  }

  // Occupancy (ion index or −1) and each site's interaction energy with the ions on other sites.
  const ionAt = new Int32Array(nSites).fill(-1);
  const siteOf = new Int32Array(N);
  const phi = new Float64Array(nSites);
  const place = (ion: number, s: number, sign: 1 | -1) => {
    for (let q = nbrStart[s]!; q < nbrStart[s + 1]!; q++) phi[nbrSite[q]!]! += sign * nbrEnergy[q]!;
    if (sign > 0) {
      ionAt[s] = ion;
      siteOf[ion] = s;
    } else ionAt[s] = -1;
  };
  // Start near the ground state: each ion in turn on the empty site of lowest energy (site + repulsion), ties by index.
  for (let ion = 0; ion < N; ion++) {
    let best = -1;
    let bestE = Infinity;
    for (let s = 0; s < nSites; s++) {
      if (ionAt[s]! >= 0) continue;
      const en = siteEnergy[s]! + phi[s]!;
      if (en < bestE) {
        bestE = en;
        best = s;
      }
    }
    place(ion, best, 1);
  }
  let eMin = Infinity;
  for (let s = 0; s < nSites; s++) eMin = Math.min(eMin, siteEnergy[s]!);
  let energy = 0;
  for (let ion = 0; ion < N; ion++) energy += siteEnergy[siteOf[ion]!]! + 0.5 * phi[siteOf[ion]!]!;

  const tree = new SumTree(nEdges);
  const deltaE = (e: number) => {
    const s = edgeSrc[e]!, d = edgeDst[e]!;
    return siteEnergy[d]! - siteEnergy[s]! + phi[d]! - pairE[e]! - phi[s]!;
  };
  const rateOf = (e: number) => {
    const s = edgeSrc[e]!, d = edgeDst[e]!;
    if (ionAt[s]! < 0 || ionAt[d]! >= 0) return 0;
    // kraBarrier, inlined: this is the innermost loop.
    const dE = siteEnergy[d]! - siteEnergy[s]! + phi[d]! - pairE[e]! - phi[s]!;
    let ea = kra[e]! + 0.5 * dE;
    if (ea < dE) ea = dE;
    if (ea < 0) ea = 0;
    return edgeNu[e]! * Math.exp(-beta * ea);
  };
  const rate = new Float64Array(nEdges);
  for (let e = 0; e < nEdges; e++) {
    rate[e] = rateOf(e);
    tree.tree[tree.size + e] = rate[e]!;
  }
  for (let k = tree.size - 1; k >= 1; k--) tree.tree[k] = tree.tree[2 * k]! + tree.tree[2 * k + 1]!;

  // Per-step bookkeeping, allocated once: stamps deduplicate sites and edges within a step, `dirty` holds the tree
  // nodes whose sums must be redone. The tree is updated once per step, level by level, so a node shared by many
  // changed leaves is summed once (the sums are the same as updating each leaf's path in turn).
  const stamp = new Int32Array(nEdges).fill(-1);
  const siteStamp = new Int32Array(nSites).fill(-1);
  const nodeStamp = new Int32Array(2 * tree.size).fill(-1);
  const treeArr = tree.tree;
  const leaf0 = tree.size;
  let dirty = new Int32Array(Math.max(16, nEdges));
  let nextDirty = new Int32Array(dirty.length);
  let nDirty = 0;
  let stepCount = 0;
  const refresh = (e: number) => {
    if (stamp[e] === stepCount) return;
    stamp[e] = stepCount;
    const r = rateOf(e);
    if (r !== rate[e]) {
      rate[e] = r;
      const k = leaf0 + e;
      treeArr[k] = r;
      const p = k >> 1;
      if (nodeStamp[p] !== stepCount) {
        nodeStamp[p] = stepCount;
        dirty[nDirty++] = p;
      }
    }
  };
  const resum = () => {
    // All dirty nodes of one pass lie on the same level (leaves share a depth), so their sums are final once the
    // level below is.
    while (nDirty > 0) {
      let n = 0;
      for (let i = 0; i < nDirty; i++) {
        const k = dirty[i]!;
        treeArr[k] = treeArr[2 * k]! + treeArr[2 * k + 1]!;
        const p = k >> 1;
        if (p >= 1 && nodeStamp[p] !== stepCount) {
          nodeStamp[p] = stepCount;
          nextDirty[n++] = p;
        }
      }
      const t = dirty;
      dirty = nextDirty;
      nextDirty = t;
      nDirty = n;
    }
  };
  // An edge's rate can change only if it is nonzero now or was before: out of an occupied site into an empty one.
  const touch = (s: number) => {
    if (siteStamp[s] === stepCount) return;
    siteStamp[s] = stepCount;
    const occupied = ionAt[s]! >= 0;
    for (let q = outStart[s]!, end = outStart[s + 1]!; q < end; q++) {
      const e = outEdges[q]!;
      if ((occupied && ionAt[edgeDst[e]!]! < 0) || rate[e] !== 0) refresh(e);
    }
    for (let q = inStart[s]!, end = inStart[s + 1]!; q < end; q++) {
      const e = inEdges[q]!;
      if ((!occupied && ionAt[edgeSrc[e]!]! >= 0) || rate[e] !== 0) refresh(e);
    }
  };

  // Unwrapped displacement of each ion since the start (Å).
  const disp = new Float64Array(3 * N);
  let time = 0;
  let lastEdge = 0;
  let lastIon = 0;

  /** One hop; false when no hop is possible. */
  const step = (): boolean => {
    const total = tree.total;
    if (!(total > 0)) return false;
    let e = tree.find(rng.next() * total);
    if (e >= nEdges || rate[e] === 0) {
      // Rounding put the draw on an empty leaf at the very end: take the last edge with a rate.
      e = Math.min(e, nEdges - 1);
      while (e > 0 && rate[e] === 0) e--;
      if (rate[e] === 0) return false;
    }
    time += -Math.log(rng.next()) / total;
    const s = edgeSrc[e]!, d = edgeDst[e]!;
    const ion = ionAt[s]!;
    lastEdge = e;
    lastIon = ion;
    energy += deltaE(e);
    place(ion, s, -1);
    place(ion, d, 1);
    disp[3 * ion]! += edgeDisp[3 * e]!;
    disp[3 * ion + 1]! += edgeDisp[3 * e + 1]!;
    disp[3 * ion + 2]! += edgeDisp[3 * e + 2]!;
    stepCount++;
    touch(s);
    touch(d);
    for (let q = nbrStart[s]!, end = nbrStart[s + 1]!; q < end; q++) touch(nbrSite[q]!);
    for (let q = nbrStart[d]!, end = nbrStart[d + 1]!; q < end; q++) touch(nbrSite[q]!);
    resum();
    return true;
  };

  const msd = () => {
    let sum = 0;
    for (let i = 0; i < 3 * N; i++) sum += disp[i]! * disp[i]!;
    return sum / N;
  };

  // Equilibration: until the ions have moved `equilibrationMsdA2` on average (they have left the cages they were
  // put in and the energy has relaxed from the ground-state start), at most 30 % of the step budget.
  const eqBudget = Math.floor(0.3 * o.maxSteps);
  while (stepCount < eqBudget && msd() < o.equilibrationMsdA2) {
    for (let k = 0; k < 64 && stepCount < eqBudget; k++) if (!step()) break;
    if (tree.total <= 0) break;
  }
  const equilibrationSteps = stepCount;
  const eqTime = time;
  const empty = (): KmcRunResult => ({
    status: 'step-budget',
    tracerD: 0,
    tracerDError: 0,
    collectiveD: 0,
    collectiveDError: 0,
    steps: stepCount,
    equilibrationSteps,
    timeS: 0,
    blocks: 0,
    meanEnergyPerIon: energy / N - eMin,
    slowedEdges,
  });
  if (!(tree.total > 0) || !(eqTime > 0)) return empty();

  // Block length: the time the ions took to move that far, so one block already carries several hops per ion; but
  // short enough that the rest of the step budget holds 2·MIN_PAIRS blocks (when equilibration used its whole
  // share, the run ends on the budget and its estimate is marked so).
  const stepsPerTime = equilibrationSteps / eqTime;
  const tau = Math.min(eqTime, (o.maxSteps - equilibrationSteps) / stepsPerTime / (2 * MIN_PAIRS));
  const t0 = time;
  const start = disp.slice();
  const first = new Float64Array(3 * N);
  let inPair = 0;
  let blocks = 0;
  let blockEnd = t0 + tau;
  let energyTime = 0;
  const tracer = new Moments();
  const collective = new Moments();
  let status: KmcRunResult['status'] = 'step-budget';
  // Closes a block whose displacements are disp − start (minus `lastHop` when that hop came after the boundary).
  const closeBlock = (excludeLastHop = true) => {
    const b = first;
    if (inPair === 0) {
      for (let i = 0; i < 3 * N; i++) b[i] = disp[i]! - start[i]!;
      if (excludeLastHop) for (let m = 0; m < 3; m++) b[3 * lastIon + m]! -= edgeDisp[3 * lastEdge + m]!;
      for (let i = 0; i < 3 * N; i++) start[i]! += b[i]!;
      inPair = 1;
    } else {
      let t = 0;
      const A = [0, 0, 0], B = [0, 0, 0];
      for (let i = 0; i < N; i++) {
        for (let m = 0; m < 3; m++) {
          const k = 3 * i + m;
          let y = disp[k]! - start[k]!;
          if (excludeLastHop && i === lastIon) y -= edgeDisp[3 * lastEdge + m]!;
          start[k]! += y;
          const x = b[k]!;
          t += 0.5 * (x * x + y * y) + 2 * x * y;
          A[m]! += x;
          B[m]! += y;
        }
      }
      let c = 0;
      for (let m = 0; m < 3; m++) c += 0.5 * (A[m]! * A[m]! + B[m]! * B[m]!) + 2 * A[m]! * B[m]!;
      tracer.add(t / (6 * N * tau));
      collective.add(c / (6 * N * tau));
      inPair = 0;
    }
    blocks++;
    blockEnd = t0 + tau * (blocks + 1);
  };

  while (stepCount < o.maxSteps) {
    const before = time;
    const eBefore = energy;
    if (!step()) break;
    energyTime += eBefore * (time - before);
    if (time < blockEnd) continue;
    // Blocks end at fixed times and the configuration is constant between hops, so the block that ends inside
    // this waiting time holds the displacements before the hop just made; further boundaries inside the same
    // waiting time close blocks without motion.
    closeBlock(true);
    while (time >= blockEnd) closeBlock(true);
    if (inPair === 0 && tracer.count >= MIN_PAIRS) {
      const dt = tracer.mean, dc = collective.mean;
      if (dt > 0 && dc > 0 && tracer.error <= o.targetTracer * dt && collective.error <= o.targetCollective * dc) {
        status = 'converged';
        break;
      }
    }
  }
  const prodTime = time - t0;
  return {
    status,
    tracerD: tracer.count >= 2 ? tracer.mean : 0,
    tracerDError: tracer.error,
    collectiveD: collective.count >= 2 ? collective.mean : 0,
    collectiveDError: collective.error,
    steps: stepCount,
    equilibrationSteps,
    timeS: prodTime,
    blocks,
    meanEnergyPerIon: (prodTime > 0 ? energyTime / prodTime : energy) / N - eMin,
    slowedEdges,
  };
}

/** Running mean and standard error of the mean (Welford). */
class Moments {
  count = 0;
  mean = 0;
  private m2 = 0;
  add(x: number): void {
    this.count++;
    const d = x - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (x - this.mean);
  }
  get error(): number {
    return this.count >= 2 ? Math.sqrt(this.m2 / (this.count - 1) / this.count) : Infinity;
  }
}
