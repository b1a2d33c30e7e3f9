// The preview's transport calculation, without the DOM: which site–hop network a landscape gives (built in the
// pipeline worker right after the landscape, so the page holds it and any worker can run the kMC on it), the kMC
// run itself (the library's simulateTransport, as `bvscape transport` and `screen --transport` call it), and what
// the Transport panel shows of its result. Tested in Node (test/web/transport-job.test.ts).
import { errorReport, type ErrorReport, TransportError } from '../errors.js';
import type { LandscapeResult } from '../pipeline/landscape.js';
import { continuumTransportNetwork, transportNetwork } from '../pipeline/landscape-products.js';
import { arrheniusSvg } from '../report/arrhenius-svg.js';
import { log10SigmaAt } from '../transport/json.js';
import { DEFAULT_TEMPERATURES, finishTransport, type PreparedTransport, prepareTransport, runTemperature, simulateTransport } from '../transport/simulate.js';
import type { HopNetwork, TemperatureResult, TransportProgress, TransportResult } from '../transport/types.js';

/** The network a landscape gives to the kMC, or why there is none (the panel's status line). */
export interface TransportNetworkInfo {
  network: HopNetwork | null;
  note: string;
}

/**
 * The network structureTransport (src/pipeline/landscape-products.ts) would run on for this landscape: the continuum
 * network's minima and saddles, else the grid's sites when the landscape kept its percolation; none when nothing
 * percolates.
 */
export function networkForTransport(r: LandscapeResult): TransportNetworkInfo {
  if (r.barriers['1D'] === null) {
    const encut = r.percolation?.encut;
    return { network: null, note: `no percolating path${encut === undefined ? '' : ` below E_min + ${encut} eV`}: no long-range transport (σ = 0)` };
  }
  const network = continuumTransportNetwork(r) ?? (r.percolation ? transportNetwork(r) : null);
  if (!network) return { network: null, note: 'this landscape keeps no site network (no continuum network and no grid percolation)' };
  return { network, note: `${network.sites.length} sites and ${network.hops.length} hops per cell; ${network.ionsPerCell} ${network.ion.symbol} per cell` };
}

/** What the page asks the worker to simulate. */
export interface TransportRequest {
  network: HopNetwork;
  temperatures: number[];
  /** kMC hops allowed per temperature. */
  maxSteps: number;
  seed: number;
}

/** The hop budgets the panel offers (per temperature); the first default is the screen's (100,000). */
export const STEP_BUDGETS = [20_000, 100_000, 500_000, 2_000_000] as const;
export const DEFAULT_STEP_BUDGET = 100_000;

/** The kMC of one request: the library's call, every other option at its default (as the CLI's defaults). */
export function runTransport(req: TransportRequest, onProgress?: (p: TransportProgress) => void): TransportResult {
  return simulateTransport(req.network, { temperatures: req.temperatures, maxSteps: req.maxSteps, seed: req.seed, ...(onProgress ? { onProgress } : {}) });
}

