// `bvscape bench --quick --json` through the bundled CLI on the cpu and webgpu backends (lavapipe in CI),
// validated against the shipped schema; `--compare` of two runs on the same machine gives ratios near 1.
// Timing values are only checked for being positive and finite, and the ratios within a generous band:
// the test machine is shared, so the numbers themselves are not asserted.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchResult, FigureId } from '../../src/bench/result-types.js';
import { BENCH_STRUCTURES } from '../../src/bench/structures.js';
import { validateBenchResult } from '../../src/bench/validate.js';
import { IN_CI, probeAdapter } from '../backends/gpu-helpers.js';
import { ROOT, tempDir } from '../screen/helpers.js';

const CLI = join(ROOT, 'dist/cli.js');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const probe = await probeAdapter();
// In CI the webgpu run always happens, so that a missing adapter fails instead of skipping.
const RUN_GPU = probe.ok || IN_CI;
if (!RUN_GPU) console.warn(`bench webgpu test skipped: no WebGPU adapter (${probe.ok ? '' : probe.reason}); set CI=true to make this a failure`);

const CASES = BENCH_STRUCTURES.flatMap((s) => s.ions.map((ion) => `${s.id}/${ion}`));

/** The figures every measured backend must have, and the host-side percolation figure. */
function checkRun(r: BenchResult, backend: 'cpu' | 'webgpu'): void {
  expect(validateBenchResult(r)).toEqual([]);
  expect(r.mode).toBe('quick');
  expect(r.backends).toHaveLength(1);
  const b = r.backends[0]!;
  expect(b.kind).toBe(backend);
  expect(b.error).toBeNull();
  const of = (id: FigureId) => r.figures.filter((f) => f.id === id && f.backend === (id === 'percolation_points_per_s' ? null : b.id));
  expect(of('kernel_pair_terms_per_s').map((f) => f.case).sort()).toEqual([...CASES].sort());
  for (const f of of('kernel_pair_terms_per_s')) expect(f.params.pair_terms as number).toBeGreaterThan(0);
  expect(of('time_to_barriers_s')).toHaveLength(1);
  // The reference structure percolates in 3D below 10 eV: the timing is of a real result.
  expect(of('time_to_barriers_s')[0]!.params.barrier_3d as number).toBeGreaterThan(0);
  expect(of('pipeline_structures_per_hour')).toHaveLength(1);
  expect(of('pipeline_structures_per_hour')[0]!.params.structures_per_run).toBe(BENCH_STRUCTURES.length);
  expect(of('peak_rss_bytes')).toHaveLength(1);
  expect(of('peak_rss_bytes')[0]!.median).toBeGreaterThan(20 * 2 ** 20);
  expect(of('percolation_points_per_s')).toHaveLength(1);
  for (const f of r.figures) {
    expect(f.samples.length).toBe(f.id === 'peak_rss_bytes' ? 1 : r.settings.repeats);
    for (const x of f.samples) expect(Number.isFinite(x) && x > 0).toBe(true);
    expect(f.min).toBeLessThanOrEqual(f.median);
    expect(f.median).toBeLessThanOrEqual(f.max);
    expect(f.busy).toBe(f.spread > r.settings.busy_spread);
  }
  expect(r.busy).toBe(r.figures.some((f) => f.busy));
  expect(r.machine.environment).toBe('node');
  expect(r.machine.cpu_cores).toBeGreaterThan(0);
  expect(r.machine.node).toBe(process.version);
}

describe.sequential('bvscape bench (CLI)', () => {
  const dir = tempDir('bvscape-bench-');
  const first = join(dir, 'cpu-1.json');

  it('--backend cpu --quick --json: a valid results file, the table on stdout, progress on stderr', () => {
    const r = cli(['bench', '--backend', 'cpu', '--quick', '--json', first]);
    expect(r.stderr).toMatch(/\[1\/\d+\] cpu kernel LiCl_rocksalt\/Li\+: .* pair terms\/s/);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(first, 'utf8')) as BenchResult;
    checkRun(res, 'cpu');
    expect(res.backends[0]!.adapter).toBeNull();
    expect(r.stdout).toMatch(/^bvscape bench \S+, quick mode/);
    expect(r.stdout).toMatch(/energy kernel\s+Li7La3Zr2O12_cubic\/Li\+\s+cpu\s+\S+ pair terms\/s/);
    expect(r.stdout).not.toMatch(/\[1\//);
  }, 240_000);

  it('--compare of two runs on this machine: one row per shared figure, ratios near 1', () => {
    const second = join(dir, 'cpu-2.json');
    const r = cli(['bench', '--backend', 'cpu', '--quick', '--repeats', '2', '--json', second, '--compare', first]);
    expect(r.code, r.stderr).toBe(0);
    const compare = r.stdout.slice(r.stdout.indexOf('this run:'));
    const lines = compare.split('\n');
    const header = lines.findIndex((l) => /^figure\s+case\s+backend\s+this\s+other\s+ratio$/.test(l));
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header + 2).filter((l) => /x( !)?$/.test(l));
    const a = JSON.parse(readFileSync(first, 'utf8')) as BenchResult;
    expect(rows).toHaveLength(a.figures.length);
    for (const row of rows) {
      const ratio = Number(/([\d.]+)x( !)?$/.exec(row)![1]);
      // Same machine, same work: near 1. The band is wide because the machine is shared with other jobs.
      expect(ratio, row).toBeGreaterThan(0.2);
      expect(ratio, row).toBeLessThan(5);
    }
    // Only --repeats differs, which is not a param of any figure: no row is flagged.
    expect(compare).not.toMatch(/different settings/);
    expect(compare).toMatch(/ratio > 1: this run is better/);
  }, 240_000);

  it('--load and --compare compare two saved runs without measuring; a file that is not a result is refused', () => {
    const r = cli(['bench', '--load', first, '--compare', first]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const ratios = [...r.stdout.matchAll(/([\d.]+)x$/gm)].map((m) => Number(m[1]));
    expect(ratios.length).toBeGreaterThan(5);
    for (const x of ratios) expect(x).toBe(1);

    const bad = cli(['bench', '--load', first, '--compare', join(ROOT, 'package.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/package\.json is not a bvscape bench result: \$: missing 'schema'/);
  });

  it.skipIf(!RUN_GPU)('--backend webgpu --quick --json: the adapter recorded, the same figures (lavapipe in CI)', () => {
    const out = join(dir, 'webgpu.json');
    const r = cli(['bench', '--backend', 'webgpu', '--quick', '--json', out]);
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
    checkRun(res, 'webgpu');
    const adapter = res.backends[0]!.adapter!;
    expect(adapter.vendor.length + adapter.description.length + adapter.architecture.length).toBeGreaterThan(0);
    expect(adapter.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(adapter.limits.maxComputeWorkgroupsPerDimension).toBeGreaterThanOrEqual(65535);
    expect(res.backends[0]!.description).toMatch(/^webgpu: /);
    expect(res.machine.dawn).toMatch(/^\d+\.\d+\.\d+/);
  }, 240_000);
});
