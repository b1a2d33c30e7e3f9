// Grid thresholds against the continuum barrier (docs/continuum.md, "Measured"): on three small cells, the barriers
// of uniform grids at spacings h (default 0.1, 0.05 and 0.025 Å, `landscape --uniform --resolution h`) against the
// barriers of the continuous field (`landscape` at its defaults), and the exponent p of |grid − continuum| ∝ h^p
// fitted by least squares in log–log. Per grid: points, points evaluated (the grid is filled by symmetry where the
// framework allows, as computeLandscape does), wall and CPU time, and peak resident memory: each cell runs in its own
// process, spacings from coarse to fine, so the peak after a grid is that grid's (or a coarser one's, when lower).
// Prints a table, writes bench/results/grid-h2.json.
// Run from the project root: `node build.mjs && node dist/bench/grid-h2.js [--spacings 0.1,0.05,0.025] [--only NAME]
// [--threads N]`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { createCpuBackend } from '../src/backends/cpu/index.js';
import { gridPointCount } from '../src/grid/index.js';
import { computeLandscape, type LandscapeResult } from '../src/pipeline/landscape.js';
import { readStructureFile } from '../src/structure/read.js';
import { fitExponent } from './lib/fit.js';
import type { Structure } from '../src/structure/types.js';

const OUT = path.resolve(process.cwd(), 'bench/results/grid-h2.json');
const DIMS = ['1D', '2D', '3D'] as const;

/** Small cells: their 0.025 Å grids stay under the CLI size guard (2·10⁷ points). */
const CELLS = [
  { name: 'α-Li3N', file: 'fixtures/Li3N_alpha.cif' },
  { name: 'LiI rock salt', file: 'fixtures/LiI_rocksalt.cif' },
  { name: 'Li2S antifluorite', file: 'fixtures/Li2S_antifluorite.cif' },
];

const { values } = parseArgs({
  options: {
    spacings: { type: 'string', default: '0.1,0.05,0.025' },
    only: { type: 'string' },
    threads: { type: 'string' },
    // Internal: run one cell (by index) and print its row as the last line.
    cell: { type: 'string' },
  },
});
const spacings = values.spacings.split(',').map(Number);
if (spacings.some((h) => !(h > 0))) throw new Error(`--spacings expects positive numbers, got '${values.spacings}'`);
const cells = CELLS.filter((c) => !values.only || c.name.includes(values.only) || c.file.includes(values.only));
const ROW = 'ROW ';

async function readCell(file: string): Promise<Structure> {
  const results = await readStructureFile(path.resolve(process.cwd(), file));
  const s = results.find((r) => r.structure)?.structure;
  if (!s) throw new Error(`${file}: ${results[0]?.error?.message ?? 'no structure'}`);
  return s;
}

interface Timed {
  r: LandscapeResult;
  wallS: number;
  cpuS: number;
  /** Peak resident set size of the process so far (MiB): runs go from coarse to fine, so it is the finest grid's. */
  maxRssMiB: number;
}

async function timed(fn: () => Promise<LandscapeResult>): Promise<Timed> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await fn();
  const wallS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { r, wallS, cpuS: (c.user + c.system) / 1e6, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
}

