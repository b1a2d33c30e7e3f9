// Grid files: .grd (VESTA general grid) round trip and layout; .cube header, units and value order.
import { describe, expect, it } from 'vitest';
import { BOHR_ANGSTROM, formatE, readGrd, writeCube, writeGrd } from '../../src/io/grid-files.js';
import { Lattice } from '../../src/structure/lattice.js';
import { InputError } from '../../src/errors.js';

const grid = { nx: 5, ny: 4, nz: 7 }; // 140 values: not a multiple of 6, nz = 7 > 6
const n = grid.nx * grid.ny * grid.nz;
/** Value that encodes its grid point, so the order in a file can be read back: i + 10 j + 100 k. */
const code = (i: number, j: number, k: number) => i + 10 * j + 100 * k;
const coded = new Float32Array(n);
for (let k = 0; k < grid.nz; k++) for (let j = 0; j < grid.ny; j++) for (let i = 0; i < grid.nx; i++) coded[i + grid.nx * (j + grid.ny * k)] = code(i, j, k);
const triclinic = Lattice.fromParameters({ a: 7.1, b: 8.3, c: 9.7, alpha: 81, beta: 97.5, gamma: 103 });

describe('formatE', () => {
  it('prints C-style %E', () => {
    expect(formatE(12.3456789, 5)).toBe('1.23457E+01');
    expect(formatE(-0.000123, 3)).toBe('-1.230E-04');
    expect(formatE(0, 2)).toBe('0.00E+00');
    expect(formatE(1e-120, 1)).toBe('1.0E-120');
    expect(formatE(Infinity, 4)).toBe('3.4028E+38');
    expect(formatE(-Infinity, 4)).toBe('-3.4028E+38');
  });
});

describe('.grd (VESTA)', () => {
  it('round-trips values, grid size and cell exactly (float32)', () => {
    const values = new Float32Array(n);
    let s = 1;
    for (let x = 0; x < n; x++) {
      s = (s * 48271) % 2147483647;
      values[x] = Math.fround((s / 2147483647 - 0.3) * 10 ** ((s % 9) - 4));
    }
    const text = writeGrd(values, grid, triclinic, 'Li3PS4 Li+ BVSE (eV)');
    const back = readGrd(text);
    expect(back.grid).toEqual(grid);
    expect(back.title).toBe('Li3PS4 Li+ BVSE (eV)');
    expect(Array.from(back.energies)).toEqual(Array.from(values));
    const p = triclinic.parameters;
    for (const key of ['a', 'b', 'c', 'alpha', 'beta', 'gamma'] as const) expect(back.params[key]).toBeCloseTo(p[key], 5);
  });

  it('has the VESTA layout: title, cell, sizes, then values x fastest', () => {
    const text = writeGrd(coded, grid, { a: 10, b: 11, c: 12, alpha: 90, beta: 90, gamma: 120 }, 'multi\nline title');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('multi line title');
    expect(lines[1]!.split(/\s+/).map(Number)).toEqual([10, 11, 12, 90, 90, 120]);
    expect(lines[2]).toBe('5 4 7');
    const values = lines.slice(3).flatMap((l) => l.trim().split(/\s+/).map(Number));
    expect(values.length).toBe(n);
    expect(lines.length).toBe(3 + Math.ceil(n / 6));
    // First values: i runs first, then j: (0,0,0) (1,0,0) … (4,0,0) (0,1,0) …
    expect(values.slice(0, 7)).toEqual([0, 1, 2, 3, 4, 10, 11]);
    expect(values[grid.nx * grid.ny]).toBe(code(0, 0, 1));
    expect(values[n - 1]).toBe(code(4, 3, 6));
  });

  it('rejects NaN, wrong lengths and broken files', () => {
    const bad = coded.slice();
    bad[17] = NaN;
    expect(() => writeGrd(bad, grid, triclinic, 't')).toThrow(/NaN at flat index 17/);
    expect(() => writeGrd(coded.subarray(1), grid, triclinic, 't')).toThrow(RangeError);
    const text = writeGrd(coded, grid, triclinic, 't');
    expect(() => readGrd(text.replace('5 4 7', '5 4 8'))).toThrow(InputError);
    expect(() => readGrd(text.replace('5 4 7', '5 4'))).toThrow(/line 3/);
    expect(() => readGrd(text + '1.0\n')).toThrow(/more than/);
  });
});

describe('.cube (Gaussian)', () => {
  const atoms = [
    { Z: 3, cart: [0.5, 1, 1.5] as [number, number, number] },
    { Z: 16, cart: [2, -1, 4] as [number, number, number] },
  ];
  const text = writeCube(coded, grid, triclinic, atoms, 'Li landscape');
  const lines = text.trimEnd().split('\n');

  it('writes the header in Bohr: origin, voxel vectors = lattice vector / n, atoms', () => {
    expect(lines[0]).toBe('Li landscape');
    const head = lines[2]!.trim().split(/\s+/).map(Number);
    expect(head).toEqual([2, 0, 0, 0]);
    [grid.nx, grid.ny, grid.nz].forEach((count, axis) => {
      const f = lines[3 + axis]!.trim().split(/\s+/).map(Number);
      expect(f[0]).toBe(count);
      const v = triclinic.vector(axis);
      for (let d = 0; d < 3; d++) expect(f[1 + d]).toBeCloseTo(v[d]! / count / BOHR_ANGSTROM, 5);
    });
    atoms.forEach((a, x) => {
      const f = lines[6 + x]!.trim().split(/\s+/).map(Number);
      expect(f[0]).toBe(a.Z);
      expect(f[1]).toBe(a.Z);
      for (let d = 0; d < 3; d++) expect(f[2 + d]).toBeCloseTo(a.cart[d]! / BOHR_ANGSTROM, 5);
    });
  });

  it('writes values z fastest, 6 per line (%16.8E: float32 round-trips), a new line for every (i, j)', () => {
    const body = lines.slice(6 + atoms.length);
    const perRow = Math.ceil(grid.nz / 6);
    expect(body.length).toBe(grid.nx * grid.ny * perRow);
    for (const l of body) {
      expect(l.length % 16).toBe(0);
      expect(l.length / 16).toBeLessThanOrEqual(6);
      expect(l).toMatch(/^( *-?\d\.\d{8}E[+-]\d{2,3})+$/);
    }
    let row = 0;
    for (let i = 0; i < grid.nx; i++)
      for (let j = 0; j < grid.ny; j++) {
        const vals = body.slice(row * perRow, (row + 1) * perRow).flatMap((l) => l.trim().split(/\s+/).map(Number));
        expect(vals).toEqual(Array.from({ length: grid.nz }, (_, k) => code(i, j, k)));
        row++;
      }
  });
});
