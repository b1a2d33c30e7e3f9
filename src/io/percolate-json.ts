// The JSON of `bvscape percolate` (and its --path file): the same barrier, path, site and hop fields, names
// and digits as `landscape --json` / `--path` (src/outputs/fields.ts, landscape-json.ts), with the grid file's
// own description instead of a structure's.
import type { GridSpec } from '../grid/index.js';
import type { Lattice } from '../structure/lattice.js';
import type { MigrationPath, PercolationResult, PerDimension, SiteNetwork } from '../percolation/index.js';
import { basinJson, hopJson, pathJson } from './path-json.js';
import { ENERGY_DIGITS, roundOrNull, roundTo } from './rounding.js';

/** The fields of a grid percolation result (src/pipeline/percolate-grid.ts) the JSON carries. */
export interface GridPercolationSummary {
  file: string;
  format: string;
  title: string;
  structure: { lattice: Lattice };
  grid: GridSpec;
  scale: number;
  invert: boolean;
  eMin: number;
  eMax: number;
  barriers: PerDimension<number | null>;
  percolation: Pick<PercolationResult, 'percolationDimensionAt' | 'connectivity' | 'encut'>;
  notes: string[];
  timingsMs: Record<string, number>;
}

const round = (x: number, digits = 5) => Math.round(x * 10 ** digits) / 10 ** digits;

export function percolateJson(r: GridPercolationSummary): Record<string, unknown> {
  const p = r.structure.lattice.parameters;
  return {
    file: r.file,
    format: r.format,
    title: r.title,
    cell: { a: round(p.a), b: round(p.b), c: round(p.c), alpha: round(p.alpha), beta: round(p.beta), gamma: round(p.gamma) },
    grid: [r.grid.nx, r.grid.ny, r.grid.nz],
    scale: r.scale,
    invert: r.invert,
    connectivity: r.percolation.connectivity,
    encut: r.percolation.encut,
    e_min: roundTo(r.eMin, ENERGY_DIGITS),
    e_max: roundTo(r.eMax, ENERGY_DIGITS),
    barrier_1d: roundOrNull(r.barriers['1D'], ENERGY_DIGITS),
    barrier_2d: roundOrNull(r.barriers['2D'], ENERGY_DIGITS),
    barrier_3d: roundOrNull(r.barriers['3D'], ENERGY_DIGITS),
    percolation_dimension_at: Object.fromEntries(Object.entries(r.percolation.percolationDimensionAt).map(([d, v]) => [d, roundOrNull(v, ENERGY_DIGITS)])),
    notes: r.notes,
    timings_ms: Object.fromEntries(Object.entries(r.timingsMs).map(([k, v]) => [k, round(v, 1)])),
  };
}

/** percolateJson plus paths, sites and hops (the --path file), in landscape's --path shape. */
export function percolateWithPathsJson(r: GridPercolationSummary, paths: MigrationPath[], sites: SiteNetwork | null): Record<string, unknown> {
  return {
    ...percolateJson(r),
    paths: paths.map(pathJson),
    sites: (sites?.sites ?? []).map(basinJson),
    hops: (sites?.hops ?? []).map(hopJson),
    site_energy_cap: sites ? roundTo(sites.cap, ENERGY_DIGITS) : null,
  };
}
