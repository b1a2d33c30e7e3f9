// `percolate` and the table readers on hostile files: endless devices, headers that claim more points
// than the file holds, degenerate cells, values beyond float32, a scale that overflows, output paths
// into missing directories, and spin-polarized CHGCARs of which only the first block is needed.
import { describe, expect, it } from 'vitest';
import { closeSync, existsSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../screen/helpers.js';
import { cli } from './helpers.js';
import { readVolumetricGrid } from '../../src/io/grid-readers.js';
import { percolateGrid } from '../../src/pipeline/percolate-grid.js';
import { GridFileError, InputError } from '../../src/errors.js';
import { readJsonlLines } from '../../src/io/tables.js';

const hasDevZero = existsSync('/dev/zero');

/** A .grd of a simple cubic cell with a 1D channel of low values along x. */
function grd(
  n: number,
  value = (i: number, j: number, k: number) => (j === 0 && k === 0 ? 0.1 * Math.cos((2 * Math.PI * i) / n) : 3),
  cell = '4 4 4 90 90 90',
): string {
  const vals: string[] = [];
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) vals.push(value(i, j, k).toExponential(6));
  return `test\n${cell}\n${n} ${n} ${n}\n${vals.join('\n')}\n`;
}

/** The head of a CHGCAR: one Li atom in a 4 Å cube, then "n n n". */
function chgcarHead(n: number): string {
  return `Li test\n1.0\n4 0 0\n0 4 0\n0 0 4\nLi\n1\nDirect\n0 0 0\n\n${n} ${n} ${n}\n`;
}

function chgcarValues(n: number, f: (i: number) => number): string {
  const out: string[] = [];
  for (let p = 0; p < n * n * n; p++) out.push(f(p).toExponential(5));
  return out.join(' ').replace(/((?:\S+ ){4}\S+) /g, '$1\n') + '\n';
}

