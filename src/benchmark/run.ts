// The measurement core of `bvscape bench`. Everything that depends on where it runs (machine facts,
// reading the bundled files, resident memory, the screen pipeline, the backends) comes in through
// BenchHost and BenchBackendSpec, so the same core can run in Node (node-host.ts) or in a page.
import type { EnergyBackend } from '../backends/types.js';
import type { GridSpec } from '../grid/index.js';
import { gridForResolution, gridPointCount } from '../grid/index.js';
import { assignOxidationStates } from '../bvse/oxidation/assign.js';
import { buildFramework } from '../bvse/build-framework.js';
import type { Framework } from '../bvse/framework.js';
import {
  computeLandscape,
  DEFAULT_RESOLUTION,
  DEFAULT_SEED_RESOLUTION,
  type BarrierMethod,
  type LandscapeOptions,
  type LandscapeResult,
} from '../pipeline/landscape.js';
import { percolate } from '../percolation/index.js';
import { composition, reducedFormula } from '../structure/composition.js';
import { readStructureText } from '../structure/read.js';
import type { Structure } from '../structure/types.js';
import {
  BENCH_SCHEMA_ID,
  BENCH_SCHEMA_VERSION,
  type AdapterRecord,
  type BackendRecord,
  type BenchResult,
  type BenchSettings,
  type Figure,
  type FigureId,
  type MachineRecord,
  type StructureRecord,
} from './result-types.js';
import { summarize } from './stats.js';
import { BENCH_STRUCTURES, REFERENCE_CASE, type BenchStructure } from './structures.js';

/** A backend to measure. `create` is called once for the kernel and barrier figures, and by the pipeline runner per run. */
export interface BenchBackendSpec {
  id: string;
  kind: 'cpu' | 'webgpu';
  threads: number | null;
  create(onWarning: (msg: string) => void): Promise<EnergyBackend>;
  /** Adapter facts (GPUAdapter.info and limits) for webgpu; null for cpu. */
  adapter(): Promise<AdapterRecord | null>;
  /** The `bvscape bench` options that select this backend alone (a child process measures each backend). */
  cliArgs: string[];
}

export interface PipelineRun {
  /** Structures screened (rows may be more with several ions). */
  structures: number;
  /** Rows with status error (a benchmark run must have none). */
  failedRows: number;
  ms: number;
  /** The settings the pipeline used (ions, resolution, model, workers ...). */
  params: Record<string, string | number | boolean | null>;
}

export interface BenchHost {
  environment: 'node' | 'browser';
  bvscapeVersion: string;
  machine(): Promise<Omit<MachineRecord, 'load_average'>>;
  /** 1-minute load average, or null where the platform has none. */
  loadAverage(): number | null;
  /** Text of a bundled structure file (src/benchmark/structures/<file>). */
  readStructure(file: string): Promise<string>;
  /** CPU seconds the process has used so far, all threads (Node: process.cpuUsage); null where unknown. */
  cpuSeconds?(): number | null;
  /** Resident set size of the process in bytes now, or null where unknown. */
  residentBytes(): number | null;
  /**
   * Runs the screen pipeline at its default settings for the barrier `method` (as `bvscape screen`, or `bvscape screen
   * --grid-barriers` for 'grid'; the grid spacing `resolution` when not null) over `copies` copies of each file;
   * absent where no pipeline runs.
   */
  runPipeline?(backend: BenchBackendSpec, files: string[], copies: number, resolution: number | null, method: BarrierMethod): Promise<PipelineRun>;
  /** One line describing runPipeline for the figure's `method`. */
  pipelineMethod?: string;
  /** Progress lines (stderr in the CLI). */
  progress(msg: string): void;
}

export type BenchMode = 'quick' | 'standard';

export const BENCH_SETTINGS: Record<BenchMode, BenchSettings> = {
  // Both modes time barriers and the screen at the defaults a user runs (the continuum method on computeLandscape's
  // default seed grid, the screen's settings); quick repeats less and times the kernel on a coarser grid (a rate,
  // whatever the grid). `--grid-barriers` swaps in GRID_BARRIER_SETTINGS.
  quick: {
    repeats: 3,
    warmups: 1,
    busy_spread: 0.2,
    min_sample_s: 0.25,
    kernel_resolution: 0.2,
    barrier_method: 'continuum',
    barrier_resolution: DEFAULT_SEED_RESOLUTION,
    pipeline_copies: 1,
    pipeline_repeats: 2,
    pipeline_resolution: null,
  },
  standard: {
    repeats: 5,
    warmups: 1,
    busy_spread: 0.2,
    min_sample_s: 0.5,
    kernel_resolution: 0.1,
    barrier_method: 'continuum',
    barrier_resolution: DEFAULT_SEED_RESOLUTION,
    pipeline_copies: 1,
    pipeline_repeats: 3,
    pipeline_resolution: null,
  },
};

