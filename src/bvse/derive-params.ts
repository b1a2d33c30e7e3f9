/**
 * # BVSE Morse parameters for pairs the table lacks
 *
 * softBV's full parameter table (bvse-pairs.json, as bvlain ships it) is not a set of free fits: every
 * one of its rows follows from the pair's bond-valence parameters R0 and b, the ions' absolute softness
 * σ, valences V, principal quantum numbers n and the cation's mean coordination number Nc
 * (S. Adams, R. P. Rao, Phys. Status Solidi A 208, 1746 (2011); H. Chen, S. Adams, IUCrJ 4, 614 (2017);
 * H. Chen, L. L. Wong, S. Adams, Acta Cryst. B 75, 18 (2019)):
 *
 *     α    = 1/b
 *     Rmin = (0.9185 + 0.2285·|σC − σX|)·R0 − b·ln(VC/Nc)
 *     D0   = 14.4 eV·Å · b² · g / (Rmin · √(nC·nX)),   g = VC·|VX|/2 (s/p-block cation), √(2·VC·|VX|) (d, f block)
 *
 * (C the cation, X the anion). These relations reproduce the tabulated Rmin and D0 of all 591 rows
 * with each cation's Nc (test/bvse/derive-params.test.ts states the agreement). The constants and the
 * two forms of g were read back from the published table and checked on every row of it.
 *
 * For a pair the table lacks, bvscape applies the same relations to:
 * - R0 and b: the bond-valence parameters of the pair from bond-valence.json (Brown's compilation, as
 *   softBV distributes it). Most of those use the universal b = 0.37 Å, while softBV's BVSE pairs use a
 *   softness-adapted b (Chen & Adams 2017): the Morse depth goes as b², so b = 0.37 would make the well
 *   about half as deep. b is therefore taken from a least-squares fit of the tabulated b against the two
 *   ions' softness, their difference, periods and valences (fitted here, at load, over the table), and
 *   R0 is shifted so that the bond valence V/Nc stays at the same distance: R0' = R0 + (b' − b)·ln(VC/Nc).
 * - σ, n and the block of each ion: softBV's elements.dat (softbv-elements.json), exact (element, charge).
 * - Nc: the cation's coordination number as the table uses it (read back from its tabulated rows;
 *   the oxide row where there is one, as softBV's BVSEParam.dat lists Nc for oxides).
 *
 * Anions missing from elements.dat (P3-, As3-, ...) get an estimated softness (estimatedAnionSoftness):
 * the softness of the same group's anion of the same charge in the nearest period the table has, times
 * the mean ratio between those two periods of the table's other anions (for P3-: N3- 0.197 times the
 * mean of S2-/O2- and Cl-/F-, 1.510, giving 0.298). This is bvscape's estimate from softBV's published
 * values, not a published value itself; the derived pair carries a warning saying so.
 *
 * A pair missing from the bond-valence table (Li+–P3-) gets R0 from a cation of the same valence that
 * has it, shifted by the mean R0 difference of the two cations over the anions both are listed with
 * (all with b = 0.37 Å, Brese & O'Keeffe's universal b; the reference sharing the most anions, then
 * with the most consistent difference, is used): for Li+–P3-, K+–P3- 2.64 Å minus 0.640 ± 0.017 Å over 8 anions,
 * 2.000 Å. Again an estimate, named in the warning.
 *
 * Where an input is missing, MissingBvParamError names the pair and the missing input.
 */
import { MissingBvParamError } from '../errors.js';
import { formatIon } from './ion.js';
import { bondValenceCations, bondValenceParams } from './bond-valence.js';
import { allSoftbvIons, elementData, findPair, softbvIon, tabulatedPairRows, type Ion, type MorseParams, type SoftbvIonData } from './params.js';

/** e²/(4πε0) in eV·Å as the BVSE papers round it. */
const COULOMB = 14.4;

/** Where a pair's Morse parameters came from. */
export type ParamSource = 'table' | 'derived';

/** The inputs and the result of one derivation, for reports and tests. */
export interface DerivedPair extends MorseParams {
  /** The softness-adapted b (Å), α = 1/b. */
  b: number;
  /** The cation's coordination number used. */
  nc: number;
  /** The bond-valence parameters the derivation started from (bond-valence.json). */
  bondValence: { r0: number; b: number };
  /** Set when an input was estimated rather than read from softBV's tables (a warning for reports). */
  note?: string;
}

/** The ions' data the relations need. */
interface IonData {
  sigma: number;
  n: number;
  block: number;
}

