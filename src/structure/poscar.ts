// VASP POSCAR / CONTCAR reader and writer (VASP 5 layout, with the species line).
//
//   line 1   comment
//   line 2   scale: one factor, a negative number (= target cell volume in Å³), or three per-axis factors
//   line 3-5 lattice vectors a, b, c (rows, Å before scaling)
//   line 6   species symbols ("Li P S"; POTCAR suffixes like "Li_sv" or "Li/a1b2" are stripped)
//   line 7   counts per species
//   [line]   "Selective dynamics" (only its first letter matters, as in VASP)
//   line     "Direct" or "Cartesian" (first letter C/c/K/k means Cartesian)
//   N lines  coordinates (three numbers, then optional T/F flags and a trailing species name)
//
// A VASP 4 file (no species line) is accepted only when its comment line names the species, as
// pymatgen does, with a warning. Every failure is a StructureError naming the file and line.
import { StructureError } from '../errors.js';
import { badFractional, cellTooSmall } from './cell-checks.js';
import { canonicalElement } from './elements.js';
import { Lattice } from './lattice.js';
import type { Site, Structure } from './types.js';
import type { Vec3 } from './lattice.js';
import { composition, reducedFormula } from './composition.js';

interface Line {
  text: string;
  /** 1-based line number in the file. */
  no: number;
}

function splitLines(text: string): Line[] {
  return text.split(/\r\n|\r|\n/).map((t, i) => ({ text: t.trim(), no: i + 1 }));
}

function numbers(line: Line, count: number, file: string, what: string): number[] {
  const toks = line.text.split(/\s+/).filter(Boolean);
  if (toks.length < count) throw new StructureError(file, `${what}: expected ${count} numbers, found '${line.text}'`, undefined, line.no);
  const out = toks.slice(0, count).map(Number);
  if (out.some((x) => !Number.isFinite(x))) throw new StructureError(file, `${what}: '${line.text}' is not ${count} numbers`, undefined, line.no);
  return out;
}

/** Element from a POSCAR species token: "Li", "Li_sv", "Li/3f8a", "LI". Null when it is no element. */
function speciesElement(token: string): string | null {
  const m = /^([A-Za-z]{1,2})(?:[_/.].*)?$/.exec(token);
  return m ? canonicalElement(m[1]!) : null;
}

function wrap(x: number): number {
  const w = x - Math.floor(x);
  return w >= 1 ? 0 : w; // -1e-17 wraps to 1 - 1e-17 == 1 in float64
}

/**
 * Quick content sniff: line 2 is one or three numbers, lines 3-5 are three numbers each.
 * Used to recognise POSCARs whose file name does not say so.
 */
export function looksLikePoscar(text: string): boolean {
  const lines = text.split(/\r\n|\r|\n/, 6).map((l) => l.trim().split(/\s+/).filter(Boolean));
  if (lines.length < 5) return false;
  const nums = (toks: string[] | undefined, n: number) => !!toks && toks.length >= n && toks.slice(0, n).every((t) => Number.isFinite(Number(t)));
  const scale = lines[1]!;
  return (scale.length === 1 || scale.length === 3) && nums(scale, scale.length) && nums(lines[2], 3) && nums(lines[3], 3) && nums(lines[4], 3);
}

