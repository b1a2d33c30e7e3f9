// The bench results schema and its validator, --compare's ratios, and that the measurement core bundles
// for a browser (no Node built-ins) so the preview's bench panel can produce the same JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { compareResults, formatCompare, formatResult } from '../../src/benchmark/report.js';
import type { BenchResult, Figure } from '../../src/benchmark/result-types.js';
import { BENCH_SCHEMA_VERSION } from '../../src/benchmark/result-types.js';
import { mergeResults } from '../../src/benchmark/merge.js';
import { summarize } from '../../src/benchmark/stats.js';
import { BENCH_STRUCTURES } from '../../src/benchmark/structures.js';
import { parseBenchResult, validateBenchResult } from '../../src/benchmark/validate.js';
import { ROOT } from '../screen/helpers.js';

function fig(over: Partial<Figure>): Figure {
  const samples = over.samples ?? [1e8, 1.1e8, 0.9e8];
  const s = summarize(samples);
  return {
    id: 'kernel_pair_terms_per_s',
    backend: 'cpu',
    case: 'LiCl_rocksalt/Li+',
    unit: 'pair terms/s',
    better: 'higher',
    method: 'test',
    params: { resolution: 0.2 },
    details: {},
    samples,
    ...s,
    busy: s.spread > 0.2,
    ...over,
  };
}

function result(figures: Figure[], over: Partial<BenchResult> = {}): BenchResult {
  return {
    schema: 'bvscape-bench',
    schema_version: 1,
    bvscape_version: '0.1.0',
    created: '2026-12-04T20:00:00.000Z',
    mode: 'quick',
    settings: {
      repeats: 3,
      warmups: 1,
      busy_spread: 0.2,
      min_sample_s: 0.25,
      kernel_resolution: 0.2,
      barrier_resolution: 0.2,
      pipeline_copies: 1,
      pipeline_repeats: 3,
      pipeline_resolution: 0.2,
    },
    machine: {
      environment: 'node',
      cpu_model: 'Test CPU',
      cpu_cores: 2,
      memory_bytes: 8 * 2 ** 30,
      os: 'Linux',
      node: 'v20',
      dawn: null,
      browser: null,
      load_average: null,
    },
    structures: [{ id: 'LiCl_rocksalt', file: 'LiCl_rocksalt.cif', formula: 'LiCl', sites: 8, size: 'small', ions: ['Li+'], source: 'Wyckoff' }],
    backends: [
      { id: 'cpu', kind: 'cpu', description: 'cpu: 2 threads', threads: 2, adapter: null, error: null, warnings: [] },
      {
        id: 'webgpu',
        kind: 'webgpu',
        description: 'webgpu: x',
        threads: null,
        adapter: { vendor: 'v', architecture: 'a', device: '', description: 'd', limits: { maxBufferSize: 1024 } },
        error: null,
        warnings: [],
      },
    ],
    figures,
    busy: figures.some((f) => f.busy),
    notes: [],
    elapsed_s: 10,
    ...over,
  };
}