/** Rmin and D0 of softBV's relations for given R0, b, Nc (the closed form documented above). */
export function softbvMorse(cation: Ion, anion: Ion, r0: number, b: number, nc: number, c: IonData, x: IonData): { rmin: number; d0: number; alpha: number } {
  const vc = cation.oxidation;
  const vx = Math.abs(anion.oxidation);
  const rmin = (0.9185 + 0.2285 * Math.abs(c.sigma - x.sigma)) * r0 - b * Math.log(vc / nc);
  const g = c.block === 1 ? (vc * vx) / 2 : Math.sqrt(2 * vc * vx);
  const d0 = (COULOMB * b * b * g) / (rmin * Math.sqrt(c.n * x.n));
  return { rmin, d0, alpha: 1 / b };
}

function ionData(ion: Ion): IonData | undefined {
  const d: SoftbvIonData | undefined = softbvIon(ion.element, ion.oxidation);
  return d ? { sigma: d.softness, n: d.n, block: d.block } : undefined;
}

/**
 * R0 (b = 0.37 Å) for a (cation, anion) pair the bond-valence table lacks, from a reference cation of the
 * same valence that has the pair: R0_ref(anion) + mean(R0_cation − R0_ref) over at least three anions both
 * are listed with at b = 0.37 (the reference sharing most anions, then the steadiest difference). Undefined when none qualifies.
 */
export function estimatedBondValence(cation: Ion, anion: string): { r0: number; b: number; note: string } | undefined {
  const UNIVERSAL_B = 0.37;
  const own = (x: string) => {
    const p = bondValenceParams(cation.element, cation.oxidation, x);
    return p && p.b === UNIVERSAL_B ? p.r0 : undefined;
  };
  let best: { r0: number; ref: string; refR0: number; shift: number; spread: number; shared: number } | undefined;
  for (const { cation: ref, valences } of bondValenceCations()) {
    if (ref === cation.element || !valences.includes(String(cation.oxidation))) continue;
    const target = bondValenceParams(ref, cation.oxidation, anion);
    if (!target || target.b !== UNIVERSAL_B) continue;
    const diffs: number[] = [];
    for (const x of ['O', 'S', 'Se', 'Te', 'F', 'Cl', 'Br', 'I', 'N', 'P', 'As', 'Sb']) {
      if (x === anion) continue;
      const a = own(x);
      const r = bondValenceParams(ref, cation.oxidation, x);
      if (a !== undefined && r && r.b === UNIVERSAL_B) diffs.push(a - r.r0);
    }
    if (diffs.length < 3) continue;
    const shift = diffs.reduce((t, d) => t + d, 0) / diffs.length;
    const spread = Math.sqrt(diffs.reduce((t, d) => t + (d - shift) ** 2, 0) / diffs.length);
    if (!best || diffs.length > best.shared || (diffs.length === best.shared && spread < best.spread))
      best = { r0: target.r0 + shift, ref, refR0: target.r0, shift, spread, shared: diffs.length };
  }
  if (!best) return undefined;
  const pair = `${formatIon(cation.element, cation.oxidation)}–${anion}`;
  const refPair = `${formatIon(best.ref, cation.oxidation)}–${anion}`;
  return {
    r0: best.r0,
    b: UNIVERSAL_B,
    note:
      `no bond-valence R0 for ${pair} in the table; estimated as ${best.r0.toFixed(3)} Å from ${refPair} (${best.refR0} Å) ` +
      `shifted by the mean ${cation.element}/${best.ref} difference ${best.shift.toFixed(3)} ± ${best.spread.toFixed(3)} Å over ${best.shared} anions (bvscape's estimate)`,
  };
}

/** Noble-gas Z before each period (2..6), for the p-block column of an element: Z minus this. */
const P_BLOCK_OFFSET: Record<number, number> = { 2: 2, 3: 10, 4: 28, 5: 46, 6: 78 };

/** Period and p-block column (13..18 as 3..8) of an element, from its Z; undefined outside periods 2..6. */
function pPlace(element: string): { period: number; column: number } | undefined {
  const e = elementData(element);
  if (!e || e.n === null) return undefined;
  const offset = P_BLOCK_OFFSET[e.n];
  if (offset === undefined) return undefined;
  const column = e.Z - offset;
  return column >= 3 && column <= 8 ? { period: e.n, column } : undefined;
}

/** softBV's anions with a softness, with their place in the p block. */
function tabulatedAnions(): { ion: SoftbvIonData; period: number; column: number }[] {
  return allSoftbvIons().flatMap((ion) => {
    const place = ion.oxidation < 0 && ion.softness > 0 ? pPlace(ion.symbol) : undefined;
    return place ? [{ ion, ...place }] : [];
  });
}

