// `bvscape merge`: joins shard outputs into one table after checking that they belong to one
// screen (same options and input digest), that every shard 1..N is there exactly once and
// complete, and that no structure appears twice.
import { closeSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { DiskFullError, isNoSpaceError, MergeError } from '../errors.js';
import { sameFile } from '../io/file-identity.js';
import { parseJsonlObject, readJsonlLines } from '../io/tables.js';
import { temporaryPathFor } from '../io/temp-file.js';
import { lockOutput, lockPathFor } from './lock.js';
import { canonicalJson, configChanges, metaPath, readMeta, writeMeta } from './output.js';
import type { ScreenHeader } from './types.js';

export interface MergeReport {
  shards: number;
  entries: number;
  structures: number;
  rows: number;
  /** Problems found (empty when the merge is clean). */
  problems: string[];
}

const shardName = (h: ScreenHeader) => (h.shard ? `${h.shard.index}/${h.shard.count}` : '1/1');

export interface MergeOptions {
  /** Write what there is when shards are missing or unfinished (their problems are returned). Never mixes options or input sets. */
  allowIncomplete?: boolean;
  /** Replace an existing non-empty `out` (else MergeError). */
  overwrite?: boolean;
}

/**
 * Merges shard tables into `out`, holding `out`'s lock (a screen or another merge on it is refused).
 * Throws MergeError listing the problems; with `allowIncomplete`, missing or unfinished shards are
 * written as they are and returned as problems, but shards of different options or input sets never merge.
 */
export async function mergeShards(paths: readonly string[], out: string, o: MergeOptions = {}): Promise<MergeReport> {
  if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string')) throw new MergeError('mergeShards expects an array of shard table paths (strings)');
  if (typeof out !== 'string' || out === '') throw new MergeError('mergeShards needs the path of the merged table (a string)');
  if (paths.length === 0) throw new MergeError('no shard outputs given');
  for (const p of paths) {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) throw new MergeError(`no such file: ${p}`);
    if (!st.isFile()) throw new MergeError(`${p}: not a regular file (a shard's results table is)`);
    for (const [file, what] of [
      [p, 'one of the shards'],
      [metaPath(p), 'the metadata file of a shard'],
      [lockPathFor(p), 'the lock file of a shard'],
    ] as const) {
      if (sameFile(file, out)) throw new MergeError(`the merged table ${out} is ${what} (${file}); choose another name`);
    }
  }
  const outSt = statSync(out, { throwIfNoEntry: false });
  if (outSt && !outSt.isFile()) throw new MergeError(`${out}: not a regular file; the merged table must be a file`);
  // One writer per table: a screen still running on `out`, or a second merge, is refused.
  const lock = lockOutput(out, 'merge');
  try {
    const now = statSync(out, { throwIfNoEntry: false });
    if (now && now.size > 0 && !o.overwrite) throw new MergeError(`${out} already exists; use --overwrite to replace it, or another --out`);
    return await mergeLocked(paths, out, o);
  } finally {
    lock.release();
  }
}

