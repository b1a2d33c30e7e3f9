// The output fields of a landscape result: ONE table that `landscape --json` (and its --path file, and the
// preview's JSON download), the screen's JSONL rows, its CSV and docs/outputs.md are all made from. A new
// column is a field of LandscapeResult plus one entry here (docs/ARCHITECTURE.md, "Adding an output column"):
// the JSONL row type, the screen's rows, the CSV's columns and the documentation follow from the entry.
//
// Order matters: the table's order is the key order of the JSON objects and the column order of the CSV.
// The JSONL keys are those of the tables written before this table existed, so old tables still resume and merge.
import type { LandscapeResult, LandscapeSymmetry } from '../pipeline/landscape.js';
import { ENERGY_DIGITS, FRACTION_DIGITS, LENGTH_DIGITS, RATIO_DIGITS, TIME_DIGITS, roundOrNull, roundTo } from '../io/rounding.js';
import { restsOnUnverifiedHop } from '../network/thresholds.js';
import { log10SigmaAt } from '../transport/json.js';
import type { TransportResult } from '../transport/types.js';

/** How the CSV writes a column: the value as is, an object or list as JSON text, a grid as "48x48x48". */
export type CsvForm = 'value' | 'json' | 'grid';

/** Where a field's value comes from, which decides the outputs it appears in. */
export type FieldSource =
  /** Computed from one (structure, mobile ion) landscape result by `get`. */
  | 'result'
  /** Known per structure before any ion is computed; the screen fills it, landscape --json through `get` when there is one. */
  | 'structure'
  /** The screen's own: status, errors, wall time, bookkeeping for --resume and merge. */
  | 'screen'
  /** The screen's dual-ion criterion; present only with --dual-ion (src/screen/dual-ion.ts). */
  | 'dual-ion'
  /** The screen's kinetic Monte Carlo of one (structure, ion), computed by `get` from its outcome; present only with --transport. */
  | 'transport';

interface FieldCommon<K extends string> {
  /** The name in every output (snake_case). */
  key: K;
  /** One line for docs/outputs.md. */
  doc: string;
  unit?: 'eV' | 'Å' | 'ms' | 'THz';
  /** Decimals kept for a number (src/io/rounding.ts). */
  digits?: number;
  /** How the CSV writes it; null: not in the CSV (`doc` says why). */
  csv: CsvForm | null;
}

export interface ResultField<K extends string = string, T = unknown, S extends 'all' | 'landscape' = 'all' | 'landscape'> extends FieldCommon<K> {
  source: 'result';
  /** 'all': landscape --json and the screen rows; 'landscape': landscape --json only. */
  scope: S;
  get(r: LandscapeResult): T;
  /** The value on a screen row whose ion was not computed (an error row); default null. */
  empty?: T;
}

export interface RowField<K extends string = string> extends FieldCommon<K> {
  source: 'structure' | 'screen' | 'dual-ion';
  /** landscape --json's value (structure fields only); without it the field is a screen column only. */
  get?: (r: LandscapeResult, file: string) => unknown;
}

/** What a screen row's transport columns are made from: one structureTransport run (docs/transport.md), or why it failed. */
export interface TransportOutcome {
  /** Null when the landscape does not percolate at all (no network, so no long-range transport). */
  result: TransportResult | null;
  /** Why the transport calculation failed (the row's landscape columns are kept). */
  error: { kind: string; message: string } | null;
}

export interface TransportField<K extends string = string> extends FieldCommon<K> {
  source: 'transport';
  get(t: TransportOutcome): unknown;
}

export type OutputField = ResultField | RowField | TransportField;

const result = <K extends string, T>(f: Omit<ResultField<K, T, 'all'>, 'source' | 'scope'>): ResultField<K, T, 'all'> => ({
  ...f,
  source: 'result',
  scope: 'all',
});
const landscapeOnly = <K extends string, T>(f: Omit<ResultField<K, T, 'landscape'>, 'source' | 'scope' | 'csv'>): ResultField<K, T, 'landscape'> => ({
  ...f,
  source: 'result',
  scope: 'landscape',
  csv: null,
});
const row = <K extends string>(source: RowField['source'], f: Omit<RowField<K>, 'source'>): RowField<K> => ({ ...f, source });
const transport = <K extends string>(f: Omit<TransportField<K>, 'source' | 'csv'>): TransportField<K> => ({ ...f, source: 'transport', csv: 'value' });

