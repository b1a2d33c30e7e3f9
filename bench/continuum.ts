// Continuum barriers (docs/continuum.md) on every computable file of ../shared/cif/named: each barrier against the
// converged 0.05 Å grid's, the spread over seed grids of 0.2, 0.15 and 0.1 Å, the time split (seed grid, minima,
// saddles, network, certification) and structures/hour against the peer's (bvlain) wall times in
// ../shared/reference/bvlain_named_li.jsonl on the files both ran.
//
// Run from the project root: `node build.mjs && node dist/bench/continuum.js [--only NAME] [--seeds 0.2,0.15,0.1]
//   [--grid 0.05|none] [--grid-from earlier.json] [--threads N] [--corpus peer] [--compare earlier.json]`. Writes
//   bench/results/continuum.json. `--grid-from` takes the grid barriers (and their times) from an earlier run's JSON
//   instead of recomputing them (the grid path is unchanged). `--corpus peer` adds the corpus files the peer ran for Li
//   (Li+ barriers). `--compare` lists every barrier, bottleneck energy and E_min that moved by more than 1e-6 eV
//   against an earlier run's JSON (same files, first seed), and the largest difference: the check that a change to the
//   method's speed left its answers alone.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCpuBackend } from '../src/backends/cpu/index.js';
import { computeLandscape, type LandscapeResult } from '../src/pipeline/landscape.js';
import type { Dimension } from '../src/percolation/index.js';
import { NAMED, namedFiles, namedInput, requireNamed } from './lib/named.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    seeds: { type: 'string', default: '0.2,0.15,0.1' },
    grid: { type: 'string', default: '0.05' },
    threads: { type: 'string' },
    'grid-from': { type: 'string' },
    corpus: { type: 'string', default: 'none' },
    compare: { type: 'string' },
  },
});
requireNamed('continuum');
const seeds = values.seeds!.split(',').map(Number);
const gridRes = values.grid === 'none' ? null : Number(values.grid);
const DIMS: Dimension[] = ['1D', '2D', '3D'];
const OUT = path.resolve(process.cwd(), 'bench/results/continuum.json');
const earlier = new Map<string, { grid: Record<Dimension, number | null> | null; gridMs: number | null }>();
if (values['grid-from'])
  for (const r of (
    JSON.parse(readFileSync(values['grid-from'], 'utf8')) as { rows: { file: string; grid: Record<Dimension, number | null> | null; gridMs: number | null }[] }
  ).rows)
    earlier.set(r.file, r);

// The peer's wall time per file (seconds) where it computed Li barriers (its failures, mostly "Valences cannot be
// assigned" after 1–3 s of start-up, are no structures computed), and the corpus files it ran for Li.
const peer = new Map<string, number>();
const corpusFiles = new Set<string>();
const refDir = path.resolve(process.cwd(), '../shared/reference');
if (existsSync(refDir))
  for (const name of readdirSync(refDir).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(path.join(refDir, name), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as { file: string; ion: string; wall_s?: number; error?: string };
      if (row.ion !== 'Li1+') continue;
      if (row.file.startsWith('corpus/')) corpusFiles.add(row.file);
      if (typeof row.wall_s === 'number' && !row.error) peer.set(path.basename(row.file), row.wall_s);
    }
  }

interface Row {
  file: string;
  ion: string;
  eMin: number;
  bottleneckEnergies: Record<Dimension, number | null>;
  sites: number;
  saddles: Record<string, number>;
  searched: number;
  mapped: number;
  evaluations: number;
  barriers: Record<Dimension, number | null>;
  bottleneckVerified: boolean;
  seedBarriers: Record<string, Record<Dimension, number | null>>;
  seedSpread: number | null;
  grid: Record<Dimension, number | null> | null;
  gridDiff: number | null;
  seedGridBarriers: Record<Dimension, number | null>;
  cpuMs: number;
  ms: { total: number; seedGrid: number; minima: number; saddles: number; network: number; certification: number; prepare: number };
  gridMs: number | null;
  peerS: number | null;
}

const backend = createCpuBackend(values.threads ? { threads: Number(values.threads) } : {});
const rows: Row[] = [];
const errors: { file: string; error: string }[] = [];
const pick = (r: LandscapeResult): Record<Dimension, number | null> => ({ '1D': r.barriers['1D'], '2D': r.barriers['2D'], '3D': r.barriers['3D'] });
const maxDiff = (a: Record<Dimension, number | null>, b: Record<Dimension, number | null>): number | null => {
  let m: number | null = null;
  for (const d of DIMS) {
    const x = a[d],
      y = b[d];
    if (x === null || y === null) {
      if (x !== y) return Infinity;
      continue;
    }
    m = Math.max(m ?? 0, Math.abs(x - y));
  }
  return m;
};

