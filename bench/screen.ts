// Throughput of the `bvscape screen` pipeline (runScreen: worker pool, grid backend, percolation,
// JSONL) with --ion Li at the screen's defaults (continuum barriers from a 0.2 Å seed grid; --uniform for the grid's own thresholds): structures/s and /hour, rows/s, median, p95 and max seconds per
// structure, peak RSS, failures by reason; for the CPU backend and for WebGPU when an adapter exists.
// Compared with the Python peer (bvlain) from ../shared/reference/*.jsonl on the files both ran.
//
// Run from the project root: `node build.mjs && node dist/bench/screen.js [--resolution 0.05] [--uniform]
//   [--backends cpu,webgpu] [--corpus 0|N|peer|all] [--workers N] [--timeout S] [--ions Li,Na,Ag,Cs] [--no-optimade]
//   [--repeats N] [--passes N]`.
//   --ions: the mobile ions screened (default Li; the named set's 30 computable files need Li,Na,Ag,Cs).
//   --repeats: runs of each (set, backend), the backends taking turns (default 1). A run of these sets lasts seconds,
//   so one run's ratios move by ±5 % with the machine's other work; with N > 1 the table ends with each figure's
//   median and range over the runs, and every run is kept in the JSON (`repeat`).
//   --passes: also screen N copies of each set in one run (default 1: no such run). A run pays once for its start-up
//   (worker threads, WebAssembly, the first structures before the JIT) and for its tail (the last structures on fewer
//   workers than cores); against the one-pass run, the extra N − 1 passes give the rate a long screen keeps
//   (`steady_state` in the JSON: marginal wall and CPU seconds per pass, and the peer ratios from them, also against the
//   peer's compute seconds alone, which leave out its own per-structure start-up).
// Throughput per set: structures per wall hour and per CPU hour (process.cpuUsage of the run, worker threads
// included: the machine may be shared), against the peer's structures per hour on the files both computed (its summed
// wall_s), the median per-structure ratio, and the time split of the computed structures from the rows' timings_ms
// (prepare, seed grid, seed sweep, minima, saddles, network, certification; wall time inside the workers).
//   --corpus adds a set from ../shared/cif/corpus: the first N files (sorted), the files the peer's
//   reference covers ("peer"), or all 1,045. Default: named only.
// The named set also runs as OPTIMADE input ("named as OPTIMADE": one OPTIMADE entry file per
// structure, written from the parsed CIFs), and the reading cost per entry is timed for both forms
// (readStructureTextSync, median of 5 per file) to show the parsing overhead of the JSON route.
// Each (set, backend) runs in a child process of this script, so the peak RSS
// (process.resourceUsage().maxRSS, worker threads included) belongs to that run alone.
// Writes bench/results/screen.json.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { selectBackend } from '../src/backends/select.js';
import { parseJsonlObject } from '../src/io/tables.js';
import { initSymmetry } from '../src/structure/space-group.js';
import { readStructureTextSync } from '../src/structure/read.js';
import { optimadeEntry } from '../src/structure/optimade.js';
import { runScreen } from '../src/screen/screen.js';
import { DEFAULT_SCREEN_CONFIG, screenConfig, type ScreenConfig, type ScreenRow } from '../src/screen/types.js';

const SHARED = path.resolve(process.cwd(), '../shared');
const CIF_DIR = path.join(SHARED, 'cif');
const REFERENCE_DIR = path.join(SHARED, 'reference');
const OUT = path.resolve(process.cwd(), 'bench/results/screen.json');

interface ChildJob {
  inputs: string[];
  ions: string[];
  backend: 'cpu' | 'webgpu';
  resolution: number;
  /** 'converged' (the screen's default) or 'uniform'. */
  mode?: 'converged' | 'uniform';
  workers: number;
  timeoutS: number;
  rowsPath: string;
  resultPath: string;
}

interface ChildResult {
  backend: string;
  wall_s: number;
  max_rss_mb: number;
  cpu_s: number;
  error?: string;
}

