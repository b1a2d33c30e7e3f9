// One entry point for structure files: picks the reader of formats.ts's table (CIF, POSCAR, OPTIMADE or pymatgen
// JSON, extended XYZ) by content and name, decompresses .gz, and turns every input problem into a per-structure
// result with an InputError.
// `readStructureText` touches no file system, so the browser preview can use it as it is.
import { InputError, StructureError } from '../errors.js';
import type { SpaceGroupInfo, Structure } from './types.js';
import { initSymmetry, detectSpaceGroup } from './space-group.js';
import { maxFileBytes, tooLarge } from './size-limit.js';
import { STRUCTURE_FORMATS, type FormatReadOptions, type StructureFormat, type StructureFormatRecord } from './formats.js';

export interface ReadOptions extends FormatReadOptions {
  /** When set, each structure's space group is detected with this tolerance (Å) into ReadResult.spacegroup. */
  symprec?: number;
  /** Skip format detection. */
  format?: StructureFormat;
}

export interface ReadResult {
  file: string;
  /** CIF block name, JSON entry id or extxyz frame index; null for single-structure files and for errors that concern the whole file. */
  block: string | null;
  structure?: Structure;
  error?: InputError;
  /** Detected space group, present when ReadOptions.symprec was given (null: detection failed). */
  spacegroup?: SpaceGroupInfo | null;
}

/** The table with its records' common type (the tuple keeps each name's literal type, which lookups do not need). */
const FORMATS: readonly StructureFormatRecord<StructureFormat>[] = STRUCTURE_FORMATS;

/** Strip ".gz" and directories: "dir/Li3PS4.cif.gz" -> "Li3PS4.cif". */
function baseName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return base.replace(/\.gz$/i, '');
}

function recordFromName(fileName: string): StructureFormatRecord<StructureFormat> | null {
  const base = baseName(fileName);
  const lower = base.toLowerCase();
  const upper = base.toUpperCase();
  return FORMATS.find((f) => f.extensions.some((e) => lower.endsWith(`.${e}`)) || (f.prefixes ?? []).some((p) => upper.startsWith(p))) ?? null;
}

/** Format from the file name alone, or null when the name does not say. */
export function formatFromName(fileName: string): StructureFormat | null {
  return recordFromName(fileName)?.name ?? null;
}

/** Names that the readers take (directory and archive discovery use this): the table's extensions and names, each also .gz. */
export function isStructureFileName(fileName: string): boolean {
  return recordFromName(fileName) !== null;
}

