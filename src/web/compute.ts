// The page's pipeline: the same core modules as `bvscape landscape` (reader, oxidation states,
// framework, energy backend, percolation, paths, sites); only the energy backend's device differs.
import { readStructureText } from '../structure/read.js';
import type { Structure } from '../structure/types.js';
import { StructureError } from '../errors.js';
import { DEFAULT_RESOLUTION, type LandscapeOptions, type LandscapeResult } from '../pipeline/landscape.js';
import type { RunRequest } from './pipeline-protocol.js';
import type { MigrationPath, SiteNetwork } from '../percolation/index.js';
import { migrationPaths, siteClasses, siteNetwork } from '../pipeline/landscape-products.js';
import { pathsFileJson } from '../outputs/landscape-json.js';
import type { ClassifiedSites } from '../sites/classify.js';

export interface ReadStructure {
  structure: Structure;
  warnings: string[];
}

/** Reads the first structure of a CIF/POSCAR text; input problems throw an InputError with a readable message. */
export async function readFirstStructure(text: string, fileName: string): Promise<ReadStructure> {
  const results = await readStructureText(text, fileName);
  const ok = results.find((r) => r.structure);
  if (!ok?.structure) {
    const err = results.find((r) => r.error)?.error;
    throw err ?? new StructureError(fileName, 'no structure found in the file');
  }
  const warnings: string[] = [];
  if (results.length > 1) warnings.push(`${fileName} holds ${results.length} data blocks; showing '${ok.block}'`);
  return { structure: ok.structure, warnings };
}

/**
 * computeLandscape's options for a run, as `bvscape landscape` sets them: the continuum method on the chosen seed grid
 * (with the certificate when asked), or with `--grid-barriers` the grid thresholds converged to the CLI's default
 * 0.05 Å (the page's spacing choice is then unused: its choices are drawing grids, too coarse for grid barriers).
 */
export function landscapeOptions(req: Pick<RunRequest, 'resolution' | 'barriers' | 'certify' | 'model' | 'oxi'>): Omit<LandscapeOptions, 'ion'> {
  const common = { model: req.model, ...(req.oxi ? { oxi: req.oxi } : {}) };
  if (req.barriers === 'grid') return { ...common, method: 'grid', mode: 'converged', resolution: DEFAULT_RESOLUTION };
  return { ...common, method: 'continuum', resolution: req.resolution, ...(req.certify ? { certify: true } : {}) };
}

export interface PathsAndSites {
  paths: MigrationPath[];
  sites: SiteNetwork | null;
  /** Sites by symmetry (Wyckoff positions, crystallographic or interstitial); absent when not computed. */
  classes?: ClassifiedSites | null;
  ms: number;
}

/** Migration paths (real-space, relaxed) for every dimension that percolates, and the site/hop network. */
export function pathsAndSites(r: LandscapeResult): PathsAndSites {
  const t0 = performance.now();
  if (!r.percolation) return { paths: [], sites: null, classes: null, ms: 0 };
  const sites = siteNetwork(r);
  return { paths: migrationPaths(r), sites, classes: siteClasses(r, sites), ms: performance.now() - t0 };
}

/** The result as JSON: the fields of `bvscape landscape --json`, plus paths, sites and hops. */
export function resultJson(file: string, r: LandscapeResult, extra: PathsAndSites, timingsMs: Record<string, number>): Record<string, unknown> {
  return pathsFileJson(r, file, extra.paths, extra.sites ?? null, extra.classes ?? null, timingsMs);
}
