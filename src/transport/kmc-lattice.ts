// The state of a rejection-free (BKL) kinetic Monte Carlo run at one temperature: which site holds which ion, each
// site's energy with the repulsion of the ions around it, the rate of every directed edge, and the total rate out of
// every site in a sum tree. One step draws a site by its total (O(log sites)), an edge among its few out-edges,
// moves the ion, and recomputes only the rates that can change.
//
// Rate of edge e from site s to site d (src/transport/rates.ts: KRA barrier, detailed balance kept by the clamp):
//     β·E_a = max(β·E_KRA + x, 2x, 0),   x = β·ΔE/2 = g_d − g_s − β·V_sd/2,   g_i = β·(E_i + φ_i)/2,
// with φ_i the repulsion of site i from the ions on other sites and V_sd the pair energy of s and d (the moving
// ion's own share of φ_d). Every per-edge constant (ln ν, β·E_KRA, β·V/2) is taken once per temperature, and g is
// updated in place as ions move, so a rate is one exponential of a few additions.
//
// Edges are held in the order of the supercell's out-edge lists (local index q: the edges out of site s are
// outStart[s] … outStart[s + 1] − 1), each edge's three constants and rate side by side, so that recomputing a site's
// edges reads adjacent memory (9 % less CPU than one array per quantity in the supercell's numbering, same bits);
// in-edges are reached through inLocal. Only the layout differs, not the order of any sum or draw.
import type { Random } from './random.js';
import { SumTree } from './sum-tree.js';
import type { Supercell } from './supercell.js';

export interface LatticeSettings {
  beta: number;
  /** Saddle energies below this are raised to it (eV, absolute); -Infinity: none. */
  saddleFloor: number;
  /** Use the pair energies (else site exclusion only). */
  interacting: boolean;
}

export class IonLattice {
  /** Ion on each site, −1 when empty; site of each ion. */
  readonly ionAt: Int32Array;
  readonly siteOf: Int32Array;
  /** Unwrapped displacement of each ion since the start (Å), 3 per ion. */
  readonly disp: Float64Array;
  /** Simulated time (s), hops made, total energy of the ions (eV). */
  time = 0;
  steps = 0;
  energy = 0;
  /** The last hop's edge and ion. */
  lastEdge = 0;
  lastIon = 0;
  /** Edges whose saddle the floor raised. */
  readonly slowedEdges: number;

  private readonly sc: Supercell;
  private readonly beta: number;
  private readonly nbrStart: Int32Array;
  /** β/2 times each neighbour pair energy (CSR as sc.nbrSite). */
  private readonly nbrHalfBetaE: Float64Array;
  private readonly g: Float64Array;
  /** Per edge, in local order: its ends, and the supercell's number of it; the local index of each in-edge. */
  private readonly src: Int32Array;
  private readonly dst: Int32Array;
  private readonly orig: Int32Array;
  private readonly local: Int32Array;
  private readonly inLocal: Int32Array;
  /** Per edge (local order), side by side: ln ν, β·E_KRA, β·V/2 and the rate. */
  private readonly k: Float64Array;
  private readonly tree: SumTree;
  private readonly edgeStamp: Int32Array;
  private readonly siteStamp: Int32Array;
  private readonly changedStamp: Int32Array;
  private readonly changed: Int32Array;
  private nChanged = 0;

  constructor(
    sc: Supercell,
    ions: number,
    s: LatticeSettings,
    private readonly rng: Random,
  ) {
    this.sc = sc;
    this.beta = s.beta;
    const { nSites, nEdges, edgeSrc, edgeDst, siteEnergy } = sc;
    this.nbrStart = s.interacting ? sc.nbrStart : new Int32Array(nSites + 1);
    this.nbrHalfBetaE = sc.nbrEnergy.map((v) => 0.5 * s.beta * v);
    const pair = s.interacting ? sc.edgePairEnergy : new Float64Array(nEdges);
    this.orig = sc.outEdges;
    this.local = new Int32Array(nEdges);
    for (let q = 0; q < nEdges; q++) this.local[this.orig[q]!] = q;
    this.inLocal = sc.inEdges.map((e) => this.local[e]!);
    this.src = new Int32Array(nEdges);
    this.dst = new Int32Array(nEdges);
    this.k = new Float64Array(4 * nEdges);
    let slowed = 0;
    for (let q = 0; q < nEdges; q++) {
      const e = this.orig[q]!;
      this.src[q] = edgeSrc[e]!;
      this.dst[q] = edgeDst[e]!;
      let saddle = sc.edgeSaddle[e]!;
      if (saddle < s.saddleFloor) {
        saddle = s.saddleFloor;
        slowed++;
      }
      this.k[4 * q] = Math.log(sc.edgeNu[e]!);
      this.k[4 * q + 1] = s.beta * (saddle - 0.5 * (siteEnergy[edgeSrc[e]!]! + siteEnergy[edgeDst[e]!]!));
      this.k[4 * q + 2] = 0.5 * s.beta * pair[e]!;
    }
    this.slowedEdges = slowed;
    this.g = siteEnergy.map((v) => 0.5 * s.beta * v);
    this.ionAt = new Int32Array(nSites).fill(-1);
    this.siteOf = new Int32Array(ions);
    this.disp = new Float64Array(3 * ions);
    this.tree = new SumTree(nSites);
    this.edgeStamp = new Int32Array(nEdges).fill(-1);
    this.siteStamp = new Int32Array(nSites).fill(-1);
    this.changedStamp = new Int32Array(nSites).fill(-1);
    this.changed = new Int32Array(nSites);
    this.placeGroundState(ions);
  }

