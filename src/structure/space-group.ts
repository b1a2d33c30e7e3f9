// Space-group operations and symmetry detection.
//
// Operator triplets ("-y+1/2, x-y, z") are parsed here by hand. Every table lookup (Hall symbol,
// Hermann-Mauguin symbol, IT number) and the detection of the space group of a structure go
// through moyo (@spglib/moyo-wasm), whose tables cover all 530 Hall settings: nothing here is a
// hand-typed space-group table.
//
// Loading moyo. It is WebAssembly. In Node, the first function that needs it loads it
// synchronously from node_modules (fs + WebAssembly.Module, ~15 ms), so readCif and
// detectSpaceGroup work without any set-up. In a browser there is no synchronous file access:
// `await initSymmetry(urlOrBytes)` once before reading CIFs that lack explicit operators or before
// detecting space groups; without it those calls throw a plain Error saying so (a program bug,
// not an input error).
import initMoyo, {
  analyze_cell,
  hall_symbol_entry,
  initSync,
  operations_from_number,
  wyckoff_positions,
  type MoyoHallSymbolEntry,
  type MoyoOperation,
} from '@spglib/moyo-wasm';
import { SymopSyntaxError } from '../errors.js';
import type { SpaceGroupInfo, Structure } from './types.js';
import type { Vec3 } from './lattice.js';
import { primitiveCell } from './primitive.js';

export interface SymOp {
  /** 3x3 row-major integer matrix acting on fractional column vectors: x' = rot·x + trans. */
  rot: Int8Array | number[];
  trans: [number, number, number];
}

// ---- Operator triplets -------------------------------------------------------------------------

const AXIS: Record<string, number> = { x: 0, y: 1, z: 2 };

/**
 * Parses a symmetry operator in CIF "xyz" form: "x,y,z", "-y+1/2, x-y, z+0.25", "1/2+X,Y,-Z",
 * "x+.5", "x+0.25". Coefficients of x, y, z must be small integers ("-x", "2y"). A fourth component
 * (mCIF time reversal, ",+1") is ignored.
 */
export function parseSymopXyz(s: string): SymOp {
  const cached = symopCache.get(s);
  if (cached) return { rot: cached.rot.slice(), trans: [cached.trans[0], cached.trans[1], cached.trans[2]] };
  const op = parseSymopUncached(s);
  if (symopCache.size >= 4096) symopCache.clear();
  symopCache.set(s, op);
  return { rot: op.rot.slice(), trans: [op.trans[0], op.trans[1], op.trans[2]] };
}

/** Operator triplets repeat across files (the 230 groups' standard lists); parsing each once is enough. */
const symopCache = new Map<string, SymOp>();

