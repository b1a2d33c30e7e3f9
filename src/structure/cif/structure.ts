// CIF structure layer: turns a parsed data block into a Structure (cell, asymmetric unit,
// symmetry operators (chosen in symmetry-choice.ts), expansion into the full cell with mixed sites kept as one site).
//
// Choices (see also the README):
// - Cell: all six parameters are required; s.u. are stripped; '?' / '.' count as missing.
// - Elements: `_atom_site_type_symbol` wins over the label; a label ("Li1", "O2a") gives its
//   leading element symbol (two letters first, then one). Deuterium/tritium are read as H.
// - Occupancy: missing or '.' -> 1; '?' -> 1 with a warning; <= 0 -> the row is skipped with a
//   warning (it holds no atom).
// - Symmetry source, in order: explicit operators (modern, legacy and magnetic tags), Hall
//   symbol, H-M symbol, IT number, else P1 with a warning. For an H-M symbol or number without an
//   origin choice, both origin choices are expanded and the one that puts more atoms on special
//   positions (fewer sites) wins; R groups follow the cell shape (rhombohedral axes when a = b =
//   c and alpha = beta = gamma != 90, else hexagonal axes).
// - Expansion: coordinates within 2e-4 of a multiple of 1/6 are snapped (0.3333 -> 1/3) before
//   the operators apply; images are wrapped into [0, 1); positions closer than mergeTolerance
//   (Å, Cartesian, periodic) are one site. Species of different asymmetric sites that land on one
//   position join that site (a mixed site).
// - Occupancy sum on one position: up to 1 + OCCUPANCY_TOLERANCE (0.05) it is scaled down to 1
//   with a warning; beyond that it is a StructureError.
import { canonicalElement } from '../elements.js';
import { Lattice, type Vec3 } from '../lattice.js';
import { badFractional, cellTooSmall, MAX_CELL_SITES } from '../cell-checks.js';
import { PeriodicCellList } from '../cell-list.js';
import { hallEntry, hallNumberFromHM, type SymOp } from '../space-group.js';
import type { Site, Species, Structure } from '../types.js';
import { parseCifNumber, parseCifNumberOrFraction } from './numbers.js';
import { blockColumn, blockValue, firstValue, isMissing, type CifBlock, type CifValue } from './syntax.js';
import { fail, type Context } from './block-context.js';
import { HM_TAGS, NUMBER_TAGS, readSymmetry, metricMisfit, METRIC_TOLERANCE, round4 } from './symmetry-choice.js';

/** Occupancies on one position may exceed 1 by this much (rounding in refinements) before it is an error. */
export const OCCUPANCY_TOLERANCE = 0.05;
/** Coordinates this close to a multiple of 1/6 are snapped to it. */
const SNAP_TOLERANCE = 2e-4;

const CELL_TAGS = ['_cell_length_a', '_cell_length_b', '_cell_length_c', '_cell_angle_alpha', '_cell_angle_beta', '_cell_angle_gamma'] as const;

/** True when a block holds cell or atom-site tags, i.e. is meant to describe a structure. */
export function blockHasStructure(block: CifBlock): boolean {
  for (const t of CELL_TAGS) if (blockValue(block, t)) return true;
  for (const t of ['_atom_site_fract_x', '_atom_site_cartn_x', '_atom_site_label', '_atom_site_type_symbol']) {
    if (blockValue(block, t)) return true;
  }
  return false;
}

// ---- Cell ------------------------------------------------------------------------------------

/** IT numbers of the rhombohedral (R) space groups. */
const R_GROUPS = new Set([146, 148, 155, 160, 161, 166, 167]);

/**
 * Missing cell angles that the crystal system fixes: all 90° for cubic, tetragonal and
 * orthorhombic; 90, 90, 120 for hexagonal and for trigonal groups on hexagonal axes; for
 * monoclinic, the two angles other than a given non-90° one. The system comes from
 * _space_group_crystal_system / _symmetry_cell_setting, else from the IT number or the H-M symbol.
 * Entries stay null where the angle is free.
 */
