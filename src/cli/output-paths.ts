// Output files named on the command line are checked before any computation: a typo in a
// directory must not cost a long run and end in a stack trace.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';

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