  get totalRate(): number {
    return this.tree.total;
  }

  /** Start near the ground state: each ion in turn on the empty site of lowest energy (site plus repulsion), ties by index. */
  private placeGroundState(ions: number): void {
    const { nSites, siteEnergy } = this.sc;
    for (let ion = 0; ion < ions; ion++) {
      let best = -1;
      for (let s = 0; s < nSites; s++) if (this.ionAt[s]! < 0 && (best < 0 || this.g[s]! < this.g[best]!)) best = s;
      this.place(ion, best, 1);
    }
    // g holds β/2·(E + φ); the total counts each pair once: Σ E + ½ Σ φ.
    let energy = 0;
    for (let ion = 0; ion < ions; ion++) {
      const s = this.siteOf[ion]!;
      const e = siteEnergy[s]!;
      energy += e + 0.5 * ((2 * this.g[s]!) / this.beta - e);
    }
    this.energy = energy;
    for (let e = 0; e < this.sc.nEdges; e++) this.k[4 * e + 3] = this.rateOf(e);
    this.tree.fill(nSites, (s) => this.outRate(s));
  }

  private place(ion: number, s: number, sign: 1 | -1): void {
    const { nbrSite } = this.sc;
    const g = this.g;
    const w = this.nbrHalfBetaE;
    for (let q = this.nbrStart[s]!, end = this.nbrStart[s + 1]!; q < end; q++) g[nbrSite[q]!]! += sign * w[q]!;
    if (sign > 0) {
      this.ionAt[s] = ion;
      this.siteOf[ion] = s;
    } else this.ionAt[s] = -1;
  }

  private rateOf(e: number): number {
    const s = this.src[e]!,
      d = this.dst[e]!;
    if (this.ionAt[s]! < 0 || this.ionAt[d]! >= 0) return 0;
    const k = this.k;
    const x = this.g[d]! - this.g[s]! - k[4 * e + 2]!;
    let a = k[4 * e + 1]! + x;
    if (a < x + x) a = x + x;
    if (a < 0) a = 0;
    return Math.exp(k[4 * e]! - a);
  }

  private outRate(s: number): number {
    const outStart = this.sc.outStart;
    let sum = 0;
    for (let q = outStart[s]!, end = outStart[s + 1]!; q < end; q++) sum += this.k[4 * q + 3]!;
    return sum;
  }

  /** One hop; false when none is possible. */
  step(): boolean {
    const total = this.tree.total;
    if (!(total > 0)) return false;
    const e = this.draw(this.rng.next() * total);
    if (e < 0) return false;
    this.time += -Math.log(this.rng.next()) / total;
    this.hop(e);
    return true;
  }

  /** The edge where the running sum of rates passes x: the site by the tree, the edge among its out-edges. */
  private draw(x: number): number {
    const { outStart, nSites } = this.sc;
    let s = this.tree.find(x);
    let rest = this.tree.rest;
    // Rounding can put the draw on an empty leaf past the last site with a rate, or past a site's last edge.
    if (s >= nSites || this.tree.node[this.tree.size + s] === 0) {
      s = Math.min(s, nSites - 1);
      while (s > 0 && this.tree.node[this.tree.size + s] === 0) s--;
      rest = Infinity;
    }
    let last = -1;
    for (let q = outStart[s]!, end = outStart[s + 1]!; q < end; q++) {
      const r = this.k[4 * q + 3]!;
      if (r === 0) continue;
      if (rest < r) return q;
      rest -= r;
      last = q;
    }
    return last;
  }

