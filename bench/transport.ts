// Validation of the kinetic Monte Carlo (src/transport) on measured data: the structures of
// ../shared/experiment/li_activation_energies.tsv (measured Li+ Ea and room-temperature σ, with provenance in that
// folder's README) whose CIFs are in ../shared/cif. For each: the landscape, the site–hop network (the continuum
// network's polished minima and saddles with Vineyard attempt frequencies, or with --sites grid the 0.1 Å grid's
// sites) and the kMC at the default temperatures; then Spearman of the predicted Ea (from σT and from the tracer's
// σ*T) against the measured Ea, of the predicted log10 σ(300 K) against the measured one, and the same for the
// static 3D barrier of the same landscape, side by side; coverage; convergence; median time per structure (wall
// and CPU: on a shared machine the wall clock also counts other jobs' time slices).
//
// Nothing here is fitted to these data: every setting is the library default or the budget given on the command
// line (docs/transport.md says where each default comes from).
//
// Run from the project root: `node build.mjs && node dist/bench/transport.js [--sites continuum|grid]
//   [--max-steps N] [--threads N] [--limit N] [--rows FILE] [--summarize]` (--threads: each structure's temperatures
// on worker threads, the same numbers). Each structure's row is appended to --rows (default
// bench/results/transport-rows-<sites>.jsonl) as it finishes, so a killed run keeps its rows and a rerun continues
// after them; --summarize only reads the rows. Writes bench/results/transport-<sites>.json.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCpuBackend } from '../src/backends/cpu/index.js';
import { TRANSPORT_RESOLUTION, structureTransport } from '../src/pipeline/landscape-products.js';
import { DEFAULT_SEED_RESOLUTION, computeLandscape } from '../src/pipeline/landscape.js';
import { spearman } from './lib/stats.js';
import { readStructureTextSync } from '../src/structure/read.js';
import { log10SigmaAt } from '../src/transport/json.js';
import { simulateTransportParallel } from '../src/transport/parallel.js';
import type { HopNetwork, TransportOptions } from '../src/transport/types.js';
import { TRANSPORT_DEFAULTS } from '../src/transport/simulate.js';

const SHARED = path.resolve(process.cwd(), '../shared');
const TSV = path.join(SHARED, 'experiment', 'li_activation_energies.tsv');
const CIF_DIR = path.join(SHARED, 'cif');

interface Row {
  file: string;
  measuredEa: number;
  measuredLog10Sigma: number | null;
  status: string;
  error?: string;
  static3d: number | null;
  eaKmc: number | null;
  eaTracer: number | null;
  log10Sigma300: number | null;
  log10Sigma300Tracer: number | null;
  havenRatio700: number | null;
  converged: number;
  ions: number | null;
  sitesPerCell: number | null;
  networkSource?: string;
  ms: { landscape: number; network: number; transport: number };
  /** CPU time (all threads of this process) of the landscape, and of the network and kMC together. */
  cpuMs?: { landscape: number; transport: number };
}