/** The run's highest temperature (the best-converged one, where D_σ has the most hops behind it). */
const hottest = (t: TransportOutcome) => (t.result ? ([...t.result.temperatures].sort((a, b) => b.temperatureK - a.temperatureK)[0] ?? null) : null);

/** The symmetry used, as JSON (null when none): docs/symmetry.md. */
export function symmetryJson(s: LandscapeSymmetry | null): Record<string, unknown> | null {
  if (!s) return null;
  return {
    space_group: s.spaceGroup.symbol,
    space_group_number: s.spaceGroup.number,
    operations: s.operations,
    points_evaluated: s.pointsEvaluated,
    points_filled: s.pointsFilled ?? null,
    max_shift_a: Number(s.maxShift.toPrecision(3)),
  };
}

type Dim = '1D' | '2D' | '3D';
const bottleneck = (r: LandscapeResult, d: Dim) => {
  const b = r.network?.barriers[d];
  return b ? r.network!.saddles[b.saddle]! : null;
};
const bottleneckFrac = (r: LandscapeResult, axis: number): number | null => {
  const s = bottleneck(r, '3D');
  if (!s) return null;
  const f = s.frac[axis]!;
  return f - Math.floor(f);
};
/** The certificate's lower bound of a barrier: the threshold's bound above the lowest minimum (≤ the true barrier, since the true E_min is at most the polished one). */
const lowerBarrier = (r: LandscapeResult, d: Dim): number | null => {
  const b = r.network?.barriers[d];
  return b && b.lowerBound !== null ? b.lowerBound - r.network!.eMin : null;
};
const r5 = (v: readonly number[]) => v.map((x) => roundTo(x, FRACTION_DIGITS));
const rE = (v: readonly number[]) => v.map((x) => roundTo(x, ENERGY_DIGITS));

/** The continuum network as JSON (null for the grid method). */
function continuumJson(r: LandscapeResult): Record<string, unknown> | null {
  const n = r.network;
  if (!n) return null;
  return {
    e_min: roundTo(n.eMin, ENERGY_DIGITS),
    barriers: Object.fromEntries(
      (['1D', '2D', '3D'] as const).map((d) => {
        const b = n.barriers[d];
        return [
          d,
          b
            ? {
                bottleneck: b.saddle,
                threshold: roundTo(b.threshold, ENERGY_DIGITS),
                barrier: roundTo(b.barrier, ENERGY_DIGITS),
                certified: b.certified,
                lower_bound: roundOrNull(b.lowerBound, ENERGY_DIGITS),
                attempt_frequency_thz: b.attemptFrequency === undefined ? null : roundTo(b.attemptFrequency / 1e12, 4),
                unverified_below: b.unverifiedBelow ?? null,
                via_unverified: b.viaUnverified === true,
              }
            : null,
        ];
      }),
    ),
    sites: n.sites.map((s) => ({
      id: s.id,
      frac: r5(s.frac),
      energy: roundTo(s.energy, ENERGY_DIGITS),
      eigenvalues: rE(s.eigenvalues),
      converged: s.converged,
    })),
    saddles: n.saddles.map((s) => ({
      id: s.id,
      status: s.status,
      frac: r5(s.frac),
      cart: s.cart.map((x) => roundTo(x, LENGTH_DIGITS)),
      energy: roundTo(s.energy, ENERGY_DIGITS),
      eigenvalues: s.eigenvalues ? rE(s.eigenvalues) : null,
      unstable: s.unstable ? r5(s.unstable) : null,
      ends: s.ends.map((e) => ({ site: e.site, cell: e.cell })),
      seed_energy: roundTo(s.seedEnergy, ENERGY_DIGITS),
    })),
    seed: {
      e_min: roundTo(n.seed.eMin, ENERGY_DIGITS),
      thresholds: roundPer(n.seed.thresholds),
      window: n.seed.window,
      hops: n.seed.hops,
      searched: n.seed.polished,
      mapped_by_symmetry: n.seed.mapped,
      refined_from: n.seed.refinedFrom ?? null,
    },
    certificate: n.certificate
      ? {
          c: Number.isFinite(n.certificate.c) ? roundTo(n.certificate.c, ENERGY_DIGITS) : null,
          blocks: n.certificate.totalBlocks,
          leaves: n.certificate.leaves,
          exhausted: n.certificate.exhausted,
          rounds: n.certificate.rounds,
          found: n.certificate.found,
        }
      : null,
    evaluations: n.evaluations,
  };
}

