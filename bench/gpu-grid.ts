// Grid benchmark: the webgpu and cpu energy backends side by side on every file in ../shared/cif/named
// (relative to the working directory) at 0.1 Å. Wall times include tiling/upload and readback. Device creation
// and the first (pipeline-compiling) run are reported apart; each grid then runs twice per backend, and the second
// run is the steady state behind pair terms/s and the speed-up. Writes bench/results/gpu-grid.json.
// Run from the project root: `node build.mjs && node dist/bench/gpu-grid.js [--res 0.1] [--only NAME] [--no-cpu]`.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Framework } from '../src/bvse/framework.js';
import { createCpuBackend } from '../src/backends/cpu/index.js';
import type { EnergyBackend } from '../src/backends/types.js';
import { gridForResolution, gridPointCount, type GridSpec } from '../src/grid/index.js';
import { createWebGpuBackend } from '../src/backends/webgpu/index.js';
import { Lattice } from '../src/structure/lattice.js';
import { NAMED, namedFiles, namedInput } from './lib/named.js';

const OUT = path.resolve(process.cwd(), 'bench/results/gpu-grid.json');

interface Row {
  file: string;
  ion: string;
  grid: string;
  points: number;
  pairTerms: number;
  /** First run of this grid (fresh buffers); gpuMs/cpuMs are the second (steady-state) run. */
  gpuFirstMs: number;
  gpuMs: number;
  gpuPairsPerS: number;
  gpuTimings: Record<string, number>;
  cpuFirstMs: number | null;
  cpuMs: number | null;
  cpuPairsPerS: number | null;
  speedup: number | null;
  /** max |E_gpu − E_cpu| / max(|E_cpu|, 1e-3·max|E_cpu|) over the grid. */
  maxRelDiff: number | null;
}

/**
 * max |a − b| / max(|b|, 1e-3·max|b|) over points where both are finite. Points on top of a like-charged ion
 * (Coulomb 1/R at R ≈ 0) may be infinite in one backend and merely huge in the other; they are left out.
 */
function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let maxAbs = 0;
  for (const v of b) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!) || !Number.isFinite(b[i]!)) continue;
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-3 * maxAbs));
  }
  return worst;
}

async function timed(backend: EnergyBackend, fw: Framework, grid: GridSpec) {
  const t0 = performance.now();
  const result = await backend.computeGrid(fw, grid);
  return { result, ms: performance.now() - t0 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { res: { type: 'string', default: '0.1' }, only: { type: 'string' }, 'no-cpu': { type: 'boolean', default: false } },
  });
  const resolution = Number(values.res);
  if (!existsSync(NAMED)) {
    console.log(`bench/gpu-grid: skipped, no structures at ${NAMED}`);
    return;
  }
  const files = namedFiles(values.only);

  // First run: device, pipeline compile, and a small grid, apart from the steady state.
  const tCreate = performance.now();
  const gpu = await createWebGpuBackend({ onWarning: (m) => console.warn(`webgpu: ${m}`) });
  const createMs = performance.now() - tCreate;
  const cpu = values['no-cpu'] ? null : createCpuBackend();
  const rows: Row[] = [];
  const skipped: { file: string; reason: string }[] = [];
  let firstRunMs = 0;
  console.log(
    [
      'file'.padEnd(38),
      'grid'.padStart(12),
      'pairs'.padStart(9),
      'gpu 1st/wall'.padStart(13),
      'gpu pair/s'.padStart(10),
      'cpu 1st/wall'.padStart(13),
      'cpu pair/s'.padStart(10),
      'speedup'.padStart(7),
      'max rel'.padStart(8),
    ].join(' '),
  );
  try {
    for (const name of files) {
      const built = await namedInput(path.join(NAMED, name));
      if ('error' in built) {
        skipped.push({ file: name, reason: built.error });
        continue;
      }
      const { framework: fw, ion } = built;
      const lattice = new Lattice(fw.lattice);
      const p = lattice.parameters;
      const grid = gridForResolution([p.a, p.b, p.c], resolution);
      if (!firstRunMs) firstRunMs = (await timed(gpu, fw, { nx: 8, ny: 8, nz: 8 })).ms;
      // Each backend runs the grid twice: the first run pays for fresh memory and JIT warm-up, the second is
      // the steady state that pair terms/s and the speed-up use.
      const gFirst = await timed(gpu, fw, grid);
      const g = await timed(gpu, fw, grid);
      const cFirst = cpu ? await timed(cpu, fw, grid) : null;
      const c = cpu ? await timed(cpu, fw, grid) : null;
      const row: Row = {
        file: name,
        ion,
        grid: `${grid.nx}x${grid.ny}x${grid.nz}`,
        points: gridPointCount(grid),
        pairTerms: g.result.pairTerms,
        gpuFirstMs: gFirst.ms,
        gpuMs: g.ms,
        gpuPairsPerS: g.result.pairTerms / (g.ms / 1000),
        gpuTimings: g.result.timingsMs,
        cpuFirstMs: cFirst ? cFirst.ms : null,
        cpuMs: c ? c.ms : null,
        cpuPairsPerS: c ? c.result.pairTerms / (c.ms / 1000) : null,
        speedup: c ? c.ms / g.ms : null,
        maxRelDiff: c ? maxRelDiff(g.result.energies, c.result.energies) : null,
      };
      rows.push(row);
      console.log(
        [
          name.padEnd(38),
          row.grid.padStart(12),
          row.pairTerms.toExponential(2).padStart(9),
          `${row.gpuFirstMs.toFixed(0)}/${row.gpuMs.toFixed(0)} ms`.padStart(13),
          row.gpuPairsPerS.toExponential(2).padStart(10),
          (row.cpuMs === null ? '-' : `${row.cpuFirstMs!.toFixed(0)}/${row.cpuMs.toFixed(0)} ms`).padStart(13),
          (row.cpuPairsPerS === null ? '-' : row.cpuPairsPerS.toExponential(2)).padStart(10),
          (row.speedup === null ? '-' : `${row.speedup.toFixed(1)}x`).padStart(7),
          (row.maxRelDiff === null ? '-' : row.maxRelDiff.toExponential(1)).padStart(8),
        ].join(' '),
      );
    }
  } finally {
    await gpu.dispose();
    await cpu?.dispose();
  }
  const sum = (f: (r: Row) => number) => rows.reduce((t, r) => t + f(r), 0);
  const totalPairs = sum((r) => r.pairTerms);
  const summary = {
    resolution,
    gpu: gpu.description,
    cpu: cpu?.description ?? null,
    gpuCreateMs: createMs,
    gpuFirstRunMs: firstRunMs,
    gpuPairsPerS: totalPairs / (sum((r) => r.gpuMs) / 1000),
    cpuPairsPerS: cpu ? totalPairs / (sum((r) => r.cpuMs ?? 0) / 1000) : null,
    li3ps4Beta: rows.find((r) => r.file === 'Li3PS4_beta.cif') ?? null,
  };
  console.log(
    `\n${gpu.description}; device ${createMs.toFixed(0)} ms, first run (compile) ${firstRunMs.toFixed(0)} ms; ` +
      `steady: webgpu ${summary.gpuPairsPerS.toExponential(2)} pair terms/s` +
      (summary.cpuPairsPerS ? `, ${summary.cpu} ${summary.cpuPairsPerS.toExponential(2)} pair terms/s` : ''),
  );
  if (skipped.length) console.log(`skipped: ${skipped.map((s) => `${s.file} (${s.reason})`).join('; ')}`);
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, JSON.stringify({ date: new Date().toISOString(), summary, rows, skipped }, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
}

await main();
