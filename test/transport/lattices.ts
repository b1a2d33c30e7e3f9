// Synthetic networks with known answers: a chain of sites and a simple-cubic lattice.
import type { HopNetwork, MobileInteraction } from '../../src/transport/types.js';

/**
 * The frame every synthetic network shares: one orthorhombic cell (edges in Å) holding `sites` joined by `hops`, Li+
 * with ν = 1e13 Hz unless given, no mobile–mobile interaction unless given.
 */
export function syntheticNetwork(
  edges: readonly [number, number, number],
  sites: HopNetwork['sites'],
  hops: HopNetwork['hops'],
  o: { ionsPerCell: number; source: string; nu?: number; interaction?: MobileInteraction },
): HopNetwork {
  return {
    lattice: [
      [edges[0], 0, 0],
      [0, edges[1], 0],
      [0, 0, edges[2]],
    ],
    sites,
    hops,
    ion: { symbol: 'Li+', charge: 1 },
    ionsPerCell: o.ionsPerCell,
    attemptFrequency: { hz: o.nu ?? 1e13, source: 'test' },
    interaction: o.interaction ?? null,
    source: o.source,
  };
}

/** One site per cell, a hop to each neighbouring cell along the axes listed, barrier `barrier` (eV). */
export function cubicNetwork(opts: { a: number; axes: (0 | 1 | 2)[]; barrier: number; ionsPerCell: number; nu?: number; size?: number }): HopNetwork {
  const size = opts.size ?? opts.a;
  const len = [0, 1, 2].map((m) => (opts.axes.includes(m as 0 | 1 | 2) ? opts.a : size)) as [number, number, number];
  return syntheticNetwork(
    len,
    [{ frac: [0, 0, 0], energy: 0 }],
    opts.axes.map((m) => ({ from: 0, to: 0, offset: [m === 0 ? 1 : 0, m === 1 ? 1 : 0, m === 2 ? 1 : 0], saddleEnergy: opts.barrier })),
    { ionsPerCell: opts.ionsPerCell, source: 'synthetic lattice', ...(opts.nu === undefined ? {} : { nu: opts.nu }) },
  );
}