const roundTimings = (t: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, roundTo(v, TIME_DIGITS)]));
const roundPer = <T extends Record<string, number | null>>(b: T): T =>
  Object.fromEntries(Object.entries(b).map(([k, v]) => [k, roundOrNull(v, ENERGY_DIGITS)])) as T;

export const OUTPUT_FIELDS = [
  row('structure', {
    key: 'id',
    doc: 'structure id: the entry (its path as given; `archive!/member` inside archives) plus `#block` for CIF data blocks; repeated names get `~2`, `~3`',
    csv: 'value',
  }),
  row('structure', { key: 'file', doc: 'the input file (or archive member) the structure was read from', csv: 'value', get: (_r, file) => file }),
  row('structure', { key: 'block', doc: 'CIF data block name; null for single-structure formats', csv: 'value', get: (r) => r.structure.block }),
  row('structure', { key: 'formula', doc: 'reduced formula of the structure as read, e.g. `Li3PS4`', csv: 'value', get: (r) => r.formula }),
  row('structure', {
    key: 'space_group',
    doc: 'Hermann–Mauguin symbol of the structure as read (moyo, symprec 0.1 Å); null when not determined',
    csv: 'value',
  }),
  row('structure', { key: 'space_group_number', doc: 'International Tables number of `space_group`', csv: 'value' }),
  result({
    key: 'ion',
    doc: 'the mobile ion with its charge, e.g. `Li+`, `I-` (on an entry-level error row: the ion asked for, or null)',
    csv: 'value',
    get: (r): string | null => r.ion,
  }),
  result({ key: 'model', doc: 'BVSE parameter model: `bvlain` or `softbv`', csv: 'value', get: (r): string | null => r.model }),
  result({ key: 'backend', doc: 'energy backend that computed the grid: `webgpu` or `cpu`', csv: 'value', get: (r): string | null => r.backend }),
  result({
    key: 'resolution',
    doc: "finest grid spacing asked for (coarser than `--resolution` where the screen's size guard coarsened it; `note` says so)",
    unit: 'Å',
    digits: LENGTH_DIGITS,
    csv: 'value',
    get: (r) => r.resolution,
  }),
  result({
    key: 'grid',
    doc: 'points of the finest grid along a, b, c; its barriers are the ones reported (CSV: `48x48x48`)',
    csv: 'grid',
    get: (r): [number, number, number] => [r.grid.nx, r.grid.ny, r.grid.nz],
  }),
  result({
    key: 'method',
    doc: "how the barriers were found: `continuum` (index-1 saddle points of the continuous field, docs/continuum.md) or `grid` (a grid's percolation thresholds, `mode`)",
    csv: 'value',
    get: (r): LandscapeResult['method'] => r.method,
  }),
  result({
    key: 'mode',
    doc: '`converged` (adaptive refinement, equal to the uniform grid at `resolution`) or `uniform` (one grid)',
    csv: 'value',
    get: (r): LandscapeResult['mode'] => r.mode,
  }),
  result({
    key: 'levels',
    doc: 'converged mode: refinement levels, the coarsest included; null for a uniform grid',
    csv: 'value',
    get: (r) => r.refinement?.levels ?? null,
  }),
  result({
    key: 'strategy',
    doc: 'converged mode: `octree` (refinement) or `symmetric-grid` (the finest grid filled by symmetry), docs/refinement.md; null for a uniform grid',
    csv: 'value',
    get: (r): string | null => r.refinement?.strategy ?? null,
  }),
  result({
    key: 'points_evaluated',
    doc: 'converged mode: energies evaluated; null for a uniform grid',
    csv: 'value',
    get: (r) => r.refinement?.pointsEvaluated ?? null,
  }),
  landscapeOnly({
    key: 'points_uniform',
    doc: 'points of the finest uniform grid (what a uniform run evaluates)',
    get: (r) => r.refinement?.pointsUniform ?? r.grid.nx * r.grid.ny * r.grid.nz,
  }),
  result({
    key: 'symmetry',
    doc: 'the framework symmetry used (docs/symmetry.md): `space_group`, `space_group_number`, `operations` (those mapping the grid onto itself), `points_evaluated`, `points_filled`, `max_shift_a` (largest atom move, Å); null when none',
    csv: 'json',
    get: (r) => symmetryJson(r.symmetry),
  }),
  result({ key: 'n_framework_atoms', doc: 'framework atoms in the cell (the mobile ion removed)', csv: 'value', get: (r): number | null => r.nFrameworkAtoms }),
  landscapeOnly({ key: 'pair_terms', doc: 'pair terms evaluated (for throughput figures)', get: (r) => r.pairTerms }),
  result({
    key: 'e_min',
    doc: "lowest energy of the mobile ion: the lowest minimum of the continuous field (continuum method) or the grid's lowest value",
    unit: 'eV',
    digits: ENERGY_DIGITS,
    csv: 'value',
    get: (r): number | null => r.eMin,
  }),
  result({ key: 'e_max', doc: 'highest finite energy on the grid', unit: 'eV', digits: ENERGY_DIGITS, csv: 'value', get: (r): number | null => r.eMax }),
  result({
    key: 'barrier_1d',
    doc: '1D percolation barrier above `e_min`; null when no 1D path exists below E_min + 10 eV',
    unit: 'eV',
    digits: ENERGY_DIGITS,
    csv: 'value',
    get: (r) => r.barriers['1D'],
  }),
  result({
    key: 'barrier_2d',
    doc: '2D percolation barrier above `e_min`; null when not percolating in 2D',
    unit: 'eV',
    digits: ENERGY_DIGITS,
    csv: 'value',
    get: (r) => r.barriers['2D'],
  }),
  result({
    key: 'barrier_3d',
    doc: '3D percolation barrier above `e_min`; null when not percolating in 3D',
    unit: 'eV',
    digits: ENERGY_DIGITS,
    csv: 'value',
    get: (r) => r.barriers['3D'],
  }),
  result({
    key: 'saddle_3d_energy',
    doc: 'continuum method: energy of the 3D bottleneck saddle (the index-1 saddle whose hop completes 3D percolation); null otherwise',
    unit: 'eV',
    digits: ENERGY_DIGITS,
    csv: 'value',
    get: (r) => bottleneck(r, '3D')?.energy ?? null,
  }),
  result({
    key: 'saddle_3d_a',
    doc: 'continuum method: fractional coordinate a of the 3D bottleneck saddle (home cell); null otherwise',
    digits: FRACTION_DIGITS,
    csv: 'value',
    get: (r) => bottleneckFrac(r, 0),
  }),
  result({
    key: 'saddle_3d_b',
    doc: 'continuum method: fractional coordinate b of the 3D bottleneck saddle; null otherwise',
    digits: FRACTION_DIGITS,
    csv: 'value',
    get: (r) => bottleneckFrac(r, 1),
  }),
  result({
    key: 'saddle_3d_c',
    doc: 'continuum method: fractional coordinate c of the 3D bottleneck saddle; null otherwise',
    digits: FRACTION_DIGITS,
    csv: 'value',
    get: (r) => bottleneckFrac(r, 2),
  }),
  result({
    key: 'attempt_frequency_3d',
    doc: 'continuum method: harmonic attempt frequency (Vineyard) of the hop from the lowest minimum over the 3D bottleneck saddle; null otherwise',
    unit: 'THz',
    digits: 4,
    csv: 'value',
    get: (r) => {
      const f = r.network?.barriers['3D']?.attemptFrequency;
      return f === undefined ? null : f / 1e12;
    },
  }),
  result({
    key: 'saddles_verified',
    doc: "continuum method: whether every barrier's bottleneck is a verified index-1 saddle (its two descents end in two minima), no unverified hop below it could lower it and its path needs no unverified hop; null otherwise",
    csv: 'value',
    get: (r): boolean | null =>
      r.network
        ? Object.values(r.network.barriers).every((b) => !b || (r.network!.saddles[b.saddle]!.status === 'verified' && !restsOnUnverifiedHop(b)))
        : null,
  }),
  result({
    key: 'certified',
    doc: 'continuum method with `--certify`: true when every barrier is bracketed within 0.002 eV between a rigorous lower bound and the network threshold (docs/continuum.md, "Certification"), false when some is not; null without the certificate',
    csv: 'value',
    get: (r): boolean | null => (r.network?.certificate ? Object.values(r.network.barriers).every((b) => !b || b.certified) : null),
  }),
  result({
    key: 'barrier_1d_lower',
    doc: 'continuum method with `--certify`: proven lower bound of `barrier_1d` (the bracket is [`barrier_1d_lower`, `barrier_1d`]); null without the certificate',
    unit: 'eV',
    digits: ENERGY_DIGITS,
    csv: 'value',
    get: (r) => lowerBarrier(r, '1D'),
  }),
  result({
    key: 'barrier_2d_lower',
    doc: 'continuum method with `--certify`: proven lower bound of `barrier_2d`; null without the certificate',
    unit: 'eV',
    digits: ENERGY_DIGITS,
    csv: 'value',
    get: (r) => lowerBarrier(r, '2D'),
  }),
  result({
    key: 'barrier_3d_lower',
    doc: 'continuum method with `--certify`: proven lower bound of `barrier_3d`; null without the certificate',
    unit: 'eV',
    digits: ENERGY_DIGITS,
    csv: 'value',
    get: (r) => lowerBarrier(r, '3D'),
  }),
  landscapeOnly({
    key: 'continuum',
    doc: 'continuum method: `sites` (minima: `frac`, `energy`, Hessian `eigenvalues` in eV/Å²), `saddles` (`frac`, `cart` in Å, `energy`, `eigenvalues`, unit `unstable` direction, `ends` as site and lattice cell, `status` verified / unverified / seed), and per dimension the `bottleneck` saddle, `threshold`, `barrier`, `certified`, `lower_bound`, `attempt_frequency_thz`; with `--certify` a `certificate` (`c`: every critical point missing from the network lies at or above it; `blocks`, `leaves`, `exhausted`, search `rounds` and what they `found`), else null; null for the grid method',
    get: (r) => continuumJson(r),
  }),
  landscapeOnly({
    key: 'percolation_dimension_at',
    doc: 'the barriers again as `{"1D", "2D", "3D"}` (null without a percolation sweep)',
    get: (r) => (r.percolation ? roundPer(r.percolation.percolationDimensionAt) : null),
  }),
  row('screen', { key: 'status', doc: '`ok`, or `error` (then `error_kind` and `error` say why and the result fields are null)', csv: 'value' }),
  row('screen', {
    key: 'error_kind',
    doc: 'error class: `CifSyntaxError`, `OxidationStateError`, `MissingBvParamError`, `NoMobileIon`, `Timeout`, `SizeGuard`, `WorkerCrash`, …',
    csv: 'value',
  }),
  row('screen', { key: 'error', doc: 'the error message', csv: 'value' }),
  row('screen', {
    key: 'note',
    doc: 'observations: size-guard coarsening, derived parameters, probes, anions that could not be listed, warnings',
    csv: 'value',
  }),
  landscapeOnly({
    key: 'warnings',
    doc: 'warnings about the structure, oxidation states and parameters (a screen puts them in `note`)',
    get: (r) => r.warnings,
  }),
  result({
    key: 'param_sources',
    doc: 'where each counter-ion pair\'s BVSE parameters came from: `{"Br-–P5+": "derived", …}` (`table` or `derived`)',
    csv: 'json',
    get: (r): Record<string, 'table' | 'derived'> | null => r.paramSources,
  }),
  result({
    key: 'oxidation_states',
    doc: 'oxidation states used: `{"Li": 1, "P": 5, "S": -2}`; a list for an element with several',
    csv: 'json',
    get: (r): Record<string, number | number[]> | null => r.oxidationStates.states,
  }),
  result({
    key: 'oxidation_states_by_site',
    doc: 'site label → element → state, only when some element takes several states; else null',
    csv: 'json',
    get: (r) => r.oxidationStates.bySite,
  }),
  result({
    key: 'oxidation_source',
    doc: '`file`, `bvs` (bond-valence sums), `override` (--oxi) or `mixed`',
    csv: 'value',
    get: (r): string | null => r.oxidationSource,
  }),
  row('screen', { key: 'time_ms', doc: 'wall time of this (structure, ion)', unit: 'ms', digits: 2, csv: 'value' }),
  result({
    key: 'timings_ms',
    doc: 'time by phase (`prepare`, `grid`, `percolation`, `total`, …; `transport` with --transport)',
    unit: 'ms',
    csv: 'json',
    get: (r) => roundTimings(r.timingsMs),
    empty: {},
  }),
  row('screen', { key: 'rows_in_structure', doc: 'rows written for this structure (how --resume finds a group cut off by a kill); not in the CSV', csv: null }),
  row('screen', { key: 'structures_in_file', doc: 'structures in this entry (how --resume and merge know an entry is complete); not in the CSV', csv: null }),
  transport({
    key: 'transport_status',
    doc: '--transport: `ok` (every temperature converged), `partial` (some ended on the step budget; their errors are in the fit), `immobile` (no long-range path), `no-vacancies` (as many ions as sites: σ = 0), or `error` (`transport_error` says why; the barriers are kept); null on an error row',
    get: (t) => (t.error ? 'error' : (t.result?.status ?? 'immobile')),
  }),
  transport({
    key: 'transport_error',
    doc: '--transport: why the transport calculation failed, as `Kind: message`; else null',
    get: (t) => (t.error ? `${t.error.kind}: ${t.error.message}` : null),
  }),
  transport({
    key: 'transport_ea',
    doc: '--transport: activation energy from the Arrhenius fit of σT over the temperatures (kinetic Monte Carlo, docs/transport.md); null without two temperatures with σ > 0',
    unit: 'eV',
    digits: ENERGY_DIGITS,
    get: (t) => t.result?.arrhenius?.ea ?? null,
  }),
  transport({
    key: 'transport_ea_error',
    doc: '--transport: standard error of `transport_ea` from the block-average errors',
    unit: 'eV',
    digits: ENERGY_DIGITS,
    get: (t) => t.result?.arrhenius?.eaError ?? null,
  }),
  transport({ key: 'transport_r2', doc: '--transport: R² of the Arrhenius fit', digits: RATIO_DIGITS, get: (t) => t.result?.arrhenius?.r2 ?? null }),
  transport({
    key: 'transport_log10_sigma_300k',
    doc: '--transport: log10 of σ (S/cm) at 300 K from the Arrhenius fit (Nernst–Einstein with the collective D); null without a fit',
    digits: 3,
    get: (t) => (t.result ? log10SigmaAt(t.result, 300) : null),
  }),
  transport({
    key: 'transport_haven_ratio',
    doc: '--transport: Haven ratio D*/D_σ at the highest temperature of the run (the best converged); null when D_σ is not positive',
    digits: 3,
    get: (t) => hottest(t)?.havenRatio ?? null,
  }),
  transport({
    key: 'transport_converged',
    doc: '--transport: how many of the temperatures reached the convergence target (the others ended on the step budget); null without a run',
    get: (t) => (t.result ? t.result.temperatures.filter((x) => x.status === 'converged').length : null),
  }),
  row('dual-ion', {
    key: 'em_li',
    doc: "Em(Li+) of this structure at the criterion's dimension (Li+ and anion rows; else null)",
    unit: 'eV',
    digits: ENERGY_DIGITS,
    csv: 'value',
  }),
  row('dual-ion', {
    key: 'em_x',
    doc: "Em of this anion at the criterion's dimension (anion rows; else null)",
    unit: 'eV',
    digits: ENERGY_DIGITS,
    csv: 'value',
  }),
  row('dual-ion', { key: 'em_ratio', doc: 'Em(X)/Em(Li+) (anion rows; else null)', digits: RATIO_DIGITS, csv: 'value' }),
  row('dual-ion', {
    key: 'dual_ion',
    doc: 'true or false, never null (pandas reads a boolean column): on an anion row, whether (Li+, this anion) meets the criterion; on the Li+ row, whether some anion does; false on every other row (the null `em_*` fields say where it was not evaluated)',
    csv: 'value',
  }),
] as const;

