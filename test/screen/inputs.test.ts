import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readArchive } from '../../src/screen/archive.js';
import {
  discoverEntries,
  expandGlob,
  inputsDigest,
  isStructureFileName,
  iterateEntryInputs,
  normaliseId,
  parseShard,
  selectShard,
} from '../../src/screen/inputs.js';
import { makeTar, makeTarGz, makeZip, tempDir, writeFiles } from './helpers.js';

const members = [
  { name: 'b/z.cif', content: 'Z' },
  { name: 'a.cif', content: 'A content' },
  { name: 'README.txt', content: 'not a structure' },
  { name: `deep/${'x'.repeat(120)}.cif`, content: 'long name' },
  { name: 'POSCAR', content: 'poscar' },
];

async function collect(gen: AsyncGenerator<{ name: string; data: Buffer | null; error?: string }>) {
  const out: Record<string, string | null> = {};
  for await (const m of gen) out[m.name] = m.data ? m.data.toString('utf8') : null;
  return out;
}

describe('archive readers', () => {
  it.each([
    ['tar', (f: typeof members) => makeTar(f)],
    ['tgz', (f: typeof members) => makeTarGz(f)],
    ['zip', (f: typeof members) => makeZip(f, true)],
    ['zip', (f: typeof members) => makeZip(f, false)],
  ] as const)('%s: lists and reads every member', async (kind, make) => {
    const dir = tempDir();
    const p = join(dir, `set.${kind === 'tgz' ? 'tar.gz' : kind}`);
    writeFileSync(p, make(members));
    const all = await collect(readArchive(p, kind, () => true));
    expect(all).toEqual(Object.fromEntries(members.map((m) => [m.name, m.content])));
    const none = await collect(readArchive(p, kind, (n) => n === 'a.cif'));
    expect(none['a.cif']).toBe('A content');
    expect(none['b/z.cif']).toBeNull();
  });

  it('reads archives written by the system tar and zip tools when present', async () => {
    const { execFileSync } = await import('node:child_process');
    const dir = tempDir();
    writeFiles(dir, { 'src/one.cif': 'one', 'src/sub/two.cif': 'two' });
    let tools = 0;
    try {
      execFileSync('tar', ['-czf', join(dir, 't.tar.gz'), '-C', dir, 'src']);
      expect(await collect(readArchive(join(dir, 't.tar.gz'), 'tgz', () => true))).toEqual({ 'src/one.cif': 'one', 'src/sub/two.cif': 'two' });
      tools++;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
    try {
      execFileSync('zip', ['-qr', join(dir, 't.zip'), 'src'], { cwd: dir });
      expect(await collect(readArchive(join(dir, 't.zip'), 'zip', () => true))).toEqual({ 'src/one.cif': 'one', 'src/sub/two.cif': 'two' });
      tools++;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
    try {
      // ZIP64 extra fields in the central directory (Python writes them for every entry once its limit is 0).
      const py = `import zipfile\nzipfile.ZIP64_LIMIT = 0\nwith zipfile.ZipFile(${JSON.stringify(join(dir, 'z64.zip'))}, 'w', compression=zipfile.ZIP_DEFLATED) as z:\n  z.writestr('a.cif', 'alpha' * 10)\n  z.writestr('d/b.cif', 'beta')\n`;
      execFileSync('python3', ['-c', py]);
      expect(await collect(readArchive(join(dir, 'z64.zip'), 'zip', () => true))).toEqual({ 'a.cif': 'alpha'.repeat(10), 'd/b.cif': 'beta' });
      tools++;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
    if (tools === 0) console.warn('none of tar, zip, python3 is installed: cross-check skipped');
  });

  it('rejects a file that is not an archive, and a truncated one', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.tar'), 'hello, I am not a tar file'.repeat(40));
    await expect(collect(readArchive(join(dir, 'x.tar'), 'tar', () => true))).rejects.toThrow(/not a tar archive/);
    writeFileSync(join(dir, 'x.zip'), 'PK nothing');
    await expect(collect(readArchive(join(dir, 'x.zip'), 'zip', () => true))).rejects.toThrow(/not a zip archive/);
    writeFileSync(join(dir, 'cut.tar'), makeTar(members).subarray(0, 300));
    await expect(collect(readArchive(join(dir, 'cut.tar'), 'tar', () => true))).rejects.toThrow(/truncated/);
    writeFileSync(join(dir, 'cut2.tar'), makeTar([{ name: 'big.cif', content: 'x'.repeat(5000) }]).subarray(0, 2048));
    await expect(collect(readArchive(join(dir, 'cut2.tar'), 'tar', () => true))).rejects.toThrow(/truncated/);
  });
});

describe('input discovery', () => {
  it('finds files, directories (recursive), globs and archive members, sorted and deduplicated', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'tree/b.cif': 'b',
      'tree/a/c.cif': 'c',
      'tree/a/notes.txt': 'x',
      'tree/sub/POSCAR': 'p',
      'loose/x.vasp': 'x',
      'loose/y.cif': 'y',
      'odd.dat': 'explicit',
    });
    writeFileSync(
      join(dir, 'tree/pack.zip'),
      makeZip([
        { name: 'm/q.cif', content: 'q' },
        { name: 'skip.txt', content: '' },
      ]),
    );
    writeFileSync(join(dir, 'set.tar.gz'), makeTarGz([{ name: 'r.cif', content: 'r' }]));
    const d = await discoverEntries([join(dir, 'tree'), join(dir, 'loose/*.cif'), join(dir, 'set.tar.gz'), join(dir, 'odd.dat'), join(dir, 'tree/b.cif')]);
    const rel = d.entries.map((e) => e.id.slice(normaliseId(dir).length + 1));
    expect(rel).toEqual(['loose/y.cif', 'odd.dat', 'set.tar.gz!/r.cif', 'tree/a/c.cif', 'tree/b.cif', 'tree/pack.zip!/m/q.cif', 'tree/sub/POSCAR']);
    const texts: Record<string, string> = {};
    for await (const input of iterateEntryInputs(d, d.entries)) {
      texts[input.file.slice(normaliseId(dir).length + 1)] = input.text ?? `path:${input.path!.slice(dir.length + 1)}`;
    }
    expect(texts).toEqual({
      'loose/y.cif': 'path:loose/y.cif',
      'odd.dat': 'path:odd.dat',
      'set.tar.gz!/r.cif': 'r',
      'tree/a/c.cif': 'path:tree/a/c.cif',
      'tree/b.cif': 'path:tree/b.cif',
      'tree/pack.zip!/m/q.cif': 'q',
      'tree/sub/POSCAR': 'path:tree/sub/POSCAR',
    });
  });

  it('reads paths from stdin with -, and turns a missing listed path into an entry (an error row later)', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.cif': 'a', 'b.cif': 'b' });
    const stdin = Readable.from([`${join(dir, 'b.cif')}\n\n${join(dir, 'a.cif')}\n${join(dir, 'gone.cif')}\n`]);
    const d = await discoverEntries(['-'], { stdin });
    expect(d.entries.map((e) => e.id.split('/').pop())).toEqual(['a.cif', 'b.cif', 'gone.cif']);
    expect(d.sources[d.entries[2]!.source]!.missing).toBe(true);
  });

  it('a missing command-line input or an empty glob is a usage error', async () => {
    const dir = tempDir();
    await expect(discoverEntries([join(dir, 'nope.cif')])).rejects.toThrow(/input not found/);
    await expect(discoverEntries([join(dir, '*.cif')])).rejects.toThrow(/no files match/);
  });

  it('expands ** and {a,b} and [..] globs', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'x/1.cif': '', 'x/y/2.cif': '', 'x/y/z/3.vasp': '', 'q.cif': '' });
    const rel = (xs: string[]) => xs.map((p) => p.slice(dir.length + 1));
    expect(rel(await expandGlob(`${dir}/**/*.cif`))).toEqual(['q.cif', 'x/1.cif', 'x/y/2.cif']);
    expect(rel(await expandGlob(`${dir}/x/**/*.{cif,vasp}`))).toEqual(['x/1.cif', 'x/y/2.cif', 'x/y/z/3.vasp']);
    expect(rel(await expandGlob(`${dir}/x/[0-1].cif`))).toEqual(['x/1.cif']);
  });

  it('recognises structure file names', () => {
    for (const n of ['a.cif', 'A.CIF', 'x.mcif', 'POSCAR', 'CONTCAR', 'POSCAR_12', 'x.vasp', 'd/e/POSCAR']) expect(isStructureFileName(n)).toBe(true);
    for (const n of ['a.txt', '__MACOSX/a.cif', 'd/._a.cif', 'POSCARx', 'README']) expect(isStructureFileName(n)).toBe(false);
  });
});

