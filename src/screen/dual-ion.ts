// The dual-ion criterion: a structure where Li+ and an anion X are both mobile, with
// Em(Li+) < liMax and ratioMin <= Em(X)/Em(Li+) <= ratioMax (Em at the chosen percolation dimension).
import { parseIon } from '../bvse/ion.js';
import { RATIO_DIGITS, roundOrNull } from '../io/rounding.js';
import type { DualIonCriterion, ScreenRow } from './types.js';

export function barrierAt(row: Pick<ScreenRow, 'barrier_1d' | 'barrier_2d' | 'barrier_3d'>, dimension: 1 | 2 | 3): number | null {
  const v = dimension === 1 ? row.barrier_1d : dimension === 2 ? row.barrier_2d : row.barrier_3d;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function ionCharge(ion: string | null): number | null {
  if (!ion) return null;
  try {
    return parseIon(ion).oxidation;
  } catch {
    return null;
  }
}

export function isLithiumIon(ion: string | null): boolean {
  if (!ion) return false;
  try {
    const spec = parseIon(ion);
    return spec.element === 'Li' && (spec.oxidation === null || spec.oxidation === 1);
  } catch {
    return false;
  }
}

export function isAnion(ion: string | null): boolean {
  const q = ionCharge(ion);
  return q !== null && q < 0;
}

/** Whether the pair (Em(Li+), Em(X)) meets the criterion; ratio is Em(X)/Em(Li+) (null when Em(Li+) <= 0). */
export function dualIonTest(emLi: number | null, emX: number | null, c: DualIonCriterion): { ratio: number | null; pass: boolean } {
  if (emLi === null || emX === null) return { ratio: null, pass: false };
  const ratio = emLi > 0 ? emX / emLi : null;
  const pass = ratio !== null && emLi < c.liMax && ratio >= c.ratioMin && ratio <= c.ratioMax;
  return { ratio, pass };
}

/**
 * Fills the dual-ion fields on the rows of ONE structure (mutates them). Anion rows get em_li,
 * em_x, em_ratio and dual_ion; the Li+ row gets em_li and dual_ion = "some anion passes".
 * dual_ion is always a boolean (false where the criterion was not met or could not be evaluated, which
 * the null em_* fields tell apart), so pandas and spreadsheets read the column as booleans.
 */
export function applyDualIon(rows: ScreenRow[], c: DualIonCriterion): void {
  const li = rows.find((r) => isLithiumIon(r.ion) && r.status === 'ok');
  const emLi = li ? barrierAt(li, c.dimension) : null;
  let anyPass = false;
  for (const r of rows) {
    r.em_li = null;
    r.em_x = null;
    r.em_ratio = null;
    r.dual_ion = false;
    if (!isAnion(r.ion) || r.status !== 'ok' || !li) continue;
    const emX = barrierAt(r, c.dimension);
    const t = dualIonTest(emLi, emX, c);
    r.em_li = emLi;
    r.em_x = emX;
    r.em_ratio = roundOrNull(t.ratio, RATIO_DIGITS);
    r.dual_ion = t.pass;
    anyPass ||= t.pass;
  }
  if (li) {
    li.em_li = emLi;
    li.dual_ion = anyPass;
  }
}