type Table = (typeof OUTPUT_FIELDS)[number];
type ScreenResultField = Extract<Table, { source: 'result'; scope: 'all' }>;

/** The result columns of a screen row, typed from the table: key -> the getter's type, null when not computed. */
export type ResultColumns = { [F in ScreenResultField as F['key']]: ReturnType<F['get']> | null };

type ScreenTransportField = Extract<Table, { source: 'transport' }>;

/** The transport columns of a screen row, typed from the table (--transport only). */
export type TransportColumns = { [F in ScreenTransportField as F['key']]: ReturnType<F['get']> };

/** The fields in the screen's JSONL rows, in order (the transport ones only with --transport, the dual-ion ones only with --dual-ion). */
export const JSONL_FIELDS: readonly OutputField[] = OUTPUT_FIELDS.filter((f) => f.source !== 'result' || f.scope === 'all');
/** The result fields a screen row takes from a landscape result (or a processor's outcome). */
export const SCREEN_RESULT_FIELDS: readonly ResultField[] = OUTPUT_FIELDS.filter((f): f is ScreenResultField => f.source === 'result' && f.scope === 'all');
/** The transport fields a screen row takes, with --transport, from a processor's outcome. */
export const TRANSPORT_FIELDS: readonly TransportField[] = OUTPUT_FIELDS.filter((f): f is ScreenTransportField => f.source === 'transport');
/** The fields of `landscape --json`, in order. */
export const LANDSCAPE_FIELDS: readonly OutputField[] = OUTPUT_FIELDS.filter((f) => f.source === 'result' || (f.source !== 'transport' && f.get !== undefined));

