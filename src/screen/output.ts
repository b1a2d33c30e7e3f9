// The append-only results table. Each structure's rows go out in ONE write(2) call, so a kill
// (SIGKILL included) can only leave a torn or incomplete group at the very end, which --resume
// detects (rows_in_structure tells how many rows a group has) and cuts off before continuing.
// The run's metadata (options, shard, input digest) lives in a sidecar `<table>.meta.json`, so that
// every line of the table is a row: pandas.read_json(path, lines=True) and polars.read_ndjson read
// it in one call.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, truncateSync, writeSync, existsSync, statSync } from 'node:fs';
import { temporaryPathFor } from '../io/temp-file.js';
import { InputError, ResumeError } from '../errors.js';
import { jsonlLine, parseJsonlObject, readJsonlLines } from '../io/tables.js';
import type { ScreenHeader, ScreenRow } from './types.js';

/** JSON with object keys sorted, so two configs compare equal whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

function isHeader(o: Record<string, unknown> | null): o is Record<string, unknown> & ScreenHeader {
  return o !== null && o.type === 'bvscape-screen';
}

/** Where a table's metadata lives: `results.jsonl` -> `results.jsonl.meta.json`. */
export const META_SUFFIX = '.meta.json';
export function metaPath(table: string): string {
  return `${table}${META_SUFFIX}`;
}

/** Writes the sidecar atomically (temporary file, fsync, rename): it is either the old or the new one. */
export function writeMeta(table: string, header: ScreenHeader): void {
  const target = metaPath(table);
  const tmp = temporaryPathFor(target);
  const fd = openSync(tmp, 'w');
  try {
    try {
      const buf = Buffer.from(JSON.stringify(header, null, 2) + '\n', 'utf8');
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true }); // e.g. a full disk: no half-written file stays behind
    throw e;
  }
}

/** The sidecar's header; null when there is none; InputError when it exists but is not one. */
export function readMeta(table: string): ScreenHeader | null {
  const p = metaPath(table);
  if (!existsSync(p)) return null;
  let o: unknown;
  try {
    o = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    throw new InputError(`${p}: not valid JSON (${(e as Error).message}); it should hold the screen's options (delete it only together with ${table})`);
  }
  if (typeof o !== 'object' || o === null || !isHeader(o as Record<string, unknown>)) {
    throw new InputError(`${p} is not a bvscape screen metadata file`);
  }
  return o as ScreenHeader;
}

export class RowWriter {
  private fd: number;
  rowsWritten = 0;

  constructor(
    readonly path: string,
    mode: 'append' | 'create',
  ) {
    this.fd = openSync(path, mode === 'append' ? 'a' : 'w');
  }

  private writeAll(text: string): void {
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
  }

  /** The run's metadata, into the sidecar (the table itself holds only rows). */
  writeHeader(h: ScreenHeader): void {
    writeMeta(this.path, h);
  }

  /** All rows of one structure, in one write. */
  writeGroup(rows: readonly ScreenRow[]): void {
    if (rows.length === 0) return;
    this.writeAll(rows.map(jsonlLine).join(''));
    this.rowsWritten += rows.length;
  }

  close(): void {
    try {
      fsyncSync(this.fd);
    } catch {
      /* e.g. a pipe */
    }
    closeSync(this.fd);
  }
}

export interface ResumeState {
  /** Structures whose rows are all present. */
  doneIds: Set<string>;
  /** Per entry (file): structure ids done, and how many structures it has. */
  files: Map<string, { structures: number; done: string[] }>;
  rowsKept: number;
  /** Bytes cut off the end (torn line or incomplete group), 0 when the file was clean. */
  bytesDiscarded: number;
  /** The file is empty (a run killed before its first row): start it afresh. */
  fresh: boolean;
}

/** The options in which two configurations differ, old → new: "resolution 0.1 → 0.2, mode uniform → converged". */
export function configChanges(old: object, now: object): string {
  const a = old as Record<string, unknown>,
    b = now as Record<string, unknown>;
  const show = (v: unknown) => (v === undefined ? '(unset)' : typeof v === 'string' ? v : canonicalJson(v));
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .sort()
    .filter((k) => canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null))
    .map((k) => `${k} ${show(a[k])} → ${show(b[k])}`)
    .join(', ');
}

