// The continuum network (src/network) as the 3D view draws it: the saddles near or below the 3D threshold, each with
// its hop (minimum → saddle → minimum) in one frame, so that a hop across a cell face reaches the right copy of the
// far minimum. A saddle's ends carry lattice cells relative to the cell its own (unwrapped) position lies in
// (src/network/build.ts): an end sits at site.frac + end.cell + floor(saddle.frac). Folding the saddle into [0, 1)
// therefore puts the end at site.frac + end.cell.
import type { ContinuumNetwork } from '../network/types.js';
import type { Dimension } from '../percolation/types.js';

type V3 = [number, number, number];

/** Saddles up to this far (eV) above the 3D threshold are drawn (or above the highest threshold reached). */
export const HOP_WINDOW_EV = 0.1;

export interface ShownHop {
  /** The saddle's id in the network. */
  saddle: number;
  status: 'verified' | 'unverified' | 'seed';
  /** The saddle folded into [0, 1) and the two minima it joins, in the same frame (fractional). */
  frac: V3;
  ends: [V3, V3];
  /** The sites at the two ends. */
  sites: [number, number];
  /** E_saddle − E_min (eV). */
  energy: number;
  /** E_saddle − E_site from each end (eV): the barrier of the hop out of that end. */
  barriers: [number, number];
  /** The dimensions whose bottleneck this saddle is. */
  bottleneck: Dimension[];
}

export interface NetworkHops {
  hops: ShownHop[];
  /** Saddles up to this energy above E_min (eV) are shown. */
  limit: number;
  /** The threshold the window starts from ('3D', or the highest dimension reached), null when none percolates. */
  from: Dimension | null;
}

const DIMS: Dimension[] = ['1D', '2D', '3D'];

/**
 * The hops to draw: every verified saddle up to HOP_WINDOW_EV above the 3D threshold (else above the highest
 * threshold reached; with none, every verified saddle), and every bottleneck saddle whatever its status.
 */
export function networkHops(net: ContinuumNetwork, window = HOP_WINDOW_EV): NetworkHops {
  const from = ([...DIMS].reverse().find((d) => net.barriers[d]) ?? null) as Dimension | null;
  const limit = from ? net.barriers[from]!.threshold - net.eMin + window : Infinity;
  const bottleneck = new Map<number, Dimension[]>();
  for (const d of DIMS) {
    const b = net.barriers[d];
    if (b) bottleneck.set(b.saddle, [...(bottleneck.get(b.saddle) ?? []), d]);
  }
  const hops: ShownHop[] = [];
  for (const s of net.saddles) {
    const dims = bottleneck.get(s.id) ?? [];
    const energy = s.energy - net.eMin;
    if (!dims.length && (s.status !== 'verified' || energy > limit + 1e-9)) continue;
    const shift = s.frac.map(Math.floor);
    const frac = s.frac.map((x, i) => x - shift[i]!) as V3;
    const end = (k: 0 | 1): V3 => {
      const e = s.ends[k];
      const site = net.sites[e.site]!;
      return [site.frac[0] + e.cell[0], site.frac[1] + e.cell[1], site.frac[2] + e.cell[2]];
    };
    const [a, b] = s.ends;
    hops.push({
      saddle: s.id,
      status: s.status,
      frac,
      ends: [end(0), end(1)],
      sites: [a.site, b.site],
      energy,
      barriers: [s.energy - net.sites[a.site]!.energy, s.energy - net.sites[b.site]!.energy],
      bottleneck: dims,
    });
  }
  return { hops, limit, from };
}
