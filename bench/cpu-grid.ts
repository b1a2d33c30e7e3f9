// CPU grid benchmark: pair terms per second and wall time of the CPU backend with one thread and with
// all threads, for every structure in ../shared/cif/named that reads and contains Li (mobile ion Li,
// model bvlain, 0.1 Å grid), plus a synthetic Li3PS4-sized framework (200 atoms in a 13×8×6 Å cell).
// Pair terms = Σ over grid points of the framework atoms within the cutoff.
// Run from the project root: `node build.mjs && node dist/bench/cpu-grid.js [--resolution 0.1] [--only Li3PS4]`.
// Writes bench/results/cpu-grid.json. First-run costs (JIT compilation, starting the worker threads) are
// measured once, on a small warm-up grid, and reported apart ("warmup_ms"); the rows are warm runs. Wall
// time includes setup (images, tables) and readback. CPU time (all threads) is reported too: on a machine
// shared with other jobs, pairs per CPU-second is the steadier figure.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCpuBackend } from '../src/backends/cpu/index.js';
import type { EnergyBackend } from '../src/backends/types.js';
import { gridForResolution, gridPointCount, type GridSpec } from '../src/grid/index.js';
import type { Framework, PairType } from '../src/bvse/framework.js';
import { buildFramework } from '../src/bvse/build-framework.js';
import { assignOxidationStates } from '../src/bvse/oxidation/assign.js';
import { readStructureFile } from '../src/structure/read.js';

const NAMED = path.resolve(process.cwd(), '../shared/cif/named');
const OUT = path.resolve(process.cwd(), 'bench/results/cpu-grid.json');

interface Row {
  name: string;
  atoms: number;
  grid: [number, number, number];
  points: number;
  pairTerms: number;
  pairsPerPoint: number;
  oneThread: { wall_ms: number; pairs_per_s: number; cpu_ms: number; pairs_per_cpu_s: number; timings_ms: Record<string, number> };
  allThreads: {
    threads: number;
    wall_ms: number;
    pairs_per_s: number;
    cpu_ms: number;
    pairs_per_cpu_s: number;
    timings_ms: Record<string, number>;
  };
  identical: boolean;
  e_min: number;
  e_max: number;
  max_rss_mb: number;
}

function synthetic(): Framework {
  let s = 12345;
  const r = () => (s = (s * 48271) % 2147483647) / 2147483647;
  const n = 200;
  const types: PairType[] = [
    { kind: 'morse', species: 'S2-', d0: 1.04027, rmin: 2.40971, alpha: 1.531394 },
    { kind: 'coulomb', species: 'P5+', k: (14.4 * 5) / Math.sqrt(2 * 3), screen: 0.74 * (1.28 + 1.07) },
  ];
  return {
    lattice: Float64Array.from([13, 0, 0, 0, 8, 0, 0, 0, 6]),
    cutoff: 10,
    mobile: { element: 'Li', oxidation: 1 },
    model: 'bvlain',
    types,
    atoms: {
      frac: Float64Array.from({ length: 3 * n }, r),
      type: Uint32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)),
      weight: new Float64Array(n).fill(1),
    },
  };
}

