// `bvscape landscape` refuses cells it cannot hold before allocating anything, with the same
// limits as `screen` (which coarsens instead; landscape keeps the spacing the user asked for).
import { spacingWithin } from '../grid/index.js';
import { SizeGuardError } from '../errors.js';
import type { Structure } from '../structure/types.js';

export interface LandscapeLimits {
  maxGridPoints: number;
  maxSites: number;
}

export function checkLandscapeSize(s: Structure, resolution: number, limits: LandscapeLimits): void {
  if (s.sites.length > limits.maxSites) {
    throw new SizeGuardError(`${s.file}: the cell has ${s.sites.length} sites, more than --max-sites ${limits.maxSites}`);
  }
  const p = s.lattice.parameters;
  const lengths: [number, number, number] = [p.a, p.b, p.c];
  const { points, spacing: fit } = spacingWithin(lengths, resolution, limits.maxGridPoints);
  if (points <= limits.maxGridPoints) return;
  const cell = lengths.map((l) => (l >= 1000 ? l.toExponential(2) : l.toFixed(1))).join(' x ');
  throw new SizeGuardError(
    `${s.file}: cell ${cell} Å needs ${points.toExponential(2)} grid points at ${resolution} Å, more than --max-grid-points ${limits.maxGridPoints}; ` +
      `use --resolution ${fit} or coarser, or raise --max-grid-points`,
  );
}