/** Parse a POSCAR/CONTCAR. `file` names the input in error messages and in Structure.file. */
export function readPoscar(text: string, file: string): Structure {
  if (text.trim() === '') throw new StructureError(file, 'the file is empty', undefined, 1);
  const lines = splitLines(text);
  const warnings: string[] = [];
  let i = 0;
  const next = (what: string): Line => {
    // Blank lines are allowed nowhere in the header; running out of lines is a truncated file.
    const line = lines[i];
    if (line === undefined || (line.text === '' && i >= lines.length - 1)) {
      throw new StructureError(file, `file ends before the ${what}`, undefined, Math.min(i + 1, lines.length));
    }
    i++;
    return line;
  };

  const comment = next('comment line');
  const scaleLine = next('scale factor');
  const scaleToks = scaleLine.text.split(/\s+/).filter(Boolean);
  const scale = numbers(scaleLine, scaleToks.length >= 3 ? 3 : 1, file, 'scale factor');
  const rows: number[] = [];
  for (const axis of ['a', 'b', 'c']) rows.push(...numbers(next(`lattice vector ${axis}`), 3, file, `lattice vector ${axis}`));

  // Cartesian positions are scaled like the lattice (VASP does the same; per-axis scales leave them as given).
  let cartScale = 1;
  if (scale.length === 3) {
    if (scale.some((x) => x <= 0)) throw new StructureError(file, 'per-axis scale factors must be positive', undefined, scaleLine.no);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) rows[3 * r + c]! *= scale[c]!;
  } else {
    const s = scale[0]!;
    if (s === 0) throw new StructureError(file, 'scale factor is zero', undefined, scaleLine.no);
    let factor = s;
    if (s < 0) {
      // Negative: the wanted cell volume in Å³.
      const raw = new Lattice(rows).volume;
      if (!(raw > 0)) throw new StructureError(file, 'the lattice vectors are coplanar: the cell has no volume', undefined, scaleLine.no + 1);
      factor = Math.cbrt(-s / raw);
    }
    for (let k = 0; k < 9; k++) rows[k]! *= factor;
    cartScale = factor;
  }
  const lattice = new Lattice(rows);
  // A tiny but well-shaped cell (e.g. a scale factor in nm) is "too small", not "coplanar".
  const { a, b, c } = lattice.parameters;
  if (lattice.volume / (a * b * c) > 1e-6) {
    const small = cellTooSmall(lattice);
    if (small) throw new StructureError(file, small, undefined, scaleLine.no + 1);
  }
  if (!(lattice.volume > 1e-6) || !Number.isFinite(lattice.volume)) {
    throw new StructureError(file, 'the lattice vectors are coplanar: the cell has no volume', undefined, scaleLine.no + 1);
  }

  // Species line (VASP 5) or, failing that, counts straight away (VASP 4).
  let line = next('species line');
  let elements: string[];
  const toks = line.text.split(/\s+/).filter(Boolean);
  if (toks.length > 0 && toks.every((t) => Number.isFinite(Number(t)))) {
    const fromComment = comment.text.split(/\s+/).filter(Boolean).map(speciesElement);
    if (fromComment.length < toks.length || fromComment.slice(0, toks.length).some((e) => e === null)) {
      throw new StructureError(
        file,
        'no species line (VASP 4 format) and the comment line does not name the species; add a line of element symbols before the counts',
        undefined,
        line.no,
      );
    }
    elements = fromComment.slice(0, toks.length) as string[];
    warnings.push(`VASP 4 POSCAR: species ${elements.join(' ')} taken from the comment line`);
  } else {
    elements = toks.map((t) => {
      const el = speciesElement(t);
      if (!el) throw new StructureError(file, `unknown element '${t}' in the species line`, undefined, line.no);
      return el;
    });
    if (elements.length === 0) throw new StructureError(file, 'the species line is empty', undefined, line.no);
    line = next('counts line');
  }
  const countToks = line.text.split(/\s+/).filter(Boolean);
  if (countToks.length !== elements.length) {
    throw new StructureError(file, `${elements.length} species but ${countToks.length} counts ('${line.text}')`, undefined, line.no);
  }
  const counts = countToks.map((t) => {
    const n = Number(t);
    if (!Number.isInteger(n) || n < 0) throw new StructureError(file, `atom count '${t}' is not a whole number`, undefined, line.no);
    return n;
  });
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) throw new StructureError(file, 'the structure has no atoms', undefined, line.no);

  let modeLine = next('coordinate mode (Direct or Cartesian)');
  if (/^s/i.test(modeLine.text)) modeLine = next('coordinate mode (Direct or Cartesian)');
  const cartesian = /^[ck]/i.test(modeLine.text);
  if (!cartesian && !/^d/i.test(modeLine.text)) {
    throw new StructureError(file, `expected 'Direct' or 'Cartesian', found '${modeLine.text}'`, undefined, modeLine.no);
  }

  const sites: Site[] = [];
  for (let e = 0; e < elements.length; e++) {
    const el = elements[e]!;
    for (let n = 0; n < counts[e]!; n++) {
      const pos = next(`position ${sites.length + 1} of ${total}`);
      const xyz = numbers(pos, 3, file, `position of atom ${sites.length + 1}`);
      let frac: Vec3;
      if (cartesian) {
        const f = lattice.cartToFrac([xyz[0]! * cartScale, xyz[1]! * cartScale, xyz[2]! * cartScale]);
        frac = [f[0], f[1], f[2]];
      } else {
        frac = [xyz[0]!, xyz[1]!, xyz[2]!];
      }
      const far = frac.map(badFractional).find((w) => w !== null);
      if (far) throw new StructureError(file, `atom ${sites.length + 1} (${el}): ${far}`, undefined, pos.no);
      frac = [wrap(frac[0]), wrap(frac[1]), wrap(frac[2])];
      sites.push({ frac, label: `${el}${n + 1}`, species: [{ element: el, oxidation: null, occupancy: 1 }] });
    }
  }
  return { file, block: null, lattice, sites, warnings };
}

function fmt(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return (x >= 0 ? ' ' : '') + (s === `-${(0).toFixed(digits)}` ? (0).toFixed(digits) : s);
}

/**
 * VASP 5 POSCAR text (Direct coordinates, scale 1, species grouped in order of first appearance).
 * A POSCAR holds one atom per position: a mixed or partially occupied site is a StructureError.
 */
export function writePoscar(s: Structure): string {
  const order: string[] = [];
  const byElement = new Map<string, Vec3[]>();
  for (const site of s.sites) {
    const sp = site.species[0];
    if (site.species.length !== 1 || !sp || Math.abs(sp.occupancy - 1) > 1e-6) {
      throw new StructureError(s.file, `site ${site.label} is mixed or partially occupied, which a POSCAR cannot hold`, s.block ?? undefined);
    }
    if (!byElement.has(sp.element)) {
      byElement.set(sp.element, []);
      order.push(sp.element);
    }
    byElement.get(sp.element)!.push(site.frac);
  }
  const m = s.lattice.matrix;
  const out = [reducedFormula(composition(s)) || 'structure', '1.0'];
  for (let r = 0; r < 3; r++) out.push(`  ${fmt(m[3 * r]!, 10)} ${fmt(m[3 * r + 1]!, 10)} ${fmt(m[3 * r + 2]!, 10)}`);
  out.push(order.join(' '), order.map((e) => String(byElement.get(e)!.length)).join(' '), 'Direct');
  for (const e of order) for (const f of byElement.get(e)!) out.push(`  ${fmt(f[0], 10)} ${fmt(f[1], 10)} ${fmt(f[2], 10)} ${e}`);
  return out.join('\n') + '\n';
}
