// Archive headers and zip directories that ask for unbounded work: a GNU long-name or pax header
// claiming a name of gigabytes, and zip central directories whose entries share one deflate stream.
// The archive gets an error row and the members around the damage are kept.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { fakeStructure, makeTar, makeZip, tarHeader, tempDir } from '../screen/helpers.js';
import { discoverEntries, iterateEntryInputs } from '../../src/screen/inputs.js';
import { MAX_TAR_HEADER_BYTES, readZip } from '../../src/screen/archive.js';
import { gunzipBounded } from '../../src/structure/read.js';

/** `before` + an oversized 'L' or 'x' record (`bodyBytes` long) + `after`, as one tar. */
function tarWithHugeHeader(type: 'L' | 'x', bodyBytes: number): Buffer {
  const before = makeTar([{ name: 'a.cif', content: fakeStructure('a', 0.3) }]);
  const after = makeTar([
    { name: 'b.cif', content: fakeStructure('b', 0.4) },
    { name: 'c.cif', content: fakeStructure('c', 0.5) },
  ]);
  let body: Buffer;
  if (type === 'L') body = Buffer.alloc(bodyBytes, 0x61);
  else {
    // One pax record "<len> path=<value>\n" whose length counts itself.
    const value = 'p'.repeat(bodyBytes - 20);
    let rec = `path=${value}\n`;
    let len = rec.length + 1;
    while (`${len} ${rec}`.length !== len) len = `${len} ${rec}`.length;
    rec = `${len} ${rec}`;
    body = Buffer.from(rec);
  }
  const padded = Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
  return Buffer.concat([before.subarray(0, before.length - 1024), tarHeader('././@LongLink', body.length, type), padded, after]);
}

describe('tar headers are capped', () => {
  it.each(['L', 'x'] as const)("a '%s' header of 3 MiB: an error entry for the archive, and the members after it are kept", async (type) => {
    const dir = tempDir();
    const path = join(dir, `huge-${type}.tar.gz`);
    writeFileSync(path, gzipSync(tarWithHugeHeader(type, 3 * 1024 * 1024)));
    const d = await discoverEntries([path]);
    const ids = d.entries.map((e) => e.id.slice(e.id.lastIndexOf('huge-')));
    // b.cif is the member the long name was meant for: kept under its short name.
    expect(ids).toEqual([`huge-${type}.tar.gz`, `huge-${type}.tar.gz!/a.cif`, `huge-${type}.tar.gz!/b.cif`, `huge-${type}.tar.gz!/c.cif`]);
    const err = d.entries.find((e) => e.error !== undefined)!;
    expect(err.error).toMatch(new RegExp(`${type === 'L' ? 'GNU long-name' : 'pax'} header of 31457\\d\\d bytes is larger than the 1 MiB limit`));
    expect(err.error).toMatch(/b\.cif/);
    const got: Record<string, string> = {};
    for await (const input of iterateEntryInputs(d, d.entries))
      got[input.file.slice(input.file.lastIndexOf('huge-'))] = input.text !== undefined ? 'text' : `${input.readError?.kind}`;
    expect(got).toEqual({
      [`huge-${type}.tar.gz`]: 'ArchiveError',
      [`huge-${type}.tar.gz!/a.cif`]: 'text',
      [`huge-${type}.tar.gz!/b.cif`]: 'text',
      [`huge-${type}.tar.gz!/c.cif`]: 'text',
    });
  });

  it('headers up to the limit still name the member', async () => {
    const dir = tempDir();
    const name = `deep/${'n'.repeat(4000)}.cif`;
    writeFileSync(join(dir, 'ok.tar'), makeTar([{ name, content: 'x' }]));
    const d = await discoverEntries([join(dir, 'ok.tar')]);
    expect(d.entries.map((e) => e.member)).toEqual([name]);
    expect(MAX_TAR_HEADER_BYTES).toBe(1024 * 1024);
  });
});

