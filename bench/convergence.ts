// Convergence benchmark (docs/refinement.md): for every file in ../shared/cif/named (relative to the working
// directory), the adaptive (converged) barriers against the uniform grid at the same finest spacing, with the points
// evaluated and the wall time of both. Prints a table, writes bench/results/convergence.json.
// Run from the project root: `node build.mjs && node dist/bench/convergence.js [--res 0.05] [--connectivity 6]
// [--only NAME] [--no-uniform]`.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createCpuBackend } from '../src/backends/cpu/index.js';
import { percolate } from '../src/percolation/index.js';
import { refineThresholds } from '../src/refine/adaptive.js';
import { frameworkSymmetry } from '../src/field-symmetry/framework.js';
import { computeLandscape } from '../src/pipeline/landscape.js';
import { NAMED, namedFiles, namedInput, requireNamed } from './lib/named.js';

const OUT = path.resolve(process.cwd(), 'bench/results/convergence.json');

const { values } = parseArgs({
  options: {
    res: { type: 'string', default: '0.05' },
    coarsest: { type: 'string', default: '0.2' },
    connectivity: { type: 'string', default: '6' },
    only: { type: 'string' },
    'no-uniform': { type: 'boolean', default: false },
    'no-symmetry': { type: 'boolean', default: false },
  },
});
const res = Number(values.res);
const connectivity = Number(values.connectivity) as 6 | 26;
requireNamed('convergence bench');
const cpu = createCpuBackend();
const rows: Record<string, unknown>[] = [];
const fmt = (x: number | null) => (x === null ? '   —  ' : x.toFixed(3).padStart(6));
console.log(
  `file                                     ion  grid            levels  adaptive 1D/2D/3D         uniform 3D  |Δ|max   pts%  fill%   t_adapt  t_unif   (cpu time incl. workers: adaptive/uniform; uniform filled by symmetry, wall)`,
);
for (const f of namedFiles(values.only)) {
  const input = await namedInput(path.join(NAMED, f));
  if ('error' in input) {
    if (!input.absent) console.log(`${f.padEnd(40)} skipped: ${input.error.split('\n')[0]}`);
    continue;
  }
  const { structure, ion } = input;
  // As computeLandscape does: both modes on the symmetrized framework; refinement fills bricks by symmetry.
  const sym = values['no-symmetry'] ? null : frameworkSymmetry(input.framework);
  const fw = sym ? sym.framework : input.framework;
  const ca = process.cpuUsage();
  const ta = performance.now();
  const r = await refineThresholds(fw, {
    resolution: res,
    coarsest: Number(values.coarsest),
    connectivity,
    backend: cpu,
    cpu,
    ...(sym ? { symmetry: sym.operations } : {}),
  });
  const adaptMs = performance.now() - ta;
  const cpuA = process.cpuUsage(ca);
  const adaptCpuMs = (cpuA.user + cpuA.system) / 1000;
  let uniCpuMs: number | null = null;
  let uni: { barriers: Record<string, number | null> } | null = null;
  let uniMs: number | null = null;
  if (!values['no-uniform'] && r.pointsUniform <= 4e7) {
    const cu = process.cpuUsage();
    const tu = performance.now();
    const g = await cpu.computeGrid(fw, r.grid);
    const p = percolate(g.energies, r.grid, { connectivity });
    uniMs = performance.now() - tu;
    const c = process.cpuUsage(cu);
    uniCpuMs = (c.user + c.system) / 1000;
    uni = { barriers: p.barriers };
  }
  // The uniform grid as `--uniform` computes it (filled by symmetry where the grid allows), end to end.
  let uniSymMs: number | null = null;
  if (!values['no-uniform'] && !values['no-symmetry'] && sym && r.pointsUniform <= 4e7) {
    const t = performance.now();
    await computeLandscape(structure, { ion, resolution: res, mode: 'uniform', backend: cpu, connectivity });
    uniSymMs = performance.now() - t;
  }
  // The default: converged mode as computeLandscape runs it (strategy 'auto': the symmetric grid where it pays).
  const tAuto = performance.now();
  const auto = await computeLandscape(structure, {
    ion,
    resolution: res,
    backend: cpu,
    connectivity,
    gridOutput: 'none',
    ...(values['no-symmetry'] ? { symmetry: false } : {}),
  });
  const autoMs = performance.now() - tAuto;
  let maxDiff: number | null = null;
  if (uni)
    for (const d of ['1D', '2D', '3D'] as const)
      for (const a of [r.barriers[d], auto.barriers[d]]) {
        // Both the octree and the default strategy against the uniform grid.
        const b = uni.barriers[d] ?? null;
        const diff = a === null && b === null ? 0 : a === null || b === null ? Infinity : Math.abs(a - b);
        maxDiff = Math.max(maxDiff ?? 0, diff);
      }
  const pct = (100 * r.pointsEvaluated) / r.pointsUniform;
  console.log(
    `${f.slice(0, 40).padEnd(40)} ${ion.padEnd(4)} ${`${r.grid.nx}×${r.grid.ny}×${r.grid.nz}`.padEnd(15)} ${String(r.levels).padStart(3)}  ` +
      `${fmt(r.barriers['1D'])} ${fmt(r.barriers['2D'])} ${fmt(r.barriers['3D'])}   ${uni ? fmt(uni.barriers['3D'] ?? null) : '   —  '}  ` +
      `${maxDiff === null ? '  —  ' : maxDiff.toExponential(1).padStart(7)} ${pct.toFixed(1).padStart(5)} ${((100 * r.pointsFilled) / r.pointsUniform).toFixed(1).padStart(5)}  ${(adaptMs / 1000).toFixed(2).padStart(6)}s ${uniMs === null ? '   —' : (uniMs / 1000).toFixed(2).padStart(6) + 's'}  cpu ${(adaptCpuMs / 1000).toFixed(2)}s/${uniCpuMs === null ? '—' : (uniCpuMs / 1000).toFixed(2) + 's'}  unif+sym ${uniSymMs === null ? '—' : (uniSymMs / 1000).toFixed(2) + 's'}  default ${(autoMs / 1000).toFixed(2)}s (${auto.refinement?.strategy ?? '?'})`,
  );
  rows.push({
    file: f,
    ion,
    grid: r.grid,
    levels: r.levels,
    barriers: r.barriers,
    uniform: uni?.barriers ?? null,
    maxAbsDiff: maxDiff,
    pointsEvaluated: r.pointsEvaluated,
    pointsFilled: r.pointsFilled,
    spaceGroup: sym?.spaceGroup.symbol ?? null,
    pointsUniform: r.pointsUniform,
    boundsEvaluated: r.boundsEvaluated,
    leavesByLevel: r.leavesByLevel,
    passes: r.passes,
    adaptiveMs: adaptMs,
    uniformMs: uniMs,
    uniformSymmetryMs: uniSymMs,
    defaultMs: autoMs,
    defaultStrategy: auto.refinement?.strategy ?? null,
    defaultBarriers: auto.barriers,
    adaptiveCpuMs: adaptCpuMs,
    uniformCpuMs: uniCpuMs,
    timingsMs: r.timingsMs,
  });
}
await cpu.dispose();
{
  const sum = (k: string) => rows.reduce((a, r) => a + ((r[k] as number | null) ?? 0), 0);
  const withUniform = rows.filter((r) => r.uniformMs !== null);
  const within = withUniform.filter((r) => (r.maxAbsDiff as number) <= 0.005).length;
  console.log(
    `\n${rows.length} structures: ${((100 * sum('pointsEvaluated')) / sum('pointsUniform')).toFixed(1)} % of the finest points evaluated, ` +
      `${((100 * sum('pointsFilled')) / sum('pointsUniform')).toFixed(1)} % filled by symmetry; ` +
      `${within} of ${withUniform.length} within 0.005 eV of the uniform grid (largest |Δ| ${Math.max(0, ...withUniform.map((r) => r.maxAbsDiff as number)).toExponential(1)} eV)`,
  );
  console.log(
    `wall: converged ${(sum('adaptiveMs') / 1000).toFixed(1)} s, uniform ${(sum('uniformMs') / 1000).toFixed(1)} s, uniform filled by symmetry ${(sum('uniformSymmetryMs') / 1000).toFixed(1)} s; ` +
      `cpu: converged ${(sum('adaptiveCpuMs') / 1000).toFixed(1)} s, uniform ${(sum('uniformCpuMs') / 1000).toFixed(1)} s; default converged mode (auto strategy) ${(sum('defaultMs') / 1000).toFixed(1)} s wall`,
  );
}
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify({ resolution: res, connectivity, coarsest: Number(values.coarsest), rows }, null, 1) + '\n');
console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
