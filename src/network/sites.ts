// The network's sites: polished minima, each kept once (its home copy), found again by position. A point is a copy of
// a site when it lies within the tolerance of one of the site's lattice images.
import type { IVec3 } from '../percolation/types.js';
import { type CellGeometry, wrap01, type Vec3 } from './geometry.js';
import type { EdgeEnd, NetworkSite } from './types.js';

/** Two minima closer than this (Å) are one site (searches converge to ~1e-4 Å; distinct minima lie > 0.3 Å apart). */
export const SITE_TOLERANCE = 0.05;

export class SiteRegistry {
  readonly sites: NetworkSite[] = [];

  /** Per axis, the largest fractional distance to a whole cell of a displacement shorter than the tolerance. */
  private readonly slack: [number, number, number];

  constructor(
    private readonly geo: CellGeometry,
    private readonly tolerance = SITE_TOLERANCE,
  ) {
    // f_i = r·(column i of M⁻¹), so |f_i| ≤ |r|·|column i|: a site whose offset is farther than that from a whole
    // number along any axis has no copy within the tolerance (skips the 27 images for all but the nearest sites).
    const v = geo.inv;
    this.slack = [0, 1, 2].map((i) => tolerance * Math.hypot(v[i]!, v[3 + i]!, v[6 + i]!) * (1 + 1e-9) + 1e-12) as [number, number, number];
  }

  /** The site and cell of the copy at unwrapped fractional `frac`, or null when no site lies within the tolerance. */
  find(frac: ArrayLike<number>): EdgeEnd | null {
    // Called for every end of every search: scalars only (geo.cart's arithmetic written out), no array per candidate.
    let best: EdgeEnd | null = null;
    let bestD = this.tolerance;
    const [s0, s1, s2] = this.slack;
    const m = this.geo.m;
    const f0 = frac[0]!,
      f1 = frac[1]!,
      f2 = frac[2]!;
    for (const s of this.sites) {
      const d0 = f0 - s.frac[0],
        d1 = f1 - s.frac[1],
        d2 = f2 - s.frac[2];
      const b0 = Math.round(d0),
        b1 = Math.round(d1),
        b2 = Math.round(d2);
      if (Math.abs(d0 - b0) > s0 || Math.abs(d1 - b1) > s1 || Math.abs(d2 - b2) > s2) continue;
      // The nearest copy is within one cell of the rounded offset, also in oblique cells. A cell farther than the slack
      // along an axis is farther than the tolerance (the test above): skipped, it could not have been taken.
      for (let a = -1; a <= 1; a++) {
        const c0 = b0 + a,
          x = d0 - c0;
        if (Math.abs(x) > s0) continue;
        for (let b = -1; b <= 1; b++) {
          const c1 = b1 + b,
            y = d1 - c1;
          if (Math.abs(y) > s1) continue;
          for (let c = -1; c <= 1; c++) {
            const c2 = b2 + c,
              z = d2 - c2;
            if (Math.abs(z) > s2) continue;
            const dist = Math.hypot(x * m[0]! + y * m[3]! + z * m[6]!, x * m[1]! + y * m[4]! + z * m[7]!, x * m[2]! + y * m[5]! + z * m[8]!);
            if (dist <= bestD) {
              bestD = dist;
              best = { site: s.id, cell: [c0 + 0, c1 + 0, c2 + 0] };
            }
          }
        }
      }
    }
    return best;
  }

  /** The site at `frac` (unwrapped), added with these properties when it is new; its home copy is wrapped into [0, 1). */
  findOrAdd(frac: Vec3, props: Omit<NetworkSite, 'id' | 'frac' | 'cart'>): EdgeEnd {
    const found = this.find(frac);
    if (found) return found;
    const home: Vec3 = [wrap01(frac[0]), wrap01(frac[1]), wrap01(frac[2])];
    const id = this.sites.length;
    this.sites.push({ id, frac: home, cart: this.geo.cart(home), ...props });
    const cell: IVec3 = [Math.round(frac[0] - home[0]) + 0, Math.round(frac[1] - home[1]) + 0, Math.round(frac[2] - home[2]) + 0];
    return { site: id, cell };
  }
}