function anglesFixedBySystem(block: CifBlock, given: (number | null)[]): (number | null)[] {
  let system = firstValue(block, ['_space_group_crystal_system', '_symmetry_cell_setting'])?.value.text.toLowerCase() ?? '';
  let num = parseCifNumber(firstValue(block, NUMBER_TAGS)?.value.text ?? '');
  const hm = firstValue(block, HM_TAGS)?.value.text ?? '';
  if (!Number.isInteger(num) && hm.trim()) {
    const h = hallNumberFromHM(hm);
    if (h !== null) num = hallEntry(h)!.number;
  }
  if (!['cubic', 'tetragonal', 'orthorhombic', 'hexagonal', 'trigonal', 'monoclinic'].includes(system)) {
    system =
      num >= 195 && num <= 230
        ? 'cubic'
        : num >= 168
          ? 'hexagonal'
          : num >= 143
            ? 'trigonal'
            : num >= 75
              ? 'tetragonal'
              : num >= 16
                ? 'orthorhombic'
                : num >= 3
                  ? 'monoclinic'
                  : '';
  }
  const out = [...given];
  const fill = (vals: number[]) => vals.forEach((v, i) => (out[i] ??= v));
  if (system === 'cubic' || system === 'tetragonal' || system === 'orthorhombic') fill([90, 90, 90]);
  else if (system === 'hexagonal') fill([90, 90, 120]);
  else if (system === 'trigonal') {
    const rhombohedral = R_GROUPS.has(num) || hm.trim().toUpperCase().startsWith('R');
    if (!rhombohedral || given[2] === 120) fill([90, 90, 120]);
  } else if (system === 'monoclinic') {
    const odd = given.map((g, i) => (g !== null && Math.abs(g - 90) > 1e-6 ? i : -1)).filter((i) => i >= 0);
    if (odd.length === 1) fill([90, 90, 90]);
  }
  return out;
}

function readCell(block: CifBlock, ctx: Context): Lattice {
  const values = CELL_TAGS.map((tag) => blockValue(block, tag));
  const p: (number | null)[] = values.map((v, i) => {
    if (isMissing(v)) return null;
    const tag = CELL_TAGS[i]!;
    if (!block.items.has(tag)) ctx.warnings.push(`line ${v!.line}: ${tag} found inside a loop_; its first value is used`);
    const x = parseCifNumber(v!.text);
    if (!Number.isFinite(x)) fail(ctx, `${tag} is not a number: '${v!.text}'`, v!.line);
    return x;
  });
  if (p.slice(3).some((x) => x === null)) {
    const filled = anglesFixedBySystem(block, p.slice(3));
    filled.forEach((x, i) => {
      if (p[3 + i] === null && x !== null) {
        p[3 + i] = x;
        ctx.warnings.push(`${CELL_TAGS[3 + i]} is missing; set to ${x}° as the crystal system requires`);
      }
    });
  }
  p.forEach((x, i) => {
    const tag = CELL_TAGS[i]!;
    if (x === null) fail(ctx, `no ${tag.includes('length') ? 'cell length' : 'cell angle'} ${tag}`, values[i]?.line);
  });
  const [a, b, c, alpha, beta, gamma] = p as [number, number, number, number, number, number];
  const line = blockValue(block, '_cell_length_a')?.line;
  if (!(a > 0 && b > 0 && c > 0)) fail(ctx, `cell lengths must be positive (a=${a}, b=${b}, c=${c})`, line);
  for (const [name, ang] of [
    ['alpha', alpha],
    ['beta', beta],
    ['gamma', gamma],
  ] as const) {
    if (!(ang > 0 && ang < 180)) fail(ctx, `cell angle ${name} = ${ang}° is impossible`, blockValue(block, `_cell_angle_${name}`)?.line);
  }
  let lattice: Lattice;
  try {
    lattice = Lattice.fromParameters({ a, b, c, alpha, beta, gamma });
  } catch (e) {
    fail(ctx, e instanceof Error ? e.message : 'degenerate cell', line);
  }
  const small = cellTooSmall(lattice);
  if (small) fail(ctx, small, line);
  return lattice;
}