describe('bench results schema', () => {
  it('accepts a complete document and names every problem of broken ones', () => {
    const good = result([fig({}), fig({ id: 'time_to_barriers_s', unit: 's', better: 'lower', samples: [0.5] })]);
    expect(validateBenchResult(good)).toEqual([]);
    expect(validateBenchResult(JSON.parse(JSON.stringify(good)))).toEqual([]);

    const missing = structuredClone(good) as Partial<BenchResult>;
    delete missing.machine;
    expect(validateBenchResult(missing)).toContain("$: missing 'machine'");

    const wrongType = structuredClone(good);
    (wrongType.figures[0] as unknown as { median: string }).median = 'fast';
    expect(validateBenchResult(wrongType).join('\n')).toMatch(/\$\.figures\[0\]\.median: expected number/);

    const extra = structuredClone(good) as BenchResult & { surprise?: number };
    extra.surprise = 1;
    expect(validateBenchResult(extra)).toContain("$: unexpected field 'surprise'");

    const badId = structuredClone(good);
    (badId.figures[0] as unknown as { id: string }).id = 'flops';
    expect(validateBenchResult(badId).join('\n')).toMatch(/figures\[0\]\.id: expected one of/);

    const negative = structuredClone(good);
    negative.figures[0]!.samples = [-1];
    expect(validateBenchResult(negative).join('\n')).toMatch(/samples\[0\]: -1 is below the minimum 0/);

    const nanLimit = structuredClone(good);
    (nanLimit.backends[1]!.adapter!.limits as Record<string, unknown>).maxBufferSize = 'big';
    expect(validateBenchResult(nanLimit).join('\n')).toMatch(/limits\.maxBufferSize: expected number/);
  });

  it('refuses other schema versions and non-JSON with the file name', () => {
    const good = result([fig({})]);
    expect(() => parseBenchResult(JSON.stringify({ ...good, schema_version: BENCH_SCHEMA_VERSION + 1 }), 'old.json')).toThrow(
      /old\.json uses bench schema version 2; this bvscape reads version 1/,
    );
    expect(() => parseBenchResult('{not json', 'x.json')).toThrow(/x\.json is not JSON/);
    expect(() => parseBenchResult('{"rows": []}', 'screen.json')).toThrow(/screen\.json is not a bvscape bench result: \$: missing 'schema'/);
  });

  it('the shipped schema file is the one the validator reads', () => {
    const file = JSON.parse(readFileSync(join(ROOT, 'src/benchmark/bench-result.schema.json'), 'utf8'));
    expect(file.properties.schema_version.const).toBe(BENCH_SCHEMA_VERSION);
    // Both ship with the package (`files`): the structures are read at run time, the schema is for users' tools.
    const files = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).files as string[];
    expect(files).toContain('src/benchmark/structures');
    expect(files).toContain('src/benchmark/bench-result.schema.json');
  });
});

describe('bench --compare', () => {
  it('turns ratios so that > 1 means this run is better, matches backends, and adds best-of rows', () => {
    const mine = result([
      fig({ backend: 'cpu', samples: [1e8] }),
      fig({ backend: 'webgpu', samples: [4e8] }),
      fig({ id: 'time_to_barriers_s', case: 'Li3PS4_beta/Li+', unit: 's', better: 'lower', backend: 'cpu', samples: [2] }),
      fig({ id: 'peak_rss_bytes', case: null, unit: 'bytes', better: 'lower', backend: 'cpu', samples: [200 * 2 ** 20], params: {} }),
    ]);
    const theirs = result([
      fig({ backend: 'cpu', samples: [0.5e8] }),
      fig({ id: 'time_to_barriers_s', case: 'Li3PS4_beta/Li+', unit: 's', better: 'lower', backend: 'cpu', samples: [4], params: { resolution: 0.1 } }),
      fig({ id: 'peak_rss_bytes', case: null, unit: 'bytes', better: 'lower', backend: 'cpu', samples: [100 * 2 ** 20], params: {} }),
    ]);
    const rows = compareResults(mine, theirs);
    const find = (id: string, backend: string) => rows.find((r) => r.id === id && r.backend === backend)!;
    expect(find('kernel_pair_terms_per_s', 'cpu').ratio).toBeCloseTo(2, 12);
    // Best of this run (webgpu, 4e8) against the best of the other (cpu, 0.5e8): "this GPU is 8x that laptop".
    const best = find('kernel_pair_terms_per_s', 'best');
    expect(best.ratio).toBeCloseTo(8, 12);
    expect([best.thisBackend, best.otherBackend]).toEqual(['webgpu', 'cpu']);
    expect(find('time_to_barriers_s', 'cpu').ratio).toBeCloseTo(2, 12); // 2 s here, 4 s there: twice as fast
    expect(find('time_to_barriers_s', 'cpu').paramsDiffer).toBe(true);
    expect(find('peak_rss_bytes', 'cpu').ratio).toBeCloseTo(0.5, 12); // twice the memory: worse
    expect(rows.some((r) => r.backend === 'webgpu')).toBe(false); // the other run has no webgpu figure

    const text = formatCompare(mine, theirs, 'laptop.json');
    expect(text).toMatch(/other run: Test CPU .*laptop\.json/);
    expect(text).toMatch(/energy kernel\s+LiCl_rocksalt\/Li\+\s+best \(webgpu \/ cpu\)\s+4\.00e\+8 pair terms\/s\s+5\.00e\+7 pair terms\/s\s+8\.00x/);
    expect(text).toMatch(/time to barriers .* 2\.00x !/);
    expect(text).toMatch(/measured with different settings/);
    expect(formatResult(mine)).toMatch(/peak memory \(RSS\)\s+-\s+cpu\s+200 MiB/);
  });
});