function parseSymopUncached(s: string): SymOp {
  const parts = s.split(',');
  if (parts.length !== 3 && parts.length !== 4) {
    throw new SymopSyntaxError(`symmetry operator '${s}' does not have three comma-separated parts`);
  }
  const rot = new Int8Array(9);
  const trans: [number, number, number] = [0, 0, 0];
  for (let row = 0; row < 3; row++) {
    const expr = parts[row]!.toLowerCase();
    let i = 0;
    let terms = 0;
    const n = expr.length;
    while (i < n) {
      // One term: [sign] [number [/ number]] [axis], e.g. "-", "+1/2", "0.25", "2x", "-y".
      while (i < n && (expr[i] === ' ' || expr[i] === '\t')) i++;
      if (i >= n) break;
      let sign = 1;
      if (expr[i] === '+' || expr[i] === '-') {
        if (expr[i] === '-') sign = -1;
        i++;
        while (i < n && (expr[i] === ' ' || expr[i] === '\t')) i++;
      } else if (terms > 0) {
        throw new SymopSyntaxError(`symmetry operator '${s}': expected '+' or '-' before '${expr.slice(i)}'`);
      }
      const numStart = i;
      while (i < n && ((expr[i]! >= '0' && expr[i]! <= '9') || expr[i] === '.')) i++;
      let value = NaN;
      if (i > numStart) {
        value = Number(expr.slice(numStart, i));
        if (expr[i] === '/') {
          i++;
          const denStart = i;
          while (i < n && ((expr[i]! >= '0' && expr[i]! <= '9') || expr[i] === '.')) i++;
          const den = Number(expr.slice(denStart, i));
          if (i === denStart || !(den !== 0)) throw new SymopSyntaxError(`symmetry operator '${s}': bad fraction`);
          value /= den;
        }
        if (!Number.isFinite(value)) throw new SymopSyntaxError(`symmetry operator '${s}': bad number`);
      }
      while (i < n && (expr[i] === ' ' || expr[i] === '*')) i++;
      const axis = i < n ? AXIS[expr[i]!] : undefined;
      if (axis !== undefined) {
        i++;
        const coef = Number.isNaN(value) ? 1 : value;
        if (!Number.isInteger(coef) || Math.abs(coef) > 6) {
          throw new SymopSyntaxError(`symmetry operator '${s}': coefficient ${coef} of ${'xyz'[axis]} is not a small integer`);
        }
        rot[3 * row + axis]! += sign * coef;
      } else if (!Number.isNaN(value)) {
        trans[row] = trans[row]! + sign * value;
      } else {
        throw new SymopSyntaxError(`symmetry operator '${s}': cannot read '${expr.slice(i) || expr}'`);
      }
      terms++;
    }
    if (terms === 0) throw new SymopSyntaxError(`symmetry operator '${s}': part ${row + 1} is empty`);
  }
  const det =
    rot[0]! * (rot[4]! * rot[8]! - rot[5]! * rot[7]!) - rot[1]! * (rot[3]! * rot[8]! - rot[5]! * rot[6]!) + rot[2]! * (rot[3]! * rot[7]! - rot[4]! * rot[6]!);
  if (det !== 1 && det !== -1) {
    throw new SymopSyntaxError(`symmetry operator '${s}' is not a crystallographic operation (determinant ${det})`);
  }
  return { rot, trans };
}

/** "x,y,z"-style text of an operation (translations as fractions of 12 where exact). */
export function formatSymop(op: SymOp): string {
  const out: string[] = [];
  for (let row = 0; row < 3; row++) {
    let t = '';
    for (let c = 0; c < 3; c++) {
      const k = op.rot[3 * row + c]!;
      if (k === 0) continue;
      const sgn = k < 0 ? '-' : t ? '+' : '';
      t += sgn + (Math.abs(k) === 1 ? '' : String(Math.abs(k))) + 'xyz'[c];
    }
    const tr = op.trans[row]!;
    if (Math.abs(tr) > 1e-12) {
      const twelfths = tr * 12;
      const txt = Math.abs(twelfths - Math.round(twelfths)) < 1e-9 ? fraction(Math.abs(Math.round(twelfths)), 12) : String(Math.abs(tr));
      t += (tr < 0 ? '-' : '+') + txt;
    }
    out.push(t || '0');
  }
  return out.join(',');
}

function fraction(num: number, den: number): string {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = gcd(num, den);
  return den / g === 1 ? String(num / g) : `${num / g}/${den / g}`;
}

// ---- moyo loading --------------------------------------------------------------------------------

let moyoReady = false;

/**
 * A compiled WebAssembly.Module, typed by shape so that the declarations compile without the DOM lib (a Node-style
 * `lib: ["ES2022"]` has no WebAssembly namespace).
 */
export type CompiledWasm = object;

/**
 * Loads moyo's WebAssembly once (later calls do nothing). In Node it needs no argument. In a
 * browser pass the .wasm URL (or its bytes / a compiled module); without one, moyo's own default
 * (a URL next to its JavaScript file) is used, which works with bundlers that copy the file.
 */
export async function initSymmetry(wasm?: URL | string | ArrayBuffer | ArrayBufferView | CompiledWasm): Promise<void> {
  if (moyoReady) return;
  if (wasm === undefined && loadMoyoSync()) return;
  await initMoyo(wasm === undefined ? undefined : { module_or_path: wasm as URL | string | ArrayBuffer | ArrayBufferView | WebAssembly.Module });
  moyoReady = true;
}