/** `--grid-barriers`: the grid thresholds of landscape and screen with that flag (converged to 0.05 Å). */
export const GRID_BARRIER_SETTINGS: Pick<BenchSettings, 'barrier_method' | 'barrier_resolution'> = {
  barrier_method: 'grid',
  barrier_resolution: DEFAULT_RESOLUTION,
};

/** The barrier method of a run's settings (results written before the continuum method have none: grid). */
export function barrierMethod(settings: BenchSettings): BarrierMethod {
  return settings.barrier_method ?? 'grid';
}

export interface BenchOptions {
  mode: BenchMode;
  /** 'grid' (`--grid-barriers`): time the grid thresholds instead of the continuum barriers. Default 'continuum'. */
  barriers?: BarrierMethod;
  backends: BenchBackendSpec[];
  /** Override parts of the mode's settings (tests). */
  settings?: Partial<BenchSettings>;
}

const UNITS: Record<FigureId, { unit: string; better: 'higher' | 'lower' }> = {
  kernel_pair_terms_per_s: { unit: 'pair terms/s', better: 'higher' },
  percolation_points_per_s: { unit: 'points/s', better: 'higher' },
  pipeline_structures_per_hour: { unit: 'structures/h', better: 'higher' },
  time_to_barriers_s: { unit: 's', better: 'lower' },
  peak_rss_bytes: { unit: 'bytes', better: 'lower' },
};

interface Case {
  structure: BenchStructure;
  ion: string;
  name: string;
}

/** Samples resident memory every 20 ms (and on demand) while a backend is measured. */
class MemoryWatch {
  private peak = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  constructor(private readonly host: BenchHost) {}
  start(): void {
    this.peak = 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), 20);
  }
  sample(): void {
    const rss = this.host.residentBytes();
    if (rss !== null && rss > this.peak) this.peak = rss;
  }
  stop(): number | null {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    return this.peak > 0 ? this.peak : null;
  }
}

/** The figures and notes of one bench run, its settings, and its progress lines. */
class BenchRecorder {
  readonly figures: Figure[] = [];
  readonly notes: string[] = [];
  /** Figures finished (or given up) so far, of `totalFigures`. */
  doneFigures = 0;
  constructor(
    readonly host: BenchHost,
    readonly settings: BenchSettings,
    readonly totalFigures: number,
    /** When the run started (performance.now()). */
    readonly t0: number,
  ) {}

  /** One progress line per finished figure, with the elapsed time and an estimate of the rest. */
  report(label: string, f: Figure | null, extra = ''): void {
    this.doneFigures++;
    const elapsed = (performance.now() - this.t0) / 1000;
    // Figures differ in cost (the screen pipeline is the slowest), so this is a rough pace, not a promise.
    const eta =
      this.doneFigures < this.totalFigures
        ? `, roughly ${Math.ceil((elapsed / this.doneFigures) * (this.totalFigures - this.doneFigures))} s left at this pace`
        : '';
    const value = f ? `${formatWithUnit(f.median, f.unit)} (spread ${(100 * f.spread).toFixed(0)} %${f.busy ? ', busy' : ''})` : extra;
    this.host.progress(`[${this.doneFigures}/${this.totalFigures}] ${label}: ${value} · ${elapsed.toFixed(0)} s elapsed${eta}`);
  }

  figure(
    id: FigureId,
    backend: string | null,
    caseName: string | null,
    method: string,
    params: Figure['params'],
    samples: number[],
    details: Figure['details'] = {},
  ): Figure {
    const stats = summarize(samples);
    const f: Figure = { id, backend, case: caseName, ...UNITS[id], method, params, details, samples, ...stats, busy: stats.spread > this.settings.busy_spread };
    this.figures.push(f);
    return f;
  }

