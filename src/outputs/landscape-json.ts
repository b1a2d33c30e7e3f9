// The JSON of one landscape result: `bvscape landscape --json`, its --path file and the browser preview's
// download, so all three always agree. The fields come from the one table in fields.ts; the --path file adds
// the paths, basins, hops and site classes made from the result (src/pipeline/landscape-products.ts).
import type { LandscapeResult } from '../pipeline/landscape.js';
import type { MigrationPath, SiteNetwork } from '../percolation/index.js';
import type { ClassifiedSites } from '../sites/classify.js';
import { basinJson, hopJson, pathJson } from '../io/path-json.js';
import { ENERGY_DIGITS, FRACTION_DIGITS, LENGTH_DIGITS, roundTo } from '../io/rounding.js';
import { landscapeFields } from './fields.js';

/** `landscape --json`: one object, the fields of src/outputs/fields.ts; `timingsMs` replaces the result's (the CLI adds its files' time). */
export function landscapeJson(r: LandscapeResult, file: string, timingsMs: Record<string, number> = r.timingsMs): Record<string, unknown> {
  return landscapeFields(timingsMs === r.timingsMs ? r : { ...r, timingsMs }, file);
}

/** The site classes as JSON (`site_classes`, `crystal_sites`, `site_hops` of the --path file). */
export function siteClassesJson(c: ClassifiedSites | null): Record<string, unknown> {
  if (!c) return { site_classes: [], crystal_sites: [], site_hops: [] };
  return {
    site_space_group: c.spaceGroup,
    site_merge_depth_ev: c.mergeDepthEv,
    site_merged_hops: c.mergedHops,
    site_classes: c.classes.map((k) => ({
      id: k.id,
      wyckoff: k.wyckoff,
      multiplicity: k.multiplicity,
      site_symmetry: k.siteSymmetry,
      site_symmetry_order: k.siteSymmetryOrder,
      frac: k.frac.map((x) => roundTo(x, FRACTION_DIGITS)),
      relative_energy: roundTo(k.relativeEnergy, ENERGY_DIGITS),
      kind: k.kind,
      crystallographic_sites: k.crystallographicSites,
      sites: k.sites,
      complete: k.complete,
    })),
    crystal_sites: c.sites.map((s) => ({
      id: s.id,
      class: s.siteClass,
      frac: s.frac.map((x) => roundTo(x, FRACTION_DIGITS)),
      relative_energy: roundTo(s.relativeEnergy, ENERGY_DIGITS),
      basins: s.basins,
    })),
    site_hops: c.hops.map((h) => ({
      from: h.from,
      to: h.to,
      offset: h.offset,
      energy: roundTo(h.energy, ENERGY_DIGITS),
      barrier_from: roundTo(h.barrierFrom, ENERGY_DIGITS),
      barrier_to: roundTo(h.barrierTo, ENERGY_DIGITS),
      distance_a: roundTo(h.distanceA, LENGTH_DIGITS),
    })),
    mobile_sites_above_cap: c.unmatchedCrystallographicSites,
  };
}

/** The --path file (and the preview's JSON download): landscape fields, paths, basins, hops and site classes. */
export function pathsFileJson(
  r: LandscapeResult,
  file: string,
  paths: MigrationPath[],
  net: SiteNetwork | null,
  classes: ClassifiedSites | null,
  timingsMs: Record<string, number> = r.timingsMs,
): Record<string, unknown> {
  return {
    ...landscapeJson(r, file, timingsMs),
    paths: paths.map(pathJson),
    sites: (net?.sites ?? []).map(basinJson),
    hops: (net?.hops ?? []).map(hopJson),
    site_energy_cap: net ? roundTo(net.cap, ENERGY_DIGITS) : null,
    ...siteClassesJson(classes),
  };
}
