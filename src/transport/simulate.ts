// One transport calculation on a HopNetwork: the supercell, the number of ions, one kinetic Monte Carlo run per
// temperature, and from each the tracer and collective diffusion coefficients, the Haven ratio and σ by
// Nernst–Einstein (σ = n·q²·D_σ/(k_B·T), with n the carrier density and q = z·e); then the Arrhenius fit of σT.
import { TransportError } from '../errors.js';
import { fitArrhenius } from './arrhenius.js';
import { cageCentredDisplacements } from './cages.js';
import { runKmc } from './kmc.js';
import { hopPercolation } from './percolation.js';
import { BOLTZMANN_EV, BOLTZMANN_J, ELEMENTARY_CHARGE, INTERACTION_EXPRESSION, RATE_EXPRESSION } from './rates.js';
import { buildSupercell, type Supercell, supercellDims } from './supercell.js';
import type { HopNetwork, IVec3, TemperatureResult, TransportOptions, TransportResult, TransportSettings } from './types.js';

export const DEFAULT_TEMPERATURES = [300, 400, 500, 600, 700];

export const TRANSPORT_DEFAULTS = {
  seed: 1,
  minSupercellA: 20,
  targetTracer: 0.05,
  targetCollective: 0.25,
  maxSteps: 2_000_000,
  fastHopRatio: 100,
  interaction: 'model',
} as const satisfies TransportSettings;

const A2_PER_S_TO_CM2_PER_S = 1e-16;

export function simulateTransport(net: HopNetwork, options: TransportOptions = {}): TransportResult {
  const t0 = performance.now();
  const p = prepareTransport(net, options);
  return finishTransport(
    p,
    p.temperatures.map((_, i) => runTemperature(p, i, options.onProgress)),
    t0,
  );
}

/** What every temperature's run shares: the settings, the supercell and the numbers taken from the network once. */
export interface PreparedTransport {
  net: HopNetwork;
  o: TransportSettings;
  temperatures: number[];
  interacting: boolean;
  dims: IVec3;
  sc: Supercell;
  cells: number;
  ions: number;
  eMin: number;
  perc: [number | null, number | null, number | null];
  carrierDensity: number;
  hopLength: number;
  /** Per edge, the displacement the block averager sums: cage-centred (cages.ts). */
  blockDisp: Float64Array;
  status: 'ok' | 'immobile' | 'no-vacancies';
}

/** Checks the input and builds the supercell (a TransportError names what is wrong). */
export function prepareTransport(net: HopNetwork, options: TransportOptions = {}): PreparedTransport {
  const { onProgress: _, temperatures: given, ...settings } = options;
  const o: TransportSettings = { ...TRANSPORT_DEFAULTS, ...definedOnly(settings) };
  const temperatures = given ?? DEFAULT_TEMPERATURES;
  validate(net, temperatures, o);

  const interacting = o.interaction === 'model' && net.interaction !== null;
  const interaction = interacting ? net.interaction : null;
  // Wide enough that every site sees each neighbour within the interaction cutoff once, and that no hop joins a
  // site to itself.
  const minWidth = Math.max(o.minSupercellA, interaction ? 2 * interaction.cutoffA + 0.1 : 0);
  const dims = supercellDims(net.lattice, minWidth);
  for (const h of net.hops) for (let m = 0; m < 3; m++) dims[m] = Math.max(dims[m]!, Math.abs(h.offset[m]!) + 1);
  const sc = buildSupercell(net, dims, interaction);
  const cells = dims[0] * dims[1] * dims[2];
  const ions = Math.round(net.ionsPerCell * cells);
  if (ions < 1) throw new TransportError(`${net.ion.symbol}: ${net.ionsPerCell} ions per cell give no ion in a ${dims.join('×')} supercell`);
  if (ions > sc.nSites) {
    throw new TransportError(
      `${net.ion.symbol}: ${net.ionsPerCell} ions per cell but the network has only ${net.sites.length} sites per cell (${ions} ions for ${sc.nSites} sites in the supercell)`,
    );
  }
  const eMin = Math.min(...net.sites.map((s) => s.energy));
  const perc = hopPercolation(net).thresholds;

  // The typical hop length (median over the home cell's hops) sets how far ions must move before blocks start.
  const lengths = Array.from({ length: net.hops.length }, (_, h) => Math.hypot(sc.edgeDisp[6 * h]!, sc.edgeDisp[6 * h + 1]!, sc.edgeDisp[6 * h + 2]!)).sort(
    (a, b) => a - b,
  );
  const hopLength = lengths.length ? lengths[lengths.length >> 1]! : 0;
  const status = perc[0] === null ? 'immobile' : ions === sc.nSites ? 'no-vacancies' : 'ok';
  const blockDisp = perc[0] === null ? sc.edgeDisp : cageCentredDisplacements(sc, perc[0]);
  return {
    net,
    o,
    temperatures,
    interacting,
    dims,
    sc,
    cells,
    ions,
    eMin,
    perc,
    carrierDensity: (ions / sc.volumeA3) * 1e24,
    hopLength,
    blockDisp,
    status,
  };
}

