// Whether two paths name one file, however they are spelled: "./a", "a", "sub/../a", a symbolic
// link to it, or a hard link. Compared by device and inode when the file exists, else by its real
// directory and its name (two spellings of one file that does not exist yet).
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Equal for every path that names one file. */
export function fileKey(path: string): string {
  const full = resolve(path);
  let st;
  try {
    st = statSync(full, { throwIfNoEntry: false });
  } catch {
    st = undefined; // unreachable (too long, no permission): compared by name
  }
  if (st) return `inode:${st.dev}:${st.ino}`;
  let dir = dirname(full);
  try {
    dir = realpathSync(dir);
  } catch {
    /* a missing directory: the resolved spelling is all there is */
  }
  return `path:${join(dir, basename(full))}`;
}

export function sameFile(a: string, b: string): boolean {
  return fileKey(a) === fileKey(b);
}
