// `bvscape screen` as a library call: discover -> shard -> resume -> worker pool -> JSONL, then
// the CSV, the plot and the summary derived from the JSONL.
import { existsSync, statSync } from 'node:fs';
import { fileKey } from '../io/file-identity.js';
import { isAbsolute, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { EnergyBackend } from '../backends/types.js';
import { DiskFullError, InputError, isNoSpaceError, UsageError } from '../errors.js';
import { deriveOutputs, type TableSummary } from './derive.js';
import { discoverEntries, inputsDigest, iterateEntryInputs, selectShard, type Discovery, type Entry, type ShardSpec } from './inputs.js';
import { lockOutput } from './lock.js';
import { metaPath, RowWriter, scanForResume } from './output.js';
import { ScreenPool, WorkerStartError } from './pool.js';
import { Progress, type ProgressMode } from './progress.js';
import { workerBundle } from '../package-root.js';
import type { RuntimeConfig, ScreenConfig, ScreenHeader, ScreenRow } from './types.js';

export interface ScreenOptions {
  inputs: string[];
  stdin?: Readable;
  out: string;
  csv?: string | null;
  plot?: string | null;
  config: ScreenConfig;
  runtime: RuntimeConfig;
  workers: number;
  resume: boolean;
  /** Replace an existing non-empty output instead of refusing. */
  overwrite: boolean;
  shard: ShardSpec | null;
  /** Per-structure wall-clock limit (ms). */
  timeoutMs: number;
  /** A module path or URL exporting a StructureProcessor, instead of the built-in BVSE one. */
  processorModule?: string | null;
  /** Builds the main thread's grid backend for the built-in processor (GPU or CPU pool). */
  createGridBackend?: () => Promise<EnergyBackend>;
  progress: ProgressMode | 'auto';
  progressIntervalMs?: number;
  /** Progress and log lines (default process.stderr). */
  log?: Writable;
  workerFile?: string;
}

export interface ScreenReport {
  entriesTotal: number;
  entriesInShard: number;
  /** Entries already complete in the output (resume). */
  entriesAlreadyDone: number;
  entriesRun: number;
  structuresRun: number;
  rowsWritten: number;
  /** Bytes cut from a killed run's tail on resume. */
  bytesDiscarded: number;
  elapsedMs: number;
  summary: TableSummary;
}

export function buildHeader(config: ScreenConfig, shard: ShardSpec | null, all: readonly Entry[], inShard: number): ScreenHeader {
  return {
    type: 'bvscape-screen',
    format: 1,
    config,
    shard: shard ? { index: shard.index, count: shard.count } : null,
    entries_total: all.length,
    entries_in_shard: inShard,
    inputs_digest: inputsDigest(all),
  };
}

export async function runScreen(o: ScreenOptions): Promise<ScreenReport> {
  const t0 = performance.now();
  validateOptions(o);
  const discovery = await discoverEntries(o.inputs, o.stdin ? { stdin: o.stdin } : {});
  // An output that is also an input (a file named, or found in an input directory) would be destroyed.
  const outputs: Array<[string, string]> = [
    [o.out, 'the results table'],
    [metaPath(o.out), "the results table's metadata file"],
    ...(o.csv ? [[o.csv, 'the CSV output'] as [string, string]] : []),
    ...(o.plot ? [[o.plot, 'the plot output'] as [string, string]] : []),
  ];
  const outputKeys = new Map(outputs.map(([p, what]) => [fileKey(p), `${what} ${p}`]));
  for (const src of discovery.sources) {
    const clash = outputKeys.get(fileKey(src.path));
    if (clash) throw new UsageError(`${clash} is one of the inputs (${src.id}); choose another name`);
  }
  if (discovery.entries.length === 0) throw new UsageError('no structure files found in the inputs');
  // The table is appended to, locked and resumed next to its sidecars: a device or pipe cannot be one.
  const outStat = statSync(o.out, { throwIfNoEntry: false });
  if (outStat && !outStat.isFile()) throw new UsageError(`${o.out}: not a regular file; the results table must be a file`);
  // The CSV and the plot are derived from the table: replaced with --overwrite, or by the run they belong to (--resume).
  for (const [flagName, p] of [
    ['--csv', o.csv],
    ['--plot', o.plot],
  ] as const) {
    const st = p ? statSync(p, { throwIfNoEntry: false }) : undefined;
    if (st?.isFile() && st.size > 0 && !o.overwrite && !o.resume)
      throw new UsageError(`${flagName} ${p} already exists; use --overwrite to replace it, or another name`);
  }
  // One run per output at a time: two appending runs would duplicate and tear rows.
  const lock = lockOutput(o.out, 'screen');
  try {
    return await screenLocked(o, discovery, t0);
  } finally {
    lock.release();
  }
}

/** Library callers get the CLI's typed errors for options of the wrong type, not a TypeError from deep inside. */
function validateOptions(o: ScreenOptions): void {
  if (typeof o !== 'object' || o === null) throw new UsageError('runScreen expects an options object');
  if (!Array.isArray(o.inputs) || o.inputs.some((p) => typeof p !== 'string')) {
    throw new UsageError(
      `inputs must be an array of paths (strings), got ${typeof o.inputs === 'string' ? `the string '${o.inputs}' (wrap it in [ ])` : (JSON.stringify(o.inputs) ?? typeof o.inputs)}`,
    );
  }
  if (o.inputs.length === 0) throw new UsageError('give at least one input: files, directories, glob patterns, archives, or - for paths on stdin');
  if (typeof o.out !== 'string' || o.out === '') throw new UsageError('out must be the path of the results table (a string)');
  for (const [name, v] of [
    ['csv', o.csv],
    ['plot', o.plot],
  ] as const) {
    if (v !== undefined && v !== null && typeof v !== 'string') throw new UsageError(`${name} must be a path (a string) or null`);
  }
  if (!Number.isInteger(o.workers) || o.workers < 1 || o.workers > 4096)
    throw new UsageError(`workers must be a whole number from 1 to 4096, got ${String(o.workers)}`);
  if (!(typeof o.timeoutMs === 'number' && o.timeoutMs > 0)) throw new UsageError(`timeoutMs must be a positive number, got ${String(o.timeoutMs)}`);
  if (typeof o.config !== 'object' || o.config === null) throw new UsageError('config must be a screen configuration object');
  if (o.shard !== null && o.shard !== undefined) {
    const { index, count } = o.shard;
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || index < 1 || index > count)
      throw new UsageError(`shard must be { index, count } with 1 <= index <= count, got ${JSON.stringify(o.shard)}`);
  }
}

