// CIF structure layer, the symmetry choice: which operations a block's structure is expanded with (explicit
// operator lists, Hall or Hermann–Mauguin symbols, IT numbers and their settings), checked against the cell's metric.
import type { Lattice } from '../lattice.js';
import { hallEntry, hallNumberFromHall, hallNumberFromHM, hallNumbersOf, hmHasSetting, opsFromHallNumber, parseSymopXyz, type SymOp } from '../space-group.js';
import { SymopSyntaxError } from '../../errors.js';
import type { SpaceGroupInfo } from '../types.js';
import { parseCifNumber } from './numbers.js';
import { blockColumn, firstValue, isMissing, type CifBlock, type CifValue } from './syntax.js';
import { fail, type Context } from './block-context.js';

export const XYZ_TAGS = ['_space_group_symop_operation_xyz', '_symmetry_equiv_pos_as_xyz', '_space_group_symop_magn_operation_xyz'] as const;
/** Superspace operators (modulated structures): x1, x2, x3 are x, y, z; the fourth coordinate is dropped. */
export const SSG_TAG = '_space_group_symop_ssg_operation_algebraic';
export const MAGN_CENTERING_TAG = '_space_group_symop_magn_centering_xyz';
export const HALL_TAGS = ['_space_group_name_hall', '_symmetry_space_group_name_hall'] as const;
export const HM_TAGS = ['_space_group_name_h-m_alt', '_symmetry_space_group_name_h-m', '_space_group_name_h-m', '_space_group_name_h-m_full'] as const;
export const NUMBER_TAGS = ['_space_group_it_number', '_symmetry_int_tables_number', '_space_group_it_number_'] as const;

export interface SymmetryChoice {
  /** Alternative operator sets; the expansion picks among them (origin choices). */
  candidates: { ops: SymOp[]; note?: string }[];
  declared: Partial<SpaceGroupInfo>;
  /** Set when the operators were built from a symbol or number: "from the H-M symbol 'Fd-3m'". */
  derived?: string;
  /** Line of the tag they came from. */
  line?: number;
}

export function compose(a: SymOp, b: SymOp): SymOp {
  // a ∘ b: x -> Ra (Rb x + tb) + ta
  const rot = new Int8Array(9);
  const trans: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += a.rot[3 * i + k]! * b.rot[3 * k + j]!;
      rot[3 * i + j] = s;
    }
    trans[i] = a.rot[3 * i]! * b.trans[0] + a.rot[3 * i + 1]! * b.trans[1] + a.rot[3 * i + 2]! * b.trans[2] + a.trans[i]!;
  }
  return { rot, trans };
}

export function parseOpColumn(values: CifValue[], ctx: Context): SymOp[] {
  const ops: SymOp[] = [];
  for (const v of values) {
    if (isMissing(v)) continue;
    try {
      ops.push(parseSymopXyz(v.text));
    } catch (e) {
      if (e instanceof SymopSyntaxError) fail(ctx, e.message, v.line);
      throw e;
    }
  }
  return ops;
}

export function isRhombohedralCell(l: Lattice): boolean {
  const p = l.parameters;
  const tolLen = 1e-3 * p.a;
  return (
    Math.abs(p.a - p.b) < tolLen &&
    Math.abs(p.a - p.c) < tolLen &&
    Math.abs(p.alpha - p.beta) < 0.01 &&
    Math.abs(p.alpha - p.gamma) < 0.01 &&
    Math.abs(p.alpha - 90) > 0.01
  );
}