/**
 * The CSV is a projection of the JSONL: every column except the --resume bookkeeping (rows_in_structure,
 * structures_in_file), objects as JSON text, the grid as "48x48x48". The transport columns follow with --transport,
 * then the dual-ion columns with --dual-ion.
 */
export const CSV_COLUMNS: readonly string[] = JSONL_FIELDS.filter((f) => f.csv !== null && f.source !== 'dual-ion' && f.source !== 'transport').map(
  (f) => f.key,
);
export const CSV_TRANSPORT_COLUMNS: readonly string[] = TRANSPORT_FIELDS.map((f) => f.key);
export const CSV_DUAL_COLUMNS: readonly string[] = JSONL_FIELDS.filter((f) => f.csv !== null && f.source === 'dual-ion').map((f) => f.key);

/** The CSV's columns for a screen run with these options. */
export function csvColumnsFor(config: { transport?: unknown; dualIon?: unknown } | null | undefined): string[] {
  return [...CSV_COLUMNS, ...(config?.transport ? CSV_TRANSPORT_COLUMNS : []), ...(config?.dualIon ? CSV_DUAL_COLUMNS : [])];
}

const BY_KEY: ReadonlyMap<string, OutputField> = new Map(OUTPUT_FIELDS.map((f) => [f.key, f]));