// ---- Elements and oxidation states -------------------------------------------------------------

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Leading element symbol of a type symbol or label: two letters if they form an element, else one. */
function leadingElement(s: string): { element: string; rest: string } | null {
  let n = 0;
  while (n < s.length && n < 2 && isLetter(s.charCodeAt(n))) n++;
  if (n === 2) {
    const two = canonicalElement(s.slice(0, 2));
    if (two) return { element: two, rest: s.slice(2) };
  }
  if (n >= 1) {
    const one = canonicalElement(s.slice(0, 1));
    if (one) return { element: one, rest: s.slice(1) };
  }
  return null;
}

/** "Li1+", "Li+", "O2-", "S-2", "Fe2.5+" -> the signed charge; null when the suffix is not a charge. */
function chargeSuffix(rest: string): number | null {
  if (rest === '') return null;
  const first = rest[0]!;
  const last = rest[rest.length - 1]!;
  let sign = 0;
  let mag = '';
  if (first === '+' || first === '-') {
    sign = first === '+' ? 1 : -1;
    mag = rest.slice(1);
  } else if (last === '+' || last === '-') {
    sign = last === '+' ? 1 : -1;
    mag = rest.slice(0, -1);
  } else return null;
  if (mag === '') return sign;
  const v = parseCifNumber(mag);
  if (!Number.isFinite(v) || mag.includes('e') || mag.includes('E')) return null;
  return sign * v;
}

/** Element and charge from `_atom_site_type_symbol` / `_atom_type_symbol`. */
export function parseTypeSymbol(sym: string): { element: string; oxidation: number | null } | null {
  if (sym.trim().slice(0, 3).toLowerCase() === 'wat') return { element: 'O', oxidation: null };
  const lead = leadingElement(sym.trim());
  if (!lead) return null;
  return { element: lead.element, oxidation: chargeSuffix(lead.rest) };
}

/** Element from an atom-site label: "Li1" -> Li, "O2a" -> O, "Wat"/"Ow3" -> O (water). */
function elementFromLabel(label: string): string | null {
  if (label.slice(0, 3).toLowerCase() === 'wat') return 'O';
  return leadingElement(label)?.element ?? null;
}

/**
 * Pauling File style mixed type symbol: "0.8Nb + 0.2Zr", "0.56(4)Mg + 0.29(3)Ta + 0.15(5)Zr".
 * Fractions multiply the site occupancy. Null when a part is not "<number><element>".
 */
function parseMixedType(text: string): { element: string; oxidation: number | null; fraction: number }[] | null {
  const out: { element: string; oxidation: number | null; fraction: number }[] = [];
  for (const raw of text.split(' + ')) {
    const part = raw.trim();
    let i = 0;
    while (i < part.length && !isLetter(part.charCodeAt(i))) i++;
    const fraction = i === 0 ? 1 : parseCifNumber(part.slice(0, i));
    const sym = parseTypeSymbol(part.slice(i));
    if (!sym || !Number.isFinite(fraction) || fraction <= 0) return null;
    out.push({ ...sym, fraction });
  }
  return out.length > 0 ? out : null;
}

