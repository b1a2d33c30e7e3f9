// Minimal readers for .tar, .tar.gz and .zip archives of structure files, over node:zlib.
// Tar is read as a stream (one member in memory at a time); zip through its central directory,
// each member inflated as a stream on libuv's thread pool (never one synchronous inflate).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip, createInflateRaw } from 'node:zlib';
import { ArchiveError } from '../errors.js';
import { formatBytes, maxFileBytes } from '../structure/size-limit.js';

export type ArchiveKind = 'tar' | 'tgz' | 'zip';

type FileHandle = Awaited<ReturnType<typeof open>>;

export function archiveKind(name: string): ArchiveKind | null {
  const n = name.toLowerCase();
  if (n.endsWith('.tar')) return 'tar';
  if (n.endsWith('.tar.gz') || n.endsWith('.tgz')) return 'tgz';
  if (n.endsWith('.zip')) return 'zip';
  return null;
}

/** Members larger than the structure-file limit (--max-file-size) are error rows instead of being read. */
export function maxMemberBytes(): number {
  return maxFileBytes();
}

/** Largest GNU long-name ('L', 'K') or pax ('x') header body read: real ones are a few hundred bytes. */
export const MAX_TAR_HEADER_BYTES = 1024 * 1024;

/**
 * Most bytes the members of one zip may inflate to in all: 64 times the member limit (4 GiB with
 * the default 64 MiB). Each member is already capped; this bounds a directory of many members.
 */
export function maxArchiveTotalBytes(): number {
  return 64 * maxMemberBytes();
}

export interface ArchiveMember {
  name: string;
  /** Null when the member was not requested (its bytes were skipped), or could not be read (see error). */
  data: Buffer | null;
  error?: string;
  /** A tar hard link: the (earlier) member whose bytes this one shares. */
  linkTo?: string;
  /**
   * Not a member: damage to the archive that reading went past (an oversized header). The archive
   * gets an error row with this text; `name` is empty.
   */
  archiveError?: string;
}

/** Pulls exact byte counts out of an async chunk stream, keeping at most one chunk plus the request. */
class ByteReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private done = false;
  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<void> {
    while (this.length < n && !this.done) {
      const r = await this.source.next();
      if (r.done) this.done = true;
      else if (r.value.length > 0) {
        this.chunks.push(r.value);
        this.length += r.value.length;
      }
    }
  }

  /** Exactly n bytes, or fewer at the end of the stream. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const out = all.subarray(0, Math.min(n, all.length));
    const rest = all.subarray(out.length);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  /** Puts bytes back in front of the stream (after a look-ahead read). */
  unread(b: Buffer): void {
    if (b.length === 0) return;
    this.chunks.unshift(b);
    this.length += b.length;
  }

  /** Skips n bytes; returns how many could not be skipped because the stream ended (0 normally). */
  async skip(n: number): Promise<number> {
    while (n > 0) {
      if (this.length === 0) {
        await this.fill(1);
        if (this.length === 0) return n;
      }
      const head = this.chunks[0]!;
      if (head.length <= n) {
        this.chunks.shift();
        this.length -= head.length;
        n -= head.length;
      } else {
        this.chunks[0] = head.subarray(n);
        this.length -= n;
        n = 0;
      }
    }
    return 0;
  }
}

function cString(b: Buffer, start: number, len: number): string {
  const slice = b.subarray(start, start + len);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? slice.length : nul).toString('utf8');
}

function tarNumber(b: Buffer, start: number, len: number): number {
  const first = b[start]!;
  if (first & 0x80) {
    // GNU base-256 for sizes >= 8 GiB.
    let v = first & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + b[start + i]!;
    return v;
  }
  const text = cString(b, start, len).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function tarChecksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === tarNumber(h, 148, 8);
}

function paxPath(data: Buffer): string | null {
  // Records "<len> key=value\n".
  let pos = 0;
  let path: string | null = null;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) break;
    const len = parseInt(data.subarray(pos, sp).toString('utf8'), 10);
    if (!(len > 0)) break;
    const rec = data.subarray(sp + 1, pos + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0 && rec.slice(0, eq) === 'path') path = rec.slice(eq + 1);
    pos += len;
  }
  return path;
}

