// Rejection-free kinetic Monte Carlo (Bortz, Kalos & Lebowitz, J. Comput. Phys. 17, 10, 1975) of N mobile ions
// on a periodic supercell of sites, at one temperature: the state and the steps are an IonLattice
// (kmc-lattice.ts), the diffusion coefficients come from block averages (kmc-blocks.ts). Time advances by
// −ln(u)/R_total after each hop.
//
// A run is: a start near the ground state, equilibration until the ions have left the sites they were put on, then
// production in blocks of equal simulated time until the standard errors of D* and D_σ meet their targets or the
// step budget is spent.
import { BlockAverager, MIN_PAIRS } from './kmc-blocks.js';
import { IonLattice } from './kmc-lattice.js';
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
  /** What each edge's hop adds to the displacements the block averager sums (Å, 3 per edge; cages.ts). */
  blockDisp: Float64Array;
  /** Equilibration ends when the ions' mean squared displacement reaches this (Å²). */
  equilibrationMsdA2: number;
  /** Called every PROGRESS_EVERY hops and at the end (done = true). */
  onProgress?: (steps: number, done: boolean) => void;
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

/** Hops between progress calls (a power of two: the check is a mask). */
const PROGRESS_EVERY = 16384;

/** Share of the step budget equilibration may use. */
const EQUILIBRATION_SHARE = 0.3;

export function runKmc(sc: Supercell, o: KmcRunOptions): KmcRunResult {
  const beta = 1 / (BOLTZMANN_EV * o.temperatureK);
  const lat = new IonLattice(sc, o.ions, { beta, saddleFloor: o.saddleFloor, interacting: o.interacting }, new Random(o.seed, o.stream));
  let eMin = Infinity;
  for (let s = 0; s < sc.nSites; s++) eMin = Math.min(eMin, sc.siteEnergy[s]!);

  const equilibrationSteps = equilibrate(lat, o);
  const eqTime = lat.time;
  const result = (status: KmcRunResult['status'], blocks: BlockAverager | null, energyTime: number): KmcRunResult => {
    o.onProgress?.(lat.steps, true);
    const prodTime = lat.time - eqTime;
    const t = blocks?.tracer,
      c = blocks?.collective;
    return {
      status,
      tracerD: t && t.count >= 2 ? t.mean : 0,
      tracerDError: t ? t.error : 0,
      collectiveD: c && c.count >= 2 ? c.mean : 0,
      collectiveDError: c ? c.error : 0,
      steps: lat.steps,
      equilibrationSteps,
      timeS: blocks ? prodTime : 0,
      blocks: blocks?.blocks ?? 0,
      meanEnergyPerIon: (blocks && prodTime > 0 ? energyTime / prodTime : lat.energy) / o.ions - eMin,
      slowedEdges: lat.slowedEdges,
    };
  };
  if (!(lat.totalRate > 0) || !(eqTime > 0)) return result('step-budget', null, 0);

  // Block length: the time the ions took to move that far, so one block already carries several hops per ion; but
  // short enough that the rest of the step budget holds MIN_PAIRS + 1 blocks (when equilibration used its whole
  // share, the run ends on the budget and its estimate is marked so).
  const stepsPerTime = equilibrationSteps / eqTime;
  const tau = Math.min(eqTime, (o.maxSteps - equilibrationSteps) / stepsPerTime / (MIN_PAIRS + 1));
  // The block averager sums cage-centred displacements (cages.ts): the same D, without the rattling inside cages.
  const bd = o.blockDisp;
  // Started from the real displacements, so that without cages every sum is the one of the real displacements.
  const cd = lat.disp.slice();
  const blocks = new BlockAverager(o.ions, tau, eqTime, cd);
  let energyTime = 0;
  while (lat.steps < o.maxSteps) {
    const before = lat.time;
    const eBefore = lat.energy;
    if (!lat.step()) break;
    if (o.onProgress && (lat.steps & (PROGRESS_EVERY - 1)) === 0) o.onProgress(lat.steps, false);
    energyTime += eBefore * (lat.time - before);
    const i3 = 3 * lat.lastIon,
      e3 = 3 * lat.lastEdge;
    cd[i3]! += bd[e3]!;
    cd[i3 + 1]! += bd[e3 + 1]!;
    cd[i3 + 2]! += bd[e3 + 2]!;
    if (!blocks.closeUpTo(lat.time, cd, lat.lastIon, bd, e3)) continue;
    if (blocks.converged(o.targetTracer, o.targetCollective)) return result('converged', blocks, energyTime);
  }
  return result('step-budget', blocks, energyTime);
}

/**
 * Hops until the ions have moved `equilibrationMsdA2` on average (they have left the cages they were put in and the
 * energy has relaxed from the ground-state start), within EQUILIBRATION_SHARE of the step budget. Returns the steps.
 */
function equilibrate(lat: IonLattice, o: KmcRunOptions): number {
  const budget = Math.floor(EQUILIBRATION_SHARE * o.maxSteps);
  // The mean squared displacement costs O(N), so it is looked at every 64 hops.
  while (lat.steps < budget && lat.msd() < o.equilibrationMsdA2) {
    for (let k = 0; k < 64 && lat.steps < budget; k++) {
      if (!lat.step()) return lat.steps;
      if (o.onProgress && (lat.steps & (PROGRESS_EVERY - 1)) === 0) o.onProgress(lat.steps, false);
    }
  }
  return lat.steps;
}
