// Hostile inputs to a screen: gzipped files in directories, corrupt, cut and tricky archives,
// symlink loops, zip members that lie about their size. The screen must go on and lose nothing.
import { describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { FAKE_PROCESSOR, fakeStructure, loadRows, makeTar, makeTarGz, makeZip, tempDir, writeFiles } from '../screen/helpers.js';
import { discoverEntries } from '../../src/screen/inputs.js';
import { readZip } from '../../src/screen/archive.js';
import { cli } from './helpers.js';

const fake = ['--ion', 'Li', '--processor', FAKE_PROCESSOR, '--progress', 'none', '--workers', '1'];

function screen(inputs: string[], dir: string) {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.jsonl`);
  const r = cli(['screen', ...inputs, ...fake, '--out', out], { timeoutMs: 60_000 });
  return { ...r, rows: r.code === 0 ? loadRows(out) : [] };
}

/** A tar hard-link record (type '1') naming an earlier member. */
function withHardLink(tar: Buffer, name: string, target: string): Buffer {
  const body = tar.subarray(0, tar.length - 1024);
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write('00000000000\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('1', 156);
  h.write(target, 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return Buffer.concat([body, h, Buffer.alloc(1024)]);
}

describe('screen inputs that used to lose structures', () => {
  it('a directory input finds *.cif.gz (and the other gzipped names) like the named file', async () => {
    const dir = tempDir();
    writeFiles(join(dir, 'in'), { 'a.cif': fakeStructure('a', 0.3) });
    writeFileSync(join(dir, 'in', 'b.cif.gz'), gzipSync(fakeStructure('b', 0.4)));
    writeFileSync(join(dir, 'in', 'c.vasp.gz'), gzipSync('x'));
    const d = await discoverEntries([join(dir, 'in')]);
    expect(d.entries.map((e) => e.id.split('/').pop())).toEqual(['a.cif', 'b.cif.gz', 'c.vasp.gz']);
  });

  it('a corrupt .tar.gz and a cut .tar.gz among the inputs become error rows; the rest is screened', () => {
    const dir = tempDir();
    writeFiles(join(dir, 'in'), { 'a.cif': fakeStructure('a', 0.3) });
    writeFileSync(join(dir, 'in', 'junk.tar.gz'), Buffer.from('this is not gzip at all'));
    const good = makeTarGz([
      { name: 'x.cif', content: fakeStructure('x', 0.5) },
      { name: 'y.cif', content: fakeStructure('y', 0.6) + '#'.repeat(5000) },
    ]);
    writeFileSync(join(dir, 'in', 'cut.tar.gz'), good.subarray(0, Math.floor(good.length * 0.6)));
    const r = screen([join(dir, 'in')], dir);
    expect(r.code, r.stderr).toBe(0);
    const byId = new Map(r.rows.map((x) => [x.id.replace(/^.*in\//, '').replace(/#.*$/, ''), x]));
    expect(byId.get('a.cif')?.status).toBe('ok');
    expect(byId.get('junk.tar.gz')?.error_kind).toBe('ArchiveError');
    expect(byId.get('cut.tar.gz')?.error_kind).toBe('ArchiveError');
  });

  it('a .tar cut inside a member or between members reports the loss instead of dropping members', async () => {
    const dir = tempDir();
    const tar = makeTar([
      { name: 'a.cif', content: fakeStructure('a', 0.3) },
      { name: 'b.cif', content: fakeStructure('b', 0.4) + '#'.repeat(2000) },
      { name: 'c.cif', content: fakeStructure('c', 0.5) },
    ]);
    // Inside b's data, and exactly at the boundary before c (a 512-byte block boundary, as downloads cut).
    const bStart = 512 + 512;
    const cStart = bStart + 512 + Math.ceil((fakeStructure('b', 0.4).length + 2000) / 512) * 512;
    for (const [name, cut] of [
      ['mid.tar', bStart + 700],
      ['edge.tar', cStart],
    ] as const) {
      writeFileSync(join(dir, name), tar.subarray(0, cut));
      const d = await discoverEntries([join(dir, name)]);
      const errors = d.entries.filter((e) => e.error);
      expect(errors, name).toHaveLength(1);
      expect(errors[0]!.error).toMatch(/truncated tar archive/);
      const r = screen([join(dir, name)], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.rows.filter((x) => x.status === 'ok').map((x) => x.id.split('!/')[1])).toContain('a.cif#a');
      expect(r.rows.some((x) => x.error_kind === 'ArchiveError' && /truncated/.test(String(x.error)))).toBe(true);
    }
  });

  it('hard-link members and repeated member names each get a row with a distinct id', () => {
    const dir = tempDir();
    const tar = makeTar([
      { name: 'a.cif', content: fakeStructure('a', 0.3) },
      { name: 'dup.cif', content: fakeStructure('first', 0.4) },
      { name: 'dup.cif', content: fakeStructure('second', 0.7) },
    ]);
    writeFileSync(join(dir, 'set.tar'), withHardLink(tar, 'link.cif', 'a.cif'));
    writeFileSync(
      join(dir, 'set.zip'),
      makeZip([
        { name: 'z.cif', content: fakeStructure('z1', 0.2) },
        { name: 'z.cif', content: fakeStructure('z2', 0.9) },
      ]),
    );
    const r = screen([join(dir, 'set.tar'), join(dir, 'set.zip')], dir);
    expect(r.code, r.stderr).toBe(0);
    const rows = new Map(r.rows.map((x) => [x.id.replace(/^.*\/set\./, 'set.'), x]));
    expect([...rows.keys()].sort()).toEqual(
      ['set.tar!/a.cif#a', 'set.tar!/dup.cif#first', 'set.tar!/dup.cif~2#second', 'set.tar!/link.cif#a', 'set.zip!/z.cif#z1', 'set.zip!/z.cif~2#z2'].sort(),
    );
    expect(rows.get('set.tar!/link.cif#a')?.barrier_3d).toBe(0.3);
    expect(rows.get('set.tar!/dup.cif~2#second')?.barrier_3d).toBe(0.7);
    expect([...rows.values()].every((x) => x.status === 'ok')).toBe(true);
  });

  it('symlink loops: each real directory is walked once (one loop, two loops, a loop to the parent)', () => {
    const dir = tempDir();
    const root = join(dir, 'in');
    writeFiles(root, { 'a.cif': fakeStructure('a', 0.3), 'sub/b.cif': fakeStructure('b', 0.4), 'sub2/c.cif': fakeStructure('c', 0.5) });
    symlinkSync('.', join(root, 'self'));
    symlinkSync('..', join(root, 'sub', 'up'));
    symlinkSync('../sub', join(root, 'sub2', 'side'));
    mkdirSync(join(root, 'sub2', 'deep'));
    symlinkSync('../..', join(root, 'sub2', 'deep', 'top'));
    const r = screen([root], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.rows).toHaveLength(3);
    const g = screen([`${root}/**/*.cif`], dir);
    expect(g.code, g.stderr).toBe(0);
    expect(new Set(g.rows.map((x) => x.formula)).size).toBe(3);
    expect(g.rows.length).toBeLessThanOrEqual(9);
  });

  it('a zip member whose directory understates its size is refused without inflating it (bounded memory)', async () => {
    const dir = tempDir();
    const big = Buffer.alloc(512 * 1024 * 1024, 0x20);
    const body = deflateRawSync(big, { level: 1 });
    const name = Buffer.from('bomb.cif');
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc32(Buffer.from('x')), 14);
    lh.writeUInt32LE(body.length, 18);
    lh.writeUInt32LE(1000, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(body.length, 20);
    ch.writeUInt32LE(1000, 24); // the lie: 1,000 bytes
    ch.writeUInt16LE(name.length, 28);
    const cd = Buffer.concat([ch, name]);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(cd.length, 12);
    end.writeUInt32LE(30 + name.length + body.length, 16);
    const zip = join(dir, 'bomb.zip');
    writeFileSync(zip, Buffer.concat([lh, name, body, cd, end]));
    const before = process.resourceUsage().maxRSS;
    const got: Array<{ name: string; error?: string; data: Buffer | null }> = [];
    for await (const m of readZip(zip, () => true)) got.push(m);
    const grewKb = process.resourceUsage().maxRSS - before;
    expect(got).toHaveLength(1);
    expect(got[0]!.data).toBeNull();
    expect(got[0]!.error).toMatch(/inflates to more than the 1000 bytes its directory entry declares/);
    expect(grewKb).toBeLessThan(128 * 1024);
  });
});