/** Mean softness ratio (period p+1 over period p) of the table's anions of one column and charge present in both periods. */
function periodRatio(p: number): number | undefined {
  const anions = tabulatedAnions();
  const ratios: number[] = [];
  for (const a of anions) {
    if (a.period !== p) continue;
    const b = anions.find((x) => x.period === p + 1 && x.column === a.column && x.ion.oxidation === a.ion.oxidation);
    if (b) ratios.push(b.ion.softness / a.ion.softness);
  }
  return ratios.length > 0 ? ratios.reduce((s, r) => s + r, 0) / ratios.length : undefined;
}

/**
 * Softness for a p-block anion that elements.dat lacks: the tabulated anion of the same column and charge
 * in the nearest period, scaled period by period by the table's mean ratio between neighbouring periods.
 * Undefined for tabulated anions, cations, and anions with no tabulated relative.
 */
export function estimatedAnionSoftness(ion: Ion): (IonData & { note: string }) | undefined {
  if (ion.oxidation >= 0 || softbvIon(ion.element, ion.oxidation)) return undefined;
  const place = pPlace(ion.element);
  if (!place) return undefined;
  const relatives = tabulatedAnions()
    .filter((a) => a.column === place.column && a.ion.oxidation === ion.oxidation)
    .sort((a, b) => Math.abs(a.period - place.period) - Math.abs(b.period - place.period) || a.period - b.period);
  const ref = relatives[0];
  if (!ref) return undefined;
  let sigma = ref.ion.softness;
  const ratios: string[] = [];
  for (let p = ref.period; p !== place.period; p += place.period > ref.period ? 1 : -1) {
    const lo = place.period > ref.period ? p : p - 1;
    const r = periodRatio(lo);
    if (r === undefined) return undefined;
    sigma = place.period > ref.period ? sigma * r : sigma / r;
    ratios.push(`period ${lo + 1}/period ${lo} ratio ${r.toFixed(3)}`);
  }
  const name = formatIon(ion.element, ion.oxidation);
  const note =
    `softness of ${name} is not in softBV's elements.dat; estimated as ${sigma.toFixed(4)} from ${formatIon(ref.ion.symbol, ref.ion.oxidation)} ` +
    `(${ref.ion.softness}) and the table's mean ${ratios.join(', ')} of the other anions (bvscape's estimate, not a published value)`;
  return { sigma, n: place.period, block: 1, note };
}

/**
 * The cation's coordination number as the table uses it: Nc solved from its tabulated rows' Rmin
 * (the oxide row first; otherwise the median over its rows). Undefined when the cation has no usable row.
 */