async function screenLocked(o: ScreenOptions, discovery: Discovery, t0: number): Promise<ScreenReport> {
  const log = o.log ?? process.stderr;
  const mine = selectShard(discovery.entries, o.shard);
  const header = buildHeader(o.config, o.shard, discovery.entries, mine.length);

  // Output: fresh, or resume what a previous (possibly killed) run left.
  let skipByFile = new Map<string, string[]>();
  let alreadyDone = new Set<string>();
  let bytesDiscarded = 0;
  let mode: 'append' | 'create' = 'create';
  const exists = existsSync(o.out) && statSync(o.out).size > 0;
  if (exists && !o.resume && !o.overwrite) {
    throw new UsageError(`${o.out} already exists; use --resume to continue it or --overwrite to start again`);
  }
  if (exists && o.resume) {
    const state = await scanForResume(o.out, header);
    bytesDiscarded = state.bytesDiscarded;
    if (!state.fresh) {
      mode = 'append';
      for (const [file, f] of state.files) {
        if (f.done.length >= f.structures) alreadyDone.add(file);
        else skipByFile.set(file, f.done);
      }
    }
  }
  // A full disk (or quota, or file-size limit) ends the run with the rows written so far kept for --resume.
  const diskFull = (rows: number) => new DiskFullError(`disk full: ${rows} rows written to ${o.out}; free space and rerun with --resume`);
  let writer: RowWriter;
  try {
    writer = new RowWriter(o.out, mode);
    if (mode === 'create') writer.writeHeader(header);
  } catch (e) {
    throw isNoSpaceError(e) ? diskFull(0) : e;
  }
  let writeFailure: Error | null = null;

  const work = mine.filter((e) => !alreadyDone.has(e.id));
  const progressMode: ProgressMode = o.progress === 'auto' ? ((log as { isTTY?: boolean }).isTTY ? 'bar' : 'log') : o.progress;
  const progress = new Progress({
    total: work.length,
    previouslyDone: mine.length - work.length,
    mode: progressMode,
    stream: log,
    intervalMs: o.progressIntervalMs ?? (progressMode === 'bar' ? 250 : 5000),
  });
  if (progressMode !== 'none') {
    const resumed = mine.length - work.length;
    log.write(
      `screen: ${mine.length} files${o.shard ? ` in shard ${o.shard.index}/${o.shard.count} of ${discovery.entries.length}` : ''}` +
        `${resumed > 0 ? `, ${resumed} already done` : ''}${bytesDiscarded > 0 ? `, discarded ${bytesDiscarded} bytes of an interrupted write` : ''}` +
        `, ${o.workers} workers -> ${o.out}\n`,
    );
  }

  const processorModule = o.processorModule
    ? /^[a-z]+:/i.test(o.processorModule) && !isAbsolute(o.processorModule)
      ? o.processorModule
      : pathToFileURL(resolve(o.processorModule)).href
    : null;
  const gridsOnMain = !processorModule && !!o.createGridBackend;
  const gridBackend = gridsOnMain ? await o.createGridBackend!() : undefined;
  const workerFile = o.workerFile ?? workerBundle('screen');
  if (!existsSync(workerFile)) throw new InputError(`${workerFile} is missing; run \`npm run build\` first`);

  let structuresRun = 0;
  const pool = new ScreenPool({
    workers: o.workers,
    workerFile,
    init: {
      config: o.config,
      runtime: o.runtime,
      processorModule,
      gridsOnMain,
      gridBackend: gridBackend
        ? {
            name: gridBackend.name,
            description: gridBackend.description,
            capabilities: gridBackend.capabilities,
            pointSets: typeof gridBackend.computeBricks === 'function',
          }
        : null,
    },
    timeoutMs: o.timeoutMs,
    ...(gridBackend ? { gridBackend } : {}),
    onGroup: (rows: ScreenRow[]) => {
      if (writeFailure) return;
      try {
        writer.writeGroup(rows);
      } catch (e) {
        // Thrown inside a worker's message handler, it would crash the process with a raw trace: stop the pool instead.
        writeFailure = isNoSpaceError(e) ? diskFull(writer.rowsWritten) : (e as Error);
        pool.abort(writeFailure);
        return;
      }
      structuresRun++;
      progress.structure(rows.some((r) => r.status !== 'ok'));
    },
    onEntryDone: () => progress.entry(),
  });
  try {
    for await (const input of iterateEntryInputs(discovery, work)) {
      await pool.submit(input, skipByFile.get(input.file) ?? []);
    }
    await pool.drain();
  } catch (e) {
    // A --processor module that does not load is the user's input, not a bvscape bug.
    if (e instanceof WorkerStartError && processorModule) throw new UsageError(`--processor ${o.processorModule}: ${e.message.split('\n')[0]}`);
    throw e;
  } finally {
    progress.finish();
    await pool.close();
    writer.close();
    await gridBackend?.dispose();
  }
  skipByFile = new Map();
  alreadyDone = new Set();

  let summary: TableSummary;
  try {
    summary = await deriveOutputs(o.out, { csv: o.csv ?? null, plot: o.plot ?? null });
  } catch (e) {
    if (!isNoSpaceError(e)) throw e;
    throw new DiskFullError(
      `disk full while writing ${[o.csv, o.plot].filter(Boolean).join(' and ')}: the table ${o.out} is complete (${writer.rowsWritten} rows this run); free space and rerun with --resume`,
    );
  }
  return {
    entriesTotal: discovery.entries.length,
    entriesInShard: mine.length,
    entriesAlreadyDone: mine.length - work.length,
    entriesRun: work.length,
    structuresRun,
    rowsWritten: writer.rowsWritten,
    bytesDiscarded,
    elapsedMs: performance.now() - t0,
    summary,
  };
}