function readMeasured(): { file: string; ea: number; sigma: number | null }[] {
  const lines = readFileSync(TSV, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const head = lines[0]!.split('\t');
  const col = (n: string) => {
    const i = head.indexOf(n);
    if (i < 0) throw new Error(`${TSV}: no column '${n}'`);
    return i;
  };
  const [iFile, iEa, iSigma] = [col('file'), col('ea_eV'), col('sigma_rt_S_cm')];
  return lines.slice(1).map((l) => {
    const f = l.split('\t');
    const sigma = Number(f[iSigma]);
    return { file: f[iFile]!, ea: Number(f[iEa]), sigma: sigma > 0 ? sigma : null };
  });
}

const { values } = parseArgs({
  options: {
    'max-steps': { type: 'string', default: '50000' },
    threads: { type: 'string', default: '1' },
    sites: { type: 'string', default: 'continuum' },
    limit: { type: 'string' },
    rows: { type: 'string' },
    summarize: { type: 'boolean', default: false },
  },
});
if (!existsSync(TSV)) {
  console.error(`bench/transport: ${TSV} not found (the measured data live outside the repository)`);
  process.exit(2);
}
const maxSteps = Number(values['max-steps']);
const threads = Number(values.threads);
const sites = values.sites;
if (sites !== 'continuum' && sites !== 'grid') {
  console.error(`bench/transport: --sites is continuum or grid (got ${sites})`);
  process.exit(2);
}
const rowsFile = path.resolve(values.rows ?? `bench/results/transport-rows-${sites}.jsonl`);
mkdirSync(path.dirname(rowsFile), { recursive: true });
const done = new Map<string, Row>();
if (existsSync(rowsFile)) {
  for (const l of readFileSync(rowsFile, 'utf8').split('\n')) if (l.trim()) done.set((JSON.parse(l) as Row).file, JSON.parse(l) as Row);
}
let measured = readMeasured().filter((m) => existsSync(path.join(CIF_DIR, m.file)));
if (values.limit) measured = measured.slice(0, Number(values.limit));

if (!values.summarize) {
  const backend = createCpuBackend();
  try {
    for (const m of measured) {
      if (done.has(m.file)) continue;
      const base = { file: m.file, measuredEa: m.ea, measuredLog10Sigma: m.sigma ? Math.log10(m.sigma) : null };
      let row: Row;
      try {
        const text = readFileSync(path.join(CIF_DIR, m.file), 'utf8');
        const structure = readStructureTextSync(text, m.file).find((r) => r.structure)?.structure;
        if (!structure) throw new Error('no structure read');
        // The landscape structureTransport would compute, computed here so that its CPU time is measured apart.
        const cpu0 = process.cpuUsage();
        const w0 = performance.now();
        const landscape = await computeLandscape(structure, {
          ion: 'Li',
          backend,
          ...(sites === 'continuum'
            ? { method: 'continuum' as const, resolution: DEFAULT_SEED_RESOLUTION }
            : { method: 'grid' as const, mode: 'uniform' as const, resolution: TRANSPORT_RESOLUTION }),
        });
        const cpu1 = process.cpuUsage();
        const w1 = performance.now();
        // --threads > 1: the temperatures on worker threads (the same numbers as one thread, tested).
        const out = await structureTransport(structure, {
          ion: 'Li',
          backend,
          maxSteps,
          method: sites,
          landscape,
          ...(threads > 1 ? { simulate: (net: HopNetwork, o: TransportOptions) => simulateTransportParallel(net, o, threads) } : {}),
        });
        const cpu2 = process.cpuUsage();
        const cpuMs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => Math.round((b.user - a.user + b.system - a.system) / 1000);
        const r = out.transport;
        const last = r?.temperatures[r.temperatures.length - 1];
        row = {
          ...base,
          status: r ? r.status : 'immobile',
          static3d: out.landscape.barriers['3D'],
          eaKmc: r?.arrhenius?.ea ?? null,
          eaTracer: r?.arrheniusTracer?.ea ?? null,
          log10Sigma300: r ? log10SigmaAt(r, 300) : null,
          log10Sigma300Tracer: r ? log10SigmaAt(r, 300, 'tracer') : null,
          havenRatio700: last?.havenRatio ?? null,
          converged: r ? r.temperatures.filter((t) => t.status === 'converged').length : 0,
          ions: r?.ions ?? null,
          sitesPerCell: r?.sitesPerCell ?? null,
          networkSource: out.network?.source ?? '',
          ms: { ...out.timingsMs, landscape: w1 - w0 },
          cpuMs: { landscape: cpuMs(cpu0, cpu1), transport: cpuMs(cpu1, cpu2) },
        };
      } catch (e) {
        row = {
          ...base,
          status: 'error',
          error: `${(e as Error).name}: ${(e as Error).message}`.slice(0, 300),
          static3d: null,
          eaKmc: null,
          eaTracer: null,
          log10Sigma300: null,
          log10Sigma300Tracer: null,
          havenRatio700: null,
          converged: 0,
          ions: null,
          sitesPerCell: null,
          ms: { landscape: 0, network: 0, transport: 0 },
        };
      }
      appendFileSync(rowsFile, JSON.stringify(row) + '\n');
      done.set(m.file, row);
      console.log(
        `${m.file}: ${row.status} static3D ${row.static3d?.toFixed(3) ?? '-'} Ea(σ) ${row.eaKmc?.toFixed(3) ?? '-'} Ea(D*) ${row.eaTracer?.toFixed(3) ?? '-'} ` +
          `log σ300 ${row.log10Sigma300?.toFixed(2) ?? '-'} (measured Ea ${m.ea}) kMC ${row.ms.transport.toFixed(0)} ms (CPU ${row.cpuMs?.transport ?? '-'} ms)${row.error ? ` ${row.error}` : ''}`,
      );
    }
  } finally {
    await backend.dispose();
  }
}

const rows = measured.map((m) => done.get(m.file)).filter((r): r is Row => r !== undefined);
const num = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? NaN : x);
const rho = (pred: (r: Row) => number | null, meas: (r: Row) => number | null) => {
  const s = spearman(
    rows.map((r) => num(pred(r))),
    rows.map((r) => num(meas(r))),
  );
  return { rho: Number(s.rho.toFixed(3)), n: s.n, ...(s.p !== undefined ? { p: Number(s.p.toPrecision(2)) } : {}) };
};
const ea = (r: Row) => r.measuredEa;
const byConvergence = (keep: (r: Row) => boolean) => {
  const sub = rows.filter((r) => keep(r) && r.eaKmc !== null);
  const on = (pred: (r: Row) => number | null, meas: (r: Row) => number | null) => {
    const s = spearman(
      sub.map((r) => num(pred(r))),
      sub.map((r) => num(meas(r))),
    );
    return { rho: Number(s.rho.toFixed(3)), n: s.n };
  };
  return {
    kmc_ea_sigma: on(
      (r) => r.eaKmc,
      (r) => r.measuredEa,
    ),
    static_3d_barrier_ea: on(
      (r) => r.static3d,
      (r) => r.measuredEa,
    ),
    kmc_log10_sigma_300k: on(
      (r) => r.log10Sigma300,
      (r) => r.measuredLog10Sigma,
    ),
    static_3d_barrier_log10_sigma: on(
      (r) => r.static3d,
      (r) => r.measuredLog10Sigma,
    ),
  };
};
const ls = (r: Row) => r.measuredLog10Sigma;
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const ok = rows.filter((r) => r.status !== 'error' && r.status !== 'immobile');
const summary = {
  date: new Date().toISOString(),
  command: `node dist/bench/transport.js --sites ${sites} --max-steps ${maxSteps}${threads > 1 ? ` --threads ${threads}` : ''}`,
  machine: { cores: availableParallelism(), loadavg: loadavg().map((x) => Number(x.toFixed(2))) },
  settings: {
    sites:
      sites === 'continuum'
        ? 'continuum network (the default): polished minima, saddles, Vineyard ν* on verified hops (grid sites where there is no network)'
        : 'grid sites (--grid-sites): basins merged into crystallographic sites, unmerged where the merge leaves fewer sites than ions',
    resolution_a: sites === 'continuum' ? DEFAULT_SEED_RESOLUTION : TRANSPORT_RESOLUTION,
    max_steps_per_temperature: maxSteps,
    defaults: TRANSPORT_DEFAULTS,
  },
  structures: {
    listed: measured.length,
    run: rows.length,
    with_kmc: ok.length,
    all_converged: rows.filter((r) => r.status === 'ok').length,
    any_converged: rows.filter((r) => r.converged > 0).length,
    converged_temperatures: rows.reduce((a, r) => a + r.converged, 0),
    no_vacancies: rows.filter((r) => r.status === 'no-vacancies').length,
    immobile: rows.filter((r) => r.status === 'immobile').length,
    errors: rows.filter((r) => r.status === 'error').length,
  },
  error_messages: [...new Set(rows.filter((r) => r.error).map((r) => r.error!.replace(/[\d.]+/g, '#')))],
  coverage: {
    ea_kmc: rows.filter((r) => r.eaKmc !== null).length,
    ea_tracer: rows.filter((r) => r.eaTracer !== null).length,
    static_3d: rows.filter((r) => r.static3d !== null).length,
  },
  spearman_vs_measured_ea: {
    static_3d_barrier: rho((r) => r.static3d, ea),
    // The static barrier on exactly the structures that have a kMC Ea, so the two ρ compare like with like.
    static_3d_barrier_same_rows: rho((r) => (r.eaKmc !== null ? r.static3d : null), ea),
    kmc_ea_sigma: rho((r) => r.eaKmc, ea),
    kmc_ea_tracer: rho((r) => r.eaTracer, ea),
  },
  // Higher σ goes with lower barriers, so the static barrier's ρ against log σ is expected negative.
  spearman_vs_measured_log10_sigma: {
    static_3d_barrier: rho((r) => r.static3d, ls),
    static_3d_barrier_same_rows: rho((r) => (r.log10Sigma300 !== null ? r.static3d : null), ls),
    kmc_log10_sigma_300k: rho((r) => r.log10Sigma300, ls),
    kmc_log10_sigma_300k_tracer: rho((r) => r.log10Sigma300Tracer, ls),
  },
  // Split by the kMC's own outcome (how many temperatures converged), not by the measured data: does the ranking
  // differ where the runs converged? The static barrier on the same rows beside it.
  spearman_by_convergence: {
    any_converged: byConvergence((r) => r.converged >= 1),
    three_or_more_converged: byConvergence((r) => r.converged >= 3),
    none_converged: byConvergence((r) => r.converged === 0),
  },
  median_ms_per_structure: {
    landscape: Math.round(median(ok.map((r) => r.ms.landscape))),
    network: Math.round(median(ok.map((r) => r.ms.network))),
    kmc_five_temperatures: Math.round(median(ok.map((r) => r.ms.transport))),
  },
  median_cpu_ms_per_structure: {
    landscape: Math.round(median(ok.filter((r) => r.cpuMs).map((r) => r.cpuMs!.landscape))),
    network_and_kmc_five_temperatures: Math.round(median(ok.filter((r) => r.cpuMs).map((r) => r.cpuMs!.transport))),
  },
  rows,
};
const outFile = path.resolve(`bench/results/transport-${sites}.json`);
writeFileSync(outFile, JSON.stringify(summary, null, 1) + '\n');
console.log(JSON.stringify({ ...summary, rows: undefined }, null, 1));
console.log(`wrote ${outFile}`);