/** Node: read the .wasm next to the package and instantiate it synchronously. */
function loadMoyoSync(): boolean {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const getBuiltin = proc?.getBuiltinModule;
  if (typeof getBuiltin !== 'function') return false;
  const fs = getBuiltin('node:fs') as typeof import('node:fs') | undefined;
  const mod = getBuiltin('node:module') as typeof import('node:module') | undefined;
  if (!fs || !mod) return false;
  const wasmPath = mod.createRequire(import.meta.url).resolve('@spglib/moyo-wasm/moyo_wasm_bg.wasm');
  initSync({ module: fs.readFileSync(wasmPath) });
  moyoReady = true;
  return true;
}

function requireMoyo(): void {
  if (moyoReady) return;
  if (!loadMoyoSync()) {
    throw new Error('symmetry tables are not loaded: call `await initSymmetry()` before reading CIFs or detecting space groups');
  }
}

// ---- Tables --------------------------------------------------------------------------------------

const N_HALL = 530;
/**
 * One Hall setting of the space-group tables (moyo's entry without its centering object). Declared here so the
 * public types do not pull in moyo's declarations, which need the DOM's fetch types (RequestInfo, Response).
 */
export interface HallEntry {
  hall_number: number;
  number: number;
  arithmetic_number: number;
  setting: string;
  hall_symbol: string;
  hm_short: string;
  hm_full: string;
}

let hallEntries: HallEntry[] | null = null;
let hallIndex: Map<string, number> | null = null;
let hmIndex: Map<string, number> | null = null;
const opsCache = new Map<number, SymOp[]>();

function entries(): HallEntry[] {
  if (!hallEntries) {
    requireMoyo();
    hallEntries = [];
    for (let h = 1; h <= N_HALL; h++) {
      const e: MoyoHallSymbolEntry = hall_symbol_entry(h);
      hallEntries.push({
        hall_number: e.hall_number,
        number: e.number,
        arithmetic_number: e.arithmetic_number,
        setting: e.setting,
        hall_symbol: e.hall_symbol,
        hm_short: e.hm_short,
        hm_full: e.hm_full,
      });
    }
  }
  return hallEntries;
}

/** The moyo entry for a Hall number (1..530). */
export function hallEntry(hallNumber: number): HallEntry | null {
  return entries()[hallNumber - 1] ?? null;
}

/** All settings (Hall numbers) of an IT number, in moyo's order. */
export function hallNumbersOf(itNumber: number): number[] {
  return entries()
    .filter((e) => e.number === itNumber)
    .map((e) => e.hall_number);
}

/** Hall symbols: case, spacing, underscores and the two spellings of the double prime ('"' / '=') do not matter. */
export function normalizeHall(hall: string): string {
  return hall.trim().replace(/_/g, ' ').replace(/"/g, '=').replace(/\s+/g, ' ').toLowerCase();
}

/**
 * H-M symbols: drop spaces, underscores (P4_2 = P42), case; keep '-', '/', ':' and digits.
 * "P 42/n m c", "P4_2/nmc" and "p42/nmc" are one key.
 */
export function normalizeHM(hm: string): string {
  let out = '';
  for (const ch of hm.trim()) {
    if (ch === ' ' || ch === '_' || ch === '\t') continue;
    out += ch.toLowerCase();
  }
  return out;
}

function buildIndexes(): void {
  if (hallIndex && hmIndex) return;
  const hall = new Map<string, number>();
  const hm = new Map<string, number>();
  const add = (m: Map<string, number>, key: string, h: number) => {
    if (!m.has(key)) m.set(key, h);
  };
  const list = entries();
  for (const e of list) {
    add(hall, normalizeHall(e.hall_symbol), e.hall_number);
    add(hall, normalizeHall(e.hall_symbol).replace(/ /g, ''), e.hall_number);
  }
  // Primary keys first, so that an unqualified symbol gets the first (ITA-standard) setting.
  for (const e of list) {
    const full = normalizeHM(e.hm_full);
    const short = normalizeHM(e.hm_short);
    if (e.setting) {
      add(hm, `${full}:${e.setting.toLowerCase()}`, e.hall_number);
      add(hm, `${short}:${e.setting.toLowerCase()}`, e.hall_number);
    }
    add(hm, full, e.hall_number);
    add(hm, short, e.hall_number);
  }
  // Secondary: monoclinic short symbols written from a non-standard full symbol ("I 1 2/a 1" -> "I2/a").
  for (const e of list) {
    const parts = e.hm_full.trim().split(/\s+/);
    if (parts.length === 4) {
      const nonTrivial = parts.slice(1).filter((p) => p !== '1');
      if (nonTrivial.length === 1) add(hm, normalizeHM(parts[0]! + nonTrivial[0]!), e.hall_number);
    }
  }
  hallIndex = hall;
  hmIndex = hm;
}

/** Operations of a Hall setting (1..530), with the centring translations (conventional cell). */
export function opsFromHallNumber(hallNumber: number): SymOp[] | null {
  const cached = opsCache.get(hallNumber);
  if (cached) return cached;
  const e = hallEntry(hallNumber);
  if (!e) return null;
  let raw: MoyoOperation[];
  try {
    raw = operations_from_number(e.number, { type: 'HallNumber', value: hallNumber }, false);
  } catch {
    return null;
  }
  // moyo serialises its 3x3 rotations column-major (nalgebra's order): transpose to row-major.
  const ops = raw.map((o) => {
    const r = o.rotation;
    return {
      rot: Int8Array.from([r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]]),
      trans: [o.translation[0], o.translation[1], o.translation[2]] as [number, number, number],
    };
  });
  opsCache.set(hallNumber, ops);
  return ops;
}

