// The largest structure file bvscape reads (after decompression): a CIF is kilobytes, so a file of
// gigabytes (or /dev/zero) is a mistake to report, not something to load. Configurable with
// --max-file-size on the commands that read files, or BVSCAPE_MAX_FILE_SIZE in the environment
// (which also reaches the screen's worker threads).
import { InputError } from '../errors.js';

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
export const MAX_FILE_SIZE_ENV = 'BVSCAPE_MAX_FILE_SIZE';

/** A file (or archive member, or decompressed stream) over the size limit. */
export class FileTooLargeError extends InputError {
  override name = 'FileTooLarge';
}

/** "64M", "1.5G", "500k", "1048576" -> bytes; null when the text is not a size. */
export function parseByteSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(text);
  if (!m) return null;
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  const n = Math.floor(Number(m[1]) * mult);
  return n >= 1 ? n : null;
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
  if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** The limit in force: BVSCAPE_MAX_FILE_SIZE when set, else 64 MiB. A value that is not a size is an InputError, not ignored. */
export function maxFileBytes(): number {
  const env = typeof process !== 'undefined' ? process.env?.[MAX_FILE_SIZE_ENV] : undefined;
  if (env === undefined || env.trim() === '') return DEFAULT_MAX_FILE_BYTES;
  const n = parseByteSize(env);
  if (n === null)
    throw new InputError(
      `${MAX_FILE_SIZE_ENV}='${env}' is not a size; give e.g. 64M, 1G or 1048576 (or unset it for the ${formatBytes(DEFAULT_MAX_FILE_BYTES)} default)`,
    );
  return n;
}

export function tooLarge(what: string, limit: number, detail = ''): FileTooLargeError {
  return new FileTooLargeError(
    `${what} is larger than the ${formatBytes(limit)} limit for one structure file${detail ? ` (${detail})` : ''}; ` +
      `raise it with --max-file-size (or ${MAX_FILE_SIZE_ENV}) if the file is really a structure`,
  );
}