/** Wall and CPU time (all threads of the process) of one grid. CPU time is the fairer figure on a busy machine. */
async function timeOne(be: EnergyBackend, fw: Framework, grid: GridSpec) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await be.computeGrid(fw, grid);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { res, ms, cpuMs: (c.user + c.system) / 1000 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { resolution: { type: 'string', default: '0.1' }, only: { type: 'string' }, threads: { type: 'string' } } });
  const resolution = Number(values.resolution);
  const threads = values.threads ? Number(values.threads) : availableParallelism();
  const inputs: { name: string; fw: Framework }[] = [];
  if (!values.only || 'synthetic'.includes(values.only)) inputs.push({ name: 'synthetic-200-atoms-13x8x6', fw: synthetic() });
  const skipped: { name: string; reason: string }[] = [];
  if (existsSync(NAMED)) {
    for (const file of readdirSync(NAMED)
      .filter((f) => f.endsWith('.cif'))
      .sort()) {
      if (values.only && !file.includes(values.only)) continue;
      try {
        const [first] = await readStructureFile(path.join(NAMED, file));
        if (!first?.structure) throw first?.error ?? new Error('no structure');
        if (!first.structure.sites.some((site) => site.species.some((sp) => sp.element === 'Li'))) continue;
        const { structure } = assignOxidationStates(first.structure);
        inputs.push({ name: file.replace(/\.cif$/, ''), fw: buildFramework(structure, { ion: 'Li' }) });
      } catch (e) {
        skipped.push({ name: file, reason: (e as Error).message });
      }
    }
  } else {
    console.log(`bench/cpu-grid: no ${NAMED}; synthetic framework only`);
  }

  const single = createCpuBackend({ threads: 1 });
  const multi = createCpuBackend({ threads });
  const rows: Row[] = [];
  const warmupGrid = { nx: 20, ny: 20, nz: 20 };
  const warmup = { one_thread_ms: (await timeOne(single, synthetic(), warmupGrid)).ms, all_threads_ms: (await timeOne(multi, synthetic(), warmupGrid)).ms };
  console.log(
    `warm-up (JIT, worker start) on a 20³ grid: 1 thread ${warmup.one_thread_ms.toFixed(0)} ms, ${threads} threads ${warmup.all_threads_ms.toFixed(0)} ms`,
  );
  console.log(`cpu-grid: resolution ${resolution} Å, 1 thread vs ${threads} threads (${availableParallelism()} available)`);
  console.log(
    [
      'structure'.padEnd(36),
      'atoms',
      'grid'.padStart(12),
      'pairs/pt',
      '1T ms',
      '1T pairs/s',
      '1T /cpu-s',
      `${threads}T ms`,
      `${threads}T pairs/s`,
      `${threads}T /cpu-s`,
    ].join('  '),
  );
  for (const { name, fw } of inputs) {
    const lengths = [0, 1, 2].map((i) => Math.hypot(fw.lattice[3 * i]!, fw.lattice[3 * i + 1]!, fw.lattice[3 * i + 2]!)) as [number, number, number];
    const grid = gridForResolution(lengths, resolution);
    const one = await timeOne(single, fw, grid);
    const warm = await timeOne(multi, fw, grid);
    const identical = Buffer.from(one.res.energies.buffer).equals(Buffer.from(warm.res.energies.buffer));
    let eMin = Infinity,
      eMax = -Infinity;
    for (const e of one.res.energies) {
      if (e < eMin) eMin = e;
      if (e > eMax) eMax = e;
    }
    const pairs = one.res.pairTerms;
    const row: Row = {
      name,
      atoms: fw.atoms.type.length,
      grid: [grid.nx, grid.ny, grid.nz],
      points: gridPointCount(grid),
      pairTerms: pairs,
      pairsPerPoint: pairs / gridPointCount(grid),
      oneThread: {
        wall_ms: one.ms,
        pairs_per_s: (pairs / one.ms) * 1000,
        cpu_ms: one.cpuMs,
        pairs_per_cpu_s: (pairs / one.cpuMs) * 1000,
        timings_ms: one.res.timingsMs,
      },
      allThreads: {
        threads,
        wall_ms: warm.ms,
        pairs_per_s: (pairs / warm.ms) * 1000,
        cpu_ms: warm.cpuMs,
        pairs_per_cpu_s: (pairs / warm.cpuMs) * 1000,
        timings_ms: warm.res.timingsMs,
      },
      identical,
      e_min: eMin,
      e_max: eMax,
      max_rss_mb: process.resourceUsage().maxRSS / 1024,
    };
    rows.push(row);
    console.log(
      [
        name.slice(0, 36).padEnd(36),
        String(row.atoms).padStart(5),
        row.grid.join('x').padStart(12),
        row.pairsPerPoint.toFixed(0).padStart(8),
        one.ms.toFixed(0).padStart(5),
        row.oneThread.pairs_per_s.toExponential(2).padStart(10),
        row.oneThread.pairs_per_cpu_s.toExponential(2).padStart(9),
        warm.ms.toFixed(0).padStart(`${threads}T ms`.length),
        row.allThreads.pairs_per_s.toExponential(2).padStart(`${threads}T pairs/s`.length),
        row.allThreads.pairs_per_cpu_s.toExponential(2).padStart(`${threads}T /cpu-s`.length),
        identical ? '' : 'MISMATCH between thread counts',
      ].join('  '),
    );
  }
  await single.dispose();
  await multi.dispose();
  for (const s of skipped) console.log(`skipped ${s.name}: ${s.reason}`);
  const total = (k: 'oneThread' | 'allThreads') => rows.reduce((t, r) => t + r[k].wall_ms, 0);
  const pairsAll = rows.reduce((t, r) => t + r.pairTerms, 0);
  const cpuTotal = (k: 'oneThread' | 'allThreads') => rows.reduce((t, r) => t + r[k].cpu_ms, 0);
  const summary = {
    one_thread_pairs_per_s: (pairsAll / total('oneThread')) * 1000,
    all_threads_pairs_per_s: (pairsAll / total('allThreads')) * 1000,
    one_thread_pairs_per_cpu_s: (pairsAll / cpuTotal('oneThread')) * 1000,
    all_threads_pairs_per_cpu_s: (pairsAll / cpuTotal('allThreads')) * 1000,
    load_average_1min: loadavg()[0] ?? 0,
    all_identical: rows.every((r) => r.identical),
  };
  console.log(
    `overall: 1 thread ${summary.one_thread_pairs_per_s.toExponential(2)} pairs/s (${summary.one_thread_pairs_per_cpu_s.toExponential(2)} per CPU-s), ` +
      `${threads} threads ${summary.all_threads_pairs_per_s.toExponential(2)} pairs/s (${summary.all_threads_pairs_per_cpu_s.toExponential(2)} per CPU-s); ` +
      `load average ${summary.load_average_1min.toFixed(1)}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
  );
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(
    OUT,
    JSON.stringify(
      {
        bench: 'cpu-grid',
        date: new Date().toISOString(),
        node: process.version,
        resolution,
        threads,
        available: availableParallelism(),
        warmup_ms: warmup,
        summary,
        rows,
        skipped,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
