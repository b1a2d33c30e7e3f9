// Data shapes of a screen: the configuration every worker gets, the per-structure processor
// interface (the real BVSE one, or a fake in tests), and the rows written to the JSONL table.
import type { BackendKind } from '../backends/kind.js';
import type { ModelName } from '../bvse/model.js';
import type { ResultColumns, TransportColumns } from '../outputs/fields.js';
import { DEFAULT_TEMPERATURES } from '../transport/simulate.js';

/** The dual-ion criterion (Li+ and an anion both mobile): Em(Li+) < liMax and ratioMin <= Em(X)/Em(Li+) <= ratioMax. */
export interface DualIonCriterion {
  /** Em(Li+) must be below this (eV). Default 1. */
  liMax: number;
  ratioMin: number;
  ratioMax: number;
  /** Percolation dimension whose barrier is Em: 1, 2 or 3 (default 3). */
  dimension: 1 | 2 | 3;
}

export const DEFAULT_DUAL_ION: DualIonCriterion = { liMax: 1, ratioMin: 0.5, ratioMax: 1.5, dimension: 3 };

/** --transport: kinetic Monte Carlo of each computed ion on its landscape's site–hop network (docs/transport.md). */
export interface ScreenTransport {
  /** Temperatures of the runs (K). */
  temperatures: number[];
  /** Seed of the random numbers: the same seed gives the same columns. */
  seed: number;
  /** kMC hops allowed per temperature; a run stops earlier once D* and D_σ are converged. */
  maxSteps: number;
}

/**
 * The screen's kMC budget: 100,000 hops per temperature, 20 times below `bvscape transport`'s, so that five
 * temperatures take seconds per structure and stay inside the per-structure --timeout (a structure over it loses its
 * row's barriers too). Runs that end on the budget say so (`transport_status` partial, `transport_converged`).
 */
export const DEFAULT_SCREEN_TRANSPORT: Readonly<ScreenTransport> = { temperatures: [...DEFAULT_TEMPERATURES], seed: 1, maxSteps: 100_000 };

/** Everything that decides the rows' values: it is recorded in the header and must match on --resume. */
export interface ScreenConfig {
  /** Explicit mobile ions as given (normalised where a charge was given): "Li+", "Na+", "I-". */
  ions: string[];
  /** Add every anion species of each structure as a mobile ion. */
  anions: boolean;
  model: ModelName;
  /**
   * How barriers are found: 'continuum' (the saddle points of the continuous field, seeded from a grid at `resolution`)
   * or 'grid' (a grid's thresholds, `mode`). Absent in headers written before the continuum method: 'grid'.
   */
  method?: 'continuum' | 'grid';
  /** Grid spacing (Å): the seed grid (continuum method) or the finest grid (grid method). */
  resolution: number;
  /** 'converged' (adaptive refinement, equal to the uniform grid at `resolution`) or 'uniform' (one grid). */
  mode: 'converged' | 'uniform';
  /** Oxidation-state overrides, e.g. { Fe: 3 }. */
  oxi: Record<string, number> | null;
  /** Dimension used to rank candidates and for the dual-ion criterion. */
  dimension: 1 | 2 | 3;
  dualIon: DualIonCriterion | null;
  /**
   * Size guard, one rule for screen and landscape: the grid at the spacing may hold at most this many points;
   * screen coarsens a larger one (the row says so), landscape refuses it and names the spacing that fits.
   */
  maxGridPoints: number;
  /** Size guard: refuse when the coarsened spacing would exceed this (Å), or the cell has more sites than maxSites. */
  maxResolution: number;
  maxSites: number;
  /** Grid neighbours in the percolation sweep: 6 (default) or 26 (bvlain's convention). */
  connectivity?: 6 | 18 | 26;
  /** Compute ions that are not in the structure (probes, marked in the row's note) instead of NoMobileIon error rows. */
  allowAbsentIon?: boolean;
  /** false (--no-symmetry): the atoms as read, every grid point evaluated. Absent: symmetry on (docs/symmetry.md). */
  symmetry?: boolean;
  /** --transport: the kMC's settings. Absent (never null, so older headers still match): no transport columns. */
  transport?: ScreenTransport;
  /** --certify (continuum method): bracket every barrier (docs/continuum.md, "Certification"). Absent: off. */
  certify?: boolean;
}

/** The defaults of `bvscape screen` (a Li+ screen of continuum barriers seeded from a 0.2 Å grid, size guard on). */
export const DEFAULT_SCREEN_CONFIG: Readonly<ScreenConfig> = {
  ions: ['Li+'],
  anions: false,
  model: 'bvlain',
  method: 'continuum',
  resolution: 0.2,
  mode: 'converged',
  oxi: null,
  dimension: 3,
  dualIon: null,
  // Cubic LLZO (12.97 Å, 1.76e7 points at 0.05 Å) fits; about 20 bytes a point in memory with percolation and sites.
  maxGridPoints: 20_000_000,
  maxResolution: 0.5,
  maxSites: 20_000,
};

