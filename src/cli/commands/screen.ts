// `bvscape screen`: BVSE landscapes and percolation barriers for many structures, resumable and
// sharded, one JSONL row per (structure, mobile ion); see src/screen/.
import { availableParallelism } from 'node:os';
import type { Command, OptionValues } from '../command.js';
import {
  backendOption,
  CONNECTIVITY_OPTION,
  connectivityOption,
  GRID_BARRIERS_OPTION,
  flag,
  modelOption,
  optionalPositiveNumber,
  positiveNumber,
  str,
  strs,
  MAX_FILE_SIZE_OPTION,
} from '../command.js';
import { parseOxiOverride } from '../../bvse/oxidation/override.js';
import { UsageError } from '../../errors.js';
import { checkOutputPaths, checkOutputSet, tableSidecars } from '../output-paths.js';
import { formatIon, parseIon } from '../../bvse/ion.js';
import { parseShard, type ShardSpec } from '../../screen/inputs.js';
import { SHARD_COUNT_ENV, shardFromEnvironment } from '../../screen/shard-env.js';
import { runScreen } from '../../screen/screen.js';
import { formatSummary } from '../../screen/derive.js';
import { selectBackend } from '../../backends/select.js';
import {
  DEFAULT_DUAL_ION,
  DEFAULT_SCREEN_CONFIG,
  DEFAULT_SCREEN_TRANSPORT,
  GRID_GUARD_HELP,
  type ScreenConfig,
  type ScreenTransport,
} from '../../screen/types.js';
import { temperatureList } from './transport.js';
import { TRANSPORT_DEFAULTS } from '../../transport/simulate.js';
import { DEFAULT_RESOLUTION } from '../../pipeline/landscape.js';

export function parseDimension(text: string | undefined): 1 | 2 | 3 {
  if (text === '1' || text === '2' || text === '3') return Number(text) as 1 | 2 | 3;
  throw new UsageError(`--dimension expects 1, 2 or 3, got '${text}'`);
}

/** "li" -> "Li", "Li1+" -> "Li+", "S2-" -> "S2-": a charge, when given, in canonical form. */
export function normaliseIon(spec: string): string {
  const ion = parseIon(spec);
  return ion.oxidation === null ? ion.element : formatIon(ion.element, ion.oxidation);
}

export function screenConfigFromArgs(v: OptionValues): ScreenConfig {
  const ions = [
    ...new Set(
      strs(v, 'ion')
        .flatMap((s) => s.split(','))
        .filter((s) => s.trim() !== '')
        .map(normaliseIon),
    ),
  ];
  const dual = flag(v, 'dual-ion');
  const dimension = parseDimension(str(v, 'dimension'));
  if (dual && !ions.some((i) => parseIon(i).element === 'Li')) ions.unshift('Li+');
  const anions = flag(v, 'anions') || dual;
  if (ions.length === 0 && !anions) throw new UsageError('name at least one mobile ion (--ion Li), or use --anions / --dual-ion');
  const model = modelOption(v);
  const ratioMin = positiveNumber(v, 'ratio-min');
  const ratioMax = positiveNumber(v, 'ratio-max');
  if (ratioMin > ratioMax) throw new UsageError(`--ratio-min (${ratioMin}) is above --ratio-max (${ratioMax})`);
  const oxi = str(v, 'oxi');
  const method = flag(v, 'grid-barriers') || flag(v, 'uniform') ? 'grid' : 'continuum';
  return {
    ions,
    anions,
    model,
    method,
    resolution: optionalPositiveNumber(v, 'resolution') ?? (method === 'grid' ? DEFAULT_RESOLUTION : DEFAULT_SCREEN_CONFIG.resolution),
    mode: flag(v, 'uniform') ? 'uniform' : 'converged',
    oxi: oxi ? parseOxiOverride(oxi, '--oxi') : null,
    dimension,
    dualIon: dual ? { liMax: positiveNumber(v, 'li-max'), ratioMin, ratioMax, dimension } : null,
    maxGridPoints: positiveNumber(v, 'max-grid-points', true),
    maxResolution: positiveNumber(v, 'max-resolution'),
    maxSites: positiveNumber(v, 'max-sites', true),
    connectivity: connectivityOption(v),
    ...(flag(v, 'allow-absent-ion') ? { allowAbsentIon: true } : {}),
    ...(flag(v, 'no-symmetry') ? { symmetry: false } : {}),
    ...(flag(v, 'transport') ? { transport: transportOptions(v) } : {}),
    ...(method === 'continuum' && flag(v, 'certify') ? { certify: true } : {}),
  };
}