/** Hall number of a Hall symbol ("-P 2ybc", "-R 3 2\"", "-P_2yn"), or null when moyo's table lacks it. */
export function hallNumberFromHall(hall: string): number | null {
  buildIndexes();
  const key = normalizeHall(hall);
  return hallIndex!.get(key) ?? hallIndex!.get(key.replace(/ /g, '')) ?? null;
}

export function opsFromHall(hall: string): SymOp[] | null {
  const h = hallNumberFromHall(hall);
  return h === null ? null : opsFromHallNumber(h);
}

/**
 * Hall number of a Hermann-Mauguin symbol. Accepts settings ':H' ':R' ':1' ':2' ':b1' ..., the
 * ICSD suffixes 'H', 'R', 'S' (origin choice 1) and 'Z' (origin choice 2) written without a colon,
 * and the old cubic spelling without the bar ("Fm3m"). Without an origin choice the first setting
 * in the International Tables is taken (origin choice 1; hexagonal axes for R groups).
 */
export function hallNumberFromHM(hm: string): number | null {
  const plain = lookupHM(hm);
  if (plain !== null) return plain;
  // Decorations: "F d -3 m {origin @ centre (-3m)}", "P 21/c (No. 14)"; screw axes written "P6(3)/mmc".
  const undecorated = hm.replace(/\{[^}]*\}/g, ' ').replace(/\((?!\d\))[^)]*\)/g, ' ');
  const noParens = undecorated.replace(/[()]/g, '');
  return lookupHM(undecorated) ?? lookupHM(noParens);
}

function lookupHM(hm: string): number | null {
  buildIndexes();
  const idx = hmIndex!;
  const key = normalizeHM(hm);
  if (key === '') return null;
  const direct = idx.get(key);
  if (direct !== undefined) return direct;
  let base = key;
  let setting = '';
  const colon = key.indexOf(':');
  if (colon >= 0) {
    base = key.slice(0, colon);
    setting = key.slice(colon + 1);
  } else {
    const last = key[key.length - 1]!;
    // ICSD style "R-3mH", "Fd-3mZ", "Fd-3mS".
    if (last === 'h' || last === 'r') {
      base = key.slice(0, -1);
      setting = last;
    } else if (last === 'z' || last === 's') {
      base = key.slice(0, -1);
      setting = last === 's' ? '1' : '2';
    }
  }
  for (const b of [base, cubicWithBar(base)]) {
    if (!b) continue;
    if (setting) {
      const withSetting = idx.get(`${b}:${setting}`);
      if (withSetting !== undefined) return withSetting;
    }
    const plain = idx.get(b);
    if (plain !== undefined) return plain;
  }
  return null;
}

