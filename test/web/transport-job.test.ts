// The Transport panel's DOM-free half in Node: the network the pipeline worker sends with each landscape, the
// worker's transport job (its replies, its errors), the panel's summary and plot, and the page's client for the
// kMC worker (a fake Worker runs the real job), including cancelling it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { computeLandscape, type LandscapeResult } from '../../src/pipeline/landscape.js';
import { structureTransport } from '../../src/pipeline/landscape-products.js';
import { BOLTZMANN_EV } from '../../src/transport/rates.js';
import type { HopNetwork, TransportResult } from '../../src/transport/types.js';
import { readFirstStructure } from '../../src/web/compute.js';
import { Pipeline, PipelineError, RunCancelled } from '../../src/web/pipeline-client.js';
import type { PipelineJob, PipelineReply } from '../../src/web/pipeline-protocol.js';
import {
  networkForTransport,
  parseTemperatures,
  ProgressTally,
  runTransport,
  TransportWorker,
  transportPlot,
  type TransportReply,
  transportSummary,
} from '../../src/web/transport-job.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { cubicNetwork } from '../transport/lattices.js';

const LI3N = join(REPO_ROOT, 'fixtures/Li3N_alpha.cif');

describe('the network a landscape gives the Transport panel', () => {
  let r: LandscapeResult;
  beforeAll(async () => {
    const { structure } = await readFirstStructure(readFileSync(LI3N, 'utf8'), 'Li3N_alpha.cif');
    r = await computeLandscape(structure, { ion: 'Li', resolution: 0.2 });
  }, 120_000);

  it('is the continuum network, and the kMC on it gives the numbers of the library call the CLI makes', async () => {
    const info = networkForTransport(r);
    expect(info.network).not.toBeNull();
    const net = info.network!;
    expect(net.source).toMatch(/continuum network/);
    expect(net.sites.length).toBe(r.network!.sites.length);
    expect(info.note).toContain(`${net.sites.length} sites`);
    // The worker's job against structureTransport (what `bvscape transport` runs) with the same landscape and budget.
    const opts = { temperatures: [400, 700], maxSteps: 5000, seed: 3 };
    const replies: TransportReply[] = [];
    // Two workers, the temperatures in reverse order, the network through structured clone as page -> worker: the
    // finishing worker (the one that ran a temperature first) gets both results.
    const request = { network: structuredClone(net), ...opts };
    const [a, b] = [new TransportWorker(), new TransportWorker()];
    b.handle({ type: 'transport-temperature', id: 1, request, index: 1 }, (m) => replies.push(m));
    a.handle({ type: 'transport-temperature', id: 1, request: structuredClone(request), index: 0 }, (m) => replies.push(m));
    const done = replies.filter((m) => m.type === 'transport-temperature');
    expect(done.map((m) => m.index)).toEqual([1, 0]);
    const results = [done[1]!.result, done[0]!.result];
    b.handle({ type: 'transport-finish', id: 1, results }, (m) => replies.push(m));
    const last = replies[replies.length - 1]!;
    expect(last.type).toBe('transport');
    const got = (last as Extract<TransportReply, { type: 'transport' }>).result;
    // The library's progress: each temperature's reports end with one that says done, with its hop count.
    const reports = replies.filter((m) => m.type === 'transport-progress').map((m) => m.progress);
    const ends = reports.filter((p) => p.done);
    expect(ends.map((p) => p.temperatureIndex)).toEqual([1, 0]);
    expect(ends.map((p) => p.steps)).toEqual([got.temperatures[1]!.steps, got.temperatures[0]!.steps]);
    // A finish for a job this worker never prepared is an error reply.
    const stray: TransportReply[] = [];
    new TransportWorker().handle({ type: 'transport-finish', id: 1, results }, (m) => stray.push(m));
    expect(stray.map((m) => m.type)).toEqual(['error']);
    const cli = (await structureTransport(r.structure, { ion: 'Li', landscape: r, ...opts })).transport!;
    const pick = (x: typeof got) => x.temperatures.map((t) => [t.steps, t.tracerD, t.collectiveD, t.sigma, t.havenRatio]);
    expect(pick(got)).toEqual(pick(cli));
    expect(got.supercell).toEqual(cli.supercell);
    expect(got.temperatures.every((t) => t.steps > 0 && t.steps <= 5000)).toBe(true);
  }, 120_000);

  it('is none, with the reason, when nothing percolates', () => {
    const closed = { ...r, barriers: { '1D': null, '2D': null, '3D': null } } as LandscapeResult;
    const info = networkForTransport(closed);
    expect(info.network).toBeNull();
    expect(info.note).toMatch(/no percolating path.*σ = 0/);
  });
});

