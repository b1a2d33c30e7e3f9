// The Node side of `bvscape bench`: machine facts from node:os, the bundled structures from the package,
// resident memory from process.memoryUsage, the screen pipeline through runScreen, and the backends.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, arch, cpus, loadavg, platform, release, tmpdir, totalmem, type as osType } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { createCpuBackend } from '../backends/cpu/index.js';
import { createWebGpuBackend } from '../backends/webgpu/index.js';
import { packageRoot } from '../package-root.js';
import { DEFAULT_RESOLUTION, type BarrierMethod } from '../pipeline/landscape.js';
import { parseJsonlObject } from '../io/tables.js';
import { runScreen } from '../screen/screen.js';
import { screenConfig } from '../screen/types.js';
import { adapterRecord } from './adapter.js';
import type { BenchBackendSpec, BenchHost, PipelineRun } from './run.js';
import type { MachineRecord } from './result-types.js';

export function structuresDir(): string {
  return join(packageRoot(), 'src', 'benchmark', 'structures');
}

export function bvscapeVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Version of the installed `webgpu` package (Dawn), or null when it is not installed. */
export function dawnVersion(): string | null {
  try {
    const require = createRequire(join(packageRoot(), 'package.json'));
    let dir = dirname(require.resolve('webgpu'));
    for (let i = 0; i < 6; i++) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'webgpu' && pkg.version) return pkg.version;
      } catch {
        /* keep walking up */
      }
      dir = dirname(dir);
    }
  } catch {
    /* not installed */
  }
  return null;
}

export function nodeMachine(): Omit<MachineRecord, 'load_average'> {
  const list = cpus();
  return {
    environment: 'node',
    cpu_model: list[0]?.model.trim() || null,
    cpu_cores: availableParallelism(),
    memory_bytes: totalmem(),
    os: `${osType()} ${release()} ${arch()}`,
    node: process.version,
    dawn: dawnVersion(),
    browser: null,
  };
}

/** Rows written and error rows in a screen's JSONL output. */
function countRows(path: string): { rows: number; errors: number } {
  let rows = 0;
  let errors = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const o = parseJsonlObject(line);
    if (!o) continue;
    rows++;
    if ((o as { status?: string }).status !== 'ok') errors++;
  }
  return { rows, errors };
}

const PIPELINE_METHOD =
  'bvscape screen (runScreen) with its default settings for the barrier method (see params), one worker per core, grids on the backend: structures / wall time of a whole run, worker start-up included';

export function nodeHost(progress: (msg: string) => void): BenchHost {
  const dir = structuresDir();
  return {
    environment: 'node',
    bvscapeVersion: bvscapeVersion(),
    machine: async () => nodeMachine(),
    loadAverage: () => (platform() === 'win32' ? null : (loadavg()[0] ?? null)),
    readStructure: (file) => readFile(join(dir, file), 'utf8'),
    residentBytes: () => process.memoryUsage.rss(),
    cpuSeconds: () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    },
    pipelineMethod: PIPELINE_METHOD,
    async runPipeline(spec: BenchBackendSpec, files: string[], copies: number, resolution: number | null, method: BarrierMethod): Promise<PipelineRun> {
      const work = mkdtempSync(join(tmpdir(), 'bvscape-bench-'));
      try {
        const inputs = join(work, 'in');
        mkdirSync(inputs);
        for (const f of files) for (let k = 0; k < copies; k++) copyFileSync(join(dir, f), join(inputs, f.replace(/\.cif$/, `_${k}.cif`)));
        const out = join(work, 'rows.jsonl');
        // As `bvscape screen` (continuum barriers on its seed grid) or `bvscape screen --grid-barriers` (0.05 Å converged).
        const config = screenConfig({
          method,
          ...(method === 'grid' ? { resolution: DEFAULT_RESOLUTION } : {}),
          ...(resolution !== null ? { resolution } : {}),
        });
        const workers = availableParallelism();
        const t0 = performance.now();
        const report = await runScreen({
          inputs: [inputs],
          out,
          config,
          runtime: { backend: spec.kind },
          workers,
          resume: false,
          overwrite: true,
          shard: null,
          timeoutMs: 600_000,
          createGridBackend: () => spec.create(() => {}),
          progress: 'none',
          log: new Writable({ write: (_c, _e, cb) => cb() }),
        });
        const ms = performance.now() - t0;
        const { errors } = countRows(out);
        const params = {
          ions: config.ions.join(','),
          method,
          resolution: config.resolution,
          ...(method === 'grid' ? { mode: config.mode } : {}),
          model: config.model,
          workers,
        };
        return { structures: report.structuresRun, failedRows: errors, ms, params };
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    progress,
  };
}

export function cpuSpec(threads?: number): BenchBackendSpec {
  const n = threads ?? availableParallelism();
  return {
    id: 'cpu',
    kind: 'cpu',
    threads: n,
    create: async () => createCpuBackend({ threads: n }),
    adapter: async () => null,
    cliArgs: ['--backend', 'cpu', ...(threads ? ['--threads', String(threads)] : [])],
  };
}

/** A WebGPU backend without the CPU fallback: a lost device must fail the figure, not measure the CPU under a GPU label. */
export function webgpuSpec(adapter?: string): BenchBackendSpec {
  return {
    id: adapter ? `webgpu:${adapter}` : 'webgpu',
    kind: 'webgpu',
    threads: null,
    create: (onWarning) =>
      createWebGpuBackend({
        ...(adapter ? { adapter } : {}),
        onWarning,
        fallback: () => {
          throw new Error('the WebGPU device was lost twice; no CPU fallback during a benchmark');
        },
      }),
    adapter: () => adapterRecord(adapter ? { adapter } : {}),
    cliArgs: ['--backend', 'webgpu', ...(adapter ? ['--adapter', adapter] : [])],
  };
}
