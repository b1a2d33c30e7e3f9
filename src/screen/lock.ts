// An exclusive lock on a results file, so two runs never append to one table at once. The lock is
// a file next to the output ("results.jsonl.lock") holding the owner's pid, host and start time,
// created with link(2) (atomic, fails when it exists). A lock whose owner is a dead process on this
// host is stale (a killed run) and is taken over; a live owner, or one on another host, is refused.
// Containers reuse pids under one hostname, so "alive" also needs the owner's start time (Linux:
// /proc/<pid>/stat) to match the one recorded; a lock naming this process's pid is stale unless
// this process took it.
import { linkSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { TEMP_SUFFIX } from '../io/temp-file.js';
import { InputError, OutputLockedError } from '../errors.js';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  /** The owner's start time in clock ticks since boot (Linux), to tell a recycled pid from the owner. */
  process_start?: string;
}

/** Locks this process holds (lock path), so a second take from this process is refused, not judged stale. */
const heldHere = new Set<string>();

/** When a process started (clock ticks since boot, from /proc/<pid>/stat); null where there is no /proc. */
export function processStartTime(pid: number): string | null {
  const stat = readOrNull(`/proc/${pid}/stat`);
  if (!stat) return null;
  // Fields after the command name (which may hold spaces and parentheses): state is field 3, starttime field 22.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[19] ?? null;
}

export const LOCK_SUFFIX = '.lock';

export function lockPathFor(out: string): string {
  return `${out}${LOCK_SUFFIX}`;
}

function parseLock(text: string): LockInfo | null {
  try {
    const o = JSON.parse(text) as Partial<LockInfo>;
    if (typeof o.pid === 'number' && typeof o.host === 'string') {
      return {
        pid: o.pid,
        host: o.host,
        started: String(o.started ?? '?'),
        ...(typeof o.process_start === 'string' ? { process_start: o.process_start } : {}),
      };
    }
  } catch {
    /* torn or foreign */
  }
  return null;
}

/** Whether the lock's owner still runs: alive, not a zombie, and (where recorded) the same process, not a recycled pid. */
function ownerAlive(owner: LockInfo): boolean {
  if (owner.pid === process.pid) return false; // not ours (heldHere says so): an earlier process with our pid
  if (!processAlive(owner.pid)) return false;
  if (owner.process_start !== undefined) {
    const now = processStartTime(owner.pid);
    if (now !== null && now !== owner.process_start) return false;
  }
  return true;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped: an orphan whose new parent does not reap, as in some containers) still
    // answers signal 0 but holds nothing.
    const stat = readOrNull(`/proc/${pid}/stat`);
    if (stat && /^\d+ \(.*\) Z/s.test(stat)) return false;
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export interface OutputLock {
  path: string;
  release(): void;
}

/**
 * Takes the lock for `out` (what: "screen" or "merge", for the message). Throws OutputLockedError
 * when another live run holds it.
 */
export function lockOutput(out: string, what = 'bvscape'): OutputLock {
  const lock = lockPathFor(out);
  const lockKey = resolve(lock);
  if (heldHere.has(lockKey)) {
    throw new OutputLockedError(`${out} is in use by another run in this process; wait for it to finish, or use another output (lock file: ${lock})`);
  }
  const start = processStartTime(process.pid);
  const me: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), ...(start !== null ? { process_start: start } : {}) };
  const text = JSON.stringify(me) + '\n';
  const unique = `${lock}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(unique, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      `cannot write next to ${out} (${code === 'ENOENT' ? 'its directory does not exist' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'permission denied' : (e as Error).message})`,
    );
  }
  // Owners of stale locks taken over: a killed run may have left temporary files beside the output.
  const dead = new Set<number>();
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        linkSync(unique, lock);
        heldHere.add(lockKey);
        removeLeftovers(out, dead);
        let released = false;
        return {
          path: lock,
          release() {
            if (released) return;
            released = true;
            heldHere.delete(lockKey);
            // Only remove it while it is still ours.
            if (readOrNull(lock) === text) {
              try {
                unlinkSync(lock);
              } catch {
                /* already gone */
              }
            }
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const held = readOrNull(lock);
      if (held === null) continue; // released meanwhile
      const owner = parseLock(held);
      if (owner && owner.host !== me.host) {
        throw new OutputLockedError(
          `${out} is locked by process ${owner.pid} on host ${owner.host} (since ${owner.started}); ` +
            `if no ${what} is running there any more, remove ${lock} and try again`,
        );
      }
      if (owner && ownerAlive(owner)) {
        throw new OutputLockedError(
          `${out} is in use by another run (process ${owner.pid} on this host, since ${owner.started}); ` +
            `wait for it to finish, or use another --out (lock file: ${lock})`,
        );
      }
      // A dead owner, or unreadable text (link(2) never shows a partial file): stale.
      if (owner) dead.add(owner.pid);
      breakStale(lock, held);
    }
    throw new OutputLockedError(`${out}: could not take the lock ${lock} (other runs keep taking it); try again`);
  } finally {
    try {
      unlinkSync(unique);
    } catch {
      /* */
    }
  }
}

/**
 * Removes the temporary files the dead processes `pids` left beside `out` (`<out>….<pid>.<hex>.tmp`, e.g. a sidecar a
 * kill interrupted before its rename). Called holding the lock, so no live run of this output writes them.
 */
function removeLeftovers(out: string, pids: ReadonlySet<number>): void {
  if (pids.size === 0) return;
  const dir = dirname(out);
  const prefix = `${basename(out)}.`;
  const tail = new RegExp(`\\.(\\d+)\\.[0-9a-f]+\\${TEMP_SUFFIX}$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = tail.exec(name);
    if (name.startsWith(prefix) && m && pids.has(Number(m[1]))) rmSync(join(dir, name), { force: true });
  }
}

/** Moves a stale lock aside; if what was moved is not the stale lock we judged (a new owner got in first), puts it back. */
function breakStale(lock: string, staleText: string): void {
  const aside = `${lock}.stale.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(lock, aside);
  } catch {
    return; // someone else removed it
  }
  const moved = readOrNull(aside);
  if (moved !== staleText) {
    try {
      linkSync(aside, lock);
    } catch {
      /* a third run holds it now; ours stays refused on the next attempt */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* */
  }
}
