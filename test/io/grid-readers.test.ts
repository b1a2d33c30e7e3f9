// Grid files made elsewhere: .cube (Bohr and Å), VESTA .grd in both data orders, VASP CHGCAR/LOCPOT.
// Analytic landscapes with closed-form barriers, written here in each format, must come back within the
// grid error; malformed files give a GridFileError naming the line.
import { describe, it, expect } from 'vitest';
import { Lattice } from '../../src/structure/lattice.js';
import { BOHR_ANGSTROM, formatE, writeCube, writeGrd } from '../../src/io/grid-files.js';
import { detectGridFormat, grdOrderFromData, readVolumetricGrid } from '../../src/io/grid-readers.js';
import { percolateGrid } from '../../src/pipeline/percolate-grid.js';
import { migrationPaths } from '../../src/pipeline/landscape-products.js';
import { GridFileError } from '../../src/errors.js';
import type { GridSpec } from '../../src/grid/index.js';

// E(f) = Σ A_d (1 − cos 2π f_d): minimum 0 at the origin; crossing the cell along axis d costs at least
// 2·A_d (the path through the other axes' minima), so the 1D, 2D, 3D barriers are 2·A_x, 2·A_y, 2·A_z for
// A_x < A_y < A_z, whatever the cell's shape.
const A = [0.15, 0.35, 0.6];
const exact = { '1D': 2 * A[0]!, '2D': 2 * A[1]!, '3D': 2 * A[2]! };
function analytic(g: GridSpec): Float32Array {
  const out = new Float32Array(g.nx * g.ny * g.nz);
  for (let k = 0; k < g.nz; k++)
    for (let j = 0; j < g.ny; j++)
      for (let i = 0; i < g.nx; i++) {
        const f = [i / g.nx, j / g.ny, k / g.nz];
        out[i + g.nx * (j + g.ny * k)] = f.reduce((s, x, d) => s + A[d]! * (1 - Math.cos(2 * Math.PI * x)), 0);
      }
  return out;
}
/** Largest error of a grid barrier: the saddle at f = 1/2 is missed by at most half a step. */
const gridError = (n: number, amp: number) => amp * (1 - Math.cos(Math.PI / n)) + 1e-6;

const orthorhombic = Lattice.fromParameters({ a: 8.2, b: 9.6, c: 6.1, alpha: 90, beta: 90, gamma: 90 });
const triclinic = Lattice.fromParameters({ a: 7.3, b: 8.1, c: 9.4, alpha: 78, beta: 96, gamma: 111 });
// Odd sizes: the saddles at f = 1/2 fall between grid points; nx ≠ nz so a .grd's order can be told from its data.
const grid: GridSpec = { nx: 17, ny: 21, nz: 13 };

function grdZFastest(values: Float32Array, g: GridSpec, l: Lattice): string {
  const p = l.parameters;
  const out = ['bvlain-style', [p.a, p.b, p.c, p.alpha, p.beta, p.gamma].join(' '), `${g.nx} ${g.ny} ${g.nz}`];
  for (let i = 0; i < g.nx; i++) for (let j = 0; j < g.ny; j++) for (let k = 0; k < g.nz; k++) out.push(values[i + g.nx * (j + g.ny * k)]!.toPrecision(9));
  return out.join('\n') + '\n';
}

function chgcar(values: Float32Array, g: GridSpec, l: Lattice, scale = 1): string {
  const m = l.matrix;
  const out = ['analytic test', String(scale)];
  for (let r = 0; r < 3; r++) out.push([m[3 * r]!, m[3 * r + 1]!, m[3 * r + 2]!].map((v) => (v / scale).toFixed(10)).join(' '));
  out.push('Li S', '1 1', 'Direct', '0 0 0', '0.5 0.5 0.5', '', `${g.nx} ${g.ny} ${g.nz}`);
  const line: string[] = [];
  for (let p = 0; p < values.length; p++) {
    line.push(formatE(values[p]!, 10));
    if (line.length === 5) out.push(line.splice(0).join(' '));
  }
  if (line.length) out.push(line.join(' '));
  out.push('augmentation occupancies   1  10', '0.1 0.2 0.3');
  return out.join('\n') + '\n';
}

