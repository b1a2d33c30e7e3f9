// Readers for volumetric grids made elsewhere (softBV, bvlain, DFT codes, VESTA): Gaussian cube, VESTA's
// .grd in both data orders, and VASP CHGCAR/LOCPOT-style files. Each returns the values in bvscape's own
// flat order (x fastest, GridSpec) with the cell, so the percolation code runs on them unchanged.
// Text in, data out: no file system here (the browser preview uses the same readers).
//
// Every grid here is periodic: n points per lattice vector at i/n, no duplicated face planes, which is
// how VASP writes CHGCAR/LOCPOT, how bvscape and bvlain write .grd/.cube, and what VESTA calls a
// "periodic grid" (VESTA manual, ch. 18 "Input and output files", section on volumetric data formats).
import { GridFileError } from '../errors.js';
import { Lattice, type Vec3 } from '../structure/lattice.js';
import type { GridSpec } from '../grid/index.js';
import { BOHR_ANGSTROM } from './grid-files.js';

export type GridFormat = 'cube' | 'grd' | 'chgcar';

/**
 * Data order of a .grd file. 'x': x fastest (VESTA's documented order, what bvscape writes); 'z': z fastest
 * (C order of an [nx][ny][nz] array, what bvlain writes); 'auto': decided from the data (grdOrderFromData).
 */
export type GrdOrder = 'x' | 'z' | 'auto';

export interface VolumetricGrid {
  format: GridFormat;
  /** Values in bvscape's flat order: index i + nx·(j + ny·k). */
  values: Float32Array;
  grid: GridSpec;
  lattice: Lattice;
  title: string;
  /** Atoms from the file's header (cube, CHGCAR), Cartesian Å; element symbols where the file names them. */
  atoms: { Z: number | null; symbol: string | null; cart: Vec3 }[];
  /** How the file was read (units, data order and why), for reports. */
  notes: string[];
}

export interface ReadGridOptions {
  /** Data order of a .grd file (default 'auto'). */
  grdOrder?: GrdOrder;
  /** Force a format instead of detecting it from the name and content. */
  format?: GridFormat;
}

/**
 * The lines of a grid file, read front to back: an array for text in memory, or a file read in chunks
 * (src/io/grid-file.ts) so that only the lines still needed are held and a CHGCAR's later blocks are never read.
 */
export interface LineSource {
  /** Line i (0-based) without its terminator; undefined past the end. */
  get(i: number): string | undefined;
  /** Lines before i will not be asked for again (a streaming source drops them). */
  release(i: number): void;
  /** An upper bound on the characters in the file (for "the header claims more points than the file can hold"). */
  maxLength(): number;
}

/** A LineSource over text in memory. */
export function textLines(text: string): LineSource {
  const lines = text.split(/\r?\n/);
  return { get: (i) => lines[i], release: () => {}, maxLength: () => text.length };
}

/** Largest float32; a value beyond it (plus half a unit in the last place) becomes Infinity in the grid. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** A cursor over whitespace-separated numbers with their line numbers (1-based), for errors that say where. */
class Tokens {
  private line = 0;
  private toks: string[] = [];
  private pos = 0;
  constructor(
    private readonly file: string,
    private readonly lines: LineSource,
    start: number,
  ) {
    this.line = start;
  }
  private fill(): boolean {
    while (this.pos >= this.toks.length) {
      const text = this.lines.get(this.line);
      if (text === undefined) return false;
      this.toks = text
        .trim()
        .split(/\s+/)
        .filter((t) => t !== '');
      this.pos = 0;
      this.line++;
      this.lines.release(this.line - 1);
    }
    return true;
  }
  /** Reads `n` finite numbers into out[offset..]; a GridFileError names the line of a bad or missing value. */
  numbers(out: Float32Array, n: number, what: string, permute: (c: number) => number = (c) => c): void {
    for (let c = 0; c < n; c++) {
      if (!this.fill())
        throw new GridFileError(this.file, this.line, `the data end after ${c} of ${n} values (${what}): the file is truncated or the grid size is wrong`);
      const tok = this.toks[this.pos++]!;
      const v = Number(tok.replace(/[dD]/, 'E'));
      if (!Number.isFinite(v)) throw new GridFileError(this.file, this.line, `'${tok}' is not a finite number (value ${c + 1} of ${n}, ${what})`);
      if (!Number.isFinite(Math.fround(v))) {
        throw new GridFileError(
          this.file,
          this.line,
          `'${tok}' is beyond the single-precision range (±${FLOAT32_MAX.toPrecision(8)}) that grids are held in (value ${c + 1} of ${n}, ${what}); rescale the file's values`,
        );
      }
      out[permute(c)] = v;
    }
  }
  /** Whether numbers remain (for "more values than the grid holds"). */
  rest(): string | null {
    return this.fill() ? this.toks[this.pos]! : null;
  }
  get currentLine(): number {
    return this.line;
  }
}