function readOxidationTable(block: CifBlock, ctx: Context): Map<string, number> {
  const table = new Map<string, number>();
  const syms = blockColumn(block, '_atom_type_symbol');
  const oxi = blockColumn(block, '_atom_type_oxidation_number');
  if (!syms || !oxi || syms.length !== oxi.length) return table;
  for (let i = 0; i < syms.length; i++) {
    const v = oxi[i]!;
    if (isMissing(v)) continue;
    const x = parseCifNumber(v.text);
    if (!Number.isFinite(x)) {
      ctx.warnings.push(`line ${v.line}: oxidation number '${v.text}' of ${syms[i]!.text} is not a number; ignored`);
      continue;
    }
    table.set(syms[i]!.text, x);
  }
  return table;
}

// ---- Atom sites ----------------------------------------------------------------------------------

interface AsymSite {
  label: string;
  line: number;
  frac: Vec3;
  /** Usually one species; several for a Pauling-File style type symbol "0.8Nb + 0.2Zr". */
  species: Species[];
}

function column(block: CifBlock, tag: string, rows: number, ctx: Context): (CifValue | undefined)[] | null {
  const col = blockColumn(block, tag);
  if (!col) return null;
  const l = block.looped.get(tag);
  if (l?.loop.defect) fail(ctx, l.loop.defect, l.loop.line);
  if (col.length !== rows) {
    fail(ctx, `${tag} has ${col.length} values but the atom-site list has ${rows} rows`, col[0]?.line);
  }
  return col;
}