/** A cube with negative counts: voxel vectors in Å. */
function cubeAngstrom(values: Float32Array, g: GridSpec, l: Lattice): string {
  const out = ['angstrom cube', 'values in eV', '    0 0 0 0'];
  [g.nx, g.ny, g.nz].forEach((n, axis) =>
    out.push(
      `${-n} ${l
        .vector(axis)
        .map((v) => (v / n).toFixed(10))
        .join(' ')}`,
    ),
  );
  for (let i = 0; i < g.nx; i++)
    for (let j = 0; j < g.ny; j++) out.push(Array.from({ length: g.nz }, (_, k) => values[i + g.nx * (j + g.ny * k)]!.toPrecision(9)).join(' '));
  return out.join('\n') + '\n';
}

describe('analytic landscapes come back within the grid error', () => {
  const values = analytic(grid);
  for (const [name, lattice] of [
    ['orthorhombic', orthorhombic],
    ['triclinic', triclinic],
  ] as const) {
    const files: [string, string][] = [
      ['e.cube', writeCube(values, grid, lattice, [{ Z: 3, cart: [0, 0, 0] }], `${name} analytic`)],
      ['e_angstrom.cube', cubeAngstrom(values, grid, lattice)],
      ['e.grd', writeGrd(values, grid, lattice, `${name} analytic`)],
      ['e_bvlain.grd', grdZFastest(values, grid, lattice)],
      ['CHGCAR', chgcar(values, grid, lattice)],
      ['LOCPOT', chgcar(values, grid, lattice, 1.7)],
    ];
    for (const [file, text] of files) {
      it(`${name} cell, ${file}`, () => {
        const r = percolateGrid(text, file);
        expect(r.grid).toEqual(grid);
        // The cell is read back (Bohr or Å, scaled CHGCAR): lengths and angles within the files' rounding.
        const p = r.structure.lattice.parameters;
        const q = lattice.parameters;
        for (const k of ['a', 'b', 'c', 'alpha', 'beta', 'gamma'] as const) expect(p[k]).toBeCloseTo(q[k], 4);
        expect(r.eMin).toBeCloseTo(0, 6);
        expect(Math.abs(r.barriers['1D']! - exact['1D'])).toBeLessThanOrEqual(gridError(grid.nx, A[0]!));
        expect(Math.abs(r.barriers['2D']! - exact['2D'])).toBeLessThanOrEqual(gridError(grid.ny, A[1]!));
        expect(Math.abs(r.barriers['3D']! - exact['3D'])).toBeLessThanOrEqual(gridError(grid.nz, A[2]!));
        // The 1D path runs along a: its end is its start plus one lattice vector along x.
        const [path1] = migrationPaths(r, ['1D']);
        expect(path1!.winding).toEqual([1, 0, 0].map((v) => v * Math.sign(path1!.winding[0]!)));
      });
    }
  }

  it('--scale and --invert: a density in other units gives the same barriers', () => {
    const density = values.map((v) => -v / 27.211386) as Float32Array; // "high = open", in Hartree
    const text = writeGrd(density, grid, orthorhombic, 'density');
    const r = percolateGrid(text, 'rho.grd', { scale: 27.211386, invert: true });
    for (const d of ['1D', '2D', '3D'] as const)
      expect(r.barriers[d]!).toBeCloseTo(percolateGrid(writeGrd(values, grid, orthorhombic, 'e'), 'e.grd').barriers[d]!, 5);
  });
});

