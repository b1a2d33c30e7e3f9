// Volumetric grid files for the energy landscape: VESTA's general grid format (.grd) and Gaussian cube
// (.cube). Both are written as strings (no file system here, so the browser can use them too).
//
// The grid is periodic: point (i, j, k) sits at fractional (i/nx, j/ny, k/nz) and the face planes are not
// duplicated (GridSpec). Non-finite energies (a grid point exactly on a framework ion) are written as
// ±3.4028235E+38 (the largest float32), since viewers cannot parse "Infinity"; NaN is refused.
import { InputError } from '../errors.js';
import { Lattice, type LatticeParameters, type Vec3 } from '../structure/lattice.js';
import type { GridSpec } from '../grid/index.js';

/** Bohr radius in Å (CODATA 2018). */
export const BOHR_ANGSTROM = 0.529177210903;
const FLOAT32_MAX = 3.4028234663852886e38;

/** C-style %.{digits}E: "-1.23457E+01" (mantissa digits after the point, exponent at least two digits). */
export function formatE(value: number, digits: number): string {
  if (!Number.isFinite(value)) value = value > 0 ? FLOAT32_MAX : -FLOAT32_MAX;
  const s = value.toExponential(digits); // "1.23457e+1"
  const e = s.indexOf('e');
  const exp = s.slice(e + 2);
  return `${s.slice(0, e)}E${s[e + 1]}${exp.length < 2 ? '0' + exp : exp}`;
}

function checkGrid(energies: Float32Array, grid: GridSpec): void {
  const n = grid.nx * grid.ny * grid.nz;
  if (energies.length !== n) throw new RangeError(`grid ${grid.nx}×${grid.ny}×${grid.nz} needs ${n} values, got ${energies.length}`);
  const bad = energies.findIndex((v) => Number.isNaN(v));
  if (bad >= 0) throw new RangeError(`energy grid has NaN at flat index ${bad}`);
}

function oneLine(title: string): string {
  return title.replace(/[\r\n]+/g, ' ').trim() || 'bvscape';
}

/**
 * VESTA's text grid (.grd): a title line, "a b c alpha beta gamma" (Å, degrees), "nx ny nz", then the
 * nx·ny·nz values with x fastest (exactly the GridSpec flat order), 6 per line. x fastest (the index along
 * a innermost, along c outermost) is the order of VESTA's volumetric data files as its manual describes
 * them (K. Momma & F. Izumi, VESTA manual, ch. 18 "Input and output files", volumetric data formats,
 * https://jp-minerals.org/vesta/en/doc/VESTAch18.html); bvlain writes z fastest instead, and
 * src/io/grid-readers.ts reads both.
 */
export function writeGrd(energies: Float32Array, grid: GridSpec, lattice: Lattice | LatticeParameters, title: string): string {
  checkGrid(energies, grid);
  const p = lattice instanceof Lattice ? lattice.parameters : lattice;
  const parts: string[] = [oneLine(title), [p.a, p.b, p.c, p.alpha, p.beta, p.gamma].map((v) => v.toFixed(6)).join(' '), `${grid.nx} ${grid.ny} ${grid.nz}`];
  const line: string[] = [];
  for (let x = 0; x < energies.length; x++) {
    line.push(formatE(energies[x]!, 8)); // 9 significant digits: float32 round-trips exactly
    if (line.length === 6) {
      parts.push(line.join(' '));
      line.length = 0;
    }
  }
  if (line.length > 0) parts.push(line.join(' '));
  return parts.join('\n') + '\n';
}

/** Reads a .grd written by writeGrd (or any VESTA general grid with x-fastest values). */
export function readGrd(text: string): { energies: Float32Array; grid: GridSpec; params: LatticeParameters; title: string } {
  const lines = text.split(/\r?\n/);
  const title = lines[0] ?? '';
  const cell = (lines[1] ?? '').trim().split(/\s+/).map(Number);
  const dims = (lines[2] ?? '').trim().split(/\s+/).map(Number);
  if (cell.length !== 6 || cell.some((v) => !Number.isFinite(v)))
    throw new InputError(`grd line 2: expected "a b c alpha beta gamma", got '${lines[1] ?? ''}'`);
  if (dims.length !== 3 || dims.some((v) => !Number.isInteger(v) || v < 1))
    throw new InputError(`grd line 3: expected three positive grid sizes "nx ny nz", got '${lines[2] ?? ''}'`);
  const [nx, ny, nz] = dims as [number, number, number];
  const n = nx * ny * nz;
  const energies = new Float32Array(n);
  let count = 0;
  for (let l = 3; l < lines.length; l++) {
    const line = lines[l]!.trim();
    if (!line) continue;
    for (const tok of line.split(/\s+/)) {
      const v = Number(tok);
      if (!Number.isFinite(v)) throw new InputError(`grd line ${l + 1}: '${tok}' is not a number`);
      if (count >= n) throw new InputError(`grd: more than nx·ny·nz = ${n} values`);
      energies[count++] = v;
    }
  }
  if (count !== n) throw new InputError(`grd: expected nx·ny·nz = ${n} values, found ${count}`);
  const [a, b, c, alpha, beta, gamma] = cell as [number, number, number, number, number, number];
  return { energies, grid: { nx, ny, nz }, params: { a, b, c, alpha, beta, gamma }, title };
}

/**
 * Gaussian cube (.cube), in Bohr: two comment lines; "natoms ox oy oz" (origin 0); for each axis
 * "n vx vy vz" with the voxel vector = lattice vector / n; one line per atom "Z Z x y z"; then the values
 * with z fastest (loops i, j, k with k innermost), 6 per line and a new line after each run of nz values,
 * formatted %16.8E: nine significant digits, so float32 energies read back bit for bit (`bvscape percolate`
 * on this file gives landscape's numbers exactly; cube readers parse the values free-format). Values are
 * energies in eV (the second comment line says so).
 */
export function writeCube(
  energies: Float32Array,
  grid: GridSpec,
  lattice: Lattice,
  atoms: { Z: number; cart: Vec3 }[],
  title: string,
  note: string | null = null,
): string {
  checkGrid(energies, grid);
  const { nx, ny, nz } = grid;
  const fmt = (v: number) => (v / BOHR_ANGSTROM).toFixed(6).padStart(12);
  const parts: string[] = [
    oneLine(title),
    `BVSE energy (eV) on a periodic ${nx}x${ny}x${nz} grid, point (i,j,k) at fractional (i/${nx}, j/${ny}, k/${nz})` + (note ? `; ${oneLine(note)}` : ''),
    `${String(atoms.length).padStart(5)}${fmt(0)}${fmt(0)}${fmt(0)}`,
  ];
  [nx, ny, nz].forEach((n, axis) => {
    const v = lattice.vector(axis);
    parts.push(`${String(n).padStart(5)}${fmt(v[0] / n)}${fmt(v[1] / n)}${fmt(v[2] / n)}`);
  });
  for (const atom of atoms)
    parts.push(`${String(atom.Z).padStart(5)}${atom.Z.toFixed(6).padStart(12)}${fmt(atom.cart[0])}${fmt(atom.cart[1])}${fmt(atom.cart[2])}`);
  const line: string[] = [];
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++) {
      for (let k = 0; k < nz; k++) {
        line.push(formatE(energies[i + nx * (j + ny * k)]!, 8).padStart(16));
        if (line.length === 6) {
          parts.push(line.join(''));
          line.length = 0;
        }
      }
      if (line.length > 0) {
        parts.push(line.join(''));
        line.length = 0;
      }
    }
  return parts.join('\n') + '\n';
}