const corpusDir = path.resolve(process.cwd(), '../shared/cif');
const inputs = [
  ...namedFiles(values.only).map((name) => ({ name, file: path.join(NAMED, name), ion: null as string | null })),
  ...(values.corpus === 'peer' ? [...corpusFiles].sort() : [])
    .filter((f) => !values.only || f.includes(values.only))
    .map((f) => ({ name: path.basename(f), file: path.join(corpusDir, f), ion: 'Li' })),
];
for (const { name, file, ion: corpusIon } of inputs) {
  const input = await namedInput(file);
  if ('error' in input) {
    if (!input.absent) errors.push({ file: name, error: input.error });
    continue;
  }
  const ion = corpusIon ?? input.ion;
  try {
    const runs: LandscapeResult[] = [];
    let cpuMs = 0;
    for (const h of seeds) {
      const c0 = process.cpuUsage();
      runs.push(await computeLandscape(input.structure, { ion, method: 'continuum', resolution: h, backend, gridOutput: 'none', thresholdsOnly: true }));
      // CPU time of the process (all threads): the machine may be shared, so wall time alone overstates the cost.
      if (runs.length === 1) cpuMs = (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000;
    }
    const r = runs[0]!;
    const n = r.network!;
    let grid: { barriers: Record<Dimension, number | null>; ms: number } | null = null;
    const before = earlier.get(name);
    if (before?.grid) grid = { barriers: before.grid, ms: before.gridMs ?? NaN };
    else if (gridRes !== null) {
      const g = await computeLandscape(input.structure, { ion, method: 'grid', resolution: gridRes, backend, gridOutput: 'none' });
      grid = { barriers: pick(g), ms: g.timingsMs.total! };
    }
    const statuses: Record<string, number> = {};
    for (const s of n.saddles) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    const seedBarriers = Object.fromEntries(runs.map((x, i) => [String(seeds[i]), pick(x)]));
    let spread: number | null = null;
    for (const x of runs.slice(1)) {
      const d = maxDiff(pick(r), pick(x));
      if (d !== null) spread = Math.max(spread ?? 0, d);
    }
    const t = r.timingsMs;
    rows.push({
      file: name,
      ion: r.ion,
      eMin: r.eMin,
      bottleneckEnergies: {
        '1D': n.barriers['1D'] ? n.saddles[n.barriers['1D'].saddle]!.energy : null,
        '2D': n.barriers['2D'] ? n.saddles[n.barriers['2D'].saddle]!.energy : null,
        '3D': n.barriers['3D'] ? n.saddles[n.barriers['3D'].saddle]!.energy : null,
      },
      sites: n.sites.length,
      saddles: statuses,
      searched: n.seed.polished,
      mapped: n.seed.mapped,
      evaluations: n.evaluations,
      barriers: pick(r),
      bottleneckVerified: DIMS.every(
        (d) => !n.barriers[d] || (n.saddles[n.barriers[d]!.saddle]!.status === 'verified' && n.barriers[d]!.unverifiedBelow === undefined),
      ),
      seedBarriers,
      seedSpread: spread,
      grid: grid ? grid.barriers : null,
      gridDiff: grid ? maxDiff(pick(r), grid.barriers) : null,
      seedGridBarriers: { ...(r.percolation?.barriers ?? { '1D': null, '2D': null, '3D': null }) },
      cpuMs,
      ms: {
        total: t.total!,
        prepare: t.prepare!,
        seedGrid: t.grid!,
        minima: t.network_minima ?? 0,
        saddles: t.network_saddles ?? 0,
        network: (t.network_seeds ?? 0) + (t.network_network ?? 0),
        certification: t.network_certification ?? 0,
      },
      gridMs: grid ? grid.ms : null,
      peerS: peer.get(name) ?? null,
    });
  } catch (e) {
    errors.push({ file: name, error: (e as Error).message });
  }
}
await backend.dispose();

const f4 = (x: number | null | undefined) => (x === null || x === undefined ? '   -   ' : x.toFixed(4));
console.log(
  [
    'file',
    'ion',
    '1D',
    '2D',
    '3D',
    `Δ${gridRes ?? '-'}Å`,
    'seedΔ',
    'sites',
    'saddles v/u/s',
    'evals',
    'ms',
    'cpu ms',
    'grid',
    'min',
    'sad',
    'net',
    `${gridRes}Å ms`,
    'peer s',
  ].join('\t'),
);
for (const r of rows)
  console.log(
    [
      r.file.replace(/\.cif$/, '').slice(0, 34),
      r.ion,
      f4(r.barriers['1D']),
      f4(r.barriers['2D']),
      f4(r.barriers['3D']),
      f4(r.gridDiff),
      f4(r.seedSpread),
      r.sites,
      `${r.saddles.verified ?? 0}/${r.saddles.unverified ?? 0}/${r.saddles.seed ?? 0}${r.bottleneckVerified ? '' : ' !'}`,
      r.evaluations,
      r.ms.total.toFixed(0),
      r.cpuMs.toFixed(0),
      r.ms.seedGrid.toFixed(0),
      r.ms.minima.toFixed(0),
      r.ms.saddles.toFixed(0),
      r.ms.network.toFixed(0),
      r.gridMs?.toFixed(0) ?? '-',
      r.peerS?.toFixed(2) ?? '-',
    ].join('\t'),
  );
for (const e of errors) console.log(`error\t${e.file}\t${e.error}`);

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const diffs = rows.flatMap((r) => (r.grid ? DIMS.filter((d) => r.barriers[d] !== null && r.grid![d] !== null).map((d) => r.barriers[d]! - r.grid![d]!) : []));
const within = diffs.filter((d) => Math.abs(d) <= 0.015).length;
const totalS = sum(rows.map((r) => r.ms.total)) / 1000;
const both = rows.filter((r) => r.peerS !== null);
const summary = {
  files: rows.length,
  errors: errors.length,
  barriers_compared: diffs.length,
  within_0_015_of_grid: within,
  max_abs_diff_vs_grid: diffs.length ? Math.max(...diffs.map(Math.abs)) : null,
  median_diff_vs_grid: diffs.length ? median(diffs) : null,
  max_seed_spread: Math.max(0, ...rows.map((r) => r.seedSpread ?? 0)),
  seed_spread_over_0_001: rows.filter((r) => (r.seedSpread ?? 0) > 0.001).map((r) => r.file),
  unverified_bottlenecks: rows.filter((r) => !r.bottleneckVerified).map((r) => r.file),
  total_s: totalS,
  total_cpu_s: sum(rows.map((r) => r.cpuMs)) / 1000,
  median_cpu_s: median(rows.map((r) => r.cpuMs / 1000)),
  median_s: median(rows.map((r) => r.ms.total / 1000)),
  structures_per_hour: rows.length / (totalS / 3600),
  time_split_s: {
    prepare: sum(rows.map((r) => r.ms.prepare)) / 1000,
    seed_grid: sum(rows.map((r) => r.ms.seedGrid)) / 1000,
    minima: sum(rows.map((r) => r.ms.minima)) / 1000,
    saddles: sum(rows.map((r) => r.ms.saddles)) / 1000,
    network: sum(rows.map((r) => r.ms.network)) / 1000,
    certification: sum(rows.map((r) => r.ms.certification)) / 1000,
  },
  grid_total_s: rows.every((r) => r.gridMs !== null) ? sum(rows.map((r) => r.gridMs!)) / 1000 : null,
  peer: both.length
    ? {
        files: both.length,
        peer_structures_per_hour: both.length / (sum(both.map((r) => r.peerS!)) / 3600),
        ours_structures_per_hour: both.length / (sum(both.map((r) => r.ms.total)) / 1000 / 3600),
        ours_structures_per_cpu_hour: both.length / (sum(both.map((r) => r.cpuMs)) / 1000 / 3600),
        median_ratio: median(both.map((r) => r.peerS! / (r.ms.total / 1000))),
      }
    : null,
};
console.log(JSON.stringify(summary, null, 1));
if (values.compare) compareWith(values.compare);
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ seeds, grid: gridRes, summary, rows, errors }, null, 1) + '\n');
console.log(`wrote ${path.relative(process.cwd(), OUT)}`);