/** The settings to try for an IT number given without a setting: both origin choices, or the R axes that fit the cell. */
export function settingsFor(itNumber: number, hallNumber: number | null, explicitSetting: boolean, lattice: Lattice): number[] {
  const all = hallNumbersOf(itNumber);
  const chosen = hallNumber ?? all[0];
  if (chosen === undefined) return [];
  const entry = hallEntry(chosen);
  if (!entry || explicitSetting) return [chosen];
  if (entry.setting === 'H' || entry.setting === 'R') {
    const want = isRhombohedralCell(lattice) ? 'R' : 'H';
    const h = all.find((n) => hallEntry(n)?.setting === want);
    return [h ?? chosen];
  }
  if (/^[12]/.test(entry.setting)) {
    // Origin choices 1 and 2 of the same axis setting ("1", "2", or "1cab", "2cab").
    const rest = entry.setting.slice(1);
    const other = all.find((n) => {
      const s = hallEntry(n)?.setting ?? '';
      return s !== entry.setting && /^[12]/.test(s) && s.slice(1) === rest;
    });
    return other === undefined ? [chosen] : [chosen, other];
  }
  return [chosen];
}

export function readSymmetry(block: CifBlock, lattice: Lattice, ctx: Context): SymmetryChoice {
  const declared: Partial<SpaceGroupInfo> = {};
  const hm = firstValue(block, HM_TAGS);
  if (hm && !isMissing(hm.value) && hm.value.text.trim()) declared.symbol = hm.value.text.trim();
  const num = firstValue(block, NUMBER_TAGS);
  let itNumber: number | null = null;
  if (num && !isMissing(num.value)) {
    const n = parseCifNumber(num.value.text);
    if (Number.isInteger(n) && n >= 1 && n <= 230) {
      itNumber = n;
      declared.number = n;
    } else ctx.warnings.push(`line ${num.value.line}: space-group number '${num.value.text}' is not 1..230; ignored`);
  }
  const hall = firstValue(block, HALL_TAGS);

  // 1. Explicit operators.
  for (const tag of XYZ_TAGS) {
    const col = blockColumn(block, tag);
    if (!col) continue;
    const l = block.looped.get(tag);
    if (l?.loop.defect) fail(ctx, l.loop.defect, l.loop.line);
    let ops = parseOpColumn(col, ctx);
    if (ops.length === 0) continue;
    if (tag === '_space_group_symop_magn_operation_xyz') {
      const centring = blockColumn(block, MAGN_CENTERING_TAG);
      const cops = centring ? parseOpColumn(centring, ctx) : [];
      if (cops.length > 0) ops = cops.flatMap((c) => ops.map((o) => compose(c, o)));
      ctx.warnings.push('magnetic CIF: atoms read with the magnetic operators; moments and time reversal ignored');
    }
    return { candidates: [{ ops }], declared };
  }

  // 1b. Superspace operators of a modulated structure: their 3D part is the average structure's group.
  const ssg = blockColumn(block, SSG_TAG);
  if (ssg && ssg.length > 0) {
    for (const tag of block.looped.keys()) {
      if (tag.startsWith('_atom_site_occ_special_func') || tag.startsWith('_atom_site_occ_fourier')) {
        fail(ctx, 'modulated structure with occupancy modulation (superspace group): its average structure cannot be read from the 3D atom list', ssg[0]!.line);
      }
    }
    const ops: SymOp[] = [];
    for (const v of ssg) {
      if (isMissing(v)) continue;
      const parts = v.text.toLowerCase().split(',');
      if (parts.length < 3 || parts.slice(0, 3).some((p) => p.includes('x4'))) {
        fail(ctx, `superspace operator '${v.text}' mixes the fourth coordinate into x, y, z`, v.line);
      }
      const xyz = parts.slice(0, 3).join(',').replace(/x1/g, 'x').replace(/x2/g, 'y').replace(/x3/g, 'z');
      ops.push(...parseOpColumn([{ ...v, text: xyz }], ctx));
    }
    if (ops.length > 0) {
      ctx.warnings.push('modulated structure (superspace group): the average structure is read; the modulation is ignored');
      return { candidates: [{ ops }], declared };
    }
  }

  // 2. Hall symbol.
  if (hall && !isMissing(hall.value) && hall.value.text.trim()) {
    const h = hallNumberFromHall(hall.value.text);
    if (h !== null) {
      const e = hallEntry(h)!;
      declared.number ??= e.number;
      declared.symbol ??= e.hm_short;
      ctx.notes.push(`no symmetry operators in the file; built from the Hall symbol '${hall.value.text.trim()}'`);
      return { candidates: [{ ops: opsFromHallNumber(h)! }], declared, derived: `from the Hall symbol '${hall.value.text.trim()}'`, line: hall.value.line };
    }
    ctx.warnings.push(`line ${hall.value.line}: Hall symbol '${hall.value.text}' not recognised; trying the H-M symbol`);
  }

  // 3. H-M symbol, 4. IT number.
  let hallNumber: number | null = null;
  let explicitSetting = false;
  let source = '';
  if (declared.symbol) {
    hallNumber = hallNumberFromHM(declared.symbol);
    if (hallNumber !== null) {
      explicitSetting = hmHasSetting(declared.symbol);
      source = `the H-M symbol '${declared.symbol}'`;
      const e = hallEntry(hallNumber)!;
      if (itNumber !== null && e.number !== itNumber) {
        ctx.warnings.push(`H-M symbol '${declared.symbol}' is space group ${e.number} but the file says number ${itNumber}; the symbol is used`);
      }
      declared.number ??= e.number;
    } else if (itNumber === null) {
      fail(ctx, `unknown space group '${declared.symbol}' and no symmetry operators`, hm!.value.line);
    } else {
      ctx.warnings.push(`line ${hm!.value.line}: H-M symbol '${declared.symbol}' not recognised; using the space-group number ${itNumber}`);
    }
  }
  if (hallNumber === null && itNumber !== null) source = `space-group number ${itNumber}`;
  const number = hallNumber !== null ? hallEntry(hallNumber)!.number : itNumber;
  if (number !== null) {
    const settings = settingsFor(number, hallNumber, explicitSetting, lattice);
    if (hallNumber === null && settings[0] !== undefined) declared.symbol ??= hallEntry(settings[0])!.hm_short;
    ctx.notes.push(`no symmetry operators in the file; built from ${source}`);
    const line = hallNumber !== null ? hm?.value.line : num?.value.line;
    return {
      candidates: settings.map((h) => {
        const e = hallEntry(h)!;
        const ops = opsFromHallNumber(h)!;
        return e.setting ? { ops, note: `setting ${e.setting} (${e.hall_symbol})` } : { ops };
      }),
      declared,
      derived: `from ${source}`,
      ...(line !== undefined ? { line } : {}),
    };
  }

  ctx.warnings.push('no symmetry information (operators, Hall, H-M or number); read as P1');
  return { candidates: [{ ops: [{ rot: Int8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), trans: [0, 0, 0] }] }], declared };
}