  /** Runs `fn` warmups + repeats times; returns the timed repeats' results. */
  async repeatN<T>(warmups: number, repeats: number, fn: () => Promise<T>): Promise<T[]> {
    for (let i = 0; i < warmups; i++) await fn();
    const out: T[] = [];
    for (let i = 0; i < repeats; i++) out.push(await fn());
    return out;
  }
  repeat<T>(fn: () => Promise<T>): Promise<T[]> {
    return this.repeatN(this.settings.warmups, this.settings.repeats, fn);
  }
}

/** The bundled structures, read once with oxidation states assigned once, and the (structure, ion) cases. */
interface BenchInputs {
  structures: Map<string, Structure>;
  records: StructureRecord[];
  cases: Case[];
  frameworks: Map<string, Framework>;
  /** The case of the barrier and percolation figures. */
  reference: Case;
}

async function readInputs(host: BenchHost): Promise<BenchInputs> {
  const structures = new Map<string, Structure>();
  const records: StructureRecord[] = [];
  for (const s of BENCH_STRUCTURES) {
    const text = await host.readStructure(s.file);
    const read = await readStructureText(text, s.file);
    const first = read[0];
    if (!first?.structure) throw first?.error ?? new Error(`${s.file}: no structure`);
    const withOxi = assignOxidationStates(first.structure).structure;
    structures.set(s.id, withOxi);
    records.push({
      id: s.id,
      file: s.file,
      formula: reducedFormula(composition(withOxi)),
      sites: withOxi.sites.length,
      size: s.size,
      ions: s.ions,
      source: s.source,
    });
  }
  const cases: Case[] = BENCH_STRUCTURES.flatMap((structure) => structure.ions.map((ion) => ({ structure, ion, name: `${structure.id}/${ion}` })));
  const frameworks = new Map<string, Framework>(cases.map((c) => [c.name, buildFramework(structures.get(c.structure.id)!, { ion: c.ion })]));
  const reference = cases.find((c) => c.structure.id === REFERENCE_CASE.structure && c.ion === REFERENCE_CASE.ion)!;
  return { structures, records, cases, frameworks, reference };
}

export async function runBench(host: BenchHost, opts: BenchOptions): Promise<BenchResult> {
  const settings: BenchSettings = {
    ...BENCH_SETTINGS[opts.mode],
    ...(opts.barriers === 'grid' ? GRID_BARRIER_SETTINGS : {}),
    ...opts.settings,
  };
  const created = new Date().toISOString();
  const t0 = performance.now();
  const loadStart = host.loadAverage();
  const inputs = await readInputs(host);
  const perBackendFigures = inputs.cases.length + 1 + (host.runPipeline ? 1 : 0);
  const rec = new BenchRecorder(host, settings, opts.backends.length * perBackendFigures + 1, t0);
  const backends: BackendRecord[] = [];

  // The first reference landscape any backend computes, for the percolation figure.
  const percolation: { input: Landscape | null } = { input: null };
  for (const spec of opts.backends) {
    const warnings: string[] = [];
    const record: BackendRecord = { id: spec.id, kind: spec.kind, description: spec.kind, threads: spec.threads, adapter: null, error: null, warnings };
    backends.push(record);
    const watch = new MemoryWatch(host);
    watch.start();
    let backend: EnergyBackend | null = null;
    try {
      host.progress(`${spec.id}: starting`);
      record.adapter = await spec.adapter();
      backend = await spec.create((m) => warnings.push(m));
      record.description = backend.description;
      host.progress(`${spec.id}: using ${backend.description}`);
      await measureKernel(rec, spec, backend, inputs, watch, (landscape) => (percolation.input ??= landscape));
      await measureTimeToBarriers(rec, spec, backend, inputs, watch);
      if (host.runPipeline) await measurePipeline(rec, spec, host.runPipeline.bind(host), watch);
      else rec.notes.push('pipeline_structures_per_hour: this host has no screen pipeline runner; not measured');
    } catch (e) {
      record.error = (e as Error).message;
      host.progress(`${spec.id}: failed: ${record.error}`);
      rec.doneFigures = Math.max(rec.doneFigures, backends.length * perBackendFigures);
    } finally {
      await backend?.dispose().catch(() => {});
      const peak = watch.stop();
      if (peak !== null && record.error === null) {
        rec.figure(
          'peak_rss_bytes',
          spec.id,
          null,
          'highest resident set size of the process sampled every 20 ms and after every run while this backend was measured (GPU memory on a discrete card is not included)',
          {},
          [peak],
        );
      }
    }
  }

  // Percolation runs on the host CPU whatever the backend: measured once, on the reference landscape.
  if (percolation.input) await measurePercolation(rec, percolation.input, inputs.reference);
  else rec.notes.push('percolation_points_per_s: no backend produced a landscape; not measured');

  const { figures, notes } = rec;
  const busy = busyNote(figures, settings.busy_spread);
  if (busy) notes.push(busy);
  const loadEnd = host.loadAverage();
  const machine: MachineRecord = {
    ...(await host.machine()),
    load_average: loadStart !== null && loadEnd !== null ? { start: loadStart, end: loadEnd } : null,
  };
  return {
    schema: BENCH_SCHEMA_ID,
    schema_version: BENCH_SCHEMA_VERSION,
    bvscape_version: host.bvscapeVersion,
    created,
    mode: opts.mode,
    settings,
    machine,
    structures: inputs.records,
    backends,
    figures,
    busy: figures.some((f) => f.busy),
    notes,
    elapsed_s: (performance.now() - t0) / 1000,
  };
}

