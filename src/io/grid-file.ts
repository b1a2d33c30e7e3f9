// A grid file read from disk in chunks, as the grid readers ask for lines: a spin-polarized CHGCAR of
// gigabytes is read only up to the end of its first block, and an endless device (/dev/zero) or a
// file without line breaks stops at the byte limit (--max-file-size) instead of growing one string.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readVolumetricGridLines, type LineSource, type ReadGridOptions, type VolumetricGrid } from './grid-readers.js';
import { GridFileError } from '../errors.js';
import { FileTooLargeError, formatBytes, MAX_FILE_SIZE_ENV, parseByteSize } from '../structure/size-limit.js';

const CHUNK = 1 << 20;

/** Grid lines are short (a cube or CHGCAR line is under 100 characters); a longer one means the file is not a grid. */
export const MAX_GRID_LINE = 1 << 20;

/**
 * Default byte limit for grid files: 1 GiB, above the 64 MiB for structure files, since a fine CHGCAR's first
 * block is hundreds of megabytes. --max-file-size (BVSCAPE_MAX_FILE_SIZE) sets it when given.
 */
export const DEFAULT_MAX_GRID_BYTES = 1024 ** 3;

export function maxGridFileBytes(): number {
  const env = process.env[MAX_FILE_SIZE_ENV];
  return (env !== undefined && parseByteSize(env)) || DEFAULT_MAX_GRID_BYTES;
}

class FileLines implements LineSource {
  /** Lines from index `base` on; earlier ones were released. */
  private lines: string[] = [];
  private base = 0;
  private partial = '';
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private bytes = 0;
  private eof = false;

  constructor(
    private readonly fd: number,
    private readonly file: string,
    private readonly limit: number,
    /** The regular file's size, or 0 for a device or pipe (whose size fstat does not know). */
    private readonly size: number,
  ) {}

  get(i: number): string | undefined {
    while (i >= this.base + this.lines.length && !this.eof) this.readChunk();
    return i >= this.base ? this.lines[i - this.base] : undefined;
  }

  release(i: number): void {
    const drop = i - this.base;
    // Drop in batches: shifting a long array line by line would cost quadratic time.
    if (drop > 4096) {
      this.lines = this.lines.slice(drop);
      this.base = i;
    }
  }

  maxLength(): number {
    return this.size > 0 ? Math.min(this.size, this.limit) : this.limit;
  }

  private readChunk(): void {
    // Never more than one byte past the limit, so the limit is exact whatever the chunk size.
    const n = readSync(this.fd, this.buf, 0, Math.min(CHUNK, this.limit + 1 - this.bytes), null);
    if (n === 0) {
      this.eof = true;
      const rest = this.partial + this.decoder.decode();
      this.partial = '';
      if (rest !== '') this.lines.push(rest.replace(/\r$/, ''));
      return;
    }
    this.bytes += n;
    if (this.bytes > this.limit) {
      throw new FileTooLargeError(
        `${this.file}: reading the grid passed the ${formatBytes(this.limit)} limit before its data ended (an endless device, or a grid larger than the limit); ` +
          `raise it with --max-file-size (or ${MAX_FILE_SIZE_ENV}) if the file is really a grid`,
      );
    }
    const text = this.partial + this.decoder.decode(this.buf.subarray(0, n), { stream: true });
    const parts = text.split('\n');
    this.partial = parts.pop()!;
    if (this.partial.length > MAX_GRID_LINE) {
      const line = this.base + this.lines.length + parts.length + 1;
      throw new GridFileError(
        this.file,
        line,
        `line ${line} is longer than ${formatBytes(MAX_GRID_LINE)} without a line break: not a text grid file (.cube, .grd, CHGCAR)`,
      );
    }
    for (const p of parts) this.lines.push(p.endsWith('\r') ? p.slice(0, -1) : p);
  }
}

/**
 * Reads a .cube, .grd or CHGCAR/LOCPOT-style file from disk, holding only the lines still needed;
 * FileTooLargeError when more than `limit` bytes must be read, GridFileError on malformed content.
 */
export function readVolumetricGridFile(path: string, limit: number, opts: ReadGridOptions = {}): VolumetricGrid {
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: is a directory, read '${path}'`), { code: 'EISDIR' });
    return readVolumetricGridLines(new FileLines(fd, path, limit, st.isFile() ? st.size : 0), path, opts);
  } finally {
    closeSync(fd);
  }
}