interface RunSummary {
  set: string;
  backend: string;
  /** Which of --repeats runs this is (1-based). */
  repeat: number;
  backend_description?: string;
  files: number;
  structures: number;
  /** Structures with a computed row (the rates below per hour count these; unreadable files and absent ions are not). */
  structures_computed: number;
  rows: number;
  ok_rows: number;
  failures_by_reason: Record<string, number>;
  wall_s: number;
  cpu_s: number;
  structures_per_s: number;
  structures_per_hour: number;
  /** structures / (CPU seconds / cores): the rate on an otherwise idle machine, if the run is CPU-bound. */
  structures_per_hour_if_cpu_bound: number;
  /** Computed structures per wall hour and per CPU hour of the whole run (all threads). */
  computed_per_hour: number;
  structures_per_cpu_hour: number;
  /** Seconds summed over the computed rows' timings_ms, by stage (wall time inside the workers), and each stage's share. */
  time_split_s: Record<string, number>;
  time_split_fraction: Record<string, number>;
  rows_per_s: number;
  seconds_per_structure: { median: number; p95: number; max: number; median_ok: number; p95_ok: number; slowest: string };
  max_rss_mb: number;
  /** Seconds per structure on the files where both this run and the peer computed Li barriers. */
  vs_peer: PeerComparison | null;
  /** On a --passes run: what the passes after the first cost, against the one-pass run of the same repeat. */
  steady_state?: SteadyState;
  skipped?: string;
}

interface SteadyState {
  passes: number;
  /** (this run − the one-pass run) / (passes − 1): wall and CPU seconds one more pass of the set costs. */
  marginal_wall_s_per_pass: number;
  marginal_cpu_s_per_pass: number;
  computed_per_hour: number;
  structures_per_cpu_hour: number;
  /** Σ peer wall_s over the matched files / the marginal wall time scaled to those files (as throughput_ratio). */
  throughput_ratio: number;
  throughput_ratio_per_cpu_hour: number;
  /** The same against Σ of the peer's stage seconds (read, grid, percolation): its Python start-up left out. */
  throughput_ratio_vs_peer_compute: number;
  throughput_ratio_per_cpu_hour_vs_peer_compute: number;
}

interface PeerComparison {
  matched_files: number;
  peer_median_wall_s: number;
  peer_median_compute_s: number;
  ours_median_s: number;
  /** peer median / ours median (per structure, each on its own). */
  median_ratio: number;
  /** Median over the matched files of peer wall_s / our seconds for that structure. */
  median_per_structure_ratio: number;
  /** Our structures per wall hour and per CPU hour on the matched files (the run's wall and CPU time, shared by time). */
  ours_structures_per_hour: number;
  ours_structures_per_cpu_hour: number;
  /** ours_structures_per_cpu_hour / peer_structures_per_hour. */
  throughput_ratio_per_cpu_hour: number;
  /** Σ peer wall_s over the matched files / this run's wall time scaled to those files. */
  throughput_ratio: number;
  /**
   * The same with this run's CPU time spread over all cores instead of its wall time: what the ratio
   * would be if the run had the machine to itself (the peer's times are from an unloaded machine).
   * An estimate, meaningful for CPU-bound runs only.
   */
  throughput_ratio_if_cpu_bound: number;
  peer_structures_per_hour: number;
  peer_max_rss_mb: number;
  /** Σ peer wall_s and Σ peer stage seconds over the matched files; our time share of the matched files in the run. */
  peer_total_wall_s: number;
  peer_total_compute_s: number;
  matched_share: number;
}

// ---------------------------------------------------------------- child: one screen, then exit

async function child(jobFile: string): Promise<void> {
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as ChildJob;
  const config: ScreenConfig = screenConfig({ resolution: job.resolution, mode: job.mode ?? 'converged', ions: job.ions });
  let description = job.backend as string;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result: ChildResult = { backend: job.backend, wall_s: 0, max_rss_mb: 0, cpu_s: 0 };
  try {
    await runScreen({
      inputs: job.inputs,
      out: job.rowsPath,
      config,
      runtime: { backend: job.backend },
      workers: job.workers,
      resume: false,
      overwrite: true,
      shard: null,
      timeoutMs: job.timeoutS * 1000,
      createGridBackend: async () => {
        const be = await selectBackend(job.backend);
        description = be.description;
        return be;
      },
      progress: 'log',
      progressIntervalMs: 30_000,
    });
  } catch (e) {
    result.error = e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e);
  }
  const cpu = process.cpuUsage(c0);
  result.backend = description;
  result.wall_s = (performance.now() - t0) / 1000;
  result.cpu_s = (cpu.user + cpu.system) / 1e6;
  // maxRSS is in kilobytes.
  result.max_rss_mb = process.resourceUsage().maxRSS / 1024;
  writeFileSync(job.resultPath, JSON.stringify(result));
}

// ---------------------------------------------------------------- parent

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const round = (x: number, digits = 3) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);

interface PeerRun {
  file: string;
  ion: string;
  error?: string;
  wall_s?: number;
  seconds?: Record<string, number> | null;
  max_rss_mb?: number | null;
}