/** --transport's settings (the --transport-* options; they have defaults, so they are always present). */
function transportOptions(v: OptionValues): ScreenTransport {
  const seedText = str(v, 'transport-seed') ?? String(DEFAULT_SCREEN_TRANSPORT.seed);
  const seed = Number(seedText);
  if (!Number.isInteger(seed)) throw new UsageError(`--transport-seed expects an integer, got '${seedText}'`);
  return {
    temperatures: temperatureList(str(v, 'transport-temperatures') ?? DEFAULT_SCREEN_TRANSPORT.temperatures.join(','), '--transport-temperatures'),
    seed,
    maxSteps: positiveNumber(v, 'transport-max-steps', true),
  };
}

/** --shard i/N, or --shard auto from the scheduler's environment (logged, so the job log says which shard ran). */
export function shardOption(text: string | undefined, countText: string | undefined, env: Record<string, string | undefined> = process.env): ShardSpec | null {
  if (countText !== undefined && text?.trim() !== 'auto') throw new UsageError('--shard-count goes with --shard auto');
  if (text === undefined) return null;
  if (text.trim() !== 'auto') return parseShard(text);
  let count: number | null = null;
  if (countText !== undefined) {
    count = Number(countText);
    if (!Number.isInteger(count) || count < 1) throw new UsageError(`--shard-count expects a whole number >= 1, got '${countText}'`);
  }
  const auto = shardFromEnvironment(env, count);
  process.stderr.write(`shard auto: ${auto.source}\n`);
  return { index: auto.index, count: auto.count };
}