const threads = values.threads ? Number(values.threads) : undefined;
const cpu = createCpuBackend(threads ? { threads } : {});
const load0 = loadavg()[0]!;
const rows: Record<string, unknown>[] = [];
const f4 = (x: number | null | undefined) => (typeof x === 'number' ? x.toFixed(4) : '—');
if (values.cell === undefined)
  console.log(
    `CPU backend (${cpu.description}); load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );

async function runCell(cell: (typeof CELLS)[number]): Promise<Record<string, unknown>> {
  const structure = await readCell(cell.file);
  const cont = await timed(() => computeLandscape(structure, { ion: 'Li+', backend: cpu }));
  const net = cont.r.network!;
  console.log(
    `\n${cell.name} (${cell.file}), ${cont.r.formula}: continuum E_min ${cont.r.eMin.toFixed(4)} eV, barriers ${DIMS.map((d) => `${d} ${f4(cont.r.barriers[d])}`).join(', ')} ` +
      `(${net.sites.length} minima, ${net.saddles.filter((s) => s.status === 'verified').length} verified saddles; ${cont.wallS.toFixed(2)} s wall, ${cont.cpuS.toFixed(2)} s CPU)`,
  );
  console.log(
    `  h (Å)   grid            points      evaluated   E_min grid   ${DIMS.map((d) => `${d} grid   Δ${d}     `).join('')}wall s   CPU s   peak RSS MiB`,
  );
  const grids: Record<string, unknown>[] = [];
  for (const h of spacings) {
    const g = await timed(() => computeLandscape(structure, { ion: 'Li+', backend: cpu, method: 'grid', mode: 'uniform', resolution: h }));
    const { grid } = g.r;
    // The grid's largest spacing along the three cell vectors (the resolution asked for is an upper bound).
    const p = g.r.structure.lattice.parameters;
    const hEff = Math.max(p.a / grid.nx, p.b / grid.ny, p.c / grid.nz);
    const delta = Object.fromEntries(
      DIMS.map((d) => [d, g.r.barriers[d] !== null && cont.r.barriers[d] !== null ? g.r.barriers[d]! - cont.r.barriers[d]! : null]),
    );
    const points = gridPointCount(grid);
    const evaluated = g.r.symmetry?.pointsEvaluated ?? points;
    console.log(
      `  ${h.toFixed(3).padEnd(6)}  ${`${grid.nx}×${grid.ny}×${grid.nz}`.padEnd(14)}  ${String(points).padStart(9)}  ${String(evaluated).padStart(9)}   ${g.r.eMin.toFixed(4).padStart(9)}   ` +
        DIMS.map((d) => `${f4(g.r.barriers[d]).padStart(7)}  ${(delta[d] === null ? '—' : delta[d]!.toExponential(2)).padStart(9)}  `).join('') +
        `${g.wallS.toFixed(2).padStart(6)}  ${g.cpuS.toFixed(2).padStart(6)}  ${g.maxRssMiB.toFixed(0).padStart(6)}`,
    );
    grids.push({
      resolution: h,
      spacing: hEff,
      grid,
      points,
      pointsEvaluated: evaluated,
      symmetryOperations: g.r.symmetry?.operations ?? null,
      eMin: g.r.eMin,
      barriers: g.r.barriers,
      delta,
      wallS: g.wallS,
      cpuS: g.cpuS,
      maxRssMiB: g.maxRssMiB,
    });
  }
  const hs = grids.map((x) => x.spacing as number);
  const exponents = Object.fromEntries(
    DIMS.map((d) => [
      d,
      fitExponent(
        hs,
        grids.map((x) => ((x.delta as Record<string, number | null>)[d] ?? Number.NaN) as number),
      ),
    ]),
  );
  // Between consecutive spacings: the local order (2 for a clean h² term).
  const pairwise = Object.fromEntries(
    DIMS.map((d) => [
      d,
      grids.slice(1).map((x, i) => {
        const a = (grids[i]!.delta as Record<string, number | null>)[d] ?? null;
        const b = (x.delta as Record<string, number | null>)[d] ?? null;
        return a === null || b === null ? null : fitExponent([hs[i]!, hs[i + 1]!], [a, b]);
      }),
    ]),
  );
  const eMinExponent = fitExponent(
    hs,
    grids.map((x) => (x.eMin as number) - cont.r.eMin),
  );
  const p2 = (x: number | null | undefined) => (typeof x === 'number' ? x.toFixed(2) : '—');
  // A barrier is a threshold minus E_min: which of the two the grid misses (E_min is exact where the minimum sits on a
  // grid point; a threshold where the saddle does).
  const e = (x: number | null) => (x === null ? '—' : x.toExponential(2));
  const t3 = (eMin: number, b: Record<string, number | null>) => (b['3D'] === null || b['3D'] === undefined ? null : eMin + b['3D']);
  const tCont = t3(cont.r.eMin, cont.r.barriers);
  console.log(
    `  of Δ3D: threshold T_3D (absolute) ${grids.map((x) => e(tCont === null ? null : (t3(x.eMin as number, x.barriers as Record<string, number | null>) ?? Number.NaN) - tCont)).join(', ')}; ` +
      `E_min ${grids.map((x) => e((x.eMin as number) - cont.r.eMin)).join(', ')} eV (grid − continuum)`,
  );
  console.log(
    `  fitted exponent p of |grid − continuum| ∝ h^p: ${DIMS.map((d) => `${d} ${p2(exponents[d])} (pairwise ${pairwise[d]!.map(p2).join(', ')})`).join('; ')}; E_min ${p2(eMinExponent)}`,
  );
  return {
    cell: cell.name,
    file: cell.file,
    formula: cont.r.formula,
    spaceGroup: cont.r.symmetry?.spaceGroup ?? null,
    continuum: { eMin: cont.r.eMin, barriers: cont.r.barriers, wallS: cont.wallS, cpuS: cont.cpuS, minima: net.sites.length, saddles: net.saddles.length },
    grids,
    exponents,
    pairwiseExponents: pairwise,
    eMinExponent,
  };
}

if (values.cell !== undefined) {
  const row = await runCell(CELLS[Number(values.cell)]!);
  await cpu.dispose();
  console.log(ROW + JSON.stringify(row));
  process.exit(0);
}
await cpu.dispose();
for (const cell of cells) {
  // Each cell in its own process, so that its peak memory is its own.
  const args = [
    ...process.execArgv,
    process.argv[1]!,
    '--cell',
    String(CELLS.indexOf(cell)),
    '--spacings',
    values.spacings,
    ...(threads ? ['--threads', String(threads)] : []),
  ];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
  const lines = child.stdout.trimEnd().split('\n');
  for (const l of lines) if (!l.startsWith(ROW)) console.log(l);
  const last = lines.find((l) => l.startsWith(ROW));
  if (child.status !== 0 || !last) throw new Error(`${cell.file}: its process ended with ${child.status ?? child.signal}`);
  rows.push(JSON.parse(last.slice(ROW.length)) as Record<string, unknown>);
}
const load1 = loadavg()[0]!;
console.log(`\nload average (1 min) ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end`);
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ spacings, backend: cpu.description, loadAverage: { start: load0, end: load1 }, rows }, null, 1) + '\n');
console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