describe("the worker's transport job", () => {
  it('answers an impossible network with a TransportError report, not a throw', () => {
    const crowded = cubicNetwork({ a: 3, axes: [0, 1, 2], barrier: 0.3, ionsPerCell: 2 });
    const replies: TransportReply[] = [];
    new TransportWorker().handle(
      { type: 'transport-temperature', id: 7, index: 0, request: { network: crowded, temperatures: [500], maxSteps: 2000, seed: 1 } },
      (m) => replies.push(m),
    );
    expect(replies.length).toBe(1);
    const last = replies[0]!;
    expect(last.type).toBe('error');
    if (last.type !== 'error') return;
    expect(last.id).toBe(7);
    expect(last.error.kind).toBe('TransportError');
    expect(last.error.message).toMatch(/only 1 sites per cell/);
  });

  it('says "no vacancies" when every site holds an ion, and gives no activation energy', () => {
    const full = cubicNetwork({ a: 3, axes: [0, 1, 2], barrier: 0.3, ionsPerCell: 1 });
    const r = runTransport({ network: full, temperatures: [300, 600], maxSteps: 2000, seed: 1 });
    const s = transportSummary(r);
    expect(r.status).toBe('no-vacancies');
    expect(s.ok).toBe(false);
    expect(s.ea).toBeNull();
    expect(s.log10Sigma300).toBeNull();
    expect(s.status).toMatch(/^no vacancies: \d+ Li\+ on \d+ sites/);
    expect(transportPlot(r, 'full')).not.toContain('<circle');
  });

  it('sums up a run: Ea and its error from the σT fit, log10 σ(300 K) from the fit, the Haven ratio at the top temperature', () => {
    // A lattice gas at c = 0.3 with site exclusion: Ea of σT is the hop barrier (D_σ = Γa²(1 − c)).
    const net = cubicNetwork({ a: 2.5, axes: [0, 1, 2], barrier: 0.25, ionsPerCell: 0.3 });
    const temperatures = [400, 500, 600, 700];
    const r = runTransport({ network: net, temperatures, maxSteps: 60_000, seed: 2 });
    const s = transportSummary(r);
    expect(s.ok).toBe(true);
    expect(s.ea).toBe(r.arrhenius!.ea);
    expect(s.eaError).toBe(r.arrhenius!.eaError);
    expect(Math.abs(s.ea! - 0.25)).toBeLessThan(Math.max(4 * s.eaError!, 0.03));
    const { prefactor, ea } = r.arrhenius!;
    expect(s.log10Sigma300!).toBeCloseTo(Math.log10((prefactor * Math.exp(-ea / (BOLTZMANN_EV * 300))) / 300), 10);
    expect(s.havenT).toBe(700);
    expect(s.haven).toBe(r.temperatures[3]!.havenRatio);
    expect(s.status).toMatch(r.status === 'ok' ? /converged at all 4/ : /of 4 temperatures converged/);
    // The plot: one point per temperature and the fit's Ea in its legend.
    const svg = transportPlot(r, 'lattice gas');
    expect(svg.match(/<circle /g)?.length).toBe(temperatures.length);
    expect(svg).toContain(`Ea = ${ea.toFixed(3)} ± ${r.arrhenius!.eaError.toFixed(3)} eV`);
  }, 120_000);

  it('tallies the progress of temperatures that run at once', () => {
    const at = (temperatureIndex: number, steps: number, done = false) => ({ temperatureIndex, temperatures: 4, steps, maxSteps: 100_000, done });
    const tally = new ProgressTally([300, 400, 500, 600]);
    expect(tally.fraction()).toBe(0);
    expect(tally.update(at(0, 50_000))).toBe(0.125);
    expect(tally.update(at(2, 20_000))).toBeCloseTo(0.175, 12);
    // A temperature that converged early counts as whole once it ends.
    expect(tally.update(at(0, 60_000, true))).toBeCloseTo(0.3, 12);
    expect(tally.text()).toBe('1 of 4 temperatures done; 500 K at 20 %');
    for (const i of [1, 2, 3]) tally.update(at(i, 100_000, true));
    expect(tally.fraction()).toBe(1);
    expect(tally.text()).toBe('4 of 4 temperatures done');
  });

  it('reads temperatures typed in the panel, and refuses what is not kelvin', () => {
    expect(parseTemperatures('300, 400;500 500\n700')).toEqual([300, 400, 500, 700]);
    expect(parseTemperatures('600,300')).toEqual([300, 600]);
    for (const bad of ['', 'abc', '300,-5', '0', '300,hot']) expect(() => parseTemperatures(bad), bad).toThrow(/temperatures: expected positive kelvin/);
  });
});