function readAtomSites(block: CifBlock, lattice: Lattice, ctx: Context): AsymSite[] {
  const fx = blockColumn(block, '_atom_site_fract_x');
  const cx = blockColumn(block, '_atom_site_cartn_x');
  const anchor = fx ?? cx ?? blockColumn(block, '_atom_site_label') ?? blockColumn(block, '_atom_site_type_symbol');
  if (!anchor) fail(ctx, 'no atom sites (no _atom_site_fract_x / _atom_site_label loop)');
  const rows = anchor.length;
  const anchorLoop = block.looped.get(fx ? '_atom_site_fract_x' : cx ? '_atom_site_cartn_x' : '_atom_site_label');
  if (anchorLoop?.loop.defect) fail(ctx, anchorLoop.loop.defect, anchorLoop.loop.line);
  if (rows === 0) fail(ctx, 'the atom-site loop is empty', anchorLoop?.loop.line);
  const cartesian = !fx && !!cx;
  const pre = cartesian ? '_atom_site_cartn_' : '_atom_site_fract_';
  const xs = column(block, pre + 'x', rows, ctx);
  const ys = column(block, pre + 'y', rows, ctx);
  const zs = column(block, pre + 'z', rows, ctx);
  const labels = column(block, '_atom_site_label', rows, ctx);
  const types = column(block, '_atom_site_type_symbol', rows, ctx);
  const occs = column(block, '_atom_site_occupancy', rows, ctx);
  const flags = column(block, '_atom_site_calc_flag', rows, ctx);
  if (!labels && !types) fail(ctx, 'atom sites have neither _atom_site_label nor _atom_site_type_symbol', anchorLoop?.loop.line);
  if (!labels) ctx.warnings.push('atom sites have no _atom_site_label; labels are taken from _atom_site_type_symbol');
  if (cartesian) ctx.warnings.push('atom sites are given in Cartesian coordinates; converted with the standard CIF orientation');
  const oxiTable = readOxidationTable(block, ctx);

  const out: AsymSite[] = [];
  let unknownOcc = 0;
  let allUnknownRows = 0;
  let fractions = 0;
  const zeroOcc: string[] = [];
  for (let r = 0; r < rows; r++) {
    const labelV = labels?.[r];
    const typeV = types?.[r];
    const line = (labelV ?? typeV ?? anchor[r])!.line;
    const label = labelV && !isMissing(labelV) ? labelV.text : typeV && !isMissing(typeV) ? typeV.text : `#${r + 1}`;
    if ([labelV, typeV, xs?.[r], ys?.[r], zs?.[r]].every((v) => !v || isMissing(v))) {
      ctx.warnings.push(`line ${line}: atom-site row ${r + 1} holds only unknown values; skipped`);
      allUnknownRows++;
      continue;
    }
    const flag = flags?.[r];
    if (flag && !flag.quoted && flag.text.toLowerCase() === 'dum') {
      ctx.warnings.push(`line ${line}: site '${label}' is a dummy atom (calc_flag dum); skipped`);
      continue;
    }

    // Element: the type symbol wins over the label.
    let species: { element: string; oxidation: number | null; fraction: number }[] | null = null;
    if (typeV && !isMissing(typeV)) {
      const mix = typeV.text.includes('+') && /[A-Za-z]/.test(typeV.text) ? parseMixedType(typeV.text) : null;
      const parsed = mix ? null : parseTypeSymbol(typeV.text);
      if (mix) species = mix;
      else if (parsed) species = [{ ...parsed, oxidation: oxiTable.get(typeV.text) ?? parsed.oxidation, fraction: 1 }];
      else {
        const fromLabel = labelV && !isMissing(labelV) ? elementFromLabel(labelV.text) : null;
        if (!fromLabel) fail(ctx, `unknown element '${typeV.text}' (atom site '${label}')`, typeV.line);
        ctx.warnings.push(`line ${typeV.line}: type symbol '${typeV.text}' is not an element; element ${fromLabel} taken from the label '${label}'`);
        species = [{ element: fromLabel, oxidation: null, fraction: 1 }];
      }
    } else if (labelV && !isMissing(labelV)) {
      const element = elementFromLabel(labelV.text);
      if (!element) fail(ctx, `unknown element in atom-site label '${labelV.text}'`, labelV.line);
      species = [{ element, oxidation: oxiTable.get(labelV.text) ?? null, fraction: 1 }];
    } else {
      fail(ctx, `atom site on row ${r + 1} has no element (type symbol and label are both unknown)`, line);
    }

    const frac: Vec3 = [0, 0, 0];
    const comps = [xs, ys, zs];
    for (let k = 0; k < 3; k++) {
      const v = comps[k]?.[r];
      if (!v || isMissing(v)) fail(ctx, `site '${label}' has unknown coordinates`, v?.line ?? line);
      const num = parseCifNumberOrFraction(v.text);
      if (!Number.isFinite(num.value)) fail(ctx, `site '${label}': coordinate '${v.text}' is not a number`, v.line);
      if (num.fraction) fractions++;
      frac[k] = num.value;
    }
    if (cartesian) lattice.cartToFrac([...frac], frac);
    for (let k = 0; k < 3; k++) {
      const why = badFractional(frac[k]!);
      if (why) fail(ctx, `site '${label}': ${why}`, comps[k]?.[r]?.line ?? line);
    }

    let occupancy = 1;
    const occV = occs?.[r];
    if (occV && !isMissing(occV)) {
      occupancy = parseCifNumber(occV.text);
      if (!Number.isFinite(occupancy)) fail(ctx, `site '${label}': occupancy '${occV.text}' is not a number`, occV.line);
      if (occupancy < 0)
        fail(ctx, `site '${label}': occupancy ${occV.text} is negative; an occupancy is the fraction of the site filled, from 0 to 1`, occV.line);
    } else if (occV && !occV.quoted && occV.text === '?') unknownOcc++;
    if (occupancy <= 0) {
      zeroOcc.push(label);
      continue;
    }
    out.push({
      label,
      line,
      frac,
      species: species.map((sp) => ({ element: sp.element, oxidation: sp.oxidation, occupancy: occupancy * sp.fraction })),
    });
  }
  if (unknownOcc > 0) ctx.warnings.push(`${unknownOcc} site(s) have unknown occupancy ('?'); read as 1`);
  if (fractions > 0) ctx.warnings.push(`${fractions} coordinate(s) written as fractions (e.g. 1/3); read exactly`);
  if (zeroOcc.length > 0) ctx.warnings.push(`site(s) with zero occupancy skipped: ${zeroOcc.slice(0, 10).join(', ')}${zeroOcc.length > 10 ? ', ...' : ''}`);
  if (out.length === 0 && allUnknownRows === rows)
    fail(ctx, `the atom sites have unknown coordinates (every value in the atom-site loop is '?')`, anchorLoop?.loop.line);
  if (out.length === 0) fail(ctx, 'no atom sites (none with known element, coordinates and a positive occupancy)', anchorLoop?.loop.line);
  return out;
}