type Landscape = { energies: Float32Array; grid: GridSpec };

/** Pair terms per second of computeGrid on every case; hands each landscape of the reference case to `keepReference`. */
async function measureKernel(
  rec: BenchRecorder,
  spec: BenchBackendSpec,
  backend: EnergyBackend,
  inputs: BenchInputs,
  watch: MemoryWatch,
  keepReference: (l: Landscape) => void,
): Promise<void> {
  const { host, settings } = rec;
  for (const c of inputs.cases) {
    const fw = inputs.frameworks.get(c.name)!;
    const p = inputs.structures.get(c.structure.id)!.lattice.parameters;
    const grid = gridForResolution([p.a, p.b, p.c], settings.kernel_resolution);
    let pairTerms = 0;
    const cpuSeconds: number[] = [];
    const rates = await rec.repeat(async () => {
      const c0 = host.cpuSeconds?.() ?? null;
      const { value: r, runs, seconds } = await atLeast(settings.min_sample_s, () => backend.computeGrid(fw, grid));
      const c1 = host.cpuSeconds?.() ?? null;
      if (c0 !== null && c1 !== null) cpuSeconds.push((c1 - c0) / runs);
      watch.sample();
      pairTerms = r.pairTerms;
      if (c === inputs.reference) keepReference({ energies: r.energies, grid });
      return (r.pairTerms * runs) / seconds;
    });
    // CPU time of the timed runs (the last `repeats` entries): on a shared machine pairs per CPU-second is the steadier number.
    const cpuMedian = cpuSeconds.length ? summarize(cpuSeconds.slice(-settings.repeats)).median : null;
    const f = rec.figure(
      'kernel_pair_terms_per_s',
      spec.id,
      c.name,
      'pair terms (grid point, framework atom within the cutoff) / wall time of computeGrid (repeated to fill min_sample_s), upload and readback included, after warm-up',
      { resolution: settings.kernel_resolution, grid: `${grid.nx}x${grid.ny}x${grid.nz}`, points: gridPointCount(grid), framework_atoms: fw.atoms.type.length },
      rates,
      {
        pair_terms: pairTerms,
        cpu_s_median: cpuMedian === null ? null : Math.round(cpuMedian * 1e4) / 1e4,
        pair_terms_per_cpu_s: cpuMedian ? Math.round(pairTerms / cpuMedian) : null,
      },
    );
    rec.report(`${spec.id} kernel ${c.name}`, f);
  }
}