export function cationCoordination(cation: Ion): number | undefined {
  const c = ionData(cation);
  if (!c) return undefined;
  const values: { anion: string; nc: number }[] = [];
  for (const row of tabulatedPairRows()) {
    if (row.cation.element !== cation.element || row.cation.oxidation !== cation.oxidation || !(row.params.alpha > 0)) continue;
    const x = ionData(row.anion);
    if (!x) continue;
    const b = 1 / row.params.alpha;
    const lnRatio = ((0.9185 + 0.2285 * Math.abs(c.sigma - x.sigma)) * row.params.r0 - row.params.rmin) / b; // = ln(Vc/Nc)
    values.push({ anion: `${row.anion.element}${row.anion.oxidation}`, nc: cation.oxidation / Math.exp(lnRatio) });
  }
  const oxide = values.find((v) => v.anion === 'O-2');
  if (oxide) return oxide.nc;
  if (values.length === 0) return undefined;
  const sorted = values.map((v) => v.nc).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// ---- softness-adapted b: least squares over the table ----------------------------------------

const FEATURES = (c: Ion, x: Ion, cd: IonData, xd: IonData): number[] => [
  1,
  cd.sigma,
  xd.sigma,
  Math.abs(cd.sigma - xd.sigma),
  cd.n,
  xd.n,
  c.oxidation,
  Math.abs(x.oxidation),
];

interface TrainingRow {
  key: string;
  features: number[];
  b: number;
}

let training: TrainingRow[] | null = null;
function trainingRows(): TrainingRow[] {
  if (training) return training;
  training = [];
  for (const row of tabulatedPairRows()) {
    if (!(row.params.alpha > 0)) continue; // the failed fits of the source table
    const cd = ionData(row.cation);
    const xd = ionData(row.anion);
    if (!cd || !xd) continue;
    training.push({ key: pairKey(row.cation, row.anion), features: FEATURES(row.cation, row.anion, cd, xd), b: 1 / row.params.alpha });
  }
  return training;
}

const pairKey = (c: Ion, x: Ion) => `${c.element}${c.oxidation}|${x.element}${x.oxidation}`;

/** Least-squares coefficients of b on FEATURES, optionally leaving one pair out (for tests). */
export function fitSoftnessB(leaveOut?: string): number[] {
  const rows = trainingRows().filter((r) => r.key !== leaveOut);
  const m = rows[0]!.features.length;
  const ata = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const atb = new Array<number>(m).fill(0);
  for (const r of rows) {
    for (let i = 0; i < m; i++) {
      atb[i]! += r.features[i]! * r.b;
      for (let j = 0; j < m; j++) ata[i]![j]! += r.features[i]! * r.features[j]!;
    }
  }
  return solve(ata, atb);
}

/** Gaussian elimination with partial pivoting (the normal equations are 8×8). */
function solve(a: number[][], y: number[]): number[] {
  const n = y.length;
  const m = a.map((row, i) => [...row, y[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * out[k]!;
    out[r] = s / m[r]![r]!;
  }
  return out;
}

let coefficients: number[] | null = null;

/** The softness-adapted b (Å) the fit gives for a pair. */
export function softnessB(cation: Ion, anion: Ion, coef: number[] = (coefficients ??= fitSoftnessB()), anionData?: IonData): number | undefined {
  const cd = ionData(cation);
  const xd = anionData ?? ionData(anion);
  if (!cd || !xd) return undefined;
  const f = FEATURES(cation, anion, cd, xd);
  return f.reduce((s, v, i) => s + v * coef[i]!, 0);
}

/** Orders a (mobile, partner) pair as (cation, anion); undefined when both have the same sign. */
function orient(mobile: Ion, partner: Ion): [Ion, Ion] | undefined {
  if (mobile.oxidation > 0 && partner.oxidation < 0) return [mobile, partner];
  if (mobile.oxidation < 0 && partner.oxidation > 0) return [partner, mobile];
  return undefined;
}

/**
 * Derives Morse parameters for a (mobile, partner) pair from bond-valence R0/b, softness, periods and
 * the cation's coordination number. Throws MissingBvParamError naming the pair and the missing input.
 * `coef` replaces the b fit (tests use leave-one-out fits).
 */
export function derivePair(mobile: Ion, partner: Ion, coef?: number[]): DerivedPair {
  const missing = (what: string) =>
    new MissingBvParamError(
      formatIon(mobile.element, mobile.oxidation),
      formatIon(partner.element, partner.oxidation),
      `the pair is not tabulated and cannot be derived: ${what}`,
    );
  const o = orient(mobile, partner);
  if (!o) throw missing('the two ions have charges of the same sign');
  const [cation, anion] = o;
  const c = ionData(cation);
  const estimate = ionData(anion) ? undefined : estimatedAnionSoftness(anion);
  const x = ionData(anion) ?? estimate;
  for (const [ion, d] of [
    [cation, c],
    [anion, x],
  ] as const)
    if (!d) throw missing(`no softness for ${formatIon(ion.element, ion.oxidation)} (softBV's elements.dat has no entry for that charge)`);
  const bvEstimate = bondValenceParams(cation.element, cation.oxidation, anion.element) ? undefined : estimatedBondValence(cation, anion.element);
  const bv = bondValenceParams(cation.element, cation.oxidation, anion.element) ?? (bvEstimate ? { r0: bvEstimate.r0, b: bvEstimate.b } : null);
  if (!bv)
    throw missing(
      `no bond-valence R0 and b for ${formatIon(cation.element, cation.oxidation)}–${formatIon(anion.element, anion.oxidation)} in bond-valence.json`,
    );
  const nc = cationCoordination(cation);
  if (nc === undefined) throw missing(`no coordination number for ${formatIon(cation.element, cation.oxidation)} (it has no tabulated pair to take it from)`);
  const b = coef ? softnessB(cation, anion, coef, x)! : softnessB(cation, anion, undefined, x)!;
  if (!(b > 0)) throw missing(`the softness fit gives b = ${b} Å`);
  // Same bond valence Vc/Nc at the same distance with the adapted b.
  const r0 = bv.r0 + (b - bv.b) * Math.log(cation.oxidation / nc);
  const m = softbvMorse(cation, anion, r0, b, nc, c!, x!);
  if (!(m.rmin > 0) || !(m.d0 > 0)) throw missing(`the relations give Rmin = ${m.rmin} Å, D0 = ${m.d0} eV`);
  const notes = [estimate?.note, bvEstimate?.note].filter((n): n is string => n !== undefined);
  return { r0, rmin: m.rmin, alpha: m.alpha, d0: m.d0, b, nc, bondValence: bv, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}

/** Tabulated parameters where the table has the pair, else derived ones; with the source. */
export function pairParamsWithSource(mobile: Ion, partner: Ion): { params: MorseParams; source: ParamSource } {
  const t = findPair(mobile, partner);
  if (t) return { params: t, source: 'table' };
  return { params: derivePair(mobile, partner), source: 'derived' };
}