describe('bench runs merged (one process per backend)', () => {
  it('keeps every backend figure, one host figure, recomputes busy and sums the time', () => {
    const perc = (samples: number[]) => fig({ id: 'percolation_points_per_s', backend: null, unit: 'points/s', samples });
    const cpu = result([fig({ backend: 'cpu' }), perc([1e6, 1e6, 1e6])], { backends: [result([]).backends[0]!], elapsed_s: 10 });
    const gpu = result([fig({ backend: 'webgpu', samples: [1, 2, 3] }), perc([2e6, 2e6, 2e6])], { backends: [result([]).backends[1]!], elapsed_s: 5 });
    const failed = { id: 'webgpu:nvidia', kind: 'webgpu' as const, description: 'webgpu', threads: null, adapter: null, error: 'no adapter', warnings: [] };
    const m = mergeResults([cpu, gpu], [failed]);
    expect(validateBenchResult(m)).toEqual([]);
    expect(m.backends.map((b) => b.id)).toEqual(['cpu', 'webgpu', 'webgpu:nvidia']);
    expect(m.figures.filter((f) => f.backend === null).map((f) => f.median)).toEqual([1e6]);
    expect(m.figures.map((f) => f.backend)).toEqual(['cpu', null, 'webgpu']);
    expect(m.busy).toBe(true); // the webgpu figure's spread is 100 %
    expect(m.notes.filter((n) => n.startsWith('machine busy: 1 figure(s)'))).toHaveLength(1);
    expect(m.elapsed_s).toBe(15);
  });
});

describe('bench core in a browser bundle', () => {
  it('bundles for the browser without Node built-ins (the CPU backend swapped as build-web.mjs does)', async () => {
    const nodeCpu = join(ROOT, 'src/backends/cpu/index.js');
    const out = await esbuild.build({
      stdin: {
        contents: [
          "export { runBench } from './src/benchmark/run.ts';",
          "export { formatResult, formatCompare } from './src/benchmark/report.ts';",
          "export { validateBenchResult } from './src/benchmark/validate.ts';",
          "export { adapterRecord } from './src/benchmark/adapter.ts';",
          "export { mergeResults } from './src/benchmark/merge.ts';",
        ].join('\n'),
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      loader: { '.wgsl': 'text' },
      external: ['@spglib/moyo-wasm'],
      logLevel: 'silent',
      plugins: [
        {
          name: 'browser-guard',
          setup(build) {
            build.onResolve({ filter: /cpu\/index\.js$/ }, (args) =>
              join(args.resolveDir, args.path) === nodeCpu ? { path: join(ROOT, 'src/web/cpu-backend-browser.ts') } : undefined,
            );
            build.onResolve({ filter: /^node:/ }, (args) => ({ errors: [{ text: `${args.path} imported by ${args.importer}` }] }));
          },
        },
      ],
    });
    expect(out.errors).toEqual([]);
    expect(out.outputFiles[0]!.text).toContain('bvscape-bench');
  });

  it('every bundled structure file exists and cites its source', () => {
    for (const s of BENCH_STRUCTURES) {
      const text = readFileSync(join(ROOT, 'src/benchmark/structures', s.file), 'utf8');
      expect(text).toMatch(/^# .*\n# Source: /);
    }
  });
});

describe('bench --quick', () => {
  it('times barriers and the screen at the defaults a user runs, as the standard mode does', async () => {
    const { BENCH_SETTINGS } = await import('../../src/benchmark/run.js');
    const { DEFAULT_SEED_RESOLUTION } = await import('../../src/pipeline/landscape.js');
    for (const mode of ['quick', 'standard'] as const) {
      expect(BENCH_SETTINGS[mode].barrier_resolution, mode).toBe(DEFAULT_SEED_RESOLUTION);
      expect(BENCH_SETTINGS[mode].pipeline_resolution, mode).toBeNull();
    }
  });
});