export const screen: Command = {
  name: 'screen',
  summary: 'screen many structures (files, directories, globs, .tar/.tar.gz/.zip, - for stdin): resumable JSONL, shards, summary',
  usage: 'bvscape screen <inputs...> --ion Li [--ion I- ...] [--anions] [--dual-ion] --out results.jsonl [options]',
  options: {
    ion: { type: 'string', short: 'i', multiple: true, arg: 'ION', description: 'mobile ion (repeatable or comma-separated): Li, Na+, Mg2+, I-, S2-' },
    anions: { type: 'boolean', description: "add each structure's anion species as mobile ions" },
    'allow-absent-ion': {
      type: 'boolean',
      description: 'compute ions the structure does not contain (probes, marked in the note) instead of NoMobileIon error rows',
    },
    'dual-ion': { type: 'boolean', description: 'dual-ion criterion: Li+ and every anion, Em(Li+) < --li-max and --ratio-min <= Em(X)/Em(Li+) <= --ratio-max' },
    connectivity: CONNECTIVITY_OPTION,
    dimension: { type: 'string', default: '3', arg: '1|2|3', description: 'percolation dimension for the criterion and the rankings' },
    'li-max': { type: 'string', default: String(DEFAULT_DUAL_ION.liMax), arg: 'EV', description: 'dual-ion: Em(Li+) must be below this' },
    'ratio-min': { type: 'string', default: String(DEFAULT_DUAL_ION.ratioMin), arg: 'R', description: 'dual-ion: lowest Em(X)/Em(Li+)' },
    'ratio-max': { type: 'string', default: String(DEFAULT_DUAL_ION.ratioMax), arg: 'R', description: 'dual-ion: highest Em(X)/Em(Li+)' },
    out: {
      type: 'string',
      short: 'o',
      default: 'results.jsonl',
      arg: 'FILE',
      description: 'results table (JSON Lines, one row per structure and ion, appended as they finish)',
    },
    csv: { type: 'string', arg: 'FILE', description: 'also write the table as CSV at the end' },
    plot: { type: 'string', arg: 'FILE', description: 'also write the dual-ion scatter (SVG) at the end' },
    resolution: {
      type: 'string',
      short: 'r',
      arg: 'ANGSTROM',
      description: `grid spacing: the seed grid of the saddle searches (default ${DEFAULT_SCREEN_CONFIG.resolution}; barriers do not depend on it). With --grid-barriers: the finest grid, whose thresholds the barriers equal (default ${DEFAULT_RESOLUTION})`,
    },
    'grid-barriers': GRID_BARRIERS_OPTION,
    certify: {
      type: 'boolean',
      description:
        'continuum method: bracket each barrier between a rigorous lower bound and the network threshold (columns certified, barrier_1d_lower, …; docs/continuum.md). Costs 3–100× the barriers alone (docs/development.md), so it is off by default in screens',
    },
    uniform: {
      type: 'boolean',
      description: 'with grid barriers: one uniform grid at --resolution instead of converged refinement (as the peers compute; implies --grid-barriers)',
    },
    'no-symmetry': {
      type: 'boolean',
      description:
        'use the atoms as read and evaluate every grid point (default: symmetrize the framework to 2e-3 Å and evaluate one point per orbit, docs/symmetry.md)',
    },
    transport: {
      type: 'boolean',
      description:
        "also run kinetic Monte Carlo of each ion on its landscape's site–hop network: columns transport_ea, transport_log10_sigma_300k, transport_haven_ratio, transport_status, … (docs/transport.md; seconds per structure)",
    },
    'transport-temperatures': {
      type: 'string',
      default: DEFAULT_SCREEN_TRANSPORT.temperatures.join(','),
      arg: 'K,K,...',
      description: 'with --transport: temperatures of the kMC runs (K)',
    },
    'transport-seed': {
      type: 'string',
      default: String(DEFAULT_SCREEN_TRANSPORT.seed),
      arg: 'N',
      description: 'with --transport: random seed (the same seed gives the same columns)',
    },
    'transport-max-steps': {
      type: 'string',
      default: String(DEFAULT_SCREEN_TRANSPORT.maxSteps),
      arg: 'N',
      description: `with --transport: kMC hops per temperature (a run stops earlier once converged; \`bvscape transport\` allows ${TRANSPORT_DEFAULTS.maxSteps})`,
    },
    model: { type: 'string', default: 'bvlain', arg: 'NAME', description: 'energy model: bvlain or softbv' },
    oxi: { type: 'string', arg: 'EL=Q,...', description: 'oxidation states to use for every structure, e.g. Fe=3' },
    backend: { type: 'string', default: 'auto', arg: 'NAME', description: 'grid backend: auto (WebGPU when an adapter exists), webgpu or cpu' },
    adapter: { type: 'string', arg: 'NAME', description: 'WebGPU adapter name substring (e.g. llvmpipe)' },
    workers: { type: 'string', short: 'j', default: String(availableParallelism()), arg: 'N', description: 'worker threads (parsing, percolation)' },
    resume: { type: 'boolean', description: 'continue an interrupted run: keep its rows, redo only what is missing' },
    overwrite: { type: 'boolean', description: 'replace an existing --out instead of refusing' },
    shard: {
      type: 'string',
      arg: 'i/N|auto',
      description: `screen only the i-th of N deterministic shares of the sorted inputs; auto: from a Slurm array (SLURM_ARRAY_TASK_*) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX with --shard-count or ${SHARD_COUNT_ENV})`,
    },
    'shard-count': {
      type: 'string',
      arg: 'N',
      description: `with --shard auto: the number of shards (needed for Kubernetes; overrides the Slurm array size; env ${SHARD_COUNT_ENV})`,
    },
    timeout: { type: 'string', default: '300', arg: 'SECONDS', description: 'per-structure time limit; a structure over it gets an error row' },
    'max-grid-points': { type: 'string', default: String(DEFAULT_SCREEN_CONFIG.maxGridPoints), arg: 'N', description: GRID_GUARD_HELP.screen },
    'max-resolution': {
      type: 'string',
      default: String(DEFAULT_SCREEN_CONFIG.maxResolution),
      arg: 'ANGSTROM',
      description: 'size guard: refuse a cell that would need a coarser grid than this',
    },
    'max-sites': { type: 'string', default: String(DEFAULT_SCREEN_CONFIG.maxSites), arg: 'N', description: 'size guard: refuse cells with more sites' },
    'max-file-size': MAX_FILE_SIZE_OPTION,
    progress: { type: 'string', default: 'auto', arg: 'MODE', description: 'auto (bar on a terminal, log lines otherwise), bar, log or none' },
    processor: {
      type: 'string',
      arg: 'MODULE',
      description: 'advanced: a JS module exporting a StructureProcessor to use instead of BVSE (testing, plug-ins)',
    },
  },
  async run({ positionals, values }) {
    if (positionals.length === 0) throw new UsageError('give at least one input: files, directories, glob patterns, archives, or - for paths on stdin');
    const config = screenConfigFromArgs(values);
    const backend = backendOption(values);
    const progress = str(values, 'progress') ?? 'auto';
    if (!['auto', 'bar', 'log', 'none'].includes(progress)) throw new UsageError(`--progress expects auto, bar, log or none, got '${progress}'`);
    const outputs = [
      ['--out', str(values, 'out') ?? 'results.jsonl'],
      ['--csv', str(values, 'csv')],
      ['--plot', str(values, 'plot')],
    ] as const;
    checkOutputPaths(outputs);
    const shard = shardOption(str(values, 'shard'), str(values, 'shard-count'));
    checkOutputSet({
      inputs: positionals.filter((p) => p !== '-'),
      outputs,
      sidecars: (option, path) => (option === '--out' ? tableSidecars(path) : []),
      overwrite: flag(values, 'overwrite'),
      // Existing outputs are runScreen's to judge, after it has checked them against the files it found.
      existingAllowed: ['--out', '--csv', '--plot'],
      regularFile: ['--out', '--csv', '--plot'],
    });
    const report = await runScreen({
      inputs: positionals,
      ...(positionals.includes('-') ? { stdin: process.stdin } : {}),
      out: str(values, 'out') ?? 'results.jsonl',
      csv: str(values, 'csv') ?? null,
      plot: str(values, 'plot') ?? null,
      config,
      runtime: { backend },
      workers: positiveNumber(values, 'workers', true),
      resume: flag(values, 'resume'),
      overwrite: flag(values, 'overwrite'),
      shard,
      timeoutMs: positiveNumber(values, 'timeout') * 1000,
      processorModule: str(values, 'processor') ?? null,
      createGridBackend: () => {
        const adapter = str(values, 'adapter');
        return selectBackend(backend, { log: (m) => process.stderr.write(`${m}\n`), ...(adapter ? { adapter } : {}) });
      },
      progress: progress as 'auto' | 'bar' | 'log' | 'none',
    });
    process.stdout.write(
      `${formatSummary(report.summary)}\n` +
        `this run: ${report.structuresRun} structures from ${report.entriesRun} files in ${(report.elapsedMs / 1000).toFixed(1)} s` +
        `${report.entriesAlreadyDone > 0 ? ` (${report.entriesAlreadyDone} files were already done)` : ''}\n`,
    );
    return 0;
  },
};
