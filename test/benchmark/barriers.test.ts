// `bvscape bench` times the barriers a user gets: the continuum network by default, the grid thresholds with
// --grid-barriers (runBench's `barriers: 'grid'`), in the time-to-barriers figure (the screen pipeline's method:
// pipeline.test.ts).
// The barriers it reports are checked against computeLandscape run directly with the same method.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backends/cpu/index.js';
import { cpuSpec, nodeHost, structuresDir } from '../../src/benchmark/node-host.js';
import { compareResults, formatCompare, formatResult } from '../../src/benchmark/report.js';
import type { BenchResult, BenchSettings, Figure } from '../../src/benchmark/result-types.js';
import { BENCH_SETTINGS, runBench } from '../../src/benchmark/run.js';
import { REFERENCE_CASE } from '../../src/benchmark/structures.js';
import { validateBenchResult } from '../../src/benchmark/validate.js';
import { computeLandscape, DEFAULT_RESOLUTION, DEFAULT_SEED_RESOLUTION } from '../../src/pipeline/landscape.js';
import { readStructureText } from '../../src/structure/read.js';

// One sample of each figure, the kernel on coarse grids: the run is about the barriers, not the rates.
const SMALL: Partial<BenchSettings> = { repeats: 1, warmups: 0, min_sample_s: 0, kernel_resolution: 0.5 };

/** A bench run on one CPU thread without the screen pipeline (pipeline.test.ts runs that). */
async function bench(barriers: 'continuum' | 'grid' | undefined, settings: Partial<BenchSettings> = {}): Promise<BenchResult> {
  const { runPipeline: _, ...host } = nodeHost(() => {});
  return runBench(host, { mode: 'quick', ...(barriers ? { barriers } : {}), backends: [cpuSpec(1)], settings: { ...SMALL, ...settings } });
}

function barrierFigure(r: BenchResult): Figure {
  const f = r.figures.filter((x) => x.id === 'time_to_barriers_s');
  expect(f).toHaveLength(1);
  return f[0]!;
}

/** The reference case's barriers from computeLandscape itself. */
async function direct(method: 'continuum' | 'grid', resolution: number): Promise<Record<string, number | null>> {
  const file = `${REFERENCE_CASE.structure}.cif`;
  const read = await readStructureText(readFileSync(join(structuresDir(), file), 'utf8'), file);
  const backend = await createCpuBackend({ threads: 1 });
  try {
    const r = await computeLandscape(read[0]!.structure!, { ion: REFERENCE_CASE.ion, backend, method, resolution, gridOutput: 'none' });
    return r.barriers;
  } finally {
    await backend.dispose();
  }
}

const round = (x: number | null | undefined) => (typeof x === 'number' ? Math.round(x * 1e4) / 1e4 : null);

describe('bench barriers follow the default method of landscape and screen', () => {
  it('by default: the continuum barriers on the 0.2 Å seed grid, with the network in the details and the table', async () => {
    for (const mode of ['quick', 'standard'] as const) {
      expect(BENCH_SETTINGS[mode].barrier_method, mode).toBe('continuum');
      expect(BENCH_SETTINGS[mode].barrier_resolution, mode).toBe(DEFAULT_SEED_RESOLUTION);
    }
    const r = await bench(undefined);
    expect(validateBenchResult(r)).toEqual([]);
    expect(r.settings.barrier_method).toBe('continuum');
    const f = barrierFigure(r);
    expect(f.params).toEqual({ method: 'continuum', resolution: DEFAULT_SEED_RESOLUTION });
    expect(f.method).toMatch(/continuum method/);
    expect(f.details.minima as number).toBeGreaterThan(0);
    expect(f.details.saddles_verified as number).toBeGreaterThan(0);
    expect(f.details.field_evaluations as number).toBeGreaterThan(0);
    // Warmed up until the CPU time per run stopped falling (at least two runs to compare), and timed in CPU seconds too.
    expect(f.details.warmups as number).toBeGreaterThanOrEqual(2);
    expect(f.details.cpu_s_median as number).toBeGreaterThan(0);
    const want = await direct('continuum', DEFAULT_SEED_RESOLUTION);
    expect([f.details.barrier_1d_ev, f.details.barrier_2d_ev, f.details.barrier_3d_ev]).toEqual([round(want['1D']), round(want['2D']), round(want['3D'])]);
    // β-Li3PS4's continuum 3D barrier is 0.370 eV (issue 23); the 0.2 Å grid's threshold is 0.02 eV above it.
    expect(f.details.barrier_3d_ev as number).toBeCloseTo(0.37, 2);
    expect(formatResult(r)).toMatch(/barriers Li3PS4_beta\/Li\+ on cpu \(saddle points of the continuous field\): 1D 0\.\d{3}, 2D 0\.\d{3}, 3D 0\.37\d eV/);
  }, 300_000);

  it('with --grid-barriers: the grid thresholds (converged mode), which differ from the continuum ones at a coarse grid', async () => {
    // At the grid method's own default (0.05 Å) the run takes tens of seconds; 0.2 Å shows the switch as well.
    const r = await bench('grid', { barrier_resolution: DEFAULT_SEED_RESOLUTION });
    expect(validateBenchResult(r)).toEqual([]);
    expect(r.settings.barrier_method).toBe('grid');
    const f = barrierFigure(r);
    expect(f.params).toEqual({ method: 'grid', resolution: DEFAULT_SEED_RESOLUTION, mode: 'converged' });
    expect(f.details.minima).toBeUndefined();
    const want = await direct('grid', DEFAULT_SEED_RESOLUTION);
    expect(f.details.barrier_3d_ev).toBe(round(want['3D']));
    expect(f.details.barrier_3d_ev as number).toBeGreaterThan(0.38);
    expect(formatResult(r)).toMatch(/\(grid thresholds\): 1D/);
    // Without an override, --grid-barriers times the grid at landscape's grid default.
    const { GRID_BARRIER_SETTINGS } = await import('../../src/benchmark/run.js');
    expect(GRID_BARRIER_SETTINGS).toEqual({ barrier_method: 'grid', barrier_resolution: DEFAULT_RESOLUTION });
  }, 300_000);
});

