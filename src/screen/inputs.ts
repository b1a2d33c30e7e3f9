// Input discovery for a screen: files, directories (recursive), glob patterns, archives and `-`
// (a list of paths on stdin) become one sorted list of entries with stable ids; then sharding.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { posix, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { decodeText, gunzipBounded, isGzip, isStructureFileName as isReadableName, readBounded } from '../structure/read.js';
import { maxFileBytes } from '../structure/size-limit.js';
import { archiveKind, readArchive, type ArchiveKind } from './archive.js';
import { TEMP_SUFFIX } from '../io/temp-file.js';
import { LOCK_SUFFIX } from './lock.js';
import { META_SUFFIX } from './output.js';
import type { EntryInput } from './types.js';

/** Where entries come from: one plain file, or one archive. */
export interface Source {
  kind: 'file' | ArchiveKind;
  /** File-system path. */
  path: string;
  /** Id of the source (the path as given, normalised). */
  id: string;
  /** For a path listed on stdin that does not exist: read fails later and becomes an error row. */
  missing?: boolean;
  /** The path as bytes, when its name is not valid UTF-8 (a Latin-1 name): a string cannot name the file. */
  rawPath?: Buffer;
}

export interface Entry {
  /** Stable id: "dir/sub/x.cif", or "set.tar.gz!/sub/x.cif" for archive members ("...~2" for a repeated member name). */
  id: string;
  source: number;
  member?: string;
  /** Which member of that name (1 = the first in archive order); archives may repeat names. */
  occurrence?: number;
  /** A tar hard link: the member whose bytes it shares. */
  linkTo?: string;
  /** The archive (or directory) could not be listed (fully): this entry stands for what was lost, as an error row. */
  error?: string;
  /** The error row's error_kind (default ArchiveError). */
  errorKind?: string;
}

export interface Discovery {
  sources: Source[];
  /** Sorted by id (code-point order), without duplicates. */
  entries: Entry[];
}

/**
 * Structure files picked up inside directories and archives (explicitly named files are always taken):
 * every name the readers know (src/structure/read.ts: CIF, POSCAR, JSON, JSON Lines, extxyz, also .gz).
 */
export function isStructureFileName(name: string): boolean {
  const base = name.split('/').pop() ?? name;
  if (base.startsWith('._') || name.startsWith('__MACOSX/') || name.includes('/__MACOSX/')) return false;
  if (/^(POSCAR|CONTCAR)/i.test(base)) return /^(POSCAR|CONTCAR)([._-].*)?$/i.test(base);
  return isReadableName(base);
}

/**
 * bvscape's own files in an input directory: tables (they have a `.meta.json` or `.lock` beside
 * them), their sidecars, locks and temporary files. Skipped by directory walks
 * and patterns, so every shard of a screen writing into its input directory finds the same inputs.
 * `sibling` says whether a name exists in the same directory.
 */
export function isBvscapeOutputFile(path: string, sibling: (name: string) => boolean): boolean {
  const base = path.split('/').pop() ?? path;
  if (base.endsWith(META_SUFFIX) || base.endsWith(TEMP_SUFFIX) || base.endsWith(LOCK_SUFFIX) || /\.lock\.(stale\.)?\d+\.[0-9a-z]+$/.test(base)) return true;
  return sibling(`${base}${META_SUFFIX}`) || sibling(`${base}${LOCK_SUFFIX}`);
}

/** A member's text in UTF-16 without a byte-order mark (told apart from a bad gzip member). */
class Utf16Error extends Error {
  override name = 'StructureError';
}

/** An archive member's text; gzipped members (x.cif.gz, x.json.gz) are decompressed, up to the size limit. */
async function memberText(name: string, data: Buffer): Promise<string> {
  const bytes = isGzip(data, name) ? await gunzipBounded(data, name, maxFileBytes()) : data;
  try {
    return decodeText(bytes, name);
  } catch (e) {
    throw new Utf16Error((e as Error).message);
  }
}

