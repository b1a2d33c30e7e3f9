// Second round, security and the smaller cases: CSV formula injection, text in UTF-16, Latin-1 file
// names, deeply nested JSON, bad limits and shard numbers, literal paths on stdin, and library calls
// with arguments of the wrong type (typed errors, as the CLI gives).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAKE_PROCESSOR, fakeStructure, loadRows, ROOT, tempDir, writeFiles } from '../screen/helpers.js';
import { csvField, parseCsv } from '../../src/io/tables.js';
import { runScreen } from '../../src/screen/screen.js';
import { mergeShards } from '../../src/screen/merge.js';
import { createCpuBackend } from '../../src/backends/cpu/index.js';
import { MergeError, UsageError } from '../../src/errors.js';
import { parseShard } from '../../src/screen/inputs.js';
import { DEFAULT_SCREEN_CONFIG } from '../../src/screen/types.js';
import { cli, CLI } from './helpers.js';

const fake = ['--ion', 'Li', '--processor', FAKE_PROCESSOR, '--progress', 'none', '--workers', '1'];
const LII = join(ROOT, 'fixtures/LiI_rocksalt.cif');

describe('CSV formula injection (item 13)', () => {
  it('text cells starting with = + - @ tab or CR get a leading apostrophe; numbers do not', () => {
    expect(csvField('=HYPERLINK("http://x.example/?a",1)')).toBe(`"'=HYPERLINK(""http://x.example/?a"",1)"`);
    for (const t of ['+cmd', '-cmd', '@SUM(A1)', '\tx', '\rx']) expect(parseCsv(csvField(t) + '\n')[0]![0]).toBe(`'${t}`);
    for (const t of ['-1.5', '+3', '-2e-5', 'Li+', 'abc=1']) expect(csvField(t)).toBe(t);
    expect(csvField(-0.25)).toBe('-0.25');
  });

  it('a block named =HYPERLINK(...) and a file named =1+2.cif reach the CSV defused', () => {
    const dir = tempDir();
    writeFiles(join(dir, 'in'), { '=1+2.cif': fakeStructure('=HYPERLINK("http://x.example/?a",1)', 0.3) });
    const r = cli(['screen', '=1+2.cif', ...fake, '--out', join(dir, 'r.jsonl'), '--csv', join(dir, 'r.csv')], { cwd: join(dir, 'in') });
    expect(r.code, r.stderr).toBe(0);
    const [head, row] = parseCsv(readFileSync(join(dir, 'r.csv'), 'utf8'));
    const cell = (name: string) => row![head!.indexOf(name)]!;
    expect(cell('block')).toBe(`'=HYPERLINK("http://x.example/?a",1)`);
    expect(cell('id')).toBe(`'=1+2.cif#=HYPERLINK("http://x.example/?a",1)`);
    expect(cell('file')).toBe(`'=1+2.cif`);
    // The JSONL keeps the values as they are: it is data, not a spreadsheet.
    expect(loadRows(join(dir, 'r.jsonl'))[0]!.block).toBe('=HYPERLINK("http://x.example/?a",1)');
  });
});