/** An operator maps the cell onto itself only if Rᵀ G R = G (G the metric tensor); worst relative deviation. */
export function metricMisfit(ops: SymOp[], lattice: Lattice): number {
  const m = lattice.matrix;
  const g = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) g[3 * i + j] = m[3 * i]! * m[3 * j]! + m[3 * i + 1]! * m[3 * j + 1]! + m[3 * i + 2]! * m[3 * j + 2]!;
  const scale = Math.max(g[0]!, g[4]!, g[8]!);
  let worst = 0;
  const gr = new Float64Array(9);
  for (const op of ops) {
    const r = op.rot;
    // (Rᵀ G R)_ij = Σ_k R_ki (G R)_kj
    for (let k = 0; k < 3; k++) for (let j = 0; j < 3; j++) gr[3 * k + j] = g[3 * k]! * r[j]! + g[3 * k + 1]! * r[3 + j]! + g[3 * k + 2]! * r[6 + j]!;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const v = r[i]! * gr[j]! + r[3 + i]! * gr[3 + j]! + r[6 + i]! * gr[6 + j]!;
        worst = Math.max(worst, Math.abs(v - g[3 * i + j]!) / scale);
      }
    }
  }
  return worst;
}

/** Operators whose metric misfit exceeds this do not belong to the cell (2% of the longest axis squared). */
export const METRIC_TOLERANCE = 0.02;

export function round4(x: number): number {
  return Number(x.toFixed(4));
}