/** The table entry of a key (undefined for keys no output has). */
export function outputField(key: string): OutputField | undefined {
  return BY_KEY.get(key);
}

/** A value as the outputs write it: numbers rounded to the field's digits. */
export function outputValue(f: OutputField, value: unknown): unknown {
  return typeof value === 'number' && f.digits !== undefined ? roundTo(value, f.digits) : value;
}

/** A column's value in the CSV, before cell quoting (src/io/tables.ts csvField). */
export function csvValue(key: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const form = BY_KEY.get(key)?.csv ?? 'value';
  if (form === 'grid' && Array.isArray(value)) return value.join('x');
  if (form === 'json' && typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** The screen-row result columns of one landscape result, rounded (what the BVSE processor returns per ion). */
export function resultColumns(r: LandscapeResult): ResultColumns {
  const out: Record<string, unknown> = {};
  for (const f of SCREEN_RESULT_FIELDS) out[f.key] = outputValue(f, f.get(r));
  return out as ResultColumns;
}

/** The transport columns of a screen row, rounded (what the BVSE processor returns with --transport). */
export function transportColumns(t: TransportOutcome): TransportColumns {
  const out: Record<string, unknown> = {};
  for (const f of TRANSPORT_FIELDS) out[f.key] = outputValue(f, f.get(t));
  return out as TransportColumns;
}

/** `landscape --json`: the structure fields and every result field, in table order, rounded. */
export function landscapeFields(r: LandscapeResult, file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of LANDSCAPE_FIELDS) {
    if (f.source === 'transport') continue;
    out[f.key] = outputValue(f, f.source === 'result' ? f.get(r) : f.get!(r, file));
  }
  return out;
}