describe('sharding', () => {
  it('parses i/N and rejects nonsense', () => {
    expect(parseShard('3/16')).toEqual({ index: 3, count: 16 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '2', '-1/3']) expect(() => parseShard(bad)).toThrow(/--shard/);
  });

  it('the N shards partition any sorted list: every item exactly once, sizes within one', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 200 }), fc.integer({ min: 1, max: 17 }), (items, n) => {
        const sorted = [...new Set(items)].sort();
        const shards = Array.from({ length: n }, (_, i) => selectShard(sorted, { index: i + 1, count: n }));
        const all = shards.flat();
        expect(all.length).toBe(sorted.length);
        expect(new Set(all).size).toBe(sorted.length);
        const sizes = shards.map((s) => s.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        // Deterministic: the same call gives the same shard.
        expect(selectShard(sorted, { index: 1, count: n })).toEqual(shards[0]);
      }),
    );
  });

  it('the digest depends on the entry list only', () => {
    const e = (ids: string[]) => ids.map((id) => ({ id, source: 0 }));
    expect(inputsDigest(e(['a', 'b']))).toBe(inputsDigest(e(['a', 'b'])));
    expect(inputsDigest(e(['a', 'b']))).not.toBe(inputsDigest(e(['a', 'c'])));
    expect(inputsDigest(e(['ab']))).not.toBe(inputsDigest(e(['a', 'b'])));
  });
});

describe('the README demo input (`screen fixtures`)', () => {
  it('picks up only structures: every file outside fixtures/broken/ reads without error', async () => {
    const { readStructureFile } = await import('../../src/structure/read.js');
    const { FIXTURES } = await import('../helpers/fixtures.js');
    const d = await discoverEntries([FIXTURES]);
    const ids = d.entries.map((e) => e.id).filter((id) => !id.includes('/broken/'));
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) {
      const results = await readStructureFile(id);
      expect(results.length, id).toBeGreaterThan(0);
      for (const r of results) expect(r.error?.message, id).toBeUndefined();
    }
  });
});