/**
 * A Worker that runs the real transport job a tick after it is posted (as a worker would, off the caller's turn),
 * unless it was terminated first.
 */
class FakeWorker {
  static started: FakeWorker[] = [];
  onmessage: ((e: MessageEvent<PipelineReply>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  terminated = false;
  private readonly kmc = new TransportWorker();
  constructor(
    readonly url: URL,
    readonly options: WorkerOptions,
  ) {
    FakeWorker.started.push(this);
  }
  postMessage(job: PipelineJob): void {
    setTimeout(() => {
      if (this.terminated || (job.type !== 'transport-temperature' && job.type !== 'transport-finish')) return;
      this.kmc.handle(structuredClone(job), (m) => !this.terminated && this.onmessage?.({ data: m } as MessageEvent<PipelineReply>));
    }, 5);
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe("the page's client for the kMC worker", () => {
  const g = globalThis as { Worker?: unknown };
  const before = g.Worker;
  afterEach(() => {
    g.Worker = before;
    FakeWorker.started = [];
  });
  const net = cubicNetwork({ a: 3, axes: [0, 1, 2], barrier: 0.3, ionsPerCell: 0.5 });
  const request = { network: net, temperatures: [500, 700], maxSteps: 2000, seed: 1 };
  /** A result without its wall-clock time, to compare runs. */
  const numbers = ({ elapsedMs: _, ...rest }: TransportResult) => rest;

  it('runs a job in its own worker, reports progress, resolves with the result and ends that worker', async () => {
    g.Worker = FakeWorker;
    const pipeline = new Pipeline(new URL('file:///pipeline-worker.js'));
    const phases: string[] = [];
    const tally = new ProgressTally(request.temperatures);
    const shares: number[] = [];
    const r = await pipeline.transport(request, { onPhase: (p) => phases.push(p), onProgress: (p) => shares.push(tally.update(p)) });
    expect(numbers(r)).toEqual(numbers(runTransport(request)));
    expect(phases).toEqual(['kMC of Li+ at 500, 700 K, up to 2,000 hops each, on 1 worker']);
    expect(shares[shares.length - 1]).toBe(1);
    expect(shares).toEqual([...shares].sort((a, b) => a - b));
    expect(FakeWorker.started.length).toBe(1);
    expect(FakeWorker.started[0]!.options.name).toBe('bvscape-transport-0');
    expect(FakeWorker.started[0]!.terminated).toBe(true);
    expect(pipeline.cancelTransport()).toBe(false);
  });

  it('spreads the temperatures over several workers and gets the serial result to the last bit', async () => {
    g.Worker = FakeWorker;
    const pipeline = new Pipeline(new URL('file:///pipeline-worker.js'));
    const five = { ...request, temperatures: [300, 400, 500, 600, 700] };
    const r = await pipeline.transport(five, {}, 3);
    expect(FakeWorker.started.length).toBe(3);
    expect(FakeWorker.started.every((w) => w.terminated)).toBe(true);
    expect(numbers(r)).toEqual(numbers(runTransport(five)));
    // More workers than temperatures: one per temperature.
    FakeWorker.started = [];
    await pipeline.transport(request, {}, 8);
    expect(FakeWorker.started.length).toBe(2);
  });

  it('cancels: the promise rejects with RunCancelled and the worker is terminated; a new job replaces one in flight', async () => {
    g.Worker = FakeWorker;
    const pipeline = new Pipeline(new URL('file:///pipeline-worker.js'));
    const first = pipeline.transport(request);
    expect(pipeline.cancelTransport()).toBe(true);
    await expect(first).rejects.toBeInstanceOf(RunCancelled);
    expect(FakeWorker.started[0]!.terminated).toBe(true);
    const second = pipeline.transport(request);
    const third = pipeline.transport({ ...request, temperatures: [600] });
    await expect(second).rejects.toBeInstanceOf(RunCancelled);
    expect((await third).temperatures.map((t) => t.temperatureK)).toEqual([600]);
    expect(FakeWorker.started.map((w) => w.terminated)).toEqual([true, true, true]);
  });

  it("rejects with the worker's error report", async () => {
    g.Worker = FakeWorker;
    const pipeline = new Pipeline(new URL('file:///pipeline-worker.js'));
    const crowded: HopNetwork = { ...net, ionsPerCell: 3 };
    const err = await pipeline.transport({ ...request, network: crowded }, {}, 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).report.kind).toBe('TransportError');
    expect(FakeWorker.started.every((w) => w.terminated)).toBe(true);
  });
});
