// The JSON of one landscape result: `bvscape landscape --json`, its --path file and the browser preview's
// download, so all three always agree. The fields come from the one table in fields.ts; the --path file adds
// the paths, basins, hops and site classes made from the result (src/landscape-products.ts).
import type { LandscapeResult } from '../landscape.js';
import type { MigrationPath, SiteNetwork } from '../percolation/index.js';
import type { ClassifiedSites } from '../sites/classify.js';
import { pathJson } from '../io/path-json.js';
import { landscapeFields } from './fields.js';

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

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
      frac: k.frac.map((x) => round(x, 5)),
      relative_energy: round(k.relativeEnergy, 5),
      kind: k.kind,
      crystallographic_sites: k.crystallographicSites,
      sites: k.sites,
      complete: k.complete,
    })),
    crystal_sites: c.sites.map((s) => ({
      id: s.id,
      class: s.siteClass,
      frac: s.frac.map((x) => round(x, 5)),
      relative_energy: round(s.relativeEnergy, 5),
      basins: s.basins,
    })),
    site_hops: c.hops.map((h) => ({ ...h, distanceA: round(h.distanceA), barrierFrom: round(h.barrierFrom, 5), barrierTo: round(h.barrierTo, 5) })),
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
    sites: net?.sites ?? [],
    hops: net?.hops ?? [],
    site_energy_cap: net?.cap ?? null,
    ...siteClassesJson(classes),
  };
}
