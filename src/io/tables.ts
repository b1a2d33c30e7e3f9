// Result tables: JSON Lines (one object per line, append-only) and CSV (RFC 4180).
import { createReadStream } from 'node:fs';
import { InputError } from '../errors.js';

/** A number as text ("-1.5", "+3", "2e-5"): safe in a spreadsheet, which reads it as a number. */
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * One CSV field: quoted when it holds a comma, quote, CR/LF or leading/trailing space; quotes doubled.
 * Text that a spreadsheet would run as a formula (starting with = + - @, a tab or a CR: "formula
 * injection", e.g. a CIF block named =HYPERLINK(...)) gets a leading apostrophe, unless it is a number.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else if (typeof value === 'string') text = value;
  else text = JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text) && !NUMERIC.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record (no line terminator). */
export function csvRow(values: readonly unknown[]): string {
  return values.map(csvField).join(',');
}

/** A whole CSV document: header then one record per object, CRLF-free ("\n" line ends, as pandas writes). */
export function toCsv(columns: readonly string[], rows: Iterable<Record<string, unknown>>): string {
  const lines = [csvRow(columns)];
  for (const r of rows) lines.push(csvRow(columns.map((c) => r[c])));
  return lines.join('\n') + '\n';
}

/** Parse CSV text into records (handles quoted fields with commas, quotes and newlines). For tests and small tables. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
    i++;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** One JSONL line for an object (no newline inside: JSON.stringify escapes control characters). */
export function jsonlLine(obj: unknown): string {
  return JSON.stringify(obj) + '\n';
}

export interface JsonlLine {
  /** 1-based line number. */
  line: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** The raw text without the newline. */
  text: string;
  /** False for a last line with no newline (possibly torn by a kill mid-write). */
  terminated: boolean;
}

/** Longest line a results table may have: a row is a few kilobytes, so longer means another kind of file (or /dev/zero). */
export const MAX_TABLE_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Streams the lines of a (possibly huge) JSONL file with their byte offsets, so a caller can
 * truncate at a bad tail. Memory holds one read chunk plus one partial line, which may not grow
 * past MAX_TABLE_LINE_BYTES (an InputError naming the line).
 */
export async function* readJsonlLines(path: string): AsyncGenerator<JsonlLine> {
  let pending: Buffer[] = [];
  let pendingLength = 0;
  let offset = 0;
  let line = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      const bytes = pendingLength > 0 ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      pendingLength = 0;
      line++;
      yield { line, offset, text: bytes.toString('utf8'), terminated: true };
      offset += bytes.length + 1;
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      pending.push(Buffer.from(rest));
      pendingLength += rest.length;
      if (pendingLength > MAX_TABLE_LINE_BYTES) {
        throw new InputError(
          `${path}:${line + 1}: a line longer than ${MAX_TABLE_LINE_BYTES / 1024 / 1024} MiB: not a bvscape screen table (its rows are a few kilobytes each)`,
        );
      }
    }
  }
  if (pendingLength > 0) {
    line++;
    yield { line, offset, text: Buffer.concat(pending).toString('utf8'), terminated: false };
  }
}

/** Parses one JSONL line into an object; null when it is not a JSON object. */
export function parseJsonlObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