/** Wall time of computeLandscape (barriers only) on the reference case, by the run's barrier method. */
async function measureTimeToBarriers(
  rec: BenchRecorder,
  spec: BenchBackendSpec,
  backend: EnergyBackend,
  inputs: BenchInputs,
  watch: MemoryWatch,
): Promise<void> {
  const { settings } = rec;
  const reference = inputs.reference;
  const refStructure = inputs.structures.get(reference.structure.id)!;
  const method = barrierMethod(settings);
  const resolution = settings.barrier_resolution;
  let last: LandscapeResult | null = null;
  const landscapeOptions: LandscapeOptions =
    method === 'continuum'
      ? { ion: reference.ion, resolution, backend, method, gridOutput: 'none' }
      : { ion: reference.ion, resolution, backend, method, mode: 'converged', gridOutput: 'none' };
  const cpuSeconds: number[] = [];
  const once = async () => {
    const c0 = rec.host.cpuSeconds?.() ?? null;
    const ts = performance.now();
    last = await computeLandscape(refStructure, landscapeOptions);
    const s = (performance.now() - ts) / 1000;
    const c1 = rec.host.cpuSeconds?.() ?? null;
    cpuSeconds.push(c0 !== null && c1 !== null ? c1 - c0 : Number.NaN);
    watch.sample();
    return s;
  };
  const warmups = await warmUp(once, settings.warmups, cpuSeconds);
  const times = await rec.repeatN(0, settings.repeats, once);
  const timedCpu = cpuSeconds.slice(-settings.repeats).filter(Number.isFinite);
  const r = last as LandscapeResult | null;
  if (!r) throw new Error('time to barriers: computeLandscape did not run');
  const description =
    method === 'continuum'
      ? `computeLandscape, continuum method (index-1 saddles of the continuous field on the network of minima and saddles, seeded from a uniform ${resolution} Å grid), barriers only: oxidation states, framework, seed grid, critical points, network thresholds`
      : `computeLandscape, grid method, mode 'converged' (adaptive refinement to the thresholds of the uniform ${resolution} Å grid), barriers only: oxidation states, framework, grids, percolation`;
  const params: Figure['params'] = method === 'continuum' ? { method, resolution } : { method, resolution, mode: r.mode };
  const f = rec.figure('time_to_barriers_s', spec.id, reference.name, description, params, times, {
    warmups,
    cpu_s_median: timedCpu.length ? Math.round(summarize(timedCpu).median * 1e4) / 1e4 : null,
    ...barrierDetails(r),
    barrier_1d_ev: round(r.barriers['1D']),
    barrier_2d_ev: round(r.barriers['2D']),
    barrier_3d_ev: round(r.barriers['3D']),
  });
  rec.report(`${spec.id} time to barriers ${reference.name}`, f);
}

/** Warm-ups allowed beyond the settings' count while the CPU time of a run is still falling. */
const MAX_WARMUPS = 5;

/**
 * Untimed runs before the timed ones: at least `minimum`, then more while a run took over 25 % more CPU time than the
 * one after it, up to MAX_WARMUPS. The continuum network's code reaches V8's optimised tiers only after a few runs
 * (CPU seconds of β-Li3PS4's first seven runs in one process: 0.70, 0.41, 0.13, 0.11, 0.10, 0.10, 0.10), so one
 * warm-up left the first timed sample 3–4× the others and the figure flagged busy on any machine. Without a CPU clock
 * (`cpuSeconds` NaN) the fixed count. Returns the warm-ups run.
 */
export async function warmUp(run: () => Promise<unknown>, minimum: number, cpuSeconds: readonly number[]): Promise<number> {
  let n = 0;
  for (; n < minimum; n++) await run();
  while (n < MAX_WARMUPS) {
    // The last run (b) and the one before it (a).
    const b = cpuSeconds[cpuSeconds.length - 1];
    const a = cpuSeconds[cpuSeconds.length - 2];
    if (b !== undefined && !Number.isFinite(b)) break;
    if (a !== undefined && b !== undefined && a <= 1.25 * b) break;
    await run();
    n++;
  }
  return n;
}

/** What the last barrier run did: the network's size, evaluations and time split, or the refinement's points. */
function barrierDetails(r: LandscapeResult): Figure['details'] {
  const ms = (k: string) => (r.timingsMs[k] === undefined ? null : Math.round(r.timingsMs[k]!));
  if (r.network) {
    const n = r.network;
    return {
      seed_grid: `${r.grid.nx}x${r.grid.ny}x${r.grid.nz}`,
      minima: n.sites.length,
      saddles_verified: n.saddles.filter((x) => x.status === 'verified').length,
      saddles_unverified: n.saddles.filter((x) => x.status === 'unverified').length,
      field_evaluations: n.evaluations,
      seed_grid_ms: ms('grid'),
      minima_ms: ms('network_minima'),
      saddles_ms: ms('network_saddles'),
      network_ms: ms('network_network'),
    };
  }
  return r.refinement
    ? { levels: r.refinement.levels, points_evaluated: r.refinement.pointsEvaluated, points_uniform: r.refinement.pointsUniform }
    : { points_evaluated: gridPointCount(r.grid) };
}