/** Prints every barrier, bottleneck energy and E_min that differs from an earlier run's by more than 1e-6 eV. */
function compareWith(file: string): void {
  const before = new Map((JSON.parse(readFileSync(file, 'utf8')) as { rows: Row[] }).rows.map((r) => [r.file, r]));
  let largest = 0,
    compared = 0;
  const moved: string[] = [];
  const check = (what: string, a: number | null | undefined, b: number | null | undefined) => {
    if (a === undefined || b === undefined) return;
    if (a === null || b === null) {
      if (a !== b) moved.push(`${what}: ${a} -> ${b}`);
      return;
    }
    compared++;
    largest = Math.max(largest, Math.abs(a - b));
    if (Math.abs(a - b) > 1e-6) moved.push(`${what}: ${a} -> ${b}`);
  };
  for (const r of rows) {
    const b = before.get(r.file);
    if (!b) {
      moved.push(`${r.file}: not in ${file}`);
      continue;
    }
    check(`${r.file} E_min`, b.eMin, r.eMin);
    for (const d of DIMS) {
      check(`${r.file} ${d} barrier`, b.barriers[d], r.barriers[d]);
      check(`${r.file} ${d} bottleneck`, b.bottleneckEnergies?.[d], r.bottleneckEnergies[d]);
    }
  }
  console.log(`against ${file}: ${compared} values compared, largest difference ${largest.toExponential(2)} eV, ${moved.length} moved by more than 1e-6 eV`);
  for (const m of moved) console.log(`  ${m}`);
}