/** `n` central-directory entries all pointing at the one local header of a deflated member. */
function overlappingZip(n: number, content: Buffer): Buffer {
  const one = makeZip([{ name: 'm0.cif', content: content.toString('latin1') }]);
  const body = deflateRawSync(content);
  const localLen = 30 + 'm0.cif'.length + body.length;
  const firstCentral = one.subarray(localLen, one.length - 22);
  const central: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const c = Buffer.from(firstCentral);
    c.write(`m${i % 10}.cif`, 46); // names differ, all offsets stay 0
    central.push(c);
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(n, 8);
  end.writeUInt16LE(n, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(localLen, 16);
  return Buffer.concat([one.subarray(0, localLen), cd, end]);
}

describe('zip directories are checked', () => {
  it('central-directory entries that share one local header are refused before inflating any', async () => {
    const dir = tempDir();
    const path = join(dir, 'overlap.zip');
    writeFileSync(path, overlappingZip(40, Buffer.alloc(64 * 1024, 0x20)));
    await expect(async () => {
      for await (const _ of readZip(path, () => true)) void _;
    }).rejects.toThrow(/overlap\.zip: zip entries 'm0\.cif' and 'm1\.cif' overlap \(both start at byte 0\)/);
    const d = await discoverEntries([path]);
    expect(d.entries).toHaveLength(1);
    expect(d.entries[0]!.error).toMatch(/overlap/);
  });

  it('total inflated bytes per archive are capped: members past the cap get error rows, earlier ones are read', async () => {
    const dir = tempDir();
    const path = join(dir, 'many.zip');
    const big = ' '.repeat(400 * 1024);
    writeFileSync(path, makeZip([0, 1, 2, 3].map((i) => ({ name: `m${i}.cif`, content: `data_m${i}\n${big}` }))));
    const got: Array<{ name: string; ok: boolean; error?: string }> = [];
    // The default cap is 64 x --max-file-size (4 GiB); the option lowers it for the test.
    for await (const m of readZip(path, () => true, { maxTotalBytes: 1024 * 1024 }))
      got.push({ name: m.name, ok: m.data !== null, ...(m.error ? { error: m.error } : {}) });
    expect(got.map((g) => [g.name, g.ok])).toEqual([
      ['m0.cif', true],
      ['m1.cif', true],
      ['m2.cif', false],
      ['m3.cif', false],
    ]);
    expect(got[2]!.error).toMatch(/the archive's members inflate to more than 1 MiB in all/);
  });

  it('inflating does not block the event loop: timers keep firing while a 64 MiB member inflates', async () => {
    const dir = tempDir();
    const path = join(dir, 'big.zip');
    writeFileSync(path, makeZip([{ name: 'big.cif', content: ' '.repeat(64 * 1024 * 1024) }]));
    // A synchronous inflate holds the loop for its whole length (ticks fire only around the small file
    // reads); streamed on the thread pool, the loop turns for every chunk (about one tick per ms).
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let size = 0;
    try {
      for await (const m of readZip(path, () => true)) size = m.data?.length ?? -1;
    } finally {
      clearInterval(timer);
    }
    expect(size).toBe(64 * 1024 * 1024);
    expect(ticks).toBeGreaterThanOrEqual(20);
  });
});

describe('gzipped members', () => {
  it('gunzipBounded (archive members, .gz files) decompresses off the event loop: timers keep firing during it', async () => {
    const content = Buffer.alloc(96 * 1024 * 1024, 0x20);
    const gz = gzipSync(content);
    // A synchronous gunzip holds the loop for the whole call: no tick can fire inside it. On the
    // thread pool the loop turns while zlib works (hundreds of 1 ms ticks; a handful is asked).
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let out: Buffer;
    try {
      out = await gunzipBounded(gz, 'big.cif.gz', 128 * 1024 * 1024);
    } finally {
      clearInterval(timer);
    }
    expect(out.length).toBe(content.length);
    expect(ticks).toBeGreaterThanOrEqual(5);
    await expect(gunzipBounded(gz, 'big.cif.gz', 1024 * 1024)).rejects.toThrow(/big\.cif\.gz decompressed is larger than the 1 MiB limit/);
  });
});