describe('warm-up of the time-to-barriers figure', () => {
  /** A run whose CPU time follows `cpu`, recorded as the bench records it. */
  function runs(cpu: number[]): { run: () => Promise<void>; seconds: number[] } {
    const seconds: number[] = [];
    return { seconds, run: async () => void seconds.push(cpu[Math.min(seconds.length, cpu.length - 1)]!) };
  }

  it('runs until a run takes at most 25 % more CPU than the next, between the minimum and 5', async () => {
    const { warmUp } = await import('../../src/benchmark/run.js');
    // β-Li3PS4's first runs in one process (CPU s): settled after the third.
    const jit = runs([0.7, 0.41, 0.13, 0.11, 0.1, 0.1]);
    expect(await warmUp(jit.run, 1, jit.seconds)).toBe(4);
    expect(jit.seconds).toEqual([0.7, 0.41, 0.13, 0.11]);
    const steady = runs([18, 17.5, 18.2]);
    expect(await warmUp(steady.run, 1, steady.seconds)).toBe(2);
    const falling = runs([32, 16, 8, 4, 2, 1, 0.5]);
    expect(await warmUp(falling.run, 0, falling.seconds)).toBe(5);
    const many = runs([1, 1, 1, 1, 1, 1, 1]);
    expect(await warmUp(many.run, 6, many.seconds)).toBe(6);
    // No CPU clock (a browser host): the fixed count.
    const noClock = runs([Number.NaN]);
    expect(await warmUp(noClock.run, 1, noClock.seconds)).toBe(1);
    const noClockNone = runs([Number.NaN]);
    expect(await warmUp(noClockNone.run, 0, noClockNone.seconds)).toBe(1);
  });
});

describe('bench results written before the continuum method', () => {
  it('still validate (barrier_method is optional), read as grid thresholds, and --compare flags the barrier figures', async () => {
    const { barrierMethod } = await import('../../src/benchmark/run.js');
    const { barrier_method: _, ...old } = BENCH_SETTINGS.quick;
    expect(barrierMethod(old as BenchSettings)).toBe('grid');
    expect(barrierMethod(BENCH_SETTINGS.quick)).toBe('continuum');

    const now = await bench(undefined);
    const before = structuredClone(now);
    delete before.settings.barrier_method;
    const f = barrierFigure(before);
    f.params = { resolution: 0.05, mode: 'converged' };
    expect(validateBenchResult(before)).toEqual([]);
    const rows = compareResults(now, before);
    expect(rows.find((r) => r.id === 'time_to_barriers_s' && r.backend === 'cpu')!.paramsDiffer).toBe(true);
    expect(rows.find((r) => r.id === 'kernel_pair_terms_per_s' && r.backend === 'cpu')!.paramsDiffer).toBe(false);
    expect(formatCompare(now, before, 'old.json')).toMatch(/different settings \(barrier method, resolution/);
  }, 300_000);
});