async function mergeLocked(paths: readonly string[], out: string, o: MergeOptions): Promise<MergeReport> {
  const problems: string[] = [];
  const seenIds = new Map<string, string>();
  const seenShards = new Map<number, string>();
  let first: ScreenHeader | null = null;
  let merged: ScreenHeader | null = null;
  let rows = 0;
  let structures = 0;
  let entries = 0;
  const tmp = temporaryPathFor(out);
  /** Problems --allow-incomplete does not excuse: the header written would describe only the first shard. */
  const fatal: string[] = [];
  const fd = openSync(tmp, 'w');
  const write = (text: string) => {
    const b = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < b.length) off += writeSync(fd, b, off, b.length - off);
  };
  try {
    // Headers first (the sidecars): they decide what may be merged.
    const headers: ScreenHeader[] = [];
    for (const p of paths) {
      const h = readMeta(p);
      if (!h) throw new MergeError(`${p} is not a bvscape screen table (no ${metaPath(p)} beside it)`);
      if (h.merged_from) throw new MergeError(`${p} is already a merged table`);
      headers.push(h);
    }
    first = headers[0]!;
    const count = first.shard?.count ?? 1;
    headers.forEach((h, i) => {
      const p = paths[i]!;
      if (canonicalJson(h.config) !== canonicalJson(first!.config)) {
        fatal.push(`${p}: screened with different options than ${paths[0]} (${configChanges(first!.config, h.config)})`);
      }
      if (h.inputs_digest !== first!.inputs_digest || h.entries_total !== first!.entries_total) {
        fatal.push(`${p}: screened a different input set (${h.entries_total} entries, ${h.inputs_digest.slice(0, 19)}...) than ${paths[0]}`);
      }
      if ((h.shard?.count ?? 1) !== count) problems.push(`${p}: shard ${shardName(h)}, but ${paths[0]} is one of ${count}`);
      const idx = h.shard?.index ?? 1;
      const prev = seenShards.get(idx);
      if (prev) problems.push(`shard ${idx}/${count} given twice: ${prev} and ${p}`);
      else seenShards.set(idx, p);
    });
    if (fatal.length > 0) {
      throw new MergeError(`not merged; the shards belong to different screens (also with --allow-incomplete):\n  ${fatal.slice(0, 20).join('\n  ')}`);
    }
    const missing: number[] = [];
    for (let i = 1; i <= count; i++) if (!seenShards.has(i)) missing.push(i);
    if (missing.length > 0) problems.push(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')}`);

    merged = {
      type: 'bvscape-screen',
      format: 1,
      config: first.config,
      shard: null,
      entries_total: first.entries_total,
      entries_in_shard: first.entries_total,
      inputs_digest: first.inputs_digest,
      merged_from: [...paths],
    };

    for (let i = 0; i < paths.length; i++) {
      const p = paths[i]!;
      const h = headers[i]!;
      const files = new Map<string, { structures: number; done: number }>();
      let group: { id: string; count: number; expected: number } | null = null;
      let buffer: string[] = [];
      for await (const l of readJsonlLines(p)) {
        const obj = parseJsonlObject(l.text);
        if (!obj || !l.terminated) {
          problems.push(`${p}:${l.line}: ${l.terminated ? 'not valid JSON' : 'torn last line (the run was interrupted: rerun that shard with --resume)'}`);
          continue;
        }
        const id = String(obj.id);
        const file = String(obj.file);
        if (!group) {
          group = { id, count: 0, expected: Number(obj.rows_in_structure) };
          const other = seenIds.get(id);
          if (other) problems.push(`'${id}' appears in both ${other} and ${p}`);
          else seenIds.set(id, p);
        } else if (group.id !== id) {
          problems.push(`${p}:${l.line}: the rows of '${group.id}' are incomplete`);
          group = { id, count: 0, expected: Number(obj.rows_in_structure) };
        }
        group.count++;
        buffer.push(l.text + '\n');
        if (buffer.length >= 1000) {
          write(buffer.join(''));
          buffer = [];
        }
        rows++;
        if (group.count >= group.expected) {
          structures++;
          let f = files.get(file);
          if (!f) files.set(file, (f = { structures: Number(obj.structures_in_file), done: 0 }));
          f.done++;
          group = null;
        }
      }
      write(buffer.join(''));
      if (group) problems.push(`${p}: the rows of '${group.id}' are incomplete (interrupted run: rerun that shard with --resume)`);
      let complete = 0;
      for (const [file, f] of files) {
        if (f.done >= f.structures) complete++;
        else problems.push(`${p}: '${file}' has ${f.done} of ${f.structures} structures`);
      }
      entries += complete;
      if (files.size !== h.entries_in_shard) {
        problems.push(`${p}: shard ${shardName(h)} has results for ${files.size} of its ${h.entries_in_shard} files (unfinished: rerun it with --resume)`);
      }
    }
    if (entries !== first.entries_total && missing.length === 0) {
      problems.push(`the shards hold ${entries} complete files, the screen has ${first.entries_total}`);
    }
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    if (isNoSpaceError(e)) throw new DiskFullError(`disk full while merging into ${out}; nothing was replaced; free space and run the merge again`);
    throw e;
  }
  closeSync(fd);
  if (problems.length > 0 && !o.allowIncomplete) {
    unlinkSync(tmp);
    const shown = problems.slice(0, 20);
    throw new MergeError(
      `not merged; ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n  ${shown.join('\n  ')}${problems.length > shown.length ? `\n  ... and ${problems.length - shown.length} more` : ''}\n(--allow-incomplete writes what there is)`,
    );
  }
  // The metadata first: a merged table never exists without its sidecar.
  writeMeta(out, merged!);
  renameSync(tmp, out);
  return { shards: paths.length, entries, structures, rows, problems };
}
