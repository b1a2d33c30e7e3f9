// Symmetry benchmark (docs/symmetry.md): for every file in ../shared/cif/named (relative to the working directory), the
// uniform grid at --res evaluated on one point per orbit and filled by symmetry, against the whole grid evaluated
// directly, both on the symmetrized framework: space group, operations mapping the grid onto itself, share of points
// evaluated, wall and CPU time of both, and the largest barrier difference. Prints a table, writes
// bench/results/symmetry.json.
// Run from the project root: `node build.mjs && node dist/bench/symmetry.js [--res 0.1] [--connectivity 6] [--only NAME]`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildFramework } from '../src/bvse/build-framework.js';
import { assignOxidationStates } from '../src/bvse/oxidation/assign.js';
import { createCpuBackend } from '../src/backends/cpu/index.js';
import { BRICK } from '../src/grid/index.js';
import { gridForResolution } from '../src/grid/index.js';
import { percolate } from '../src/percolation/index.js';
import { readStructureFile } from '../src/structure/read.js';
import { frameworkSymmetry } from '../src/field-symmetry/framework.js';
import { fillFromBricks, gridSymmetry, orbitPlan } from '../src/field-symmetry/grid.js';
import { NAMED, namedFiles, namedInput, requireNamed } from './lib/named.js';

const OUT = path.resolve(process.cwd(), 'bench/results/symmetry.json');

const { values } = parseArgs({
  options: {
    res: { type: 'string', default: '0.1' },
    connectivity: { type: 'string', default: '6' },
    only: { type: 'string' },
  },
});
const res = Number(values.res);
const connectivity = Number(values.connectivity) as 6 | 26;
requireNamed('symmetry bench');
const cpu = createCpuBackend();
const rows: Record<string, unknown>[] = [];

/** Wall and CPU time (ms; CPU includes the worker threads, which share this process). */
async function timed<T>(f: () => Promise<T> | T): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await f();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