/** "a, b, c or d" */
const orList = (items: readonly string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`);

/**
 * Format from unmistakable content first (JSON starts with { or [, an extxyz frame header), then
 * from the name, then from weaker content signs; throws an InputError when nothing tells.
 */
export function detectFormat(text: string, fileName: string): StructureFormat {
  const named = recordFromName(fileName);
  const sure = FORMATS.find((f) => f.unmistakable?.(text, named));
  if (sure) return sure.name;
  if (named) return named.name;
  const likely = FORMATS.find((f) => f.likely?.(text));
  if (likely) return likely.name;
  const descriptions = FORMATS.map((f) => f.description);
  throw new StructureError(
    fileName,
    `cannot tell the file format: it is not ${descriptions.slice(0, -1).join(', ')}, or ${descriptions.at(-1)}; name it ${orList(FORMATS.map((f) => `*.${f.extensions[0]}`))}`,
  );
}

function withSpacegroup(r: ReadResult, opts: ReadOptions): ReadResult {
  if (r.structure && opts.symprec !== undefined) r.spacegroup = detectSpaceGroup(r.structure, opts.symprec);
  return r;
}

/**
 * Read structures from text. Requires `await initSymmetry()` beforehand (readStructureText and
 * readStructureFile do that); use this synchronous form in loops over many files.
 * Input problems become results with `error`; anything else (a bug) is thrown.
 */
export function readStructureTextSync(text: string, fileName: string, opts: ReadOptions = {}): ReadResult[] {
  try {
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const format = opts.format ?? detectFormat(text, fileName);
    const reader = FORMATS.find((f) => f.name === format);
    if (!reader) throw new RangeError(`unknown structure format '${format}'`);
    return reader.read(text, fileName, opts).map((e) => {
      const r: ReadResult = { file: fileName, block: e.block };
      if (e.structure) r.structure = e.structure;
      if (e.error) r.error = e.error;
      return withSpacegroup(r, opts);
    });
  } catch (e) {
    if (e instanceof InputError) return [{ file: fileName, block: null, error: e }];
    throw e;
  }
}

/**
 * The structure of one file in one call, as pymatgen's `Structure.from_file` (ASE's `read()` gives the last image
 * by default; pass `index` for another): the `index`-th structure of the file (default 0, the first CIF block,
 * JSON entry or extxyz frame; negative counts from the end). Throws the entry's InputError (CifSyntaxError,
 * StructureError, ...) when it could not be read, and a StructureError when the file has no such entry.
 */
export async function readStructure(path: string, opts: ReadOptions & { index?: number } = {}): Promise<Structure> {
  const { index = 0, ...readOpts } = opts;
  const results = await readStructureFile(path, readOpts);
  const r = results.at(index);
  if (!r) throw new StructureError(path, `no structure number ${index} (the file holds ${results.length})`);
  if (r.error) throw r.error;
  if (!r.structure) throw new StructureError(path, 'no structure read', r.block ?? undefined);
  return r.structure;
}

/** Read structures from text (no file system; usable in the browser). */
export async function readStructureText(text: string, fileName: string, opts: ReadOptions = {}): Promise<ReadResult[]> {
  await initSymmetry();
  return readStructureTextSync(text, fileName, opts);
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** True when the name or the first two bytes say gzip. */
export function isGzip(bytes: Uint8Array, fileName: string): boolean {
  return /\.gz$/i.test(fileName) || (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]);
}

/**
 * Structure-file bytes as text: UTF-8 with a lenient decoder (stray Latin-1 bytes become U+FFFD, never an
 * exception); UTF-16 with a byte-order mark (as some Windows editors save) is decoded as such. UTF-16
 * without a mark (every other byte zero) is refused with a StructureError naming `fileName`.
 */
export function decodeText(bytes: Uint8Array, fileName = 'the file'): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  if (looksLikeUtf16(bytes)) {
    throw new StructureError(fileName, 'the file looks like UTF-16 text without a byte-order mark (every other byte is zero); save it as UTF-8');
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

/** Zero bytes at most even (or most odd) positions of the first kilobyte: UTF-16 text of mostly ASCII characters. */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 1024) & ~1;
  if (n < 8) return false;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) even++;
    if (bytes[i + 1] === 0) odd++;
  }
  return Math.max(even, odd) > 0.4 * (n / 2) && Math.min(even, odd) < 0.05 * (n / 2);
}

// Node built-ins are loaded by computed specifiers so that a browser bundle of this module
// (readStructureText only) needs no stubs for them.
const NODE_FS = 'node:fs/promises';
const NODE_ZLIB = 'node:zlib';

function fileError(fileName: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why: Record<string, string> = {
    ENOENT: 'no such file',
    EISDIR: 'is a directory, not a structure file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOTDIR: 'no such file (a part of the path is not a directory)',
    ENAMETOOLONG: 'file name too long',
  };
  if (code === 'ENOENT' && fileName.includes('\uFFFD')) {
    // The name held bytes that are not UTF-8 (a Latin-1 "caf\xe9.cif"): they were replaced before the file was looked up.
    return new StructureError(
      fileName,
      'no such file: the name is not valid UTF-8 (a Latin-1 name?), and such a name does not survive the command line; rename the file to UTF-8 (e.g. convmv -f latin1 -t utf8 --notest FILE), or give its directory to screen',
    );
  }
  if (code && why[code]) return new StructureError(fileName, why[code]);
  return new StructureError(fileName, `cannot read the file (${(e as Error)?.message ?? String(e)})`);
}

/**
 * The bytes of a file, refusing past `limit` without reading further: fstat catches large regular
 * files at once, and devices or pipes (size 0 to fstat, endless like /dev/zero) stop at limit + 1 bytes.
 */
export async function readBounded(fileName: string, limit: number, path: string | Uint8Array = fileName): Promise<Buffer> {
  const { open, constants } = (await import(NODE_FS)) as typeof import('node:fs/promises');
  // Non-blocking: opening a FIFO nobody writes to would otherwise hold a libuv thread (and the process) forever.
  // `path` may be bytes: a file name that is not valid UTF-8 has no string that names it.
  const fh = await open(path as string, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (st.size > limit) throw tooLarge(`${fileName} (${st.size} bytes)`, limit);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      let bytesRead: number;
      try {
        ({ bytesRead } = await fh.read(buf, 0, buf.length, null));
      } catch (e) {
        // A pipe whose writer has not written yet (`<(zcat x.cif.gz)`): wait for it, off the thread pool.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      if (bytesRead === 0) break;
      chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) throw tooLarge(fileName, limit, 'it did not end within the limit');
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    await fh.close();
  }
}

/** gunzip with a cap on the output (a small .gz can expand to gigabytes), on the thread pool (the event loop stays free). */
export async function gunzipBounded(bytes: Uint8Array, fileName: string, limit: number): Promise<Buffer> {
  const { gunzip } = (await import(NODE_ZLIB)) as typeof import('node:zlib');
  try {
    return await new Promise<Buffer>((resolve, reject) => gunzip(bytes, { maxOutputLength: limit }, (err, out) => (err ? reject(err) : resolve(out))));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw tooLarge(`${fileName} decompressed`, limit);
    throw new StructureError(fileName, `not a valid gzip file (${(e as Error).message})`);
  }
}

/** Read a structure file from disk: CIF, POSCAR/CONTCAR, OPTIMADE or pymatgen JSON (.json, .jsonl), extended XYZ; any of them gzipped. */
export async function readStructureFile(fileName: string, opts: ReadOptions = {}): Promise<ReadResult[]> {
  await initSymmetry();
  let text: string;
  const limit = maxFileBytes();
  try {
    let bytes: Uint8Array = await readBounded(fileName, limit);
    if (bytes.length === 0) throw new StructureError(fileName, 'the file is empty (a pipe with no writer reads as empty too)');
    if (isGzip(bytes, fileName)) bytes = await gunzipBounded(bytes, fileName, limit);
    text = decodeText(bytes, fileName);
  } catch (e) {
    const err = e instanceof InputError ? e : fileError(fileName, e);
    return [{ file: fileName, block: null, error: err }];
  }
  return readStructureTextSync(text, fileName, opts);
}