/** "300, 400,500" -> [300, 400, 500]: positive kelvin values, at least one; a TransportError naming the text otherwise. */
export function parseTemperatures(text: string): number[] {
  const parts = text
    .split(/[\s,;]+/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const list = parts.map(Number);
  if (!list.length || list.some((t) => !(t > 0) || !Number.isFinite(t))) {
    throw new TransportError(`temperatures: expected positive kelvin values separated by commas, e.g. ${DEFAULT_TEMPERATURES.join(',')} (got '${text}')`);
  }
  return [...new Set(list)].sort((a, b) => a - b);
}

/** The panel's numbers and its status line. */
export interface TransportSummary {
  ea: number | null;
  eaError: number | null;
  r2: number | null;
  /** Ea of the tracer's σ*T (Haven ratio taken as 1), which converges sooner. */
  eaTracer: number | null;
  eaTracerError: number | null;
  log10Sigma300: number | null;
  /** The Haven ratio at the highest temperature where it is defined, and that temperature. */
  haven: number | null;
  havenT: number | null;
  converged: number;
  /** One line: how the run ended, and what is missing when something is. */
  status: string;
  /** False when the run gives no activation energy (no vacancies, immobile, or fewer than two σ > 0). */
  ok: boolean;
}

export function transportSummary(r: TransportResult): TransportSummary {
  const fit = r.arrhenius;
  const tracer = r.arrheniusTracer;
  const withHaven = r.temperatures.filter((t) => t.havenRatio !== null);
  const last = withHaven[withHaven.length - 1];
  const converged = r.temperatures.filter((t) => t.status === 'converged').length;
  const n = r.temperatures.length;
  let status: string;
  if (r.status === 'no-vacancies') {
    status = `no vacancies: ${r.ions} ${r.ion} on ${r.ions} sites of the ${r.supercell.join('×')} supercell, so no ion can hop (σ = 0 in the perfect cell; real conduction needs defects)`;
  } else if (r.status === 'immobile') {
    status = 'immobile: the hop network does not percolate, so there is no long-range transport (σ = 0)';
  } else if (!fit) {
    status = `no Arrhenius fit: fewer than two temperatures gave σ > 0 within ${r.options.maxSteps.toLocaleString('en-US')} hops each; raise the hop budget`;
  } else if (r.status === 'ok') {
    status = `converged at all ${n} temperatures`;
  } else {
    status = `${converged} of ${n} temperatures converged, the rest stopped at the budget of ${r.options.maxSteps.toLocaleString('en-US')} hops (estimates with their block-average errors)`;
  }
  return {
    ea: fit?.ea ?? null,
    eaError: fit?.eaError ?? null,
    r2: fit?.r2 ?? null,
    eaTracer: tracer?.ea ?? null,
    eaTracerError: tracer?.eaError ?? null,
    log10Sigma300: log10SigmaAt(r, 300),
    haven: last?.havenRatio ?? null,
    havenT: last?.temperatureK ?? null,
    converged,
    status,
    ok: fit !== null,
  };
}

/** The Arrhenius plot of a result: the CLI's SVG (src/report/arrhenius-svg.ts), the same points and fit. */
export function transportPlot(r: TransportResult, title: string): string {
  return arrheniusSvg({
    title,
    points: r.temperatures.map((t) => ({ temperatureK: t.temperatureK, sigma: t.sigma, sigmaError: t.sigmaError, converged: t.status === 'converged' })),
    fit: r.arrhenius,
  });
}

/**
 * The kMC jobs a worker takes (pipeline-protocol.ts). The page spreads the temperatures of one request over several
 * workers: each temperature has its own random stream, so which worker runs it changes no number (the library's own
 * parallel runner, src/transport/parallel.ts, does the same on Node threads).
 */
export type TransportJob =
  /** Run temperature `index` of the request (the worker prepares the request once per job id). */
  | { type: 'transport-temperature'; id: number; request: TransportRequest; index: number }
  /** All temperatures are in: fit and sum up (sent to a worker that prepared this job). */
  | { type: 'transport-finish'; id: number; results: TemperatureResult[] };

/** The replies of the kMC jobs, as the worker posts them. */
export type TransportReply =
  | { type: 'transport-progress'; id: number; progress: TransportProgress }
  | { type: 'transport-temperature'; id: number; index: number; result: TemperatureResult }
  | { type: 'transport'; id: number; result: TransportResult }
  | { type: 'error'; id: number; error: ErrorReport };

/**
 * A worker's side of the kMC: the prepared request (supercell, ions; a TransportError for more ions than sites and
 * the like), each temperature's run with the library's progress (every 16,384 hops and at its end), and the fit. A
 * run is one synchronous call, so the page cancels it by terminating the worker.
 */
export class TransportWorker {
  private job: { id: number; prepared: PreparedTransport; t0: number } | null = null;

  handle(job: TransportJob, post: (m: TransportReply) => void): void {
    const { id } = job;
    try {
      if (job.type === 'transport-temperature') {
        if (this.job?.id !== id) {
          const t0 = performance.now();
          const r = job.request;
          this.job = { id, prepared: prepareTransport(r.network, { temperatures: r.temperatures, maxSteps: r.maxSteps, seed: r.seed }), t0 };
        }
        const result = runTemperature(this.job.prepared, job.index, (progress) => post({ type: 'transport-progress', id, progress }));
        post({ type: 'transport-temperature', id, index: job.index, result });
      } else {
        if (this.job?.id !== id) throw new Error(`kMC job ${id} was not prepared in this worker`);
        post({ type: 'transport', id, result: finishTransport(this.job.prepared, job.results, this.job.t0) });
      }
    } catch (e) {
      post({ type: 'error', id, error: errorReport(e) });
    }
  }
}

/** The progress of a run whose temperatures may run at once: each temperature's share done, and the whole. */
export class ProgressTally {
  private readonly shares: number[];

  constructor(private readonly temperatures: readonly number[]) {
    this.shares = temperatures.map(() => 0);
  }

  /** Takes one report; returns the share of the whole run done (0–1). A temperature that ends counts as whole. */
  update(p: TransportProgress): number {
    this.shares[p.temperatureIndex] = p.done ? 1 : Math.min(1, p.steps / p.maxSteps);
    return this.fraction();
  }

  fraction(): number {
    return this.shares.reduce((a, b) => a + b, 0) / this.shares.length;
  }

  /** "2 of 5 temperatures done; 600 K at 41 %, 700 K at 12 %". */
  text(): string {
    const done = this.shares.filter((x) => x === 1).length;
    const running = this.shares.flatMap((x, i) => (x > 0 && x < 1 ? [`${this.temperatures[i]} K at ${Math.floor(100 * x)} %`] : []));
    return `${done} of ${this.shares.length} temperatures done${running.length ? `; ${running.join(', ')}` : ''}`;
  }
}
