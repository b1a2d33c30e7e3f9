// Extended XYZ (the format of ASE, QUIP/libAtoms and many ML-potential data sets; described at
// https://github.com/libAtoms/extxyz): frames of
//   line 1  number of atoms N
//   line 2  key=value pairs: Lattice="ax ay az bx by bz cx cy cz" (Å, rows a, b, c),
//           Properties=species:S:1:pos:R:3[:name:type:columns...], pbc="T T T"
//   N lines one atom each, columns as Properties says (species or Z, Cartesian pos in Å)
// repeated for every frame. Frames are named by their 0-based index (as ase.io.read counts them).
// A frame with a wrong atom count or a bad line becomes an error naming the file, the frame and
// the line; reading goes on at the next frame header.
import { StructureError } from '../errors.js';
import { ELEMENTS } from './elements.js';
import { buildStructure, entryError, type EntryPlace, type EntryResult, type RawSite } from './site-list.js';

const COUNT_LINE = /^\s*\d+\s*$/;
const HEADER_KEY = /(^|\s)(lattice|properties)\s*=/i;

/** A frame header: a line holding only a whole number, and a comment line with Lattice= or Properties=. */
export function looksLikeExtxyz(text: string): boolean {
  const lines = text.slice(0, 65536).split(/\r?\n/);
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  return i + 1 < lines.length && COUNT_LINE.test(lines[i]!) && HEADER_KEY.test(lines[i + 1]!);
}

/** The comment line's key=value pairs (values bare, "double-quoted" with \" escapes, or {braced}); keys lower-cased. */
export function parseKeyValues(line: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && /\s/.test(line[i]!)) i++;
    if (i >= n) break;
    let key = '';
    while (i < n && !/[\s=]/.test(line[i]!)) key += line[i++];
    while (i < n && line[i] === ' ') i++;
    if (line[i] !== '=') {
      out.set(key.toLowerCase(), 'T'); // a bare key is a true flag
      continue;
    }
    i++;
    while (i < n && line[i] === ' ') i++;
    let value = '';
    if (line[i] === '"') {
      i++;
      while (i < n && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < n) i++;
        value += line[i++];
      }
      i++;
    } else if (line[i] === '{') {
      i++;
      while (i < n && line[i] !== '}') value += line[i++];
      i++;
    } else {
      while (i < n && !/\s/.test(line[i]!)) value += line[i++];
    }
    out.set(key.toLowerCase(), value);
  }
  return out;
}

interface Column {
  name: string;
  type: string;
  count: number;
  start: number;
}

function parseProperties(spec: string, place: EntryPlace): { columns: Column[]; width: number } {
  const parts = spec.split(':');
  if (parts.length % 3 !== 0) throw entryError(place, `Properties=${spec} is not a list of name:type:columns triples`);
  const columns: Column[] = [];
  let width = 0;
  for (let k = 0; k < parts.length; k += 3) {
    const count = Number(parts[k + 2]);
    if (!Number.isInteger(count) || count < 1) throw entryError(place, `Properties=${spec}: '${parts[k + 2]}' is not a column count`);
    columns.push({ name: parts[k]!.toLowerCase(), type: parts[k + 1]!.toUpperCase(), count, start: width });
    width += count;
  }
  return { columns, width };
}

const TRUE = new Set(['t', 'true', '1']);

