// The results document of `bvscape bench` (schema version 1). The JSON Schema that validates it ships
// next to this file (bench-result.schema.json); docs/bench.md explains every field and figure.
// Version rule: adding optional fields keeps the version; renaming, removing or changing the meaning
// or unit of a field or figure bumps it.

export const BENCH_SCHEMA_ID = 'bvscape-bench';
export const BENCH_SCHEMA_VERSION = 1;

/** What one figure measures. Units are fixed per id (docs/bench.md). */
export type FigureId = 'kernel_pair_terms_per_s' | 'percolation_points_per_s' | 'pipeline_structures_per_hour' | 'time_to_barriers_s' | 'peak_rss_bytes';

export interface Figure {
  id: FigureId;
  /** Backend id from `backends` (e.g. "cpu", "webgpu"); null for work that runs on the host CPU whatever the backend (percolation). */
  backend: string | null;
  /** Structure and mobile ion, e.g. "Li3PS4_beta/Li+"; null when the figure covers a set (pipeline) or the process (memory). */
  case: string | null;
  unit: string;
  /** Which direction is better; `--compare` turns every ratio so that > 1 means "this machine is better". */
  better: 'higher' | 'lower';
  /** One line: how it was measured. */
  method: string;
  /** The inputs that decide the work (resolution, grid, points ...). `--compare` flags ratios between figures whose params differ. */
  params: Record<string, string | number | boolean | null>;
  /** What the measured work produced (pair terms counted, barriers found): a check that the work was real, not compared. */
  details: Record<string, string | number | boolean | null>;
  /** One value per timed repeat (warm-ups excluded). */
  samples: number[];
  median: number;
  min: number;
  max: number;
  /** (max − min) / median of the samples; 0 for a single sample. */
  spread: number;
  /** spread > settings.busy_spread: the machine was probably doing other work. */
  busy: boolean;
}

export interface AdapterRecord {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** GPUAdapter.limits, every numeric limit the implementation reports. */
  limits: Record<string, number>;
}

export interface BackendRecord {
  /** "cpu", "webgpu" or "webgpu:<adapter filter>" when --adapter names one. */
  id: string;
  kind: 'cpu' | 'webgpu';
  /** The backend's own description, e.g. "cpu: 2 threads", "webgpu: llvmpipe (Mesa 25.0.7)". */
  description: string;
  /** CPU worker threads; null for webgpu. */
  threads: number | null;
  adapter: AdapterRecord | null;
  /** Why this backend produced no figures (no adapter, device lost ...); null when it ran. */
  error: string | null;
  /** Warnings the backend raised while measured (device lost and recreated, CPU fallback ...). */
  warnings: string[];
}

export interface MachineRecord {
  environment: 'node' | 'browser';
  cpu_model: string | null;
  /** Logical cores (os.availableParallelism in Node, navigator.hardwareConcurrency in a browser). */
  cpu_cores: number | null;
  memory_bytes: number | null;
  /** e.g. "Linux 6.1.0-18-amd64 x64". */
  os: string | null;
  node: string | null;
  /** Version of the `webgpu` npm package (Dawn) when it is installed; null in a browser. */
  dawn: string | null;
  /** navigator.userAgent in a browser; null in Node. */
  browser: string | null;
  /** 1-minute load average at the start and at the end (Node on Unix); null where unknown. */
  load_average: { start: number; end: number } | null;
}

export interface StructureRecord {
  id: string;
  file: string;
  formula: string;
  sites: number;
  size: 'small' | 'medium' | 'large';
  ions: string[];
  source: string;
}

export interface BenchSettings {
  repeats: number;
  warmups: number;
  /** A figure whose spread is above this is flagged busy. */
  busy_spread: number;
  /** Kernel and percolation samples repeat their job until at least this many seconds passed (steadier small cases). */
  min_sample_s: number;
  kernel_resolution: number;
  /**
   * How the time-to-barriers and pipeline figures find barriers: 'continuum' (the saddle points of the continuous
   * field, the default of landscape and screen) or 'grid' (`--grid-barriers`: a grid's percolation thresholds).
   * Absent in results written before the continuum method: 'grid'.
   */
  barrier_method?: 'continuum' | 'grid';
  /** Continuum method: the seed grid's spacing; grid method: the finest grid's. */
  barrier_resolution: number;
  /** Copies of each bundled structure in one pipeline run. */
  pipeline_copies: number;
  /** Timed pipeline runs (no warm-up: each run starts its own workers). */
  pipeline_repeats: number;
  /** Grid spacing of the pipeline runs; null: the screen's default. */
  pipeline_resolution: number | null;
}

export interface BenchResult {
  schema: typeof BENCH_SCHEMA_ID;
  schema_version: typeof BENCH_SCHEMA_VERSION;
  bvscape_version: string;
  /** ISO 8601 time the run started. */
  created: string;
  mode: 'quick' | 'standard';
  settings: BenchSettings;
  machine: MachineRecord;
  structures: StructureRecord[];
  backends: BackendRecord[];
  figures: Figure[];
  /** True when any figure is flagged busy. */
  busy: boolean;
  notes: string[];
  elapsed_s: number;
}
