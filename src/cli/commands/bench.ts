// `bvscape bench`: the benchmark users run on their own hardware (bundled structures, nothing else needed).
// Progress on stderr, the table on stdout, the results JSON (schema in src/benchmark/) with --json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { flag, optionalPositiveNumber, str, strs } from '../command.js';
import { InputError, NoAdapterError, UsageError } from '../../errors.js';
import { runBench, type BenchBackendSpec } from '../../benchmark/run.js';
import { cpuSpec, nodeHost, webgpuSpec } from '../../benchmark/node-host.js';
import { openDevice } from '../../backends/webgpu/device.js';
import { formatCompare, formatResult } from '../../benchmark/report.js';
import { parseBenchResult, validateBenchResult } from '../../benchmark/validate.js';
import type { BackendRecord, BenchResult } from '../../benchmark/result-types.js';
import { mergeResults } from '../../benchmark/merge.js';

function readResult(file: string): BenchResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return parseBenchResult(text, file);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The backends to measure for --backend and --adapter (repeatable). */
async function backendSpecs(kind: string, adapters: string[], threads: number | undefined, log: (m: string) => void): Promise<BenchBackendSpec[]> {
  const gpus = (adapters.length ? adapters : [undefined]).map((a) => webgpuSpec(a));
  if (kind === 'cpu') return [cpuSpec(threads)];
  if (kind === 'webgpu') return gpus;
  if (kind === 'all') return [cpuSpec(threads), ...gpus];
  if (kind === 'auto') {
    // What `--backend auto` would use elsewhere (selectBackend): WebGPU when an adapter answers and, unless one is
    // named, is no software rasterizer; else the CPU.
    try {
      // A software adapter is refused (SoftwareAdapterError, a NoAdapterError) before a device is made.
      (await openDevice(adapters[0] ? { adapter: adapters[0] } : { avoidSoftware: true })).destroy();
      return gpus;
    } catch (e) {
      if (!(e instanceof NoAdapterError)) throw e;
      log(`${e.message}; measuring the CPU backend`);
      return [cpuSpec(threads)];
    }
  }
  throw new UsageError(`--backend expects auto, webgpu, cpu or all, got '${kind}'`);
}

/**
 * Several backends: one child `bvscape bench` per backend, so each backend's peak memory is its own (a
 * process keeps the heap an earlier backend grew). Children print their progress to our stderr.
 */
function measureEachInItsOwnProcess(specs: BenchBackendSpec[], shared: string[]): BenchResult {
  const dir = mkdtempSync(join(tmpdir(), 'bvscape-bench-'));
  try {
    const runs: BenchResult[] = [];
    const failed: BackendRecord[] = [];
    specs.forEach((spec, i) => {
      const out = join(dir, `${i}.json`);
      const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, 'bench', ...spec.cliArgs, ...shared, '--json', out], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      if (child.status === 0 && existsSync(out)) runs.push(parseBenchResult(readFileSync(out, 'utf8'), out));
      else
        failed.push({
          id: spec.id,
          kind: spec.kind,
          description: spec.kind,
          threads: spec.threads,
          adapter: null,
          warnings: [],
          error: `its measurement process ended with ${child.status ?? child.signal} (messages above)`,
        });
    });
    if (runs.length === 0) throw new InputError(`no backend could be measured: ${failed.map((b) => `${b.id}: ${b.error}`).join('; ')}`);
    return mergeResults(runs, failed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const bench: Command = {
  name: 'bench',
  summary: 'benchmark this machine: energy kernel, percolation, screen throughput, time to barriers, memory',
  usage: 'bvscape bench [--backend auto|webgpu|cpu|all] [--adapter NAME] [--quick] [--grid-barriers] [--json out.json] [--compare other.json]',
  options: {
    backend: {
      type: 'string',
      arg: 'NAME',
      default: 'auto',
      description: 'auto (WebGPU when an adapter exists, else CPU), webgpu, cpu, or all (CPU and every --adapter)',
    },
    adapter: { type: 'string', arg: 'NAME', multiple: true, description: 'WebGPU adapter (a substring of its name); repeat to measure several' },
    threads: { type: 'string', arg: 'N', description: 'CPU backend threads (default: all cores)' },
    quick: {
      type: 'boolean',
      description:
        'a short run at the default settings (fewer repeats; the kernel rate on 0.2 Å grids): about 25 s of CPU time per backend on a 2-core machine',
    },
    'grid-barriers': {
      type: 'boolean',
      description:
        "time barriers and the screen as `landscape`/`screen --grid-barriers` compute them (a grid's percolation thresholds, converged to 0.05 Å) instead of the continuous field's saddle points",
    },
    repeats: {
      type: 'string',
      arg: 'N',
      description: 'timed repeats per figure (default: 3 with --quick, else 5; the screen pipeline 2 with --quick, else 3)',
    },
    json: {
      type: 'string',
      arg: 'FILE',
      description: 'write the results JSON (schema src/benchmark/bench-result.schema.json); - for stdout instead of the table',
    },
    compare: { type: 'string', arg: 'FILE', description: "print this run next to another run's JSON, with ratios per figure" },
    load: { type: 'string', arg: 'FILE', description: 'use a saved results JSON instead of measuring (with --compare: compare two saved runs)' },
  },
  async run({ values }) {
    const log = (m: string) => process.stderr.write(`${m}\n`);
    const other = str(values, 'compare');
    const otherResult = other ? readResult(other) : null;
    const loaded = str(values, 'load');
    const repeats = optionalPositiveNumber(values, 'repeats', true);
    const threads = optionalPositiveNumber(values, 'threads', true);
    const jsonOut = str(values, 'json');

    let result: BenchResult;
    if (loaded) {
      result = readResult(loaded);
    } else {
      const specs = await backendSpecs(str(values, 'backend') ?? 'auto', strs(values, 'adapter'), threads, log);
      const gridBarriers = flag(values, 'grid-barriers');
      const shared = [
        ...(flag(values, 'quick') ? ['--quick'] : []),
        ...(gridBarriers ? ['--grid-barriers'] : []),
        ...(repeats ? ['--repeats', String(repeats)] : []),
      ];
      result =
        specs.length === 1
          ? await runBench(nodeHost(log), {
              mode: flag(values, 'quick') ? 'quick' : 'standard',
              barriers: gridBarriers ? 'grid' : 'continuum',
              backends: specs,
              ...(repeats ? { settings: { repeats } } : {}),
            })
          : measureEachInItsOwnProcess(specs, shared);
      const problems = validateBenchResult(result);
      if (problems.length) throw new Error(`bench result does not match its own schema: ${problems.join('; ')}`);
      const failed = result.backends.filter((b) => b.error !== null);
      if (failed.length === result.backends.length) {
        // Nothing measured: for an explicit --backend webgpu that is the user's setup, not a bug.
        throw new InputError(`no backend could be measured: ${failed.map((b) => `${b.id}: ${b.error}`).join('; ')}`);
      }
    }

    if (jsonOut === '-') process.stdout.write(JSON.stringify(result, null, 1) + '\n');
    else {
      if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 1) + '\n');
      process.stdout.write(formatResult(result) + '\n');
    }
    // With --json - the JSON owns stdout, so the comparison goes to stderr.
    if (otherResult) (jsonOut === '-' ? process.stderr : process.stdout).write('\n' + formatCompare(result, otherResult, other!) + '\n');
    return 0;
  },
};