function lineNumbers(file: string, lines: LineSource, index: number, count: number | [number, number], what: string): number[] {
  const text = lines.get(index);
  if (text === undefined) throw new GridFileError(file, index + 1, `the file ends before the ${what}`);
  const f = text
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '')
    .map((t) => Number(t.replace(/[dD]/, 'E')));
  const [lo, hi] = typeof count === 'number' ? [count, count] : count;
  if (f.length < lo || f.some((v, i) => i < hi && !Number.isFinite(v))) throw new GridFileError(file, index + 1, `expected ${what}, got '${text.trim()}'`);
  return f.slice(0, hi);
}

function positiveInt(file: string, line: number, v: number, what: string): number {
  if (!Number.isInteger(v) || v < 1) throw new GridFileError(file, line, `${what} must be a positive whole number, got ${v}`);
  return v;
}

/**
 * The value array for an nx·ny·nz grid, after checking that the file can hold that many values (each
 * takes at least two bytes: a digit and a separator), so a header claiming 100000³ points is an error
 * naming the line, not an allocation of petabytes.
 */
function gridArray(file: string, line: number, lines: LineSource, nx: number, ny: number, nz: number): Float32Array {
  const n = nx * ny * nz;
  const most = Math.ceil(lines.maxLength() / 2);
  if (n > most) {
    throw new GridFileError(
      file,
      line,
      `the header claims ${nx}×${ny}×${nz} = ${n > 1e9 ? n.toExponential() : n} points, but the file holds at most ${most} values (the grid size is wrong, or the file is cut)`,
    );
  }
  return new Float32Array(n);
}

/** A Lattice from the file's cell, or a GridFileError on `line` saying `noVolume` when the cell has no volume. */
function cellLattice(file: string, line: number, make: () => Lattice, noVolume: string): Lattice {
  let lattice: Lattice;
  try {
    lattice = make();
  } catch (e) {
    if (e instanceof RangeError) throw new GridFileError(file, line, noVolume);
    throw e;
  }
  const v = lattice.volume;
  if (!(Math.abs(v) > 1e-9) || !Number.isFinite(v)) throw new GridFileError(file, line, noVolume);
  return lattice;
}

/** Format from the file name, then from the content. */
export function detectGridFormat(text: string, fileName: string): GridFormat {
  const base = fileName.split(/[\\/]/).pop()!.toLowerCase();
  if (/\.(cube|cub)$/.test(base)) return 'cube';
  if (/\.grd$/.test(base)) return 'grd';
  if (/(chgcar|locpot|chg|aeccar\d?|elfcar|parchg|\.vasp)/.test(base)) return 'chgcar';
  const lines = text.split(/\r?\n/, 8).map((l) => l.trim().split(/\s+/));
  const nums = (l: string[] | undefined) => (l ?? []).map(Number);
  const l2 = nums(lines[1]);
  const l3 = nums(lines[2]);
  if (l2.length === 6 && l2.every(Number.isFinite) && l3.length === 3 && l3.every(Number.isInteger)) return 'grd';
  if (l3.length >= 4 && Number.isInteger(l3[0]) && l3.slice(0, 4).every(Number.isFinite) && nums(lines[3]).length >= 4) return 'cube';
  return 'chgcar';
}

/** Reads a .cube, .grd or CHGCAR/LOCPOT-style file; GridFileError (file and line) on anything malformed. */
export function readVolumetricGrid(text: string, fileName: string, opts: ReadGridOptions = {}): VolumetricGrid {
  return readVolumetricGridLines(textLines(text), fileName, opts);
}

/** readVolumetricGrid over any LineSource (a file read in chunks: src/io/grid-file.ts). */
export function readVolumetricGridLines(lines: LineSource, fileName: string, opts: ReadGridOptions = {}): VolumetricGrid {
  const head: string[] = [];
  for (let i = 0; i < 8; i++) {
    const l = lines.get(i);
    if (l === undefined) break;
    head.push(l);
  }
  const format = opts.format ?? detectGridFormat(head.join('\n'), fileName);
  if (format === 'cube') return readCubeText(lines, fileName);
  if (format === 'grd') return readGrdText(lines, fileName, opts.grdOrder ?? 'auto');
  return readChgcarText(lines, fileName);
}

