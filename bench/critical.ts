// Critical-point benchmark (docs/continuum.md): for every file in ../shared/cif/named (relative to the working
// directory), the sites and hops of a seed grid (CPU backend), then every site polished to a minimum and every hop's
// grid saddle polished to an index-1 saddle and verified, on the analytic float64 field. Reports the field's
// evaluations per second in that workload, the mean evaluations per converged minimum and saddle, and how many
// converged and verified. Prints a table, writes bench/results/critical.json.
// Run from the project root: `node build.mjs && node dist/bench/critical.js [--res 0.2] [--margin 1.5] [--only NAME]`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCpuBackend } from '../src/backends/cpu/index.js';
import { createAnalyticField } from '../src/critical/field.js';
import { findMinimum, findSaddle } from '../src/critical/search.js';
import { verifySaddle } from '../src/critical/verify.js';
import { gridForResolution } from '../src/grid/index.js';
import { findBasins, percolate } from '../src/percolation/index.js';
import { namedFiles, namedInput, NAMED, requireNamed } from './lib/named.js';

const OUT = path.resolve(process.cwd(), 'bench/results/critical.json');

const { values } = parseArgs({
  options: {
    res: { type: 'string', default: '0.2' },
    margin: { type: 'string', default: '1.5' },
    only: { type: 'string' },
  },
});
const res = Number(values.res);
const margin = Number(values.margin);
requireNamed('critical');

const cpu = createCpuBackend({ threads: 1 });
const rows: Record<string, unknown>[] = [];
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
console.log(`seed grid ${res} Å, image-list margin ${margin} Å, one thread`);
console.log(
  'file                                     ion  atoms  grid_ms  sites  hops  min_evals  saddle_evals  verify_evals  conv%  verif%  evals/s  evals/cpu_s  polish_ms  rebuilds',
);
for (const f of namedFiles(values.only)) {
  const input = await namedInput(path.join(NAMED, f));
  if ('error' in input) {
    if (!input.absent) console.log(`${f.padEnd(40)} skipped: ${input.error.split('\n')[0]}`);
    continue;
  }
  const fw = input.framework;
  const m = fw.lattice;
  const lengths = [0, 1, 2].map((r) => Math.hypot(m[3 * r]!, m[3 * r + 1]!, m[3 * r + 2]!)) as [number, number, number];
  const grid = gridForResolution(lengths, res);
  let t = performance.now();
  const { energies } = await cpu.computeGrid(fw, grid);
  const net = findBasins(energies, grid, m, percolate(energies, grid));
  const gridMs = performance.now() - t;
  const cart = (fr: ArrayLike<number>) => [0, 1, 2].map((c) => fr[0]! * m[c]! + fr[1]! * m[3 + c]! + fr[2]! * m[6 + c]!);
  const field = createAnalyticField(fw, { margin });
  t = performance.now();
  const cpu0 = process.cpuUsage();
  const minima = net.sites.map((s) => findMinimum(field, cart(s.frac)));
  const saddles = net.hops.map((h) => {
    const a = minima[h.from]!.cart;
    const b = cart(minima[h.to]!.frac.map((x, i) => x + h.offset[i]!));
    const saddle = findSaddle(field, cart(h.frac), { guessDirection: b.map((x, i) => x - a[i]!) });
    return { saddle, verification: verifySaddle(field, saddle) };
  });
  const polishMs = performance.now() - t;
  const cpuUsed = process.cpuUsage(cpu0);
  // CPU time of this process (one thread): less disturbed than wall time on a shared machine.
  const polishCpuMs = (cpuUsed.user + cpuUsed.system) / 1000;
  const converged = saddles.filter((s) => s.saddle.converged && s.saddle.index === 1);
  const row = {
    file: f,
    ion: input.ion,
    atoms: fw.atoms.type.length,
    grid: [grid.nx, grid.ny, grid.nz],
    gridMs,
    sites: net.sites.length,
    hops: net.hops.length,
    meanMinimumEvaluations: mean(minima.filter((p) => p.converged && p.index === 0).map((p) => p.evaluations)),
    meanSaddleEvaluations: mean(converged.map((s) => s.saddle.evaluations)),
    meanVerificationEvaluations: mean(converged.map((s) => s.verification.evaluations)),
    saddlesConverged: converged.length,
    saddlesVerified: saddles.filter((s) => s.verification.verified).length,
    evaluations: field.evaluations,
    evaluationsPerSecond: field.evaluations / (polishMs / 1000),
    evaluationsPerCpuSecond: field.evaluations / (polishCpuMs / 1000),
    polishMs,
    polishCpuMs,
    rebuilds: field.rebuilds,
  };
  rows.push(row);
  const pct = (k: number) => (row.hops ? ((100 * k) / row.hops).toFixed(0) : '-');
  console.log(
    `${f.slice(0, 40).padEnd(40)} ${input.ion.padEnd(4)} ${String(row.atoms).padStart(5)}  ${gridMs.toFixed(0).padStart(7)}  ${String(row.sites).padStart(5)}  ${String(row.hops).padStart(4)}  ` +
      `${row.meanMinimumEvaluations.toFixed(1).padStart(9)}  ${row.meanSaddleEvaluations.toFixed(1).padStart(12)}  ${row.meanVerificationEvaluations.toFixed(1).padStart(12)}  ${pct(row.saddlesConverged).padStart(5)}  ${pct(row.saddlesVerified).padStart(6)}  ` +
      `${row.evaluationsPerSecond.toFixed(0).padStart(7)}  ${row.evaluationsPerCpuSecond.toFixed(0).padStart(11)}  ${polishMs.toFixed(0).padStart(9)}  ${String(row.rebuilds).padStart(8)}`,
  );
}
await cpu.dispose();
const all = rows as { saddlesConverged: number; hops: number; meanSaddleEvaluations: number; evaluationsPerSecond: number; evaluationsPerCpuSecond: number }[];
console.log(
  `${rows.length} structures: ${all.reduce((s, r) => s + r.saddlesConverged, 0)}/${all.reduce((s, r) => s + r.hops, 0)} saddles converged; ` +
    `median evaluations/s ${median(all.map((r) => r.evaluationsPerSecond)).toFixed(0)} (per CPU second ${median(all.map((r) => r.evaluationsPerCpuSecond)).toFixed(0)}); median mean evaluations per converged saddle ${median(all.map((r) => r.meanSaddleEvaluations).filter(Number.isFinite)).toFixed(1)}`,
);
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ resolution: res, margin, threads: 1, rows }, null, 1) + '\n');
console.log(`wrote ${path.relative(process.cwd(), OUT)}`);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : 0.5 * (s[s.length / 2 - 1]! + s[s.length / 2]!)) : NaN;
}