// Warm-up (moyo's WebAssembly, the worker threads, the JIT of both paths) on a bundled structure at 0.3 Å, outside
// every measurement: otherwise the first structure measured pays it.
{
  const st = (await readStructureFile(path.resolve(process.cwd(), 'fixtures/db/Li3PS4_beta.cif'))).find((r) => r.structure)!.structure!;
  const warm = frameworkSymmetry(buildFramework(assignOxidationStates(st).structure, { ion: 'Li' }))!;
  const p = st.lattice.parameters;
  const g = gridForResolution([p.a, p.b, p.c], 0.3);
  for (let k = 0; k < 2; k++) {
    const plan = orbitPlan(gridSymmetry(warm.operations, g), BRICK);
    fillFromBricks(plan, (await cpu.computeBricks(warm.framework, g, plan.bricks)).energies);
    await cpu.computeGrid(warm.framework, g);
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)}s`.padStart(7);
console.log(
  `${'file'.padEnd(40)} ion  ${'space group'.padEnd(14)} ops  grid ops  ${'grid'.padEnd(13)} eval%  ` +
    `wall sym / full    cpu sym / full     speed-up  |Δ barrier|  max shift Å`,
);
for (const f of namedFiles(values.only)) {
  const input = await namedInput(path.join(NAMED, f));
  if ('error' in input) {
    if (!input.absent) console.log(`${f.padEnd(40)} skipped: ${input.error.split('\n')[0]}`);
    continue;
  }
  const { ion, framework: fw } = input;
  const p = input.structure.lattice.parameters;
  const grid = gridForResolution([p.a, p.b, p.c], res);
  const n = grid.nx * grid.ny * grid.nz;
  const gridText = `${grid.nx}×${grid.ny}×${grid.nz}`;
  // With symmetry: the framework's operations and symmetrized atoms, the plan, the bricks, the fill.
  const symTime = await timed(async () => {
    const fs = frameworkSymmetry(fw);
    if (!fs) return null;
    const gs = gridSymmetry(fs.operations, grid);
    const plan = orbitPlan(gs, BRICK);
    const bricks = await cpu.computeBricks(fs.framework, grid, plan.bricks);
    return { fs, gs, plan, energies: fillFromBricks(plan, bricks.energies) };
  });
  const sym = symTime.value;
  if (!sym) {
    console.log(
      `${f.slice(0, 40).padEnd(40)} ${ion.padEnd(4)} ${'P1 / none'.padEnd(14)}    —         —  ${gridText.padEnd(13)}  100.0  (no symmetry at 2e-3 Å: the whole grid is evaluated)`,
    );
    rows.push({ file: f, ion, grid, spaceGroup: null, operations: 1, gridOperations: 1, pointsEvaluated: n, points: n, symmetryOverheadMs: symTime.wallMs });
    continue;
  }
  const planTime = await timed(() => orbitPlan(sym.gs, BRICK)); // the plan alone, timed again
  const full = await timed(() => cpu.computeGrid(sym.fs.framework, grid));
  const a = percolate(sym.energies, grid, { connectivity }).barriers;
  const b = percolate(full.value.energies, grid, { connectivity }).barriers;
  let maxDiff = 0;
  for (const d of ['1D', '2D', '3D'] as const) {
    const x = a[d],
      y = b[d];
    maxDiff = Math.max(maxDiff, x === null && y === null ? 0 : x === null || y === null ? Infinity : Math.abs(x - y));
  }
  const pct = (100 * sym.plan.pointsEvaluated) / n;
  console.log(
    `${f.slice(0, 40).padEnd(40)} ${ion.padEnd(4)} ${sym.fs.spaceGroup.symbol.padEnd(14)} ${String(sym.fs.operations.length).padStart(3)}  ${String(sym.gs.operations.length).padStart(8)}  ` +
      `${gridText.padEnd(13)} ${pct.toFixed(1).padStart(5)}  ${s(symTime.wallMs)} /${s(full.wallMs)}  ${s(symTime.cpuMs)} /${s(full.cpuMs)}  ` +
      `${(full.wallMs / symTime.wallMs).toFixed(2).padStart(6)}×  ${maxDiff.toExponential(1).padStart(9)}  ${sym.fs.maxShift.toExponential(1).padStart(9)}`,
  );
  rows.push({
    file: f,
    ion,
    grid,
    spaceGroup: sym.fs.spaceGroup,
    operations: sym.fs.operations.length,
    gridOperations: sym.gs.operations.length,
    points: n,
    pointsEvaluated: sym.plan.pointsEvaluated,
    maxShiftA: sym.fs.maxShift,
    symmetryWallMs: symTime.wallMs,
    symmetryCpuMs: symTime.cpuMs,
    planMs: planTime.wallMs,
    fullWallMs: full.wallMs,
    fullCpuMs: full.cpuMs,
    barriersSymmetry: a,
    barriersFull: b,
    maxAbsBarrierDiff: maxDiff,
  });
}
await cpu.dispose();
const done = rows.filter((r) => r.fullWallMs !== undefined) as {
  symmetryWallMs: number;
  fullWallMs: number;
  symmetryCpuMs: number;
  fullCpuMs: number;
  points: number;
  pointsEvaluated: number;
}[];
const sum = (k: keyof (typeof done)[number]) => done.reduce((t, r) => t + r[k], 0);
const all = rows as { points: number; pointsEvaluated: number }[];
const summary = {
  structures: rows.length,
  withSymmetry: done.length,
  pointsEvaluatedShare: all.reduce((t, r) => t + r.pointsEvaluated, 0) / all.reduce((t, r) => t + r.points, 0),
  wallSpeedup: sum('fullWallMs') / sum('symmetryWallMs'),
  cpuSpeedup: sum('fullCpuMs') / sum('symmetryCpuMs'),
};
console.log(
  `\n${summary.withSymmetry} of ${summary.structures} structures with symmetry; points evaluated ${(100 * summary.pointsEvaluatedShare).toFixed(1)} % of all; ` +
    `grid time on the structures with symmetry: wall ${summary.wallSpeedup.toFixed(2)}× faster, CPU ${summary.cpuSpeedup.toFixed(2)}× less`,
);
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ resolution: res, connectivity, threads: cpu.threads, summary, rows }, null, 1) + '\n');
console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