// ---- Expansion -----------------------------------------------------------------------------------

function snapSixths(x: number): number {
  const k = Math.round(x * 6);
  return Math.abs(x - k / 6) < SNAP_TOLERANCE ? k / 6 : x;
}

function wrap01(x: number): number {
  const w = x - Math.floor(x);
  return w >= 1 ? 0 : w;
}

interface Expanded {
  sites: { frac: Vec3; species: Species[]; label: string; labels: string[]; line: number; duplicates?: boolean }[];
}

function expand(asym: AsymSite[], ops: SymOp[], lattice: Lattice, tol: number): Expanded {
  // "Is there a site within tol?" queries; about one bin per expected position is plenty.
  const index = new PeriodicCellList(lattice, tol, Math.min(64, Math.ceil(Math.cbrt(asym.length * ops.length))));
  const sites: Expanded['sites'] = [];
  /** Last asymmetric row that put a species on each site (so a row's own images are not counted twice). */
  const lastRow: number[] = [];
  for (let a = 0; a < asym.length; a++) {
    const s = asym[a]!;
    const f0 = snapSixths(s.frac[0]);
    const f1 = snapSixths(s.frac[1]);
    const f2 = snapSixths(s.frac[2]);
    for (const op of ops) {
      const r = op.rot;
      const p0 = wrap01(r[0]! * f0 + r[1]! * f1 + r[2]! * f2 + op.trans[0]);
      const p1 = wrap01(r[3]! * f0 + r[4]! * f1 + r[5]! * f2 + op.trans[1]);
      const p2 = wrap01(r[6]! * f0 + r[7]! * f1 + r[8]! * f2 + op.trans[2]);
      const hit = index.findNear(p0, p1, p2);
      if (hit < 0) {
        index.add(p0, p1, p2);
        sites.push({ frac: [p0, p1, p2], species: s.species.map((sp) => ({ ...sp })), label: s.label, labels: [s.label], line: s.line });
        lastRow.push(a);
        continue;
      }
      if (lastRow[hit] === a) continue;
      lastRow[hit] = a;
      const site = sites[hit]!;
      if (!site.labels.includes(s.label)) site.labels.push(s.label);
      for (const sp of s.species) {
        const same = site.species.find((x) => x.element === sp.element && x.oxidation === sp.oxidation);
        if (!same) site.species.push({ ...sp });
        else if (site.species.reduce((t, x) => t + x.occupancy, 0) + sp.occupancy > 1 + OCCUPANCY_TOLERANCE && Math.abs(same.occupancy - sp.occupancy) < 1e-3) {
          // The same atom listed twice (a symmetry copy kept in the asymmetric unit, same
          // element and occupancy): one atom, not two.
          site.duplicates = true;
        } else same.occupancy += sp.occupancy;
      }
    }
  }
  return { sites };
}

// ---- Block -> Structure --------------------------------------------------------------------------

export interface BuildOptions {
  mergeTolerance: number;
}

