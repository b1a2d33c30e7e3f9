// Test helpers: tiny tar and zip writers (so archive tests do not depend on system tools), a
// temporary directory, fake structure files, the options of a quiet screen on them, and table loading.
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import type { ScreenOptions } from '../../src/screen/screen.js';
import { screenConfig } from '../../src/screen/types.js';

export const HERE = fileURLToPath(new URL('.', import.meta.url));
export const FAKE_PROCESSOR = resolve(HERE, 'fixtures/fake-processor.mjs');
export const ROOT = resolve(HERE, '../..');

export function tempDir(prefix = 'bvscape-screen-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** A POSIX ustar archive; names over 100 bytes get a GNU 'L' long-name record. */
/** One 512-byte ustar header record: `type` '0' a file, 'L' a GNU long name, 'x' pax; `size` bytes of body follow. */
export function tarHeader(name: string, size: number, type: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0, 'utf8');
  h.write(octal(0o644, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(0, 12), 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

export function makeTar(files: Array<{ name: string; content: string }>): Buffer {
  const blocks: Buffer[] = [];
  const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);
  for (const f of files) {
    const data = Buffer.from(f.content, 'utf8');
    if (Buffer.byteLength(f.name) > 100) {
      const nameBytes = Buffer.from(f.name + '\0', 'utf8');
      blocks.push(tarHeader('././@LongLink', nameBytes.length, 'L'), pad(nameBytes));
    }
    blocks.push(tarHeader(f.name, data.length, '0'), pad(data));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function makeTarGz(files: Array<{ name: string; content: string }>): Buffer {
  return gzipSync(makeTar(files));
}

/** A zip archive; `deflate` chooses method 8 over stored (0). */
export function makeZip(files: Array<{ name: string; content: string }>, deflate = true): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const data = Buffer.from(f.content, 'utf8');
    const body = deflate ? deflateRawSync(data) : data;
    const name = Buffer.from(f.name, 'utf8');
    const crc = crc32(data);
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x800, 6);
    lh.writeUInt16LE(deflate ? 8 : 0, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(data.length, 22);
    lh.writeUInt16LE(name.length, 26);
    locals.push(lh, name, body);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x800, 8);
    ch.writeUInt16LE(deflate ? 8 : 0, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(data.length, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    central.push(ch, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A fake structure file (see fixtures/fake-processor.mjs) with Li+ and one anion. */
export function fakeStructure(name: string, emLi: number, anion = 'I-', emX = emLi, extra = ''): string {
  return `data_${name}\nformula Li${name}\nsg P1 1\nem Li+ ${emLi}\nanion ${anion}\nem ${anion} ${emX}\n${extra}`;
}

export interface Row {
  [k: string]: unknown;
  id: string;
  ion: string | null;
  status: string;
}

/** Rows of a results table (header dropped). */
export function loadRows(path: string): Row[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);
}

/** Rows without wall-clock fields, sorted: what must be equal between two runs of one screen. */
export function comparable(rows: Row[]): string[] {
  return rows
    .map((r) => {
      const { time_ms: _t, timings_ms: _tm, ...rest } = r;
      return JSON.stringify(rest);
    })
    .sort();
}

/** Swallows a screen's log. */
export const QUIET = new Writable({ write: (_c, _e, cb) => cb() });

/**
 * A screen of `inputs` into `out` with the fake processor (fixtures/fake-processor.mjs): CPU runtime, two workers,
 * no resume, anions listed, nothing logged; `over` changes any of it.
 */
export function fakeScreenOptions(inputs: string[], out: string, over: Partial<ScreenOptions> = {}): ScreenOptions {
  return {
    inputs,
    out,
    config: screenConfig({ anions: true }),
    runtime: { backend: 'cpu' },
    workers: 2,
    resume: false,
    overwrite: false,
    shard: null,
    timeoutMs: 20_000,
    processorModule: FAKE_PROCESSOR,
    progress: 'none',
    log: QUIET,
    ...over,
  };
}
