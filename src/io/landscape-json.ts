// The JSON shape of one landscape result, shared by `bvscape landscape --json`, its --path file and
// the browser preview's download, so all three always agree.
import type { GridSpec } from '../grid/index.js';
import type { MigrationPath, PercolationResult, PerDimension, SiteNetwork } from '../percolation/index.js';

/**
 * The fields of a landscape result that the JSON carries. Declared here, below the pipeline in
 * src/landscape.ts, so io does not import upward; a LandscapeResult satisfies it as it stands.
 */
export interface LandscapeSummary {
  structure: { block: string | null };
  formula: string;
  ion: string;
  model: string;
  backend: string;
  grid: GridSpec;
  resolution: number;
  mode?: string;
  refinement?: { levels: number; pointsEvaluated: number; pointsUniform: number; strategy?: string } | null;
  /** The framework's symmetry when used (docs/symmetry.md). */
  symmetry?: { spaceGroup: { number: number; symbol: string }; operations: number; pointsEvaluated: number | null; pointsFilled?: number | null; maxShift: number } | null;
  eMin: number;
  eMax: number;
  nFrameworkAtoms: number;
  pairTerms: number;
  oxidationSource: string;
  /** The oxidation states used (element -> state; per site where an element takes several). */
  oxidationStates?: { states: Record<string, number | number[]>; bySite: Record<string, Record<string, number>> | null };
  /** Per counter-ion pair: 'table' or 'derived' BVSE parameters. */
  paramSources?: Record<string, 'table' | 'derived'>;
  barriers: PerDimension<number | null>;
  percolation: Pick<PercolationResult, 'percolationDimensionAt'> | null;
  warnings: string[];
  timingsMs: Record<string, number>;
}

const round = (x: number, digits = 5) => Math.round(x * 10 ** digits) / 10 ** digits;

export function landscapeJson(r: LandscapeSummary, file: string, timingsMs: Record<string, number> = r.timingsMs): Record<string, unknown> {
  return {
    file,
    block: r.structure.block,
    formula: r.formula,
    ion: r.ion,
    model: r.model,
    backend: r.backend,
    grid: [r.grid.nx, r.grid.ny, r.grid.nz],
    resolution: r.resolution,
    mode: r.mode ?? 'uniform',
    levels: r.refinement?.levels ?? null,
    strategy: r.refinement?.strategy ?? null,
    points_evaluated: r.refinement?.pointsEvaluated ?? null,
    points_uniform: r.refinement?.pointsUniform ?? r.grid.nx * r.grid.ny * r.grid.nz,
    symmetry: symmetryJson(r.symmetry),
    e_min: r.eMin,
    e_max: r.eMax,
    n_framework_atoms: r.nFrameworkAtoms,
    pair_terms: r.pairTerms,
    oxidation_states: r.oxidationStates?.states ?? null,
    ...(r.oxidationStates?.bySite ? { oxidation_states_by_site: r.oxidationStates.bySite } : {}),
    oxidation_source: r.oxidationSource,
    param_sources: r.paramSources ?? {},
    barriers: r.barriers,
    percolation_dimension_at: r.percolation?.percolationDimensionAt ?? null,
    timings_ms: Object.fromEntries(Object.entries(timingsMs).map(([k, v]) => [k, round(v, 1)])),
    warnings: r.warnings,
  };
}

/**
 * The symmetry used, as JSON: space group, operations mapping the grid onto itself, points evaluated (uniform grid
 * from its orbit representatives; converged mode: the refinement's), points filled from symmetric images (converged
 * mode; null in uniform mode) and the largest atom move (Å); null when none was used.
 */
export function symmetryJson(s: LandscapeSummary['symmetry']): Record<string, unknown> | null {
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

/**
 * A migration path as JSON: unwrapped fractional coordinates, energies (eV) and Cartesian path length s (Å);
 * length_a is the whole path, grid_path_length_a the grid path it was relaxed from.
 */
export function pathJson(p: MigrationPath): Record<string, unknown> {
  return {
    dimension: p.dimension,
    barrier: p.barrier,
    winding: p.winding,
    length_a: round(p.lengthsA[p.lengthsA.length - 1] ?? 0, 4),
    ...(p.gridLengthA !== undefined ? { grid_path_length_a: round(p.gridLengthA, 4) } : {}),
    saddle: p.saddle,
    points: Array.from({ length: p.energies.length }, (_, i) => ({
      frac: [round(p.frac[3 * i]!), round(p.frac[3 * i + 1]!), round(p.frac[3 * i + 2]!)],
      energy: round(p.energies[i]!),
      s: round(p.lengthsA[i]!, 4),
    })),
  };
}

/** landscapeJson plus paths, sites and hops (the --path file). */
export function landscapeWithPathsJson(
  r: LandscapeSummary,
  file: string,
  paths: MigrationPath[],
  sites: SiteNetwork | null,
  timingsMs: Record<string, number> = r.timingsMs,
): Record<string, unknown> {
  return {
    ...landscapeJson(r, file, timingsMs),
    paths: paths.map(pathJson),
    sites: sites?.sites ?? [],
    hops: sites?.hops ?? [],
    site_energy_cap: sites?.cap ?? null,
  };
}