/** Structures per hour of the host's screen pipeline over the bundled files. */
async function measurePipeline(
  rec: BenchRecorder,
  spec: BenchBackendSpec,
  runPipeline: NonNullable<BenchHost['runPipeline']>,
  watch: MemoryWatch,
): Promise<void> {
  const { host, settings } = rec;
  const files = BENCH_STRUCTURES.map((s) => s.file);
  let structuresRun = 0;
  let pipelineParams: Figure['params'] = {};
  // No warm-up: every screen starts its own workers, so a first run is not colder than the next.
  let pipelineRun = 0;
  const rates = await rec.repeatN(0, settings.pipeline_repeats, async () => {
    // A screen run can take minutes on a slow machine: say which one is going.
    host.progress(`${spec.id} screen pipeline: run ${++pipelineRun} of ${settings.pipeline_repeats}, ${files.length * settings.pipeline_copies} structures`);
    const run = await runPipeline(spec, files, settings.pipeline_copies, settings.pipeline_resolution, barrierMethod(settings));
    watch.sample();
    if (run.failedRows > 0) throw new Error(`the screen pipeline wrote ${run.failedRows} error rows for the bundled structures`);
    structuresRun = run.structures;
    pipelineParams = run.params;
    return run.structures / (run.ms / 3.6e6);
  });
  const pf = rec.figure(
    'pipeline_structures_per_hour',
    spec.id,
    null,
    host.pipelineMethod ?? 'screen pipeline at its default settings',
    { structures_per_run: structuresRun, copies: settings.pipeline_copies, ...pipelineParams },
    rates,
  );
  rec.report(`${spec.id} pipeline`, pf);
}

/** Grid points per second of percolate() on the reference landscape. */
async function measurePercolation(rec: BenchRecorder, input: Landscape, reference: Case): Promise<void> {
  const { energies, grid } = input;
  const points = gridPointCount(grid);
  const rates = await rec.repeat(async () => {
    const { runs, seconds } = await atLeast(rec.settings.min_sample_s, async () => percolate(energies, grid));
    return (points * runs) / seconds;
  });
  const f = rec.figure(
    'percolation_points_per_s',
    null,
    reference.name,
    'grid points / wall time of percolate() (repeated to fill min_sample_s; sort and union-find sweep up to the 3D threshold, 6 neighbours, encut 10 eV) on the reference landscape from the kernel figure',
    { resolution: rec.settings.kernel_resolution, grid: `${grid.nx}x${grid.ny}x${grid.nz}`, points },
    rates,
  );
  rec.report('percolation', f);
}

/** Runs `fn` until at least `minSeconds` have passed (once at least), so that short jobs give steady samples. */
async function atLeast<T>(minSeconds: number, fn: () => Promise<T>): Promise<{ value: T; runs: number; seconds: number }> {
  const t0 = performance.now();
  let runs = 0;
  let value: T;
  do {
    value = await fn();
    runs++;
  } while ((performance.now() - t0) / 1000 < minSeconds);
  return { value, runs, seconds: (performance.now() - t0) / 1000 };
}

/** The "machine busy" note naming the figures whose spread is above the threshold; null when none is. */
export function busyNote(figures: readonly Figure[], threshold: number): string | null {
  const busy = figures.filter((f) => f.busy);
  if (busy.length === 0) return null;
  const names = busy.map((f) => `${f.id}${f.case ? ` ${f.case}` : ''}${f.backend ? ` on ${f.backend}` : ''}`);
  return `machine busy: ${busy.length} figure(s) with a spread above ${(100 * threshold).toFixed(0)} % (${names.join('; ')}); rerun on an idle machine for comparable numbers`;
}

function round(x: number | null | undefined): number | null {
  return typeof x === 'number' && Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : null;
}

/** A figure value for people: 3 significant digits, exponents for large rates, MiB for bytes. */
export function formatValue(x: number, unit: string): string {
  if (!Number.isFinite(x)) return String(x);
  if (unit === 'bytes') return `${(x / 2 ** 20).toFixed(0)} MiB`;
  if (unit === 's') return x < 10 ? x.toPrecision(3) : x.toFixed(1);
  if (Math.abs(x) >= 1e5) return x.toExponential(2);
  return x.toPrecision(3);
}

/** formatValue with the unit ("2.31e+08 pair terms/s", "95 MiB"). */
export function formatWithUnit(x: number, unit: string): string {
  return unit === 'bytes' ? formatValue(x, unit) : `${formatValue(x, unit)} ${unit}`;
}