  /** The hop over local edge e. */
  private hop(e: number): void {
    const sc = this.sc;
    const s = this.src[e]!,
      d = this.dst[e]!;
    const ion = this.ionAt[s]!;
    this.lastEdge = this.orig[e]!;
    this.lastIon = ion;
    this.energy += (2 * (this.g[d]! - this.g[s]! - this.k[4 * e + 2]!)) / this.beta;
    this.place(ion, s, -1);
    this.place(ion, d, 1);
    for (let m = 0; m < 3; m++) this.disp[3 * ion + m]! += sc.edgeDisp[3 * this.lastEdge + m]!;
    this.steps++;
    this.nChanged = 0;
    this.touch(s);
    this.touch(d);
    const nb = this.nbrStart;
    for (let q = nb[s]!, end = nb[s + 1]!; q < end; q++) this.touchNeighbour(sc.nbrSite[q]!);
    for (let q = nb[d]!, end = nb[d + 1]!; q < end; q++) this.touchNeighbour(sc.nbrSite[q]!);
    for (let i = 0; i < this.nChanged; i++) {
      const site = this.changed[i]!;
      this.tree.set(site, this.outRate(site));
    }
    this.tree.resum();
  }

  /**
   * Recomputes the edges of a site whose occupancy or g changed. An edge's rate can change only if it is nonzero
   * now or was before: out of an occupied site into an empty one. Each site is visited once per step.
   */
  private touch(x: number): void {
    const step = this.steps;
    if (this.siteStamp[x] === step) return;
    this.siteStamp[x] = step;
    const { outStart, inStart } = this.sc;
    const { ionAt, src, dst, inLocal } = this;
    const occupied = ionAt[x]! >= 0;
    for (let e = outStart[x]!, end = outStart[x + 1]!; e < end; e++) {
      if ((occupied && ionAt[dst[e]!]! < 0) || this.k[4 * e + 3] !== 0) this.refresh(e);
    }
    for (let q = inStart[x]!, end = inStart[x + 1]!; q < end; q++) {
      const e = inLocal[q]!;
      if ((!occupied && ionAt[src[e]!]! >= 0) || this.k[4 * e + 3] !== 0) this.refresh(e);
    }
  }

  /**
   * Recomputes the edges of a site whose g changed but not its occupancy (a neighbour of the hop's two ends, which
   * are touched first): only its active edges can change, out of it when it holds an ion, into it when empty.
   * An occupied site's active out-edges are all of its edges into empty sites and all are recomputed here, so its
   * total is their sum, set at once (in outRate's order: the zeros outRate adds change no bit).
   */
  private touchNeighbour(x: number): void {
    const step = this.steps;
    if (this.siteStamp[x] === step) return;
    this.siteStamp[x] = step;
    const { outStart, inStart } = this.sc;
    const { ionAt, src, dst, inLocal } = this;
    if (ionAt[x]! >= 0) {
      const { g, k, edgeStamp } = this;
      const gx = g[x]!;
      let sum = 0;
      for (let e = outStart[x]!, end = outStart[x + 1]!; e < end; e++) {
        const d = dst[e]!;
        // An edge into an occupied site is 0: the hop's end d, the only site that just filled, was touched first.
        if (ionAt[d]! >= 0) continue;
        if (edgeStamp[e] !== step) {
          edgeStamp[e] = step;
          // rateOf(e), with the occupancy known.
          const v = g[d]! - gx - k[4 * e + 2]!;
          let a = k[4 * e + 1]! + v;
          if (a < v + v) a = v + v;
          if (a < 0) a = 0;
          k[4 * e + 3] = Math.exp(k[4 * e]! - a);
        }
        sum += k[4 * e + 3]!;
      }
      this.tree.set(x, sum);
      this.changedStamp[x] = step;
    } else {
      for (let q = inStart[x]!, end = inStart[x + 1]!; q < end; q++) {
        const e = inLocal[q]!;
        if (ionAt[src[e]!]! >= 0) this.refresh(e);
      }
    }
  }

  private refresh(e: number): void {
    const step = this.steps;
    if (this.edgeStamp[e] === step) return;
    this.edgeStamp[e] = step;
    const r = this.rateOf(e);
    if (r === this.k[4 * e + 3]) return;
    this.k[4 * e + 3] = r;
    const s = this.src[e]!;
    if (this.changedStamp[s] !== step) {
      this.changedStamp[s] = step;
      this.changed[this.nChanged++] = s;
    }
  }

  /** The stored rate (1/s) of the supercell's edge e, as the steps left it. */
  edgeRate(e: number): number {
    return this.k[4 * this.local[e]! + 3]!;
  }

  /** Mean squared displacement of the ions since the start (Å²). */
  msd(): number {
    let sum = 0;
    for (let i = 0; i < this.disp.length; i++) sum += this.disp[i]! * this.disp[i]!;
    return sum / this.siteOf.length;
  }
}