describe('grid files', () => {
  it('a spin-polarized CHGCAR far larger than --max-file-size: only the first block is read', () => {
    const dir = tempDir();
    const file = join(dir, 'CHGCAR');
    const n = 8;
    const fd = openSync(file, 'w');
    writeSync(fd, chgcarHead(n) + chgcarValues(n, (p) => (p % n === 0 ? 1 : 0) + (p % (n * n) < n ? 0 : 2)));
    // Augmentation lines and a second (magnetization) block: 6 MiB the reader must not need.
    const aug = 'augmentation occupancies 1 16\n' + ' 0.1234567E+00'.repeat(5).concat('\n').repeat(1000);
    for (let k = 0; k < 40 && Buffer.byteLength(aug) * k < 6 * 1024 * 1024; k++) writeSync(fd, aug);
    writeSync(fd, `\n${n} ${n} ${n}\n` + chgcarValues(n, () => 7));
    closeSync(fd);
    const r = cli(['percolate', file, '--max-file-size', '1M', '--json'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { format: string; e_max: number };
    expect(j.format).toBe('chgcar');
    expect(j.e_max).toBe(3); // from the first block; the second holds 7
  });

  it.runIf(hasDevZero)('/dev/zero as a grid: exit 2 at the line-length limit, no RangeError', () => {
    const r = cli(['percolate', '/dev/zero', '--format', 'chgcar'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/\/dev\/zero:1: line 1 is longer than 1 MiB without a line break: not a text grid file/);
    expect(r.stderr).not.toMatch(/RangeError|at .*\.js:\d+/);
  });

  it('a grid whose data run past --max-file-size stops there (exit 2, the limit named)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'big.grd'), grd(64));
    const r = cli(['percolate', join(dir, 'big.grd'), '--max-file-size', '1M'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/big\.grd: reading the grid passed the 1 MiB limit before its data ended.*--max-file-size/);
    const ok = cli(['percolate', join(dir, 'big.grd')], { timeoutMs: 60_000 });
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('a header claiming 100000³ points is refused from the file size, before allocating', () => {
    const text = `huge\n4 4 4 90 90 90\n100000 100000 100000\n1 2 3\n`;
    expect(() => readVolumetricGrid(text, 'huge.grd')).toThrow(GridFileError);
    expect(() => readVolumetricGrid(text, 'huge.grd')).toThrow(
      /huge\.grd:3: the header claims 100000×100000×100000 = 1e\+15 points, but the file holds at most \d+ values/,
    );
    const dir = tempDir();
    writeFileSync(join(dir, 'huge.grd'), text);
    const r = cli(['percolate', join(dir, 'huge.grd')]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).not.toMatch(/Invalid typed array length|RangeError/);
  });

  it('degenerate .grd cells are GridFileErrors, not RangeErrors', () => {
    for (const cell of ['4 4 4 120 120 120', '4 4 4 90 90 179.9999999999', '4 4 4 0.00000001 90 90']) {
      const text = grd(2, () => 1, cell);
      expect(() => readVolumetricGrid(text, 'flat.grd'), cell).toThrow(GridFileError);
      expect(() => readVolumetricGrid(text, 'flat.grd'), cell).toThrow(/flat\.grd:2: .*no volume/);
    }
  });

  it('values beyond the float32 range are GridFileErrors naming the line (finite in float64, infinite in float32)', () => {
    const text = grd(4, (i, j, k) => (i === 1 && j === 2 && k === 3 ? 1e39 : 1));
    expect(() => readVolumetricGrid(text, 'big.grd')).toThrow(GridFileError);
    expect(() => readVolumetricGrid(text, 'big.grd')).toThrow(/big\.grd:\d+: '1\.000000e\+39' is beyond the single-precision range/);
    // bvscape's own sentinel for an infinite energy (the largest float32, rounded to 8 digits) stays readable.
    const sentinel = grd(4, (i, j) => (i === 0 && j === 1 ? 3.4028235e38 : 1));
    expect(Math.max(...readVolumetricGrid(sentinel, 'ok.grd').values)).toBeGreaterThan(3.4e38);
  });

  it('--scale that overflows float32 is refused instead of reporting a barrier of -Infinity', () => {
    const text = grd(6);
    expect(() => percolateGrid(text, 'x.grd', { scale: 1e39 })).toThrow(InputError);
    expect(() => percolateGrid(text, 'x.grd', { scale: 1e39 })).toThrow(/scale 1e\+39 takes the value .* beyond the single-precision range/);
    const dir = tempDir();
    writeFileSync(join(dir, 'x.grd'), text);
    const r = cli(['percolate', join(dir, 'x.grd'), '--scale', '1e39']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).not.toMatch(/Infinity/);
  });

  it('--path and --profile into a missing directory fail before the grid is read', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.grd'), grd(6));
    for (const opt of ['--path', '--profile']) {
      // The input does not exist either: the output is checked first, so its message wins.
      const r = cli(['percolate', join(dir, 'missing.grd'), opt, join(dir, 'nodir', 'out')]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${opt} .*nodir.*does not exist`));
    }
  });
});

describe('table readers', () => {
  it.runIf(hasDevZero)('plot /dev/zero stops at the line-length limit; merge refuses it (exit 2, bounded memory)', () => {
    const dir = tempDir();
    const plot = cli(['plot', '/dev/zero', '--out', join(dir, 'p.svg')], { timeoutMs: 30_000 });
    expect(plot.code, plot.stderr).toBe(2);
    expect(plot.stderr).toMatch(/\/dev\/zero:1: a line longer than 16 MiB: not a bvscape screen table/);
    const merge = cli(['merge', '/dev/zero', '--out', join(dir, 'm.jsonl')], { timeoutMs: 30_000 });
    expect(merge.code, merge.stderr).toBe(2);
  });

  it('a table line over 16 MiB is an InputError naming the line, read without holding the whole line', async () => {
    const dir = tempDir();
    const p = join(dir, 't.jsonl');
    const fd = openSync(p, 'w');
    writeSync(fd, '{"a":1}\n');
    const block = Buffer.alloc(1024 * 1024, 0x61);
    for (let i = 0; i < 20; i++) writeSync(fd, block);
    closeSync(fd);
    const seen: number[] = [];
    await expect(async () => {
      for await (const l of readJsonlLines(p)) seen.push(l.line);
    }).rejects.toThrow(/t\.jsonl:2: a line longer than 16 MiB/);
    expect(seen).toEqual([1]);
  });
});