/** A screen configuration: the defaults with some fields changed. */
export function screenConfig(over: Partial<ScreenConfig> = {}): ScreenConfig {
  return { ...DEFAULT_SCREEN_CONFIG, ...over };
}

/** Not recorded in the header: how, not what, is computed. */
export interface RuntimeConfig {
  backend: BackendKind;
}

/** One unit of work: a file, or a member of an archive (then its text travels with it). */
export interface EntryInput {
  /** The entry's stable id: the path as given (files found in directories: dir/relative path; archive members: archive!/member). */
  file: string;
  /** File-system path to read, for plain files. */
  path?: string;
  /** Content, for archive members (already extracted by the main thread). */
  text?: string;
  /** The main thread could not extract it (corrupt archive member): the entry becomes an error row. */
  readError?: ErrorInfo;
}

export interface ErrorInfo {
  /** Error class name ("CifSyntaxError", "MissingBvParamError", "Timeout", "SizeGuard", "WorkerCrash", ...). */
  kind: string;
  message: string;
}

/** One structure found in an entry: parsed, or the reason it could not be. */
export interface ParsedStructure {
  /** CIF data block name; null for single-structure formats. */
  block: string | null;
  error?: ErrorInfo;
  /** Processor-private payload (a Structure for the real processor). */
  structure?: unknown;
}

export interface StructureDescription {
  formula: string | null;
  spaceGroup: { symbol: string; number: number } | null;
  /** Mobile ions to compute, explicit ones first. */
  ions: string[];
  /** Observations worth a note in each row (e.g. why anions could not be listed). */
  note?: string;
}

/**
 * One computed (structure, ion): the result columns of src/outputs/fields.ts (`resultColumns` of a landscape
 * result), snake_case as in the row; columns left out are null in the row.
 */
export type IonOutcome = Partial<ResultColumns> &
  Partial<TransportColumns> & {
    /** Canonical ion, e.g. "Li+". */
    ion: string;
    /** Observations for the row's note (size-guard coarsening, warnings, probes). */
    note?: string;
  };

/**
 * The per-structure work, injected so the pipeline can be tested with a fake. A module given to
 * `--processor` exports `processor` (or a default export) of this type. Runs inside worker threads.
 */
export interface StructureProcessor {
  init?(config: ScreenConfig, runtime: RuntimeConfig): Promise<void>;
  /** Split one entry into structures. Bad input gives items with `error`, not exceptions. */
  parse(input: EntryInput, config: ScreenConfig): Promise<ParsedStructure[]>;
  describe(s: ParsedStructure, config: ScreenConfig): Promise<StructureDescription>;
  /** One mobile ion; throws (ideally an InputError) when it cannot be computed. */
  compute(s: ParsedStructure, ion: string, config: ScreenConfig): Promise<IonOutcome>;
  dispose?(): Promise<void>;
}

/**
 * The screen's own columns of a results.jsonl line (the structure, status, errors, time, bookkeeping); the result
 * columns come from the table in src/outputs/fields.ts, which also documents every column (docs/outputs.md).
 */
export interface ScreenRowOwn {
  id: string;
  file: string;
  block: string | null;
  formula: string | null;
  space_group: string | null;
  space_group_number: number | null;
  status: 'ok' | 'error';
  error_kind: string | null;
  error: string | null;
  note: string | null;
  time_ms: number;
  rows_in_structure: number;
  structures_in_file: number;
  /** With --dual-ion only (src/screen/dual-ion.ts). */
  em_li?: number | null;
  em_x?: number | null;
  em_ratio?: number | null;
  dual_ion?: boolean;
}

/**
 * One line of results.jsonl: one (structure, mobile ion). Barriers are relative to e_min (eV); null when that dimension
 * does not percolate. The transport columns are there with --transport only.
 */
export type ScreenRow = ScreenRowOwn & ResultColumns & Partial<TransportColumns>;

/** First line of every results.jsonl (screens and merges). */
export interface ScreenHeader {
  type: 'bvscape-screen';
  format: 1;
  config: ScreenConfig;
  /** 1-based shard index and count; null for an unsharded run or a merged table. */
  shard: { index: number; count: number } | null;
  /** Entries (files and archive members) over all shards, and in this shard. */
  entries_total: number;
  entries_in_shard: number;
  /** sha256 over the sorted ids of all entries (all shards): shards of one screen share it. */
  inputs_digest: string;
  /** For merged tables: the shard outputs joined. */
  merged_from?: string[];
}

/** The --max-grid-points help of the two commands that share the guard: one rule, one number. */
export const GRID_GUARD_HELP = {
  landscape:
    'size guard: the grid at --resolution may hold at most N points; a larger one is refused before computing (exit 2) with the spacing that fits (screen coarsens instead)',
  screen:
    'size guard: the grid at --resolution may hold at most N points; a larger cell is screened at the finest spacing that fits, noted in its row (landscape refuses instead)',
} as const;