/** "fm3m" -> "fm-3m", "ia3d" -> "ia-3d", "pm3" -> "pm-3": cubic symbols written without the bar. */
function cubicWithBar(key: string): string | null {
  const i = key.indexOf('3');
  if (i <= 1 || key[i - 1] === '-') return null;
  const lattice = key[0];
  if (!lattice || !'pfi'.includes(lattice)) return null;
  // Only the cubic groups have a 3 in the second position of the symbol; a bar-less m3 means -3.
  const before = key.slice(1, i);
  if (!/^(m|n|a|d|2\/m|4\d?\/[mnad]|4\d?|2)$/.test(before)) return null;
  return key.slice(0, i) + '-' + key.slice(i);
}

/** True when an H-M symbol names its setting (":2", ":H", or an ICSD suffix "Fd-3mZ", "R-3mR"). */
export function hmHasSetting(hm: string): boolean {
  const key = normalizeHM(hm);
  return key.includes(':') || (key.length > 2 && 'hrsz'.includes(key[key.length - 1]!));
}

export function opsFromHermannMauguin(hm: string): SymOp[] | null {
  const h = hallNumberFromHM(hm);
  return h === null ? null : opsFromHallNumber(h);
}

/** Operations of an IT number (1..230) in its first setting (origin choice 1; hexagonal axes for R). */
export function opsFromNumber(n: number): SymOp[] | null {
  if (!Number.isInteger(n) || n < 1 || n > 230) return null;
  const first = hallNumbersOf(n)[0];
  return first === undefined ? null : opsFromHallNumber(first);
}

// ---- Detection -----------------------------------------------------------------------------------

/**
 * Space group of a structure by moyo (analyze_cell). symprec in Å. Sites whose species lists
 * differ (element, oxidation or occupancy) count as different atom types. Null when moyo fails
 * (for example two atoms on top of each other).
 */
export function detectSpaceGroup(s: Structure, symprec = 0.1): SpaceGroupInfo | null {
  const d = analyzeCell(s, symprec, [], undefined, true);
  return d ? { number: d.number, symbol: d.hm_symbol } : null;
}

/**
 * Largest cell (sites, after reduction to the primitive cell) handed to moyo for the space group:
 * beyond it the group is reported as not determined, with a warning, instead of searching for minutes.
 */
export const MAX_SYMMETRY_SITES = 2000;

/** moyo's analysis of the structure's sites (typed as in detectSpaceGroup) plus extra point sets, each its own type. */
function analyzeCell(
  s: Structure,
  symprec: number,
  extra: readonly (readonly Vec3[])[],
  keep: (site: Structure['sites'][number]) => boolean = () => true,
  primitiveFirst = false,
) {
  requireMoyo();
  const typeIds = new Map<string, number>();
  const numbers: number[] = [];
  const positions: [number, number, number][] = [];
  for (const site of s.sites) {
    if (!keep(site)) continue;
    const key = site.species
      .map((sp) => `${sp.element}${sp.oxidation ?? ''}@${sp.occupancy.toFixed(4)}`)
      .sort()
      .join('|');
    let id = typeIds.get(key);
    if (id === undefined) {
      id = typeIds.size + 1;
      typeIds.set(key, id);
    }
    numbers.push(id);
    positions.push([site.frac[0], site.frac[1], site.frac[2]]);
  }
  extra.forEach((points, g) => {
    for (const f of points) {
      numbers.push(typeIds.size + 1 + g);
      positions.push([f[0], f[1], f[2]]);
    }
  });
  if (positions.length === 0) return null;
  let m: ArrayLike<number> = s.lattice.matrix;
  let cellPositions = positions;
  let cellNumbers = numbers;
  if (primitiveFirst) {
    // Same space group, no pure translations left: moyo's search on exact supercells grows steeply.
    const prim = primitiveCell({ matrix: m, positions, types: numbers }, symprec);
    if (prim) {
      m = prim.matrix;
      cellPositions = prim.positions as [number, number, number][];
      cellNumbers = [...prim.types];
    }
    if (cellPositions.length > MAX_SYMMETRY_SITES) {
      s.warnings.push(
        `space group not determined: the primitive cell has ${cellPositions.length} sites, more than the ${MAX_SYMMETRY_SITES} that symmetry detection takes`,
      );
      return null;
    }
  }
  const cell = {
    lattice: { basis: [m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, m[7]!, m[8]!] },
    positions: cellPositions,
    numbers: cellNumbers,
  };
  try {
    return analyze_cell(JSON.stringify(cell), symprec, 'Standard');
  } catch {
    return null;
  }
}