/** Posix-style, no "./", no trailing slash: ids look the same on every machine. */
export function normaliseId(p: string): string {
  let s = p.split(sep).join('/');
  s = posix.normalize(s);
  while (s.startsWith('./')) s = s.slice(2);
  if (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

const GLOB_CHARS = /[*?[{]/;

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        let body = seg.slice(i + 1, close);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '{') {
      const close = seg.indexOf('}', i + 1);
      if (close < 0) re += '\\{';
      else {
        re +=
          '(?:' +
          seg
            .slice(i + 1, close)
            .split(',')
            .map((a) =>
              a
                .replace(/[.+^$()|\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
            )
            .join('|') +
          ')';
        i = close;
      }
    } else re += c.replace(/[.+^$()|\\\]}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * A directory's subdirectories and regular files (symbolic links followed), sorted by name. FIFOs,
 * sockets and devices are left out: opening a FIFO blocks until someone writes to it.
 */
async function listDir(dir: string): Promise<Array<{ name: string; isDir: boolean; raw?: Buffer }>> {
  const dirents = await readdir(dir, { withFileTypes: true });
  const out: Array<{ name: string; isDir: boolean; raw?: Buffer }> = [];
  if (dirents.some((d) => d.name.includes('\uFFFD'))) {
    // A name that is not valid UTF-8 (Latin-1 "caf\xe9.cif") decodes to U+FFFD and names no file: list as bytes.
    for (const d of await readdir(dir, { withFileTypes: true, encoding: 'buffer' })) {
      const raw = d.name as unknown as Buffer;
      if (new TextDecoder('utf-8').decode(raw).includes('\uFFFD') && !raw.toString('latin1').includes('\uFFFD')) {
        let isFile = d.isFile();
        if (d.isSymbolicLink()) {
          try {
            isFile = (await stat(Buffer.concat([Buffer.from(`${dir}/`), raw]))).isFile();
          } catch {
            continue;
          }
        }
        if (isFile) out.push({ name: raw.toString('latin1'), isDir: false, raw });
      }
    }
  }
  for (const d of dirents) {
    if (d.name.includes('\uFFFD')) continue;
    let isDir = d.isDirectory();
    let isFile = d.isFile();
    if (d.isSymbolicLink()) {
      try {
        const st = await stat(posix.join(dir, d.name));
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        continue;
      }
    }
    if (isDir || isFile) out.push({ name: d.name, isDir });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Expands a glob (*, ?, [..], {a,b}, ** for any depth) against the file system; sorted. */
export async function expandGlob(pattern: string): Promise<string[]> {
  const norm = pattern.split(sep).join('/');
  const absolute = norm.startsWith('/');
  const segs = norm
    .split('/')
    .filter((s, i) => s !== '' || i === 0)
    .filter((s) => s !== '');
  const out: string[] = [];
  const visited = new Set<string>();
  const walk = async (dir: string, i: number): Promise<void> => {
    if (i === segs.length) {
      out.push(dir);
      return;
    }
    const seg = segs[i]!;
    const join = (name: string) => (dir === '' ? name : dir === '/' ? `/${name}` : `${dir}/${name}`);
    if (seg === '**') {
      // Each real directory once per pattern position: symlink loops end here.
      try {
        const st = await stat(dir === '' ? '.' : dir);
        const key = `${st.dev}:${st.ino}:${i}`;
        if (visited.has(key)) return;
        visited.add(key);
      } catch {
        return;
      }
      await walk(dir, i + 1);
      let children: Array<{ name: string; isDir: boolean }> = [];
      try {
        children = await listDir(dir === '' ? '.' : dir);
      } catch {
        return;
      }
      for (const c of children) if (c.isDir) await walk(join(c.name), i);
      return;
    }
    if (!GLOB_CHARS.test(seg)) {
      const next = join(seg);
      if (i === segs.length - 1) {
        try {
          await stat(next);
          out.push(next);
        } catch {
          /* no match */
        }
      } else await walk(next, i + 1);
      return;
    }
    const re = segmentRegex(seg);
    let children: Array<{ name: string; isDir: boolean }> = [];
    try {
      children = await listDir(dir === '' ? '.' : dir);
    } catch {
      return;
    }
    for (const c of children) {
      if (!re.test(c.name) || (c.name.startsWith('.') && !seg.startsWith('.'))) continue;
      if (i === segs.length - 1) out.push(join(c.name));
      else if (c.isDir) await walk(join(c.name), i + 1);
    }
  };
  await walk(absolute ? '/' : '', 0);
  return [...new Set(out)].sort();
}

async function readStdinPaths(stdin: Readable): Promise<string[]> {
  const out: string[] = [];
  const rl = createInterface({ input: stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    const t = line.trim();
    if (t !== '') out.push(t);
  }
  return out;
}

/**
 * Finds every entry named by `inputs`. A command-line path that does not exist is a UsageError
 * (a typo should stop the run before it starts); a missing path listed on stdin becomes an entry
 * whose read fails, so one stale line in a long list costs one error row, not the screen.
 */
export async function discoverEntries(inputs: readonly string[], opts: { stdin?: Readable } = {}): Promise<Discovery> {
  const sources: Source[] = [];
  const entries: Entry[] = [];

  const addFile = (path: string, id: string, missing = false) => {
    const kind = archiveKind(path);
    if (kind && !missing) {
      sources.push({ kind, path, id });
      return;
    }
    sources.push({ kind: 'file', path, id, ...(missing ? { missing: true } : {}) });
    entries.push({ id, source: sources.length - 1 });
  };

  // Each real directory once (device + inode): symlink loops ("ln -s . dir/self") end here.
  const visitedDirs = new Set<string>();
  const walkDir = async (dir: string, id: string): Promise<void> => {
    let children: Array<{ name: string; isDir: boolean; raw?: Buffer }>;
    try {
      const st = await stat(dir);
      const key = `${st.dev}:${st.ino}`;
      if (visitedDirs.has(key)) return;
      visitedDirs.add(key);
      children = await listDir(dir);
    } catch (e) {
      // An unreadable or unreachable subdirectory costs one error row, not the screen.
      sources.push({ kind: 'file', path: dir, id });
      entries.push({ id, source: sources.length - 1, error: `${id}: cannot read the directory (${directoryProblem(e)})`, errorKind: 'DirectoryError' });
      return;
    }
    const names = new Set(children.map((c) => c.name));
    for (const c of children) {
      const p = `${dir}/${c.name}`;
      const cid = id === '.' ? c.name : `${id}/${c.name}`;
      if (c.isDir) await walkDir(p, cid);
      else if (c.raw) {
        // Read by its bytes in the main thread; the id shows the name decoded as Latin-1.
        if (!isStructureFileName(c.name)) continue;
        sources.push({ kind: 'file', path: p, id: cid, rawPath: Buffer.concat([Buffer.from(`${dir}/`), c.raw]) });
        entries.push({ id: cid, source: sources.length - 1 });
      } else if ((archiveKind(c.name) || isStructureFileName(c.name)) && !isBvscapeOutputFile(p, (n) => names.has(n))) addFile(p, cid);
    }
  };

  const addPath = async (raw: string, fromStdin: boolean): Promise<void> => {
    const p = raw.length > 1 && raw.endsWith('/') ? raw.replace(/\/+$/, '') : raw;
    let st;
    try {
      st = await stat(p);
    } catch {
      // Paths on stdin (from find or ls) are literal: "b[12].cif" that does not exist is an error row, not a pattern.
      if (GLOB_CHARS.test(p) && !fromStdin) {
        const matches = await expandGlob(p);
        if (matches.length === 0 && !fromStdin) throw new UsageError(`no files match the pattern '${raw}'`);
        for (const m of matches) {
          // A pattern, like a directory, does not pick up bvscape's own tables and their files.
          if (isBvscapeOutputFile(m, (n) => existsSync(posix.join(posix.dirname(m), n)))) continue;
          await addPath(m, fromStdin);
        }
        return;
      }
      if (fromStdin) {
        addFile(p, normaliseId(p), true);
        return;
      }
      if (raw.includes('\uFFFD'))
        throw new UsageError(
          `input not found: '${raw}': the name is not valid UTF-8 (a Latin-1 name?) and does not survive the command line; rename it to UTF-8 (convmv -f latin1 -t utf8), or give its directory`,
        );
      throw new UsageError(`input not found: '${raw}'`);
    }
    if (st.isDirectory()) {
      // A directory named on the command line must be readable: a permission problem stops the run before it starts.
      if (!fromStdin) {
        try {
          await readdir(p);
        } catch (e) {
          throw new UsageError(`cannot read the input directory '${raw}' (${directoryProblem(e)})`);
        }
      }
      await walkDir(p, normaliseId(p));
    } else if (!st.isFile()) {
      // A FIFO, socket or device: opening it may block forever (a FIFO nobody writes to) or never end (/dev/zero).
      sources.push({ kind: 'file', path: p, id: normaliseId(p) });
      entries.push({
        id: normaliseId(p),
        source: sources.length - 1,
        error: `${raw}: not a regular file (a pipe, socket or device); screen reads files`,
        errorKind: 'StructureError',
      });
    } else addFile(p, normaliseId(p));
  };

  for (const input of inputs) {
    if (input === '-') {
      if (!opts.stdin) throw new UsageError("'-' reads paths from stdin, but no stdin is available");
      for (const p of await readStdinPaths(opts.stdin)) await addPath(p, true);
    } else await addPath(input, false);
  }

  // Archive members, listed without keeping their bytes (a tar.gz is decompressed once here). A
  // corrupt or cut archive keeps the members listed before the damage and adds one error entry.
  for (let s = 0; s < sources.length; s++) {
    const src = sources[s]!;
    if (src.kind === 'file') continue;
    const seen = new Map<string, number>();
    // Damage that reading went past (oversized headers): one error entry for the archive, with the rest.
    const damage: string[] = [];
    try {
      for await (const m of readArchive(src.path, src.kind, () => false)) {
        if (m.archiveError !== undefined) damage.push(m.archiveError);
        if (!isStructureFileName(m.name)) continue;
        const occurrence = (seen.get(m.name) ?? 0) + 1;
        seen.set(m.name, occurrence);
        entries.push({
          id: memberId(src.id, m.name, occurrence),
          source: s,
          member: m.name,
          occurrence,
          ...(m.linkTo !== undefined ? { linkTo: m.linkTo } : {}),
        });
      }
    } catch (err) {
      damage.push((err as Error).message);
    }
    if (damage.length > 0) entries.push({ id: src.id, source: s, error: damage.join('; ') });
  }

  entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const unique: Entry[] = [];
  for (const e of entries) if (unique.length === 0 || unique[unique.length - 1]!.id !== e.id) unique.push(e);
  return { sources, entries: unique };
}

function directoryProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENAMETOOLONG: 'path name too long',
    ELOOP: 'too many levels of symbolic links',
    ENOENT: 'it vanished while being read',
    ENOTDIR: 'not a directory any more',
    EIO: 'input/output error',
  };
  return (code && words[code]) ?? (e as Error)?.message ?? String(e);
}

/** A file whose name is not valid UTF-8, read here by its bytes (workers take paths as strings). */
async function readByBytes(id: string, raw: Buffer): Promise<EntryInput> {
  try {
    return { file: id, text: await memberText(id, await readBounded(id, maxFileBytes(), raw)) };
  } catch (e) {
    const err = e as Error;
    return {
      file: id,
      readError: { kind: err.name === 'FileTooLarge' || err instanceof Utf16Error ? err.name : 'StructureError', message: `${id}: ${err.message}` },
    };
  }
}

/** "set.tar!/a.cif", and "set.tar!/a.cif~2" for the second member with that name. */
export function memberId(archiveId: string, member: string, occurrence: number): string {
  return `${archiveId}!/${normaliseId(member)}${occurrence > 1 ? `~${occurrence}` : ''}`;
}

export interface ShardSpec {
  index: number;
  count: number;
}

export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(count) || !(count >= 1) || !(index >= 1) || index > count) {
    throw new UsageError(`--shard expects i/N with 1 <= i <= N (e.g. 3/16), got '${text}'`);
  }
  return { index, count };
}

/** Round-robin over the sorted list: entry k goes to shard (k mod N) + 1, so shards get similar mixes. */
export function shardOf(position: number, count: number): number {
  return (position % count) + 1;
}

export function selectShard<T>(sorted: readonly T[], shard: ShardSpec | null): T[] {
  if (!shard) return [...sorted];
  return sorted.filter((_, k) => shardOf(k, shard.count) === shard.index);
}

/** sha256 over the sorted ids: every shard of one screen computes the same digest. */
export function inputsDigest(entries: readonly Entry[]): string {
  const h = createHash('sha256');
  for (const e of entries) h.update(e.id).update('\n');
  return `sha256:${h.digest('hex')}`;
}

/**
 * The entries to run, as EntryInputs, in sorted order except that each archive's members come
 * together in archive order (an archive is streamed once). Lazy: one archive member is in memory
 * at a time per pending consumer (plus the targets of hard links, until their links are read).
 */
export async function* iterateEntryInputs(d: Discovery, work: readonly Entry[]): AsyncGenerator<EntryInput> {
  const key = (name: string, occurrence: number) => `${occurrence}\0${name}`;
  const byArchive = new Map<number, { wanted: Map<string, Entry>; names: Set<string>; linkTargets: Set<string> }>();
  for (const e of work) {
    if (e.member === undefined) continue;
    let m = byArchive.get(e.source);
    if (!m) byArchive.set(e.source, (m = { wanted: new Map(), names: new Set(), linkTargets: new Set() }));
    m.wanted.set(key(e.member, e.occurrence ?? 1), e);
    m.names.add(e.member);
    if (e.linkTo !== undefined) m.linkTargets.add(e.linkTo);
  }
  const streamed = new Set<number>();
  for (const e of work) {
    const src = d.sources[e.source]!;
    if (e.error !== undefined) {
      yield { file: e.id, readError: { kind: e.errorKind ?? 'ArchiveError', message: e.error } };
      continue;
    }
    if (src.kind === 'file') {
      yield src.rawPath ? await readByBytes(e.id, src.rawPath) : { file: e.id, path: src.path };
      continue;
    }
    if (streamed.has(e.source)) continue;
    streamed.add(e.source);
    const { wanted, names, linkTargets } = byArchive.get(e.source)!;
    const seen = new Set<string>();
    const occurrences = new Map<string, number>();
    // Bytes (or the read error) of members that a later hard link in this archive points to.
    const linkData = new Map<string, Buffer | string>();
    try {
      for await (const m of readArchive(src.path, src.kind, (name) => names.has(name) || linkTargets.has(name))) {
        if (m.archiveError !== undefined) continue; // listed in discovery as the archive's own error entry
        const occurrence = (occurrences.get(m.name) ?? 0) + 1;
        occurrences.set(m.name, occurrence);
        if (linkTargets.has(m.name) && m.linkTo === undefined) linkData.set(m.name, m.data ?? m.error ?? 'cannot read member');
        const k = key(m.name, occurrence);
        const entry = wanted.get(k);
        if (!entry || seen.has(k)) continue;
        seen.add(k);
        let data = m.data;
        let why = m.error ?? 'cannot read member';
        if (m.linkTo !== undefined) {
          const target = linkData.get(m.linkTo);
          if (Buffer.isBuffer(target)) data = target;
          else why = target ?? `hard link to '${m.linkTo}', which is not an earlier member of the archive`;
        }
        let text: string | null = null;
        if (data) {
          try {
            text = await memberText(m.name, data);
          } catch (err) {
            if ((err as Error).name === 'FileTooLarge' || err instanceof Utf16Error) {
              yield { file: entry.id, readError: { kind: (err as Error).name, message: (err as Error).message } };
              continue;
            }
            why = `not a valid gzip member (${(err as Error).message})`;
          }
        }
        if (text !== null) yield { file: entry.id, text };
        else yield { file: entry.id, readError: { kind: 'ArchiveError', message: `${entry.id}: ${why}` } };
      }
    } catch (err) {
      // The archive broke mid-way: every member not yet yielded gets an error row.
      for (const [k, entry] of wanted) {
        if (!seen.has(k)) yield { file: entry.id, readError: { kind: 'ArchiveError', message: (err as Error).message } };
      }
      continue;
    }
    for (const [k, entry] of wanted) {
      if (!seen.has(k)) yield { file: entry.id, readError: { kind: 'ArchiveError', message: `${entry.id}: member vanished from the archive` } };
    }
  }
}