/**
 * Streams the regular-file members of a tar (optionally gzipped) archive, in archive order.
 * `want(name)` decides whether a member's bytes are read (true) or skipped (data null).
 */
export async function* readTar(path: string, gzipped: boolean, want: (name: string) => boolean): AsyncGenerator<ArchiveMember> {
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = gzipped ? file.pipe(createGunzip()) : file;
  file.on('error', (e) => stream.destroy(e));
  const reader = new ByteReader((stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]());
  let longName: string | null = null;
  let first = true;
  try {
    for (;;) {
      const h = await reader.read(512);
      // A tar ends with zero blocks; a stream that stops between members was cut there.
      if (h.length === 0 && first) return;
      if (h.length === 0) throw new ArchiveError(`${path}: truncated tar archive: it ends without the end-of-archive marker (members after the cut are lost)`);
      if (h.length < 512) throw new ArchiveError(`${path}: truncated tar archive`);
      if (h.every((x) => x === 0)) return;
      if (!tarChecksumOk(h)) throw new ArchiveError(`${path}: ${first ? 'not a tar archive' : 'corrupt tar header'} (bad header checksum)`);
      first = false;
      const size = tarNumber(h, 124, 12);
      const type = String.fromCharCode(h[156]!);
      const padded = Math.ceil(size / 512) * 512;
      const magic = cString(h, 257, 6);
      const prefix = magic.startsWith('ustar') ? cString(h, 345, 155) : '';
      let name = longName ?? (prefix ? `${prefix}/${cString(h, 0, 100)}` : cString(h, 0, 100));
      if (type === 'L' || type === 'K' || type === 'x') {
        if (size > MAX_TAR_HEADER_BYTES) {
          // Skip the body without holding it; the member it was meant for keeps its short name.
          if ((await reader.skip(padded)) > 0) throw new ArchiveError(`${path}: truncated tar archive: it ends inside a ${size}-byte header`);
          const next = await reader.read(512);
          const what = type === 'x' ? 'pax' : type === 'K' ? 'GNU long-link' : 'GNU long-name';
          const following =
            next.length === 512 && !next.every((x) => x === 0)
              ? ` the member after it is read under its short name '${cString(next, 0, 100).replace(/^\.\//, '')}'`
              : ' no member follows it';
          yield {
            name: '',
            data: null,
            archiveError: `${path}: a ${what} header of ${size} bytes is larger than the ${formatBytes(MAX_TAR_HEADER_BYTES)} limit for tar headers (corrupt or hostile archive); it was skipped and${following}`,
          };
          reader.unread(next);
          if (type !== 'K') longName = null;
          continue;
        }
        const data = await reader.read(padded);
        if (data.length < padded) throw new ArchiveError(`${path}: truncated tar archive: it ends inside a ${size}-byte header`);
        const body = data.subarray(0, size);
        if (type === 'L') longName = cString(body, 0, body.length);
        else if (type === 'x') longName = paxPath(body) ?? longName;
        continue;
      }
      longName = null;
      const cut = (member: string) => new ArchiveError(`${path}: truncated tar archive: member '${member}' and everything after it are cut off`);
      if (type === '1') {
        // A hard link carries no bytes: it names an earlier member.
        if ((await reader.skip(padded)) > 0) throw cut(name);
        yield { name: name.replace(/^\.\//, ''), data: null, linkTo: cString(h, 157, 100).replace(/^\.\//, '') };
        continue;
      }
      if (type !== '0' && type !== '\0' && type !== '7') {
        if ((await reader.skip(padded)) > 0) throw cut(name);
        continue;
      }
      name = name.replace(/^\.\//, '');
      const limit = maxMemberBytes();
      if (!want(name)) {
        if ((await reader.skip(padded)) > 0) throw cut(name);
        yield { name, data: null };
      } else if (size > limit) {
        if ((await reader.skip(padded)) > 0) throw cut(name);
        yield { name, data: null, error: `member is ${size} bytes, larger than the ${limit}-byte limit (--max-file-size)` };
      } else {
        const data = await reader.read(padded);
        if (data.length < padded) throw cut(name);
        yield { name, data: Buffer.from(data.subarray(0, size)) };
      }
    }
  } catch (e) {
    if (e instanceof ArchiveError) throw e;
    throw new ArchiveError(`${path}: cannot read archive: ${(e as Error).message}`);
  } finally {
    stream.destroy();
    file.destroy();
  }
}

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** Bytes from the local header to the end of the data, as far as the central directory tells (a lower bound). */
  span: number;
}

async function readZipDirectory(path: string): Promise<{ entries: ZipEntry[]; fh: FileHandle }> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 65535 + 22 + 20);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ArchiveError(`${path}: not a zip archive (no end-of-central-directory record)`);
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      // ZIP64: the locator sits just before the EOCD record.
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) throw new ArchiveError(`${path}: ZIP64 locator missing`);
      const recOffset = Number(tail.readBigUInt64LE(loc + 8));
      const rec = Buffer.alloc(56);
      await fh.read(rec, 0, 56, recOffset);
      if (rec.readUInt32LE(0) !== 0x06064b50) throw new ArchiveError(`${path}: bad ZIP64 end-of-central-directory record`);
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    if (cdOffset + cdSize > size) throw new ArchiveError(`${path}: truncated or corrupt zip (its central directory points past the end of the file)`);
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new ArchiveError(`${path}: corrupt zip central directory`);
      const flags = cd.readUInt16LE(p + 8);
      const method = cd.readUInt16LE(p + 10);
      let compressedSize = cd.readUInt32LE(p + 20);
      let usize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let localOffset = cd.readUInt32LE(p + 42);
      const name = cd.subarray(p + 46, p + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
      // ZIP64 extra field: 64-bit values for the fields that hold 0xFFFFFFFF, in this order.
      let e = p + 46 + nameLen;
      const eEnd = e + extraLen;
      while (e + 4 <= eEnd) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (usize === 0xffffffff) {
            usize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(cd.readBigUInt64LE(q));
            q += 8;
          }
          if (localOffset === 0xffffffff) localOffset = Number(cd.readBigUInt64LE(q));
        }
        e += 4 + len;
      }
      entries.push({ name, method, flags, compressedSize, size: usize, localOffset, span: 30 + nameLen + compressedSize });
      p = eEnd + commentLen;
    }
    checkNoOverlap(path, entries);
    return { entries, fh };
  } catch (e) {
    await fh.close();
    throw e instanceof ArchiveError ? e : new ArchiveError(`${path}: cannot read zip archive: ${(e as Error).message}`);
  }
}