export function describeHeaderMismatch(old: ScreenHeader, now: ScreenHeader): string | null {
  if (canonicalJson(old.config) !== canonicalJson(now.config)) {
    return `it was started with different options (${configChanges(old.config, now.config)})`;
  }
  if (canonicalJson(old.shard) !== canonicalJson(now.shard)) {
    const f = (s: ScreenHeader['shard']) => (s ? `${s.index}/${s.count}` : 'none');
    return `it is for shard ${f(old.shard)}, not ${f(now.shard)}`;
  }
  if (old.inputs_digest !== now.inputs_digest || old.entries_total !== now.entries_total) {
    return `the inputs changed since it was started (${old.entries_total} entries then, ${now.entries_total} now)`;
  }
  return null;
}

/**
 * Reads an existing results file for --resume: checks its header against this run's, collects
 * the finished structures and cuts off a torn last line or an incomplete last group.
 */
export async function scanForResume(path: string, header: ScreenHeader): Promise<ResumeState> {
  const state: ResumeState = { doneIds: new Set(), files: new Map(), rowsKept: 0, bytesDiscarded: 0, fresh: false };
  if (!existsSync(path) || statSync(path).size === 0) return { ...state, fresh: true };
  const size = statSync(path).size;
  const meta = readMeta(path);
  if (!meta) {
    throw new ResumeError(
      `${path} is not a bvscape screen table (no ${metaPath(path)} beside it); refusing to append to it with --resume. Use another --out, or --overwrite to replace it`,
    );
  }
  const why = describeHeaderMismatch(meta, header);
  if (why) throw new ResumeError(`cannot resume ${path}: ${why} (see ${metaPath(path)}). Use another --out, or --overwrite to start again`);
  let cutAt: number | null = null;
  let badLine: { line: number; offset: number } | null = null;
  let group: { id: string; file: string; start: number; count: number; expected: number; structures: number } | null = null;

  const closeGroup = () => {
    if (!group) return;
    state.doneIds.add(group.id);
    let f = state.files.get(group.file);
    if (!f) state.files.set(group.file, (f = { structures: group.structures, done: [] }));
    f.structures = group.structures;
    f.done.push(group.id);
    group = null;
  };

  for await (const l of readJsonlLines(path)) {
    if (badLine)
      throw new ResumeError(
        `${path}:${badLine.line}: not a valid result line (the file was edited or written by two runs at once); fix or remove it, or start afresh without --resume`,
      );
    const obj = l.terminated ? parseJsonlObject(l.text) : null;
    if (!obj) {
      if (!l.terminated) {
        cutAt = group ? group.start : l.offset;
        break;
      }
      badLine = { line: l.line, offset: l.offset };
      continue;
    }
    const id = typeof obj.id === 'string' ? obj.id : null;
    const file = typeof obj.file === 'string' ? obj.file : null;
    const expected = typeof obj.rows_in_structure === 'number' ? obj.rows_in_structure : NaN;
    const structures = typeof obj.structures_in_file === 'number' ? obj.structures_in_file : NaN;
    if (id === null || file === null || !(expected >= 1) || !(structures >= 1)) {
      throw new ResumeError(`${path}:${l.line}: a row without id/file/rows_in_structure/structures_in_file; not written by bvscape screen`);
    }
    if (group && group.id !== id) {
      throw new ResumeError(
        `${path}:${l.line}: the rows of '${group.id}' are incomplete but more rows follow; the file was written by two runs at once or edited`,
      );
    }
    if (!group) group = { id, file, start: l.offset, count: 0, expected, structures };
    group.count++;
    state.rowsKept++;
    if (group.count === group.expected) closeGroup();
  }
  if (badLine) cutAt = group ? (group as { start: number }).start : badLine.offset;
  else if (group && cutAt === null) cutAt = (group as { start: number }).start;
  if (group) state.rowsKept -= (group as { count: number }).count;
  if (cutAt !== null) {
    truncateSync(path, cutAt);
    state.bytesDiscarded = size - cutAt;
  }
  return state;
}