// ---- Gaussian cube ------------------------------------------------------------------------------------

/**
 * Gaussian cube: two comment lines; "natoms ox oy oz"; per axis "n vx vy vz" (the voxel vector, Bohr when
 * n > 0, Å when n < 0); one line per atom "Z charge x y z"; with natoms < 0 one more line of orbital
 * numbers; then the values with z fastest (x outermost). The cell is n·voxel along each axis.
 */
function readCubeText(lines: LineSource, file: string): VolumetricGrid {
  const head = lineNumbers(file, lines, 2, [4, 4], '"natoms x0 y0 z0" on line 3');
  const natomsRaw = head[0]!;
  if (!Number.isInteger(natomsRaw)) throw new GridFileError(file, 3, `the atom count must be a whole number, got ${natomsRaw}`);
  const natoms = Math.abs(natomsRaw);
  const n: number[] = [];
  const vectors: Vec3[] = [];
  let unit = BOHR_ANGSTROM;
  const notes: string[] = [];
  for (let axis = 0; axis < 3; axis++) {
    const f = lineNumbers(file, lines, 3 + axis, [4, 4], `"n vx vy vz" for axis ${axis + 1}`);
    if (!Number.isInteger(f[0]) || f[0] === 0)
      throw new GridFileError(file, 4 + axis, `the point count of axis ${axis + 1} must be a non-zero whole number, got ${f[0]}`);
    // A negative count means the voxel vectors are in Å (the cube convention); all three share the unit.
    if (axis === 0) unit = f[0]! < 0 ? 1 : BOHR_ANGSTROM;
    n.push(Math.abs(f[0]!));
    vectors.push([f[1]! * unit, f[2]! * unit, f[3]! * unit]);
  }
  notes.push(`cube lengths in ${unit === 1 ? 'Å' : 'Bohr'}`);
  const [nx, ny, nz] = n as [number, number, number];
  const lattice = cellLattice(
    file,
    4,
    () => new Lattice([...vectors[0]!.map((v) => v * nx), ...vectors[1]!.map((v) => v * ny), ...vectors[2]!.map((v) => v * nz)]),
    'the three voxel vectors span no volume',
  );
  const atoms: VolumetricGrid['atoms'] = [];
  for (let a = 0; a < natoms; a++) {
    const f = lineNumbers(file, lines, 6 + a, [5, 5], `atom ${a + 1} of ${natoms} as "Z charge x y z"`);
    atoms.push({ Z: f[0]!, symbol: null, cart: [f[2]! * unit, f[3]! * unit, f[4]! * unit] });
  }
  const dataStart = 6 + natoms + (natomsRaw < 0 ? 1 : 0);
  const values = gridArray(file, 4, lines, nx, ny, nz);
  const t = new Tokens(file, lines, dataStart);
  // File order: i outermost, k innermost (z fastest) -> bvscape's flat index i + nx·(j + ny·k).
  t.numbers(values, values.length, `grid ${nx}×${ny}×${nz}`, (c) => {
    const k = c % nz;
    const ij = (c - k) / nz;
    const j = ij % ny;
    const i = (ij - j) / ny;
    return i + nx * (j + ny * k);
  });
  const extra = t.rest();
  if (extra !== null) throw new GridFileError(file, t.currentLine, `more values than the ${nx}×${ny}×${nz} grid holds (next: '${extra}')`);
  return { format: 'cube', values, grid: { nx, ny, nz }, lattice, title: (lines.get(0) ?? '').trim(), atoms, notes };
}

// ---- VESTA .grd ---------------------------------------------------------------------------------------

/**
 * VESTA's text grid (.grd): a title line, "a b c alpha beta gamma" (Å, degrees), "nx ny nz", then the
 * values. The VESTA manual (K. Momma & F. Izumi, "VESTA: a three-dimensional visualization system for
 * electronic and structural analysis", ch. 18 "Input and output files", https://jp-minerals.org/vesta/en/doc/VESTAch18.html)
 * describes its volumetric data with the first index (along a) varying fastest and the last (along c)
 * slowest: the order bvscape writes (src/io/grid-files.ts).
 * bvlain writes its .grd from a NumPy [nx][ny][nz] array in C order, z fastest; both occur in the wild.
 * The header cannot tell them apart, so 'auto' decides from the data (grdOrderFromData).
 */