/**
 * Members of a real zip occupy disjoint byte ranges. Entries that share bytes are how a small zip
 * inflates one stream many times over (a "zip bomb"): the whole archive is refused.
 */
function checkNoOverlap(path: string, entries: readonly ZipEntry[]): void {
  const order = entries.map((_, i) => i).sort((a, b) => entries[a]!.localOffset - entries[b]!.localOffset || a - b);
  for (let k = 1; k < order.length; k++) {
    const prev = entries[order[k - 1]!]!;
    const cur = entries[order[k]!]!;
    const where =
      cur.localOffset === prev.localOffset
        ? `both start at byte ${cur.localOffset}`
        : `'${cur.name}' starts at byte ${cur.localOffset}, inside '${prev.name}' (bytes ${prev.localOffset} to ${prev.localOffset + prev.span - 1})`;
    if (cur.localOffset < prev.localOffset + prev.span) {
      throw new ArchiveError(
        `${path}: zip entries '${prev.name}' and '${cur.name}' overlap (${where}); a valid zip never shares bytes between members (corrupt or hostile archive, refused)`,
      );
    }
  }
}

/**
 * Inflates `length` bytes at `start` as a stream (zlib on the thread pool, the event loop stays
 * free); gives up with 'too-large' as soon as the output passes `maxOut` bytes.
 */