describe('.grd data order', () => {
  const values = analytic(grid);
  it("detects bvlain's z-fastest order from the data, and VESTA's x-fastest one", () => {
    const z = readVolumetricGrid(grdZFastest(values, grid, orthorhombic), 'b.grd');
    expect(z.notes.join(' ')).toMatch(/z fastest/);
    expect(Array.from(z.values)).toEqual(Array.from(values));
    const x = readVolumetricGrid(writeGrd(values, grid, orthorhombic, 't'), 'v.grd');
    expect(x.notes.join(' ')).toMatch(/x fastest/);
    expect(Array.from(x.values)).toEqual(Array.from(values));
  });
  it('an explicit order overrides detection; with nx = nz the documented x-fastest order is used', () => {
    const zRead = readVolumetricGrid(writeGrd(values, grid, orthorhombic, 't'), 'v.grd', { grdOrder: 'z' });
    expect(Array.from(zRead.values)).not.toEqual(Array.from(values));
    const cube: GridSpec = { nx: 9, ny: 7, nz: 9 };
    expect(grdOrderFromData(analytic(cube), cube).order).toBe('x');
  });
  it('detects formats by name and by content', () => {
    expect(detectGridFormat('', 'a.cube')).toBe('cube');
    expect(detectGridFormat('', 'x/LOCPOT')).toBe('chgcar');
    expect(detectGridFormat(writeGrd(values, grid, orthorhombic, 't'), 'energy.dat')).toBe('grd');
    expect(detectGridFormat(writeCube(values, grid, orthorhombic, [], 't'), 'energy.dat')).toBe('cube');
  });
});

describe('bad grid files: GridFileError with the line', () => {
  const g: GridSpec = { nx: 4, ny: 3, nz: 5 };
  const values = analytic(g);
  const grd = writeGrd(values, g, orthorhombic, 't');
  const cube = writeCube(values, g, orthorhombic, [{ Z: 3, cart: [0, 0, 0] }], 't');
  const car = chgcar(values, g, orthorhombic);

  const fails = (text: string, file: string, re: RegExp) => {
    let err: unknown;
    try {
      readVolumetricGrid(text, file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GridFileError);
    expect((err as Error).message).toMatch(re);
  };

  it('wrong counts in the header', () => {
    fails(grd.replace('4 3 5', '4 3 6'), 'a.grd', /^a\.grd:\d+: the data end after 60 of 72 values/);
    fails(grd.replace('4 3 5', '4 3 4'), 'a.grd', /^a\.grd:\d+: more values than the 4×3×4 grid holds/);
    fails(grd.replace('4 3 5', '4 0 5'), 'a.grd', /^a\.grd:3: grid size y must be a positive whole number/);
    fails(cube.replace(/^ {4}4 /m, '    5 '), 'a.cube', /^a\.cube:\d+: the data end after 60 of 75 values/);
    fails(car.replace('\n4 3 5\n', '\n4 3 7\n'), 'CHGCAR', /^CHGCAR:\d+: 'augmentation' is not a finite number/);
  });
  it('truncated data', () => {
    const lines = grd.trimEnd().split('\n');
    fails(lines.slice(0, -3).join('\n'), 't.grd', /^t\.grd:\d+: the data end after \d+ of 60 values .*truncated/);
    fails(cube.slice(0, cube.length / 2), 't.cube', /^t\.cube:\d+: the data end/);
    fails('title\n8.2 9.6\n', 't.grd', /^t\.grd:2: expected "a b c alpha beta gamma"/);
  });
  it('NaN and other non-numbers, with their line', () => {
    const lines = grd.split('\n');
    lines[5] = lines[5]!.replace(/^\S+/, 'NaN');
    fails(lines.join('\n'), 'n.grd', /^n\.grd:6: 'NaN' is not a finite number/);
    const cl = cube.split('\n');
    const idx = cl.length - 3;
    cl[idx] = cl[idx]!.replace(/\S+$/, 'abc');
    fails(cl.join('\n'), 'n.cube', new RegExp(`^n\\.cube:${idx + 1}: 'abc' is not a finite number`));
  });
});

describe('units', () => {
  it('a Bohr cube and an Å cube of the same landscape give the same cell', () => {
    const v = analytic(grid);
    const bohr = readVolumetricGrid(writeCube(v, grid, triclinic, [], 't'), 'b.cube');
    const ang = readVolumetricGrid(cubeAngstrom(v, grid, triclinic), 'a.cube');
    expect(bohr.notes).toContain('cube lengths in Bohr');
    expect(ang.notes).toContain('cube lengths in Å');
    // The Bohr cube writes voxel vectors to 1e-6 Bohr: the cell agrees to n·1e-6 Bohr.
    for (let i = 0; i < 9; i++) expect(bohr.lattice.matrix[i]!).toBeCloseTo(ang.lattice.matrix[i]!, 4);
    expect(BOHR_ANGSTROM).toBeCloseTo(0.529177, 6);
  });
});