function readGrdText(lines: LineSource, file: string, order: GrdOrder): VolumetricGrid {
  const cell = lineNumbers(file, lines, 1, [6, 6], '"a b c alpha beta gamma" on line 2');
  const dims = lineNumbers(file, lines, 2, [3, 3], '"nx ny nz" on line 3');
  const [nx, ny, nz] = dims.map((d, i) => positiveInt(file, 3, d, `grid size ${'xyz'[i]}`)) as [number, number, number];
  const [a, b, c, alpha, beta, gamma] = cell as [number, number, number, number, number, number];
  if (!(a > 0 && b > 0 && c > 0) || ![alpha, beta, gamma].every((x) => x > 0 && x < 180))
    throw new GridFileError(file, 2, `not a unit cell: a b c alpha beta gamma = ${cell.join(' ')}`);
  const lattice = cellLattice(
    file,
    2,
    () => Lattice.fromParameters({ a, b, c, alpha, beta, gamma }),
    `the cell a b c alpha beta gamma = ${cell.join(' ')} has no volume (the angles are impossible together)`,
  );
  const raw = gridArray(file, 3, lines, nx, ny, nz);
  const t = new Tokens(file, lines, 3);
  t.numbers(raw, raw.length, `grid ${nx}×${ny}×${nz}`);
  const extra = t.rest();
  if (extra !== null) throw new GridFileError(file, t.currentLine, `more values than the ${nx}×${ny}×${nz} grid holds (next: '${extra}')`);
  const notes: string[] = [];
  let used: 'x' | 'z' = order === 'z' ? 'z' : 'x';
  if (order === 'auto') {
    const d = grdOrderFromData(raw, { nx, ny, nz });
    used = d.order;
    notes.push(`grd data order ${used === 'x' ? 'x fastest (VESTA)' : 'z fastest (bvlain)'}: ${d.reason}`);
  } else notes.push(`grd data order ${used === 'x' ? 'x fastest (VESTA)' : 'z fastest (bvlain)'}, as requested`);
  const values = used === 'x' ? raw : zFastestToBvscape(raw, { nx, ny, nz });
  return { format: 'grd', values, grid: { nx, ny, nz }, lattice, title: (lines.get(0) ?? '').trim(), atoms: [], notes };
}

/** Reorders values stored z fastest (C order of [nx][ny][nz]) into bvscape's x-fastest order. */
export function zFastestToBvscape(raw: Float32Array, g: GridSpec): Float32Array {
  const out = new Float32Array(raw.length);
  let c = 0;
  for (let i = 0; i < g.nx; i++) for (let j = 0; j < g.ny; j++) for (let k = 0; k < g.nz; k++) out[i + g.nx * (j + g.ny * k)] = raw[c++]!;
  return out;
}

/**
 * Which order a .grd's values are in, from the data: in the true order, values one grid step apart along
 * y and z (strides nx and nx·ny when x is fastest; nz and nz·ny when z is fastest) are neighbours in space
 * and differ little; in the wrong order those strides join distant points. The order whose strides give the
 * smaller mean absolute difference wins. When nx = nz the two orders have the same strides (they differ by
 * swapping a and c) and the data cannot tell: VESTA's documented x-fastest order is used.
 */
export function grdOrderFromData(raw: Float32Array, g: GridSpec): { order: 'x' | 'z'; reason: string } {
  if (g.nx === g.nz) return { order: 'x', reason: `nx = nz = ${g.nx}, so the data cannot tell the orders apart; VESTA's documented order assumed` };
  const rough = (stride: number) => {
    let s = 0;
    let n = 0;
    for (let p = 0; p + stride < raw.length; p++) {
      const a = raw[p]!;
      const b = raw[p + stride]!;
      // Points on ions may carry huge values; compare finite, moderate ones only.
      if (Math.abs(a) < 1e30 && Math.abs(b) < 1e30) {
        s += Math.abs(a - b);
        n++;
      }
    }
    return n > 0 ? s / n : 0;
  };
  const x = rough(g.nx) + (g.nz > 1 ? rough(g.nx * g.ny) : 0);
  const z = rough(g.nz) + (g.nx > 1 ? rough(g.nz * g.ny) : 0);
  const order = z < x ? 'z' : 'x';
  return { order, reason: `neighbour differences ${x.toPrecision(3)} (x fastest) vs ${z.toPrecision(3)} (z fastest)` };
}

