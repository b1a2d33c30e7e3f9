// The input and output of the transport layer. A HopNetwork is plain data that says nothing about where it
// came from (the grid's basins and hops, the continuum network's minima and saddles, or a synthetic lattice),
// so the rates, the kinetic Monte Carlo and the Arrhenius fit can be tested on networks with known answers.
import type { IVec3 } from '../percolation/winding.js';

export type { IVec3 };

export interface HopSite {
  /** Fractional position of the site (its minimum) in the home cell. */
  frac: IVec3;
  /** Single-ion energy of the site (eV): the mobile ion alone in the framework. */
  energy: number;
}

export interface NetworkHop {
  /** Index of the site the hop starts from, in the home cell. */
  from: number;
  /** Index of the site it ends on, in the cell `offset`. */
  to: number;
  /** Lattice vector of the `to` site's image (a self-hop from === to has a non-zero offset). */
  offset: IVec3;
  /** Single-ion energy (eV) at the saddle point between the two sites. */
  saddleEnergy: number;
  /** Attempt frequency ν* (Hz) of the hop out of `from` and out of `to`; default the network's `attemptFrequency`. */
  attemptFrequencyFrom?: number;
  attemptFrequencyTo?: number;
}

/**
 * Mobile–mobile repulsion between two ions on sites a distance R (Å) apart: k/R·erfc(R/screen), the BVSE
 * model's screened Coulomb term for the mobile ion with itself (src/bvse/model.ts). Pairs farther apart than
 * `cutoffA` are left out.
 */
export interface MobileInteraction {
  /** 14.4 eV·Å · q² with the model's effective charge q of the mobile ion. */
  k: number;
  /** Screening length (Å): the model's factor times twice the ion's radius. */
  screenA: number;
  cutoffA: number;
}

export interface HopNetwork {
  /** Lattice vectors as rows a, b, c (Å). */
  lattice: [IVec3, IVec3, IVec3];
  sites: HopSite[];
  hops: NetworkHop[];
  ion: {
    symbol: string;
    /** Charge number z of the carrier (Nernst–Einstein uses q = z·e). */
    charge: number;
  };
  /** Mobile ions per home cell (the structure's occupancy-weighted count of the mobile element). */
  ionsPerCell: number;
  /** ν* (Hz) for hops that give none, and where it comes from. */
  attemptFrequency: { hz: number; source: string };
  /** null: ions interact only by site exclusion. */
  interaction: MobileInteraction | null;
  /** Where the network came from, in words (for the output). */
  source: string;
}

/** Options of one transport calculation (every field has a stated default). */
export interface TransportOptions {
  /** Temperatures (K); default 300, 400, 500, 600, 700. */
  temperatures?: number[];
  /** Seed of the random number generator (default 1): the same seed gives the same numbers. */
  seed?: number;
  /** Smallest supercell width along each lattice direction (Å, default 20). */
  minSupercellA?: number;
  /** Convergence target: relative standard error of the tracer D (default 0.05) and of the collective D, i.e. of σ (0.25). */
  targetTracer?: number;
  targetCollective?: number;
  /** kMC steps allowed per temperature, equilibration included (default 2,000,000). */
  maxSteps?: number;
  /**
   * Fast hops are slowed (both directions by the same factor, so equilibrium is unchanged) until they are at most
   * this many times faster than the rate-limiting hop (default 100). 0 or Infinity: no slowing.
   */
  fastHopRatio?: number;
  /** Mobile–mobile interaction: 'model' (default, the network's screened Coulomb) or 'exclusion' (site exclusion only). */
  interaction?: 'model' | 'exclusion';
  /**
   * Called every 16,384 hops of a temperature's run and when it ends (with the parallel runner: when each temperature
   * ends). Not part of the result's options; it changes no number.
   */
  onProgress?: (p: TransportProgress) => void;
}

export interface TransportProgress {
  /** Index of the temperature in `temperatures`, and how many there are. */
  temperatureIndex: number;
  temperatures: number;
  /** Hops made at this temperature so far, and the budget. */
  steps: number;
  maxSteps: number;
  /** True on the last call for this temperature. */
  done: boolean;
}

/** The options as a run used them, every default filled in (the result's `options`, less its temperatures). */
export type TransportSettings = Required<Omit<TransportOptions, 'temperatures' | 'onProgress'>>;

export type TemperatureStatus = 'converged' | 'step-budget' | 'immobile';

export interface TemperatureResult {
  temperatureK: number;
  status: TemperatureStatus;
  /** Tracer diffusion coefficient D* (cm²/s) and its standard error from block averages. */
  tracerD: number;
  tracerDError: number;
  /** Collective (centre-of-mass) diffusion coefficient D_σ (cm²/s) and its standard error. */
  collectiveD: number;
  collectiveDError: number;
  /** Haven ratio D* ÷ D_σ (null when D_σ ≤ 0). */
  havenRatio: number | null;
  /** σ = n·q²·D_σ/(k·T) (S/cm) and its standard error. */
  sigma: number;
  sigmaError: number;
  steps: number;
  /** Simulated time (s) of the production run, and blocks used. */
  timeS: number;
  blocks: number;
  /** Mean total energy of the ions (eV per ion, relative to the lowest site) over the production run. */
  meanEnergyPerIon: number;
  /** Hops slowed by the fast-hop rule at this temperature (directed hops of the home cell). */
  slowedHops: number;
}

export interface ArrheniusFit {
  /** Ea (eV) and its standard error, from ln(σT) = ln A − Ea/(kT), weighted by the block-average errors. */
  ea: number;
  eaError: number;
  /** Prefactor A of σT (S·K/cm). */
  prefactor: number;
  r2: number;
  /** Temperatures used (σ > 0). */
  temperaturesK: number[];
}

export interface TransportResult {
  ion: string;
  source: string;
  /** The rate expression, named: harmonic transition-state theory with the attempt frequency's source. */
  rates: string;
  /** How mobile–mobile interaction enters the hop energy. */
  interaction: string;
  attemptFrequency: { hz: number; source: string };
  supercell: IVec3;
  sitesPerCell: number;
  hopsPerCell: number;
  ions: number;
  /** Carrier density (1/cm³). */
  carrierDensity: number;
  /** Lowest saddle energy (eV above the lowest site) at which the single-ion hop network percolates in 1, 2, 3 dimensions. */
  percolation: { '1D': number | null; '2D': number | null; '3D': number | null };
  temperatures: TemperatureResult[];
  arrhenius: ArrheniusFit | null;
  /** The same fit of σ*T with σ* = n·q²·D* ÷ (kT) (the tracer; Haven ratio taken as 1). */
  arrheniusTracer: ArrheniusFit | null;
  /** 'ok' (every temperature converged), 'partial', 'immobile' (no long-range path) or 'no-vacancies'. */
  status: 'ok' | 'partial' | 'immobile' | 'no-vacancies';
  options: TransportSettings & { temperatures: number[] };
  elapsedMs: number;
}
