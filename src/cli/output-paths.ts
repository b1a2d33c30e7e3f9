// Output files named on the command line are checked before any computation: a typo in a
// directory must not cost a long run and end in a stack trace.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { OptionSpec } from './command.js';
import { fileKey } from '../io/file-identity.js';
import { lockPathFor } from '../screen/lock.js';
import { metaPath } from '../screen/output.js';

/** --overwrite for commands that write files: an existing non-empty output is refused without it. */
export const OVERWRITE_OPTION: OptionSpec = { type: 'boolean', description: 'replace existing output files instead of refusing' };

/** Throws a UsageError naming the option when `path` cannot be written as a file. */
export function checkOutputPath(option: string, path: string): void {
  const full = resolve(path);
  const st = statSync(full, { throwIfNoEntry: false });
  if (st?.isDirectory()) throw new UsageError(`${option} ${path}: is a directory; give a file name`);
  const dir = dirname(full);
  const dst = statSync(dir, { throwIfNoEntry: false });
  if (!dst) throw new UsageError(`${option} ${path}: the directory ${dirname(path)} does not exist`);
  if (!dst.isDirectory()) throw new UsageError(`${option} ${path}: ${dirname(path)} is not a directory`);
  try {
    accessSync(st ? full : dir, constants.W_OK);
  } catch {
    throw new UsageError(`${option} ${path}: permission denied (cannot write ${st ? 'the file' : `in ${dirname(path)}`})`);
  }
}

/** checkOutputPath for each [option, path] whose path is set. */
export function checkOutputPaths(pairs: ReadonlyArray<readonly [string, string | undefined | null]>): void {
  for (const [option, path] of pairs) if (path) checkOutputPath(option, path);
}

export interface OutputSet {
  /** Files the command reads. */
  inputs: readonly string[];
  /** Files kept next to an input that must not be overwritten either: [path, what], e.g. a shard's metadata. */
  inputSidecars?: (input: string) => ReadonlyArray<readonly [string, string]>;
  /** [option, path] of each output file; unset paths are ignored. */
  outputs: ReadonlyArray<readonly [string, string | undefined | null]>;
  /** Files written next to an output: [path, what], e.g. [`${out}.meta.json`, 'the metadata file']. */
  sidecars?: (option: string, path: string) => ReadonlyArray<readonly [string, string]>;
  /** Replace existing output files; without it an existing non-empty file is refused. */
  overwrite: boolean;
  /** Options whose existing file may be replaced anyway (checked elsewhere, or the run's own from before). */
  existingAllowed?: readonly string[];
  /** Options that must name a regular file (written to a temporary file and renamed onto the name). */
  regularFile?: readonly string[];
}

/**
 * Refuses (UsageError) an output that is an input, another output, or a file kept next to either
 * (paths compared as files, not as strings), an existing file without --overwrite, and a device or
 * pipe where a table is needed. Runs before any computation, after checkOutputPaths.
 */
export function checkOutputSet(s: OutputSet): void {
  const inputKeys = new Map<string, string>();
  for (const p of s.inputs) {
    inputKeys.set(fileKey(p), s.inputs.length === 1 ? 'the input' : 'one of the inputs');
    for (const [side, what] of s.inputSidecars?.(p) ?? []) inputKeys.set(fileKey(side), `${what} of ${s.inputs.length === 1 ? 'the input' : 'an input'}`);
  }
  const taken = new Map<string, string>(); // file key -> what it is for this command
  const outputs = s.outputs.filter((o): o is readonly [string, string] => !!o[1]);
  for (const [option, path] of outputs) {
    const key = fileKey(path);
    const input = inputKeys.get(key);
    if (input) throw new UsageError(`${option} ${path} is ${input}; choose another name`);
    const other = taken.get(key);
    if (other) throw new UsageError(`${option} ${path} is ${other}; choose another name`);
    taken.set(key, `also ${option}`);
    for (const [side, what] of s.sidecars?.(option, path) ?? []) taken.set(fileKey(side), `${what} of ${option}`);
  }
  // Sidecars of one output may also collide with another output given earlier.
  for (const [option, path] of outputs) {
    for (const [side, what] of s.sidecars?.(option, path) ?? []) {
      for (const [o2, p2] of outputs)
        if (o2 !== option && fileKey(p2) === fileKey(side)) throw new UsageError(`${o2} ${p2} is ${what} of ${option}; choose another name`);
    }
  }
  for (const [option, path] of outputs) {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    if (s.regularFile?.includes(option) && !st.isFile())
      throw new UsageError(`${option} ${path}: not a regular file; give a file name (this output is written whole and renamed into place)`);
    if (st.isFile() && st.size > 0 && !s.overwrite && !s.existingAllowed?.includes(option)) {
      throw new UsageError(`${option} ${path} already exists; use --overwrite to replace it, or another name`);
    }
  }
}

/** The files kept next to a results table: its metadata and, while a run holds it, its lock. */
export function tableSidecars(table: string): Array<[string, string]> {
  return [
    [metaPath(table), 'the metadata file'],
    [lockPathFor(table), 'the lock file'],
  ];
}