/** The kMC run at the i-th temperature (its own random stream i, so runs may go in any order or in parallel). */
export function runTemperature(p: PreparedTransport, i: number, onProgress?: TransportOptions['onProgress']): TemperatureResult {
  const { net, o, sc } = p;
  const T = p.temperatures[i]!;
  const kT = BOLTZMANN_EV * T;
  const base = { temperatureK: T, steps: 0, timeS: 0, blocks: 0, meanEnergyPerIon: 0, slowedHops: 0 };
  if (p.status !== 'ok') {
    return { ...base, status: 'immobile', tracerD: 0, tracerDError: 0, collectiveD: 0, collectiveDError: 0, havenRatio: null, sigma: 0, sigmaError: 0 };
  }
  const ratio = o.fastHopRatio;
  const saddleFloor = ratio > 1 && Number.isFinite(ratio) ? p.perc[0]! - kT * Math.log(ratio) : -Infinity;
  const r = runKmc(sc, {
    temperatureK: T,
    ions: p.ions,
    seed: o.seed,
    stream: i,
    saddleFloor,
    interacting: p.interacting,
    targetTracer: o.targetTracer,
    targetCollective: o.targetCollective,
    maxSteps: o.maxSteps,
    blockDisp: p.blockDisp,
    equilibrationMsdA2: (2 * p.hopLength) ** 2,
    ...(onProgress
      ? {
          onProgress: (steps: number, done: boolean) =>
            onProgress({ temperatureIndex: i, temperatures: p.temperatures.length, steps, maxSteps: o.maxSteps, done }),
        }
      : {}),
  });
  const dStar = r.tracerD * A2_PER_S_TO_CM2_PER_S;
  const dSigma = r.collectiveD * A2_PER_S_TO_CM2_PER_S;
  // σ in S/cm: n (1/cm³) · q² (C²) · D (cm²/s) / (k_B·T) (J).
  const q = net.ion.charge * ELEMENTARY_CHARGE;
  const factor = (p.carrierDensity * q * q) / (BOLTZMANN_J * T);
  return {
    ...base,
    status: r.status,
    tracerD: dStar,
    tracerDError: r.tracerDError * A2_PER_S_TO_CM2_PER_S,
    collectiveD: dSigma,
    collectiveDError: r.collectiveDError * A2_PER_S_TO_CM2_PER_S,
    havenRatio: dSigma > 0 ? dStar / dSigma : null,
    sigma: factor * dSigma,
    sigmaError: factor * r.collectiveDError * A2_PER_S_TO_CM2_PER_S,
    steps: r.steps,
    timeS: r.timeS,
    blocks: r.blocks,
    meanEnergyPerIon: r.meanEnergyPerIon,
    slowedHops: Math.round(r.slowedEdges / p.cells),
  };
}

/** The Arrhenius fits and the result, from every temperature's run (in the order of p.temperatures). */
export function finishTransport(p: PreparedTransport, results: TemperatureResult[], t0: number): TransportResult {
  const { net, o, status, carrierDensity } = p;
  const arrhenius = status === 'ok' ? fitArrhenius(results) : null;
  // The same fit on the tracer: σ* = n·q²·D*/(kT), σ with the Haven ratio taken as 1. D* averages over every ion and
  // converges much sooner than D_σ, so this Ea is the better-determined one when the step budget is short.
  const tracerPoints = results.map((t) => {
    const f =
      t.tracerD > 0 && t.collectiveD !== 0
        ? t.sigma / t.collectiveD
        : (carrierDensity * (net.ion.charge * ELEMENTARY_CHARGE) ** 2) / (BOLTZMANN_J * t.temperatureK);
    return { temperatureK: t.temperatureK, sigma: f * t.tracerD, sigmaError: f * t.tracerDError };
  });
  const arrheniusTracer = status === 'ok' ? fitArrhenius(tracerPoints) : null;
  const allConverged = results.every((r) => r.status === 'converged');
  const rel = (x: number | null) => (x === null ? null : x - p.eMin);
  return {
    ion: net.ion.symbol,
    source: net.source,
    rates: `${RATE_EXPRESSION}; nu* = ${net.attemptFrequency.hz.toExponential(2)} Hz (${net.attemptFrequency.source})`,
    interaction: p.interacting ? INTERACTION_EXPRESSION : 'site exclusion only',
    attemptFrequency: net.attemptFrequency,
    supercell: [...p.dims] as IVec3,
    sitesPerCell: net.sites.length,
    hopsPerCell: net.hops.length,
    ions: p.ions,
    carrierDensity,
    percolation: { '1D': rel(p.perc[0]), '2D': rel(p.perc[1]), '3D': rel(p.perc[2]) },
    temperatures: results,
    arrhenius,
    arrheniusTracer,
    status: status === 'ok' && !allConverged ? 'partial' : status,
    options: { ...o, temperatures: [...p.temperatures] },
    elapsedMs: performance.now() - t0,
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function validate(net: HopNetwork, temperatures: number[], o: TransportSettings): void {
  if (net.sites.length === 0) throw new TransportError(`${net.ion.symbol}: the network has no sites`);
  if (temperatures.length === 0) throw new TransportError('give at least one temperature');
  for (const T of temperatures) if (!(T > 0) || !Number.isFinite(T)) throw new TransportError(`temperatures must be positive numbers of kelvin (got ${T})`);
  if (!(net.ionsPerCell > 0)) throw new TransportError(`${net.ion.symbol}: the structure holds no ${net.ion.symbol} (ions per cell ${net.ionsPerCell})`);
  if (!(net.ion.charge !== 0)) throw new TransportError(`${net.ion.symbol}: the carrier has no charge`);
  if (!(o.maxSteps >= 1000)) throw new TransportError(`the step budget must be at least 1000 (got ${o.maxSteps})`);
  if (!(o.targetTracer > 0) || !(o.targetCollective > 0)) throw new TransportError('convergence targets must be positive');
  for (const h of net.hops) {
    if (!(h.from >= 0 && h.from < net.sites.length && h.to >= 0 && h.to < net.sites.length)) {
      throw new TransportError(`a hop refers to site ${h.from} → ${h.to}, but the network has ${net.sites.length} sites`);
    }
    if (h.from === h.to && h.offset.every((x) => x === 0)) throw new TransportError(`hop ${h.from} → ${h.to} joins a site to itself in the same cell`);
  }
}