export interface WyckoffPosition {
  letter: string;
  /** Multiplicity in the conventional cell. */
  multiplicity: number;
  siteSymmetry: string;
}

export interface SymmetryAnalysis {
  number: number;
  symbol: string;
  hallNumber: number;
  /** The space-group operations in the structure's own cell (row-major rotations), translations included. */
  operations: SymOp[];
  /** The Wyckoff positions of the group (moyo's table for the standard setting). */
  wyckoffTable: WyckoffPosition[];
  /** Multiplicity of the general position (the number of operations per conventional cell). */
  generalMultiplicity: number;
}

function rowMajor(o: MoyoOperation): SymOp {
  // moyo serialises its 3x3 rotations column-major (nalgebra's order): transpose to row-major.
  const r = o.rotation;
  return {
    rot: Int8Array.from([r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]]),
    trans: [o.translation[0], o.translation[1], o.translation[2]],
  };
}

/**
 * moyo on a raw cell: lattice rows (Å, row-major), fractional positions and integer atom types. The space group and
 * its operations in this cell (row-major rotations, centring and pure translations included); null when moyo fails.
 * No primitive reduction and no size limit here: the caller bounds the cell.
 */
export function cellSymmetry(
  lattice: ArrayLike<number>,
  positions: readonly (readonly [number, number, number])[],
  numbers: readonly number[],
  symprec: number,
): { number: number; symbol: string; operations: SymOp[] } | null {
  requireMoyo();
  const m = lattice;
  const cell = {
    lattice: { basis: [m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, m[7]!, m[8]!] },
    positions,
    numbers,
  };
  try {
    const d = analyze_cell(JSON.stringify(cell), symprec, 'Standard');
    return { number: d.number, symbol: d.hm_symbol, operations: d.operations.map(rowMajor) };
  } catch {
    return null;
  }
}

/** Space group, operations and Wyckoff table of a structure (moyo); null when moyo fails. */
export function analyzeSymmetry(s: Structure, symprec = 0.1): SymmetryAnalysis | null {
  const d = analyzeCell(s, symprec, []);
  if (!d) return null;
  const wyckoffTable = wyckoff_positions(d.hall_number).map((w) => ({ letter: w.letter, multiplicity: w.multiplicity, siteSymmetry: w.site_symmetry }));
  return {
    number: d.number,
    symbol: d.hm_symbol,
    hallNumber: d.hall_number,
    operations: d.operations.map(rowMajor),
    wyckoffTable,
    generalMultiplicity: Math.max(...wyckoffTable.map((w) => w.multiplicity)),
  };
}

/**
 * Wyckoff letters of extra point sets (each a complete orbit) in the structure's space group: each set is
 * added to the structure as an atom type of its own and moyo assigns the letters. Null for a set when the
 * group changes with it (an incomplete orbit) or moyo fails. `omit` leaves sites out of the cell (e.g. the
 * mobile ions, whose positions may coincide with the points); omitting them must not change the group.
 */
export function wyckoffLettersOf(
  s: Structure,
  sets: readonly (readonly Vec3[])[],
  symprec = 0.1,
  omit?: (site: Structure['sites'][number]) => boolean,
): (string | null)[] {
  const base = analyzeCell(s, symprec, []);
  if (!base) return sets.map(() => null);
  const keep = omit ? (site: Structure['sites'][number]) => !omit(site) : undefined;
  const kept = keep ? s.sites.filter(keep).length : s.sites.length;
  return sets.map((points) => {
    if (points.length === 0) return null;
    const d = analyzeCell(s, symprec, [points], keep);
    if (!d || d.number !== base.number) return null;
    const letters = new Set(d.wyckoffs.slice(kept, kept + points.length));
    return letters.size === 1 ? [...letters][0]! : null;
  });
}