// ---- VASP CHGCAR / LOCPOT -----------------------------------------------------------------------------

/**
 * VASP volumetric output (CHGCAR, LOCPOT, CHG, ELFCAR, PARCHG, AECCAR): a POSCAR (comment, scale, three
 * lattice vectors, optional species line, counts, optional "Selective dynamics", Direct/Cartesian, the
 * positions), a blank line, "nx ny nz", then nx·ny·nz values with x fastest (Fortran order). Only the first
 * block is read (CHGCAR's augmentation data and a spin block follow it). CHGCAR holds ρ·V_cell: scale it
 * for other units.
 */
function readChgcarText(lines: LineSource, file: string): VolumetricGrid {
  const scaleF = lineNumbers(file, lines, 1, [1, 3], 'the scale factor on line 2');
  const rows = [0, 1, 2].map((r) => lineNumbers(file, lines, 2 + r, [3, 3], `lattice vector ${r + 1} on line ${3 + r}`));
  let m = rows.flat();
  // One factor for all lengths, or one per Cartesian axis (VASP 6 allows three); a negative single
  // value is the cell volume in Å³.
  const axisScale: Vec3 =
    scaleF.length === 3
      ? [scaleF[0]!, scaleF[1]!, scaleF[2]!]
      : scaleF[0]! < 0
        ? (Array(3).fill(Math.cbrt(-scaleF[0]! / Math.abs(new Lattice(m).volume))) as Vec3)
        : [scaleF[0]!, scaleF[0]!, scaleF[0]!];
  m = m.map((v, i) => v * axisScale[i % 3]!);
  const lattice = cellLattice(file, 3, () => new Lattice(m), 'the lattice vectors span no volume');
  let line = 5;
  let symbols: string[] | null = null;
  const tokens = (l: number) =>
    (lines.get(l) ?? '')
      .trim()
      .split(/\s+/)
      .filter((t) => t !== '');
  if (tokens(line).length > 0 && tokens(line).every((t) => /^[A-Z][a-z]?/.test(t))) {
    symbols = tokens(line).map((t) => t.replace(/[^A-Za-z].*$/, ''));
    line++;
  }
  const counts = tokens(line).map(Number);
  if (counts.length === 0 || counts.some((c) => !Number.isInteger(c) || c < 0))
    throw new GridFileError(file, line + 1, `expected the atom counts per species, got '${(lines.get(line) ?? '').trim()}'`);
  line++;
  if (/^\s*s/i.test(lines.get(line) ?? '')) line++; // Selective dynamics
  const mode = (lines.get(line) ?? '').trim();
  if (!/^[dDcCkK]/.test(mode)) throw new GridFileError(file, line + 1, `expected 'Direct' or 'Cartesian', got '${mode}'`);
  const cartesian = /^[cCkK]/.test(mode);
  line++;
  const natoms = counts.reduce((s, c) => s + c, 0);
  const atoms: VolumetricGrid['atoms'] = [];
  const speciesOf = (a: number) => {
    let s = 0;
    for (let k = 0; k < counts.length; k++) {
      s += counts[k]!;
      if (a < s) return symbols?.[k] ?? null;
    }
    return null;
  };
  for (let a = 0; a < natoms; a++) {
    const f = lineNumbers(file, lines, line + a, [3, 3], `position ${a + 1} of ${natoms}`);
    const cart: Vec3 = cartesian ? [f[0]! * axisScale[0], f[1]! * axisScale[1], f[2]! * axisScale[2]] : lattice.fracToCart(f);
    atoms.push({ Z: null, symbol: speciesOf(a), cart });
  }
  line += natoms;
  while (lines.get(line)?.trim() === '') line++;
  const dims = lineNumbers(file, lines, line, [3, 3], '"nx ny nz" before the grid values');
  const [nx, ny, nz] = dims.map((d, i) => positiveInt(file, line + 1, d, `grid size ${'xyz'[i]}`)) as [number, number, number];
  const values = gridArray(file, line + 1, lines, nx, ny, nz);
  const t = new Tokens(file, lines, line + 1);
  t.numbers(values, values.length, `grid ${nx}×${ny}×${nz}`);
  return {
    format: 'chgcar',
    values,
    grid: { nx, ny, nz },
    lattice,
    title: (lines.get(0) ?? '').trim(),
    atoms,
    notes: ['VASP volumetric file: x fastest, first data block'],
  };
}