/** Builds the structure of one data block. Throws StructureError (file, block, line) when it is unusable. */
export function structureFromBlock(block: CifBlock, file: string, opts: BuildOptions): Structure {
  const ctx: Context = { file, block: block.name, warnings: [...block.warnings], notes: [] };
  const lattice = readCell(block, ctx);
  const asym = readAtomSites(block, lattice, ctx);
  const sym = readSymmetry(block, lattice, ctx);

  const misfit = sym.candidates.length > 0 ? metricMisfit(sym.candidates[0]!.ops, lattice) : 0;
  if (misfit > METRIC_TOLERANCE) {
    const what = sym.derived ? `space group ${sym.declared.symbol ?? sym.declared.number ?? ''} (${sym.derived})` : 'the symmetry operators in the file';
    const p = lattice.parameters;
    const cell = `a=${round4(p.a)}, b=${round4(p.b)}, c=${round4(p.c)}, alpha=${round4(p.alpha)}, beta=${round4(p.beta)}, gamma=${round4(p.gamma)}`;
    if (sym.derived) fail(ctx, `${what} does not fit the cell (${cell})`, sym.line);
    ctx.warnings.push(`${what} do not fit the cell exactly (${cell}; metric misfit ${misfit.toExponential(1)})`);
  }

  // Refuse before expanding: merging a million positions takes minutes and gigabytes.
  const mostOps = Math.max(1, ...sym.candidates.map((c) => c.ops.length));
  if (asym.length * mostOps > MAX_CELL_SITES) {
    fail(
      ctx,
      `the cell would hold up to ${asym.length * mostOps} sites (${asym.length} atom sites x ${mostOps} symmetry operators), more than the ${MAX_CELL_SITES} a structure may have`,
    );
  }
  let best: Expanded | null = null;
  let bestNote: string | undefined;
  for (const cand of sym.candidates) {
    const e = expand(asym, cand.ops, lattice, opts.mergeTolerance);
    if (!best || e.sites.length < best.sites.length) {
      best = e;
      bestNote = cand.note;
    }
  }
  if (sym.candidates.length > 1 && bestNote) {
    ctx.warnings.push(`no origin choice given; ${bestNote} puts the atoms on special positions and is used`);
  }
  const expanded = best!;

  // Occupancy on each position.
  const scaled = new Set<string>();
  const sites: Site[] = [];
  for (const site of expanded.sites) {
    let total = 0;
    for (const sp of site.species) total += sp.occupancy;
    if (total > 1 + OCCUPANCY_TOLERANCE) {
      const who = site.labels.length > 1 ? `sites ${site.labels.map((l) => `'${l}'`).join(' and ')} share a position and their` : `site '${site.label}':`;
      fail(ctx, `${who} occupancies sum to ${Number(total.toFixed(4))} (more than 1)`, site.line);
    }
    if (total > 1 + 1e-9) {
      for (const sp of site.species) sp.occupancy /= total;
      scaled.add(`${site.labels.join('+')} (${Number(total.toFixed(4))})`);
    }
    sites.push({ frac: site.frac, species: site.species, label: site.label });
  }
  if (scaled.size > 0) {
    const list = [...scaled];
    ctx.warnings.push(`occupancies slightly above 1 scaled down to 1 on: ${list.slice(0, 8).join(', ')}${list.length > 8 ? ', ...' : ''}`);
  }
  const dupes = new Set(expanded.sites.filter((s) => s.duplicates).map((s) => s.labels.join(' = ')));
  if (dupes.size > 0) {
    ctx.warnings.push(
      `atoms of one element listed twice on one position, read as one atom: ${[...dupes].slice(0, 8).join(', ')}${dupes.size > 8 ? ', ...' : ''}`,
    );
  }
  const mixed = new Set(expanded.sites.filter((s) => s.labels.length > 1 && !s.duplicates).map((s) => s.labels.join('+')));
  if (mixed.size > 0) ctx.warnings.push(`mixed sites (several asymmetric sites on one position): ${[...mixed].slice(0, 8).join(', ')}`);

  const structure: Structure = { file, block: block.name, lattice, sites, warnings: ctx.warnings, ...(ctx.notes.length > 0 ? { notes: ctx.notes } : {}) };
  if (sym.declared.number !== undefined || sym.declared.symbol !== undefined) structure.declaredSpaceGroup = sym.declared;
  return structure;
}