/** Li+ runs of the peer that succeeded, keyed by absolute path. */
function readPeerLi(): Map<string, PeerRun> {
  const out = new Map<string, PeerRun>();
  if (!existsSync(REFERENCE_DIR)) return out;
  for (const name of readdirSync(REFERENCE_DIR)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    for (const line of readFileSync(path.join(REFERENCE_DIR, name), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const r = JSON.parse(line) as PeerRun;
      if (r.ion !== 'Li1+' || r.error || typeof r.wall_s !== 'number') continue;
      out.set(path.join(CIF_DIR, r.file), r);
    }
  }
  return out;
}

/** Per structure: total time_ms, first file, whether a row of it was computed; plus rows, failures and the time split. */
/** Stages of the time split, from the rows' timings_ms (the continuum method's names). */
const SPLIT: Record<string, (t: Record<string, number>) => number> = {
  prepare: (t) => t.prepare ?? 0,
  seed_grid: (t) => t.grid ?? 0,
  seed_sweep: (t) =>
    (t.percolation ?? 0) -
    (t.network_seeds ?? 0) -
    (t.network_minima ?? 0) -
    (t.network_saddles ?? 0) -
    (t.network_network ?? 0) -
    (t.network_certification ?? 0),
  seeds: (t) => t.network_seeds ?? 0,
  minima: (t) => t.network_minima ?? 0,
  saddles: (t) => t.network_saddles ?? 0,
  network: (t) => t.network_network ?? 0,
  certification: (t) => t.network_certification ?? 0,
};

function readRows(rowsPath: string) {
  const perStructure = new Map<string, { file: string; ms: number; ok: boolean }>();
  const split: Record<string, number> = Object.fromEntries(Object.keys(SPLIT).map((k) => [k, 0]));
  const failures: Record<string, number> = {};
  let rows = 0;
  let okRows = 0;
  for (const line of readFileSync(rowsPath, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const o = parseJsonlObject(line);
    if (!o) continue;
    const r = o as unknown as ScreenRow;
    rows++;
    if (r.status === 'ok') {
      okRows++;
      const t = (r as unknown as { timings_ms?: Record<string, number> }).timings_ms ?? {};
      for (const [k, f] of Object.entries(SPLIT)) split[k] = split[k]! + f(t) / 1000;
    } else failures[r.error_kind ?? 'unknown'] = (failures[r.error_kind ?? 'unknown'] ?? 0) + 1;
    // Computed when a row of it is: with several --ions, the ions a structure lacks are NoMobileIon rows.
    const s = perStructure.get(r.id) ?? { file: r.file, ms: 0, ok: false };
    s.ms += r.time_ms;
    s.ok ||= r.status === 'ok';
    perStructure.set(r.id, s);
  }
  return { perStructure, failures, rows, okRows, split };
}

function runOne(
  set: string,
  inputs: string[],
  files: number,
  backend: 'cpu' | 'webgpu',
  o: { resolution: number; mode: 'converged' | 'uniform'; workers: number; timeoutS: number; ions: string[] },
  peer: Map<string, PeerRun>,
  origin: Map<string, string> | null = null,
): Omit<RunSummary, 'repeat'> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bvscape-screen-bench-'));
  const job: ChildJob = { inputs, backend, ...o, rowsPath: path.join(dir, 'rows.jsonl'), resultPath: path.join(dir, 'result.json') };
  writeFileSync(path.join(dir, 'job.json'), JSON.stringify(job));
  const self = fileURLToPath(import.meta.url);
  process.stderr.write(`-- ${set} / ${backend}: ${files} files\n`);
  const proc = spawnSync(process.execPath, [self, '--child', path.join(dir, 'job.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
  const empty: Omit<RunSummary, 'repeat'> = {
    set,
    backend,
    files,
    structures: 0,
    structures_computed: 0,
    rows: 0,
    ok_rows: 0,
    failures_by_reason: {},
    wall_s: 0,
    cpu_s: 0,
    structures_per_s: 0,
    structures_per_hour: 0,
    structures_per_hour_if_cpu_bound: 0,
    computed_per_hour: 0,
    structures_per_cpu_hour: 0,
    time_split_s: {},
    time_split_fraction: {},
    rows_per_s: 0,
    seconds_per_structure: { median: 0, p95: 0, max: 0, median_ok: 0, p95_ok: 0, slowest: '' },
    max_rss_mb: 0,
    vs_peer: null,
  };
  try {
    if (!existsSync(job.resultPath)) return { ...empty, skipped: `child exited with ${proc.status ?? proc.signal}` };
    const res = JSON.parse(readFileSync(job.resultPath, 'utf8')) as ChildResult;
    if (res.error) return { ...empty, skipped: res.error };
    const { perStructure, failures, rows, okRows, split } = readRows(job.rowsPath);
    const times = [...perStructure.values()].map((s) => s.ms / 1000).sort((a, b) => a - b);
    // Failures (unparseable files, no oxidation states) take milliseconds; these are the structures computed.
    const okTimes = [...perStructure.values()]
      .filter((s) => s.ok)
      .map((s) => s.ms / 1000)
      .sort((a, b) => a - b);
    let slowest = '';
    let slowestMs = -1;
    for (const [id, s] of perStructure) if (s.ms > slowestMs) [slowest, slowestMs] = [id, s.ms];

    // Against the peer: structures where both computed Li barriers.
    const matched: Array<{ ours: number; peerWall: number; peerCompute: number; rss: number }> = [];
    for (const s of perStructure.values()) {
      const p = peer.get(origin?.get(s.file) ?? s.file);
      if (!s.ok || !p) continue;
      const compute = p.seconds ? Object.values(p.seconds).reduce((a, b) => a + b, 0) : Number.NaN;
      matched.push({ ours: s.ms / 1000, peerWall: p.wall_s!, peerCompute: compute, rss: p.max_rss_mb ?? 0 });
    }
    let vsPeer: PeerComparison | null = null;
    if (matched.length > 0) {
      const med = (xs: number[]) =>
        quantile(
          [...xs].sort((a, b) => a - b),
          0.5,
        );
      const oursMedian = med(matched.map((m) => m.ours));
      const peerMedian = med(matched.map((m) => m.peerWall));
      // Our wall time is shared by all structures in the run; charge the matched ones their share of it
      // by their per-structure time.
      const oursTotal = times.reduce((a, b) => a + b, 0);
      const matchedShare = matched.reduce((a, m) => a + m.ours, 0) / (oursTotal || 1);
      const peerTotal = matched.reduce((a, m) => a + m.peerWall, 0);
      const peerPerHour = (3600 * matched.length) / peerTotal;
      const oursPerCpuHour = (3600 * matched.length) / (res.cpu_s * matchedShare);
      vsPeer = {
        matched_files: matched.length,
        peer_median_wall_s: round(peerMedian)!,
        peer_median_compute_s: round(med(matched.map((m) => m.peerCompute)))!,
        ours_median_s: round(oursMedian)!,
        median_ratio: round(peerMedian / oursMedian, 1)!,
        median_per_structure_ratio: round(med(matched.map((m) => m.peerWall / m.ours)), 1)!,
        ours_structures_per_hour: Math.round((3600 * matched.length) / (res.wall_s * matchedShare)),
        ours_structures_per_cpu_hour: Math.round(oursPerCpuHour),
        throughput_ratio_per_cpu_hour: round(oursPerCpuHour / peerPerHour, 1)!,
        throughput_ratio: round(peerTotal / (res.wall_s * matchedShare), 1)!,
        throughput_ratio_if_cpu_bound: round(peerTotal / ((res.cpu_s / availableParallelism()) * matchedShare), 1)!,
        peer_structures_per_hour: Math.round((3600 * matched.length) / peerTotal),
        peer_max_rss_mb: round(Math.max(...matched.map((m) => m.rss)), 1)!,
        peer_total_wall_s: round(peerTotal, 3)!,
        peer_total_compute_s: round(
          matched.reduce((a, m) => a + m.peerCompute, 0),
          3,
        )!,
        matched_share: round(matchedShare, 6)!,
      };
    }
    return {
      set,
      backend,
      backend_description: res.backend,
      files,
      structures: perStructure.size,
      structures_computed: okTimes.length,
      rows,
      ok_rows: okRows,
      failures_by_reason: failures,
      wall_s: round(res.wall_s, 2)!,
      cpu_s: round(res.cpu_s, 2)!,
      structures_per_s: round(perStructure.size / res.wall_s)!,
      structures_per_hour: Math.round((perStructure.size / res.wall_s) * 3600),
      structures_per_hour_if_cpu_bound: Math.round((perStructure.size / (res.cpu_s / availableParallelism())) * 3600),
      computed_per_hour: Math.round((okTimes.length / res.wall_s) * 3600),
      structures_per_cpu_hour: Math.round((okTimes.length / res.cpu_s) * 3600),
      time_split_s: Object.fromEntries(Object.entries(split).map(([k, v]) => [k, round(v, 3)!])),
      time_split_fraction: Object.fromEntries(
        Object.entries(split).map(([k, v]) => [k, round(v / (Object.values(split).reduce((a, b) => a + b, 0) || 1), 3)!]),
      ),
      rows_per_s: round(rows / res.wall_s)!,
      seconds_per_structure: {
        median: round(quantile(times, 0.5))!,
        p95: round(quantile(times, 0.95))!,
        max: round(times.at(-1) ?? 0)!,
        median_ok: round(quantile(okTimes, 0.5))!,
        p95_ok: round(quantile(okTimes, 0.95))!,
        slowest: path.relative(CIF_DIR, slowest),
      },
      max_rss_mb: round(res.max_rss_mb, 1)!,
      vs_peer: vsPeer,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The structure files of a set's inputs (a directory stands for its .cif and .json files), sorted. */
function setFiles(inputs: string[]): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    if (input.endsWith('.cif') || input.endsWith('.json')) out.push(input);
    else for (const f of readdirSync(input).sort()) if (f.endsWith('.cif') || f.endsWith('.json')) out.push(path.join(input, f));
  }
  return out;
}

/** `passes` copies of the files, one directory per pass (pass-1, …), and each copy's original path (for the peer's rows). */
function copySet(files: string[], passes: number): { dir: string; inputs: string[]; origin: Map<string, string> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bvscape-screen-passes-'));
  const origin = new Map<string, string>();
  const inputs: string[] = [];
  for (let k = 1; k <= passes; k++) {
    const d = path.join(dir, `pass-${k}`);
    mkdirSync(d);
    inputs.push(d);
    for (const f of files) {
      const copy = path.join(d, path.basename(f));
      copyFileSync(f, copy);
      origin.set(copy, f);
    }
  }
  return { dir, inputs, origin };
}

/** The rate of the passes after the first: the N-pass run against the one-pass run of the same repeat and backend. */
function steadyState(one: RunSummary, many: RunSummary, passes: number): SteadyState | undefined {
  const v = one.vs_peer;
  if (one.skipped || many.skipped || !v) return undefined;
  const wall = (many.wall_s - one.wall_s) / (passes - 1);
  const cpu = (many.cpu_s - one.cpu_s) / (passes - 1);
  if (!(wall > 0 && cpu > 0)) return undefined;
  const perHour = (total: number, s: number) => round(total / (s * v.matched_share), 1)!;
  return {
    passes,
    marginal_wall_s_per_pass: round(wall, 2)!,
    marginal_cpu_s_per_pass: round(cpu, 2)!,
    computed_per_hour: Math.round((3600 * one.structures_computed) / wall),
    structures_per_cpu_hour: Math.round((3600 * one.structures_computed) / cpu),
    throughput_ratio: perHour(v.peer_total_wall_s, wall),
    throughput_ratio_per_cpu_hour: perHour(v.peer_total_wall_s, cpu),
    throughput_ratio_vs_peer_compute: perHour(v.peer_total_compute_s, wall),
    throughput_ratio_per_cpu_hour_vs_peer_compute: perHour(v.peer_total_compute_s, cpu),
  };
}

function corpusSet(spec: string, peer: Map<string, PeerRun>): { name: string; inputs: string[] } | null {
  const dir = path.join(CIF_DIR, 'corpus');
  if (spec === '0' || !existsSync(dir)) return null;
  if (spec === 'all') return { name: 'corpus', inputs: [dir] };
  if (spec === 'peer') {
    const inputs = [...peer.keys()].filter((f) => f.startsWith(dir + path.sep)).sort();
    return { name: `corpus (${inputs.length} files with peer Li runs)`, inputs };
  }
  const n = Number(spec);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--corpus expects 0, N, peer or all, got '${spec}'`);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cif'))
    .sort()
    .slice(0, n);
  return { name: `corpus[0:${files.length}]`, inputs: files.map((f) => path.join(dir, f)) };
}

interface ParseOverhead {
  entries: number;
  cif_ms_per_entry: number;
  optimade_ms_per_entry: number;
  optimade_over_cif: number;
  skipped_cifs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Writes one OPTIMADE entry file per readable named CIF into `dir`, and times reading both forms. */
async function optimadeSet(namedDir: string, dir: string): Promise<ParseOverhead> {
  await initSymmetry();
  let skipped = 0;
  const cifMs: number[] = [];
  const optMs: number[] = [];
  const time = (f: () => void) => {
    const ts: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      f();
      ts.push(performance.now() - t0);
    }
    return median(ts);
  };
  for (const f of readdirSync(namedDir)
    .filter((x) => x.endsWith('.cif'))
    .sort()) {
    const text = readFileSync(path.join(namedDir, f), 'utf8');
    const read = readStructureTextSync(text, f).filter((r) => r.structure);
    if (read.length === 0) {
      skipped++;
      continue;
    }
    const docs = read.map((r, k) => optimadeEntry(r.structure!, read.length > 1 ? `${f.replace(/\.cif$/, '')}-${k}` : f.replace(/\.cif$/, '')));
    const json = JSON.stringify(docs.length === 1 ? docs[0] : { data: docs });
    writeFileSync(path.join(dir, f.replace(/\.cif$/, '.json')), json);
    cifMs.push(time(() => readStructureTextSync(text, f)) / read.length);
    optMs.push(time(() => readStructureTextSync(json, f.replace(/\.cif$/, '.json'))) / read.length);
  }
  const c = median(cifMs);
  const o = median(optMs);
  const r = (x: number, d: number) => Number(x.toFixed(d));
  return { entries: cifMs.length, cif_ms_per_entry: r(c, 3), optimade_ms_per_entry: r(o, 3), optimade_over_cif: r(o / c, 2), skipped_cifs: skipped };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      resolution: { type: 'string', default: String(DEFAULT_SCREEN_CONFIG.resolution) },
      uniform: { type: 'boolean', default: false },
      backends: { type: 'string', default: 'cpu,webgpu' },
      corpus: { type: 'string', default: '0' },
      workers: { type: 'string', default: String(availableParallelism()) },
      timeout: { type: 'string', default: '300' },
      ions: { type: 'string', default: 'Li' },
      'no-optimade': { type: 'boolean', default: false },
      repeats: { type: 'string', default: '1' },
      passes: { type: 'string', default: '1' },
    },
  });
  if (values.child) {
    await child(values.child);
    // A WebGPU device can keep the event loop alive; the result is written, so leave.
    process.exit(0);
  }
  if (!existsSync(path.join(CIF_DIR, 'named'))) {
    console.error(`screen bench: ${path.join(CIF_DIR, 'named')} not found; it needs the shared data next to the project (../shared)`);
    process.exit(1);
  }
  const opts = {
    resolution: Number(values.resolution),
    mode: values.uniform ? ('uniform' as const) : ('converged' as const),
    workers: Number(values.workers),
    timeoutS: Number(values.timeout),
    ions: values.ions!.split(',').map((x) => x.trim()),
  };
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats expects a positive integer, got '${values.repeats}'`);
  const passes = Number(values.passes);
  if (!Number.isInteger(passes) || passes < 1) throw new Error(`--passes expects a positive integer, got '${values.passes}'`);
  const backends = values.backends!.split(',').map((b) => b.trim()) as Array<'cpu' | 'webgpu'>;
  for (const b of backends) if (b !== 'cpu' && b !== 'webgpu') throw new Error(`--backends takes cpu and/or webgpu, got '${b}'`);
  const peer = readPeerLi();

  const sets: Array<{ name: string; inputs: string[] }> = [{ name: 'named', inputs: [path.join(CIF_DIR, 'named')] }];
  const optDir = mkdtempSync(path.join(tmpdir(), 'bvscape-optimade-'));
  const parseOverhead = await optimadeSet(path.join(CIF_DIR, 'named'), optDir);
  if (!values['no-optimade']) sets.push({ name: 'named as OPTIMADE', inputs: [optDir] });
  const corpus = corpusSet(values.corpus!, peer);
  if (corpus) sets.push(corpus);

  const runs: RunSummary[] = [];
  const copyDirs: string[] = [];
  for (const set of sets) {
    const sources = setFiles(set.inputs);
    const copies = passes > 1 ? copySet(sources, passes) : null;
    if (copies) copyDirs.push(copies.dir);
    for (let k = 1; k <= repeats; k++)
      for (const b of backends) {
        const one: RunSummary = { ...runOne(set.name, set.inputs, sources.length, b, opts, peer), repeat: k };
        runs.push(one);
        if (!copies) continue;
        const many: RunSummary = { ...runOne(`${set.name} x${passes}`, copies.inputs, passes * sources.length, b, opts, peer, copies.origin), repeat: k };
        const steady = steadyState(one, many, passes);
        if (steady) many.steady_state = steady;
        runs.push(many);
      }
  }
  for (const d of copyDirs) rmSync(d, { recursive: true, force: true });

  const result = {
    machine: { cpus: availableParallelism(), loadavg_1m: round(loadavg()[0]!, 2), note: 'shared machine, loaded by other agents: timings are indicative' },
    settings: { model: 'bvlain', ...opts },
    peer: 'bvlain 0.24.8 (../shared/reference/*.jsonl, Li1+ runs that succeeded; wall_s per structure, one process, same kind of 2-core machine)',
    runs,
    optimade_parse: parseOverhead,
  };
  rmSync(optDir, { recursive: true, force: true });
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);

  const pad = (s: unknown, n: number) => String(s).padStart(n);
  const lines = [
    `bvscape screen throughput, --ion ${opts.ions.join(',')}, ${opts.mode === 'uniform' ? 'uniform grid' : `${DEFAULT_SCREEN_CONFIG.method} barriers, seed grid`} ${opts.resolution} Å, ${opts.workers} workers (load avg ${result.machine.loadavg_1m} on ${result.machine.cpus} CPUs)`,
    `${'set'.padEnd(34)} ${'backend'.padEnd(7)} ${pad('structs', 7)} ${pad('ok rows', 7)} ${pad('wall s', 7)} ${pad('struct/s', 8)} ${pad('rows/s', 7)} ${pad('struct/h', 8)} ${pad('cpu s', 6)} ${pad('idle /h', 7)} ${pad('med s', 6)} ${pad('p95 s', 6)} ${pad('ok med', 6)} ${pad('ok p95', 6)} ${pad('max s', 6)} ${pad('RSS MB', 7)}  failures`,
  ];
  for (const r of runs) {
    if (r.skipped) {
      lines.push(`${r.set.padEnd(34)} ${r.backend.padEnd(7)} skipped: ${r.skipped}`);
      continue;
    }
    const s = r.seconds_per_structure;
    lines.push(
      `${r.set.padEnd(34)} ${r.backend.padEnd(7)} ${pad(r.structures, 7)} ${pad(r.ok_rows, 7)} ${pad(r.wall_s, 7)} ${pad(r.structures_per_s, 8)} ${pad(r.rows_per_s, 7)} ${pad(r.structures_per_hour, 8)} ${pad(r.cpu_s, 6)} ${pad(r.structures_per_hour_if_cpu_bound, 7)} ${pad(s.median, 6)} ${pad(s.p95, 6)} ${pad(s.median_ok, 6)} ${pad(s.p95_ok, 6)} ${pad(s.max, 6)} ${pad(r.max_rss_mb, 7)}  ` +
        (Object.entries(r.failures_by_reason)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || '-'),
    );
  }
  lines.push('', 'computed structures per wall hour and per CPU hour, and their time split (s summed in the workers, share):');
  for (const r of runs) {
    if (r.skipped) continue;
    const split = Object.entries(r.time_split_s)
      .map(([k, v]) => `${k} ${v.toFixed(2)} (${Math.round(100 * r.time_split_fraction[k]!)}%)`)
      .join(', ');
    lines.push(
      `${r.set.padEnd(34)} ${r.backend.padEnd(7)} ${r.structures_computed} computed: ${r.computed_per_hour}/h, ${r.structures_per_cpu_hour}/CPU h; ${split}`,
    );
  }
  lines.push('', 'vs the Python peer (bvlain) on the files both computed:');
  lines.push(
    `${'set'.padEnd(34)} ${'backend'.padEnd(7)} ${pad('files', 5)} ${pad('peer med s', 10)} ${pad('ours med s', 10)} ${pad('median x', 8)} ${pad('per-str x', 9)} ${pad('peer /h', 7)} ${pad('ours /h', 7)} ${pad('throughput x', 12)} ${pad('ours /CPU h', 11)} ${pad('CPU h x', 7)} ${pad('idle x', 6)} ${pad('peer RSS MB', 11)}`,
  );
  for (const r of runs) {
    const v = r.vs_peer;
    if (!v) continue;
    lines.push(
      `${r.set.padEnd(34)} ${r.backend.padEnd(7)} ${pad(v.matched_files, 5)} ${pad(v.peer_median_wall_s, 10)} ${pad(v.ours_median_s, 10)} ${pad(v.median_ratio, 8)} ${pad(v.median_per_structure_ratio, 9)} ${pad(v.peer_structures_per_hour, 7)} ${pad(v.ours_structures_per_hour, 7)} ${pad(v.throughput_ratio, 12)} ${pad(v.ours_structures_per_cpu_hour, 11)} ${pad(v.throughput_ratio_per_cpu_hour, 7)} ${pad(v.throughput_ratio_if_cpu_bound, 6)} ${pad(v.peer_max_rss_mb, 11)}`,
    );
  }
  const steady = runs.filter((r) => r.steady_state);
  if (steady.length > 0) {
    lines.push(
      '',
      `steady state: ${passes} passes of each set in one screen against one pass (start-up and tail paid once), on the files both computed:`,
      `${'set'.padEnd(34)} ${'backend'.padEnd(7)} ${pad('wall s/pass', 11)} ${pad('CPU s/pass', 10)} ${pad('ours /h', 7)} ${pad('ours /CPU h', 11)} ${pad('throughput x', 12)} ${pad('CPU h x', 7)} ${pad('x peer compute', 14)} ${pad('CPU h x compute', 15)}`,
    );
    for (const r of steady) {
      const v = r.steady_state!;
      lines.push(
        `${r.set.padEnd(34)} ${r.backend.padEnd(7)} ${pad(v.marginal_wall_s_per_pass, 11)} ${pad(v.marginal_cpu_s_per_pass, 10)} ${pad(v.computed_per_hour, 7)} ${pad(v.structures_per_cpu_hour, 11)} ${pad(v.throughput_ratio, 12)} ${pad(v.throughput_ratio_per_cpu_hour, 7)} ${pad(v.throughput_ratio_vs_peer_compute, 14)} ${pad(v.throughput_ratio_per_cpu_hour_vs_peer_compute, 15)}`,
      );
    }
  }
  if (repeats > 1) lines.push('', ...repeatSummary(runs, repeats));
  const po = parseOverhead;
  lines.push(
    '',
    `reading per entry (named set, ${po.entries} files, median of per-file medians; no space-group detection): CIF ${po.cif_ms_per_entry} ms, ` +
      `OPTIMADE JSON ${po.optimade_ms_per_entry} ms (${po.optimade_over_cif}x)${po.skipped_cifs ? `; ${po.skipped_cifs} unreadable CIFs left out` : ''}`,
  );
  lines.push(
    "'idle' columns: CPU time spread over all cores instead of wall time, i.e. the rate if the run had the machine to itself (an estimate for CPU-bound runs).",
    "'per-str x': median over the matched files of the peer's seconds over ours; 'CPU h x': our structures per CPU hour over the peer's per (wall) hour.",
    "'x peer compute': against the peer's stage seconds (read, grid, percolation) without its per-structure Python start-up.",
    `wrote ${path.relative(process.cwd(), OUT)}`,
  );
  console.log(lines.join('\n'));
}

/** Each (set, backend)'s wall and CPU seconds and peer ratios over the repeats: median [min–max]. */
function repeatSummary(runs: RunSummary[], repeats: number): string[] {
  const spread = (xs: number[]): string => {
    const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    if (v.length === 0) return '-';
    const mid = v.length % 2 ? v[v.length >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
    return `${round(mid, 2)} [${round(v[0]!, 2)}–${round(v[v.length - 1]!, 2)}]`;
  };
  const lines = [`over ${repeats} runs each, median [min–max]:`];
  const keys = [...new Set(runs.filter((r) => !r.skipped).map((r) => `${r.set}\u0000${r.backend}`))];
  for (const key of keys) {
    const [set, backend] = key.split('\u0000') as [string, string];
    const mine = runs.filter((r) => r.set === set && r.backend === backend && !r.skipped);
    const ratio = (f: (v: NonNullable<RunSummary['vs_peer']>) => number) => mine.map((r) => (r.vs_peer ? f(r.vs_peer) : Number.NaN));
    lines.push(
      `${set.padEnd(34)} ${backend.padEnd(7)} wall s ${spread(mine.map((r) => r.wall_s))}, CPU s ${spread(mine.map((r) => r.cpu_s))}` +
        (mine.some((r) => r.vs_peer)
          ? `; vs the peer: throughput x ${spread(ratio((v) => v.throughput_ratio))}, CPU h x ${spread(ratio((v) => v.throughput_ratio_per_cpu_hour))}`
          : '') +
        (mine.some((r) => r.steady_state)
          ? `; steady state: throughput x ${spread(mine.map((r) => r.steady_state?.throughput_ratio ?? Number.NaN))}, CPU h x ${spread(mine.map((r) => r.steady_state?.throughput_ratio_per_cpu_hour ?? Number.NaN))}, x peer compute ${spread(mine.map((r) => r.steady_state?.throughput_ratio_vs_peer_compute ?? Number.NaN))}`
          : ''),
    );
  }
  return lines;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