function inflateRange(path: string, start: number, length: number, maxOut: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const inflate = createInflateRaw();
    const source = createReadStream(path, { start, end: start + Math.max(length, 1) - 1, highWaterMark: 1 << 20 });
    // Filled chunk by chunk (no final concatenation: that one copy would block the loop as long as a synchronous inflate).
    const out = Buffer.allocUnsafe(maxOut);
    let total = 0;
    let settled = false;
    const finish = (v: Buffer | 'too-large' | Error) => {
      if (settled) return;
      settled = true;
      source.unpipe(inflate);
      source.destroy();
      inflate.destroy();
      if (v instanceof Error) reject(v);
      else resolve(v);
    };
    inflate.on('data', (c: Buffer) => {
      if (total + c.length > maxOut) return finish('too-large');
      c.copy(out, total);
      total += c.length;
    });
    inflate.on('end', () => finish(out.subarray(0, total)));
    inflate.on('error', finish);
    source.on('error', finish);
    if (length === 0) inflate.end();
    else source.pipe(inflate);
  });
}

export interface ZipReadOptions {
  /** Most bytes the wanted members may inflate to in all (default maxArchiveTotalBytes()). */
  maxTotalBytes?: number;
}

/** The regular-file members of a zip archive, in central-directory order. */
export async function* readZip(path: string, want: (name: string) => boolean, opts: ZipReadOptions = {}): AsyncGenerator<ArchiveMember> {
  const { entries, fh } = await readZipDirectory(path);
  const maxTotal = opts.maxTotalBytes ?? maxArchiveTotalBytes();
  let inflatedTotal = 0;
  try {
    const fileSize = (await fh.stat()).size;
    for (const z of entries) {
      if (z.name.endsWith('/')) continue;
      const name = z.name.replace(/^\.\//, '');
      if (!want(name)) {
        yield { name, data: null };
        continue;
      }
      const fail = (error: string): ArchiveMember => ({ name, data: null, error });
      if (z.flags & 1) {
        yield fail('member is encrypted');
        continue;
      }
      if (z.method !== 0 && z.method !== 8) {
        yield fail(`unsupported zip compression method ${z.method} (only stored and deflate)`);
        continue;
      }
      const limit = maxMemberBytes();
      if (z.size > limit) {
        yield fail(`member is ${z.size} bytes, larger than the ${limit}-byte limit (--max-file-size)`);
        continue;
      }
      if (z.localOffset + 30 + z.compressedSize > fileSize) {
        yield fail('member extends past the end of the archive (truncated zip)');
        continue;
      }
      const local = Buffer.alloc(30);
      await fh.read(local, 0, 30, z.localOffset);
      if (local.readUInt32LE(0) !== 0x04034b50) {
        yield fail('corrupt zip local header');
        continue;
      }
      if (inflatedTotal + z.size > maxTotal) {
        yield fail(`not read: the archive's members inflate to more than ${formatBytes(maxTotal)} in all (64 x --max-file-size; a decompression bomb?)`);
        continue;
      }
      const dataStart = z.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      let data: Buffer | 'too-large';
      try {
        if (z.method === 0) {
          data = Buffer.alloc(z.compressedSize);
          await fh.read(data, 0, z.compressedSize, dataStart);
        } else {
          // The directory's size is a claim: inflation stops one byte past it, so a member that
          // understates its size costs at most that much memory (never the whole expansion).
          data = await inflateRange(path, dataStart, z.compressedSize, z.size);
        }
      } catch (e) {
        yield fail(`cannot inflate: ${(e as Error).message}`);
        continue;
      }
      if (data === 'too-large') {
        yield fail(`member inflates to more than the ${z.size} bytes its directory entry declares (corrupt or hostile zip)`);
        continue;
      }
      inflatedTotal += data.length;
      yield data.length === z.size ? { name, data } : fail(`size mismatch after inflating (${data.length} != ${z.size})`);
    }
  } finally {
    await fh.close();
  }
}

export function readArchive(path: string, kind: ArchiveKind, want: (name: string) => boolean): AsyncGenerator<ArchiveMember> {
  return kind === 'zip' ? readZip(path, want) : readTar(path, kind === 'tgz', want);
}