describe('smaller cases', () => {
  it('a UTF-16 CIF (with a byte-order mark) is read; one without a mark gets a decoding message', () => {
    const dir = tempDir();
    const text = readFileSync(LII, 'utf8');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    writeFileSync(join(dir, 'le.cif'), le);
    const r = cli(['info', join(dir, 'le.cif')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/per cell: Li4 I4/);
    writeFileSync(join(dir, 'nobom.cif'), Buffer.from(text, 'utf16le'));
    const n = cli(['info', join(dir, 'nobom.cif')]);
    expect(n.code).toBe(2);
    expect(n.stderr).toMatch(/UTF-16.*save it as UTF-8/);
  });

  it('a Latin-1 file name is read (in a directory, and named on the command line)', () => {
    const dir = tempDir();
    // "café.cif" in Latin-1: the byte 0xE9 is not valid UTF-8.
    const made = spawnSync('bash', ['-c', `mkdir -p "$1/in" && cp "$2" "$1/in/caf$(printf '\\351').cif" && cp "$2" "$1/in/ok.cif"`, 'x', dir, LII]);
    expect(made.status).toBe(0);
    const out = join(dir, 'r.jsonl');
    const r = cli(['screen', join(dir, 'in'), '--ion', 'Li', '--backend', 'cpu', '--progress', 'none', '--workers', '1', '--resolution', '0.5', '--out', out], {
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const rows = loadRows(out);
    expect(rows).toHaveLength(2);
    expect(rows.map((x) => x.status)).toEqual(['ok', 'ok']);
    expect(rows.map((x) => x.id).join(' ')).toMatch(/café\.cif/);
    // Named in argv, the name arrives as bytes Node cannot keep; the message says why instead of "no such file".
    const info = spawnSync('bash', ['-c', `exec "$1" "$2" info "$3/in/caf$(printf '\\351').cif"`, 'x', process.execPath, CLI, dir], { encoding: 'utf8' });
    expect(info.status).toBe(2);
    expect(info.stderr).toMatch(/not valid UTF-8/);
  });

  it('100,000 nested JSON arrays: a clear error, no stack overflow', () => {
    const dir = tempDir();
    const f = join(dir, 'deep.json');
    writeFileSync(f, '['.repeat(100_000) + ']'.repeat(100_000));
    const r = cli(['info', f]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/nested deeper than/);
  });

  it('BVSCAPE_MAX_FILE_SIZE=-5 is refused, not ignored', () => {
    const r = cli(['info', LII], { env: { BVSCAPE_MAX_FILE_SIZE: '-5' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/BVSCAPE_MAX_FILE_SIZE.*'-5'/);
  });

  it('--shard 1/99999999999999999999 is refused', () => {
    expect(() => parseShard('1/99999999999999999999')).toThrow(UsageError);
    const r = cli(['screen', LII, ...fake, '--shard', '1/99999999999999999999', '--out', join(tempDir(), 'r.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shard/);
  });

  it('a path on stdin is literal: one that does not exist is an error row, never a pattern', () => {
    const dir = tempDir();
    writeFiles(join(dir, 'in'), { 'a.cif': fakeStructure('a', 0.3), 'b1.cif': fakeStructure('b', 0.4) });
    const out = join(dir, 'r.jsonl');
    const r = cli(['screen', '-', ...fake, '--out', out], { input: `${join(dir, 'in', 'a.cif')}\n${join(dir, 'in', 'b[12].cif')}\n` });
    expect(r.code, r.stderr).toBe(0);
    const rows = loadRows(out);
    expect(rows).toHaveLength(2);
    const missing = rows.find((x) => x.id.endsWith('b[12].cif'));
    expect(missing?.status).toBe('error');
  });

  it('library calls with arguments of the wrong type get typed errors', async () => {
    const base = {
      out: join(tempDir(), 'r.jsonl'),
      config: DEFAULT_SCREEN_CONFIG,
      runtime: { backend: 'cpu' as const },
      workers: 1,
      resume: false,
      overwrite: false,
      shard: null,
      timeoutMs: 1000,
      progress: 'none' as const,
    };
    await expect(runScreen({ ...base, inputs: 'abc' as unknown as string[] })).rejects.toThrow(UsageError);
    await expect(runScreen({ ...base, inputs: 'abc' as unknown as string[] })).rejects.toThrow(/inputs must be an array of paths.*'abc'/);
    await expect(mergeShards(['/nonexist'], join(tempDir(), 'm.jsonl'))).rejects.toThrow(MergeError);
    await expect(mergeShards(['/nonexist'], join(tempDir(), 'm.jsonl'))).rejects.toThrow(/no such file: \/nonexist/);
    await expect(mergeShards('s1.jsonl' as unknown as string[], 'm.jsonl')).rejects.toThrow(MergeError);
    expect(() => createCpuBackend({ threads: 1e9 })).toThrow(UsageError);
    expect(() => createCpuBackend({ threads: 1e9 })).toThrow(/threads must be a whole number from 1 to/);
    expect(() => createCpuBackend({ threads: '4' as unknown as number })).toThrow(UsageError);
  });
});
