// Synthetic networks with known answers: a chain of sites and a simple-cubic lattice.
import type { HopNetwork } from '../../src/transport/types.js';

/** One site per cell, a hop to each neighbouring cell along the axes listed, barrier `barrier` (eV). */
export function cubicNetwork(opts: { a: number; axes: (0 | 1 | 2)[]; barrier: number; ionsPerCell: number; nu?: number; size?: number }): HopNetwork {
  const size = opts.size ?? opts.a;
  const len = [0, 1, 2].map((m) => (opts.axes.includes(m as 0 | 1 | 2) ? opts.a : size));
  return {
    lattice: [
      [len[0]!, 0, 0],
      [0, len[1]!, 0],
      [0, 0, len[2]!],
    ],
    sites: [{ frac: [0, 0, 0], energy: 0 }],
    hops: opts.axes.map((m) => ({ from: 0, to: 0, offset: [m === 0 ? 1 : 0, m === 1 ? 1 : 0, m === 2 ? 1 : 0], saddleEnergy: opts.barrier })),
    ion: { symbol: 'Li+', charge: 1 },
    ionsPerCell: opts.ionsPerCell,
    attemptFrequency: { hz: opts.nu ?? 1e13, source: 'test' },
    interaction: null,
    source: 'synthetic lattice',
  };
}
