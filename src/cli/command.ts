import { UsageError } from '../errors.js';
import { BACKEND_KINDS, isBackendKind, type BackendKind } from '../backends/kind.js';
import { DEFAULT_MODEL, isModelName, models, type ModelName } from '../bvse/model.js';
import { DEFAULT_MAX_FILE_BYTES, formatBytes, MAX_FILE_SIZE_ENV, maxFileBytes, parseByteSize } from '../structure/size-limit.js';

// What every CLI command module exports. Options are declared once and drive both parsing
// (node:util parseArgs) and --help, so the help text always shows the real defaults.

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in --help and applied when the option is absent. */
  default?: string | boolean;
  /** Placeholder shown in --help, e.g. "FILE" or "0.1". */
  arg?: string;
  description: string;
}

export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface ParsedArgs {
  positionals: string[];
  values: OptionValues;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** e.g. "bvscape info <file...> [options]". */
  usage: string;
  options: Record<string, OptionSpec>;
  /** Returns the process exit code (0 success, 2 input error, 1 bug); throw InputError for bad input. */
  run(args: ParsedArgs): Promise<number>;
}

/** Typed accessors for parsed option values. */
export function str(v: OptionValues, name: string): string | undefined {
  const x = v[name];
  return typeof x === 'string' ? x : undefined;
}

export function strs(v: OptionValues, name: string): string[] {
  const x = v[name];
  if (Array.isArray(x)) return x.filter((s): s is string => typeof s === 'string');
  return typeof x === 'string' ? [x] : [];
}

export function flag(v: OptionValues, name: string): boolean {
  return v[name] === true;
}

/** A positive (optionally integer) number option; UsageError otherwise. Options with a default are always present. */
export function positiveNumber(v: OptionValues, name: string, integer = false): number {
  const text = str(v, name);
  const x = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(x) || x <= 0 || (integer && !Number.isInteger(x))) {
    throw new UsageError(`--${name} expects a positive ${integer ? 'integer' : 'number'}, got '${text ?? ''}'`);
  }
  return x;
}

/** Like positiveNumber, for an option without a default: undefined when absent. */
export function optionalPositiveNumber(v: OptionValues, name: string, integer = false): number | undefined {
  return str(v, name) === undefined ? undefined : positiveNumber(v, name, integer);
}

/** --backend: auto (WebGPU when an adapter exists, else CPU), webgpu or cpu. */
export function backendOption(v: OptionValues): BackendKind {
  const k = str(v, 'backend') ?? 'auto';
  if (!isBackendKind(k)) throw new UsageError(`--backend expects ${orList(BACKEND_KINDS)}, got '${k}'`);
  return k;
}

/** "a, b or c". */
function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** --model: one of the models src/bvse/model.ts defines. */
export function modelOption(v: OptionValues): ModelName {
  const m = str(v, 'model') ?? DEFAULT_MODEL;
  if (!isModelName(m)) throw new UsageError(`--model expects ${orList(Object.keys(models))}, got '${m}'`);
  return m;
}

/** --connectivity: grid neighbours in the percolation sweep (6 faces, 18 +edges, 26 +corners). */
export function connectivityOption(v: OptionValues): 6 | 18 | 26 {
  const text = str(v, 'connectivity') ?? '6';
  if (text === '6' || text === '18' || text === '26') return Number(text) as 6 | 18 | 26;
  throw new UsageError(`--connectivity expects 6, 18 or 26, got '${text}'`);
}

export const CONNECTIVITY_OPTION: OptionSpec = {
  type: 'string',
  arg: '6|18|26',
  default: '6',
  description:
    'grid neighbours a path may step to: 6 (faces), 18 (faces and edges: diagonal steps in a plane) or 26 (faces, edges and corners, as bvlain); more neighbours can only lower barriers',
};

/** `--grid-barriers` of landscape and screen: the grid method instead of the continuum default. */
export const GRID_BARRIERS_OPTION: OptionSpec = {
  type: 'boolean',
  description:
    "barriers as a grid's percolation thresholds (converged to --resolution), as the peers compute them, instead of the continuous field's saddle points",
};

export const MAX_FILE_SIZE_OPTION: OptionSpec = {
  type: 'string',
  arg: 'SIZE',
  description: `largest structure file read, after decompression, e.g. 64M, 1G (default ${formatBytes(DEFAULT_MAX_FILE_BYTES)}, or ${MAX_FILE_SIZE_ENV})`,
};

/** --max-file-size: validated, then put in the environment so the readers (and screen workers) see it. */
export function applyMaxFileSize(v: OptionValues): void {
  const text = str(v, 'max-file-size');
  if (text === undefined) {
    maxFileBytes(); // a bad BVSCAPE_MAX_FILE_SIZE stops here, before any file is read
    return;
  }
  const n = parseByteSize(text);
  if (n === null) throw new UsageError(`--max-file-size expects a size such as 64M, 1G or 1048576, got '${text}'`);
  process.env[MAX_FILE_SIZE_ENV] = String(n);
}