function frameStructure(lines: readonly string[], start: number, natoms: number, place: EntryPlace) {
  const kv = parseKeyValues(lines[start + 1] ?? '');
  const commentLine = start + 2;
  const latticeText = kv.get('lattice');
  if (latticeText === undefined) {
    throw entryError(place, 'the comment line has no Lattice="..." (a plain XYZ molecule); BVSE needs a periodic cell', commentLine);
  }
  const matrix = latticeText
    .trim()
    .split(/[\s,]+/)
    .map(Number);
  if (matrix.length !== 9 || !matrix.every(Number.isFinite)) throw entryError(place, `Lattice="${latticeText}" is not nine numbers`, commentLine);
  const pbc = kv.get('pbc');
  if (pbc !== undefined) {
    const flags = pbc
      .trim()
      .split(/[\s,]+/)
      .map((t) => TRUE.has(t.toLowerCase()));
    if (flags.length !== 3 || flags.some((f) => !f))
      throw entryError(place, `pbc="${pbc}": the frame is not periodic in three directions, and BVSE needs a 3D cell`, commentLine);
  }
  const { columns, width } = parseProperties(kv.get('properties') ?? 'species:S:1:pos:R:3', { ...place, line: commentLine });
  const pos = columns.find((c) => c.name === 'pos' && c.count === 3);
  const species = columns.find((c) => c.name === 'species' && c.count === 1) ?? columns.find((c) => c.name === 'z' && c.count === 1);
  if (!pos || !species) throw entryError(place, `Properties=${kv.get('properties')} has no ${pos ? 'species (or Z)' : 'pos:R:3'} column`, commentLine);

  const sites: RawSite[] = [];
  for (let a = 0; a < natoms; a++) {
    const lineNo = start + 3 + a;
    const text = lines[start + 2 + a];
    if (text === undefined || (text.trim() === '' && start + 2 + a >= lines.length - 1)) {
      throw entryError(place, `the file ends after ${a} of the ${natoms} atoms the frame's first line announces`, lineNo);
    }
    const toks = text.trim().split(/\s+/);
    if (toks.length !== width) {
      const hint = COUNT_LINE.test(text) ? ` (it looks like the next frame's atom count: the frame has fewer atoms than its first line says, ${natoms})` : '';
      throw entryError(place, `atom ${a + 1}: expected ${width} columns (${columns.map((c) => c.name).join(', ')}), found ${toks.length}${hint}`, lineNo);
    }
    let symbol = toks[species.start]!;
    if (species.name === 'z') {
      const z = Number(symbol);
      if (!Number.isInteger(z) || z < 1 || z > ELEMENTS.length) throw entryError(place, `atom ${a + 1}: '${symbol}' is not an atomic number`, lineNo);
      symbol = ELEMENTS[z - 1]!;
    }
    const xyz = toks.slice(pos.start, pos.start + 3).map(Number);
    if (!xyz.every(Number.isFinite))
      throw entryError(place, `atom ${a + 1}: position '${toks.slice(pos.start, pos.start + 3).join(' ')}' is not three numbers`, lineNo);
    sites.push({ position: xyz, cartesian: true, species: [{ symbol, occupancy: 1, oxidation: null }], label: `${symbol} on line ${lineNo}` });
  }
  // The next non-blank line must start another frame: a longer frame than announced is an error too.
  let next = start + 2 + natoms;
  while (next < lines.length && lines[next]!.trim() === '') next++;
  if (next < lines.length && !COUNT_LINE.test(lines[next]!)) {
    throw entryError(
      place,
      `line ${next + 1} follows the ${natoms} atoms the frame's first line announces but is not the next frame's atom count: the frame has more atoms than it says`,
      next + 1,
    );
  }
  return { structure: buildStructure({ ...place, line: commentLine }, matrix, sites), end: next };
}

/** The next frame header at or after line index `from` (a count line followed by a Lattice/Properties line). */
function resync(lines: readonly string[], from: number): number {
  for (let j = from; j + 1 < lines.length; j++) if (COUNT_LINE.test(lines[j]!) && HEADER_KEY.test(lines[j + 1]!)) return j;
  return lines.length;
}

/**
 * Reads every frame. Frame names (the `block`) are "0", "1", ...; a one-frame file gives block null.
 * `block` selects one frame by its index.
 */
export function readExtxyz(text: string, file: string, opts: { block?: string } = {}): EntryResult[] {
  const lines = text.split(/\r?\n/);
  const frames: Array<{ start: number; result: Omit<EntryResult, 'block'> }> = [];
  let i = 0;
  while (i < lines.length) {
    while (i < lines.length && lines[i]!.trim() === '') i++;
    if (i >= lines.length) break;
    const index = frames.length;
    const place: EntryPlace = { file, entry: `frame ${index}` };
    const countText = lines[i]!.trim();
    if (!COUNT_LINE.test(countText) || Number(countText) < 1) {
      frames.push({
        start: i,
        result: { error: entryError(place, `expected the frame's atom count (a whole number), found '${countText.slice(0, 40)}'`, i + 1) },
      });
      i = resync(lines, i + 1);
      continue;
    }
    try {
      const { structure, end } = frameStructure(lines, i, Number(countText), place);
      frames.push({ start: i, result: { structure } });
      i = end;
    } catch (e) {
      if (!(e instanceof StructureError)) throw e;
      frames.push({ start: i, result: { error: e } });
      i = resync(lines, i + 2);
    }
  }
  if (frames.length === 0) throw new StructureError(file, 'the file is empty', undefined, 1);
  const many = frames.length > 1;
  let results: EntryResult[] = frames.map((f, k) => {
    const block = many ? String(k) : null;
    if (f.result.structure) f.result.structure.block = block;
    return { block, ...f.result };
  });
  if (opts.block !== undefined) {
    results = results.filter((r) => r.block === opts.block || (r.block === null && opts.block === '0'));
    if (results.length === 0) throw new StructureError(file, `no frame '${opts.block}'; the file has frames 0 to ${frames.length - 1}`);
  }
  return results;
}
