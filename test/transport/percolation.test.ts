// The single-ion hop network's percolation thresholds: the saddle energy at which a cluster first winds in 1, 2, 3
// directions; an isolated network (no winding) is immobile and gets no kMC.
import { describe, expect, it } from 'vitest';
import { hopPercolation, simulateTransport } from '../../src/transport/index.js';
import { cubicNetwork } from './lattices.js';

describe('hopPercolation', () => {
  it('winds along x at 0.2 eV, adds y at 0.3 eV and z at 0.5 eV', () => {
    const net = cubicNetwork({ a: 3, axes: [0, 1, 2], barrier: 0, ionsPerCell: 0.1 });
    net.hops = net.hops.map((h, i) => ({ ...h, saddleEnergy: [0.2, 0.3, 0.5][i]! }));
    expect(hopPercolation(net).thresholds).toEqual([0.2, 0.3, 0.5]);
  });
  it('a cage with no hop to its images never winds: status immobile, σ = 0', () => {
    const net = cubicNetwork({ a: 5, axes: [0, 1, 2], barrier: 0.3, ionsPerCell: 0.1 });
    net.sites.push({ frac: [0.3, 0, 0], energy: 0 });
    net.hops = [{ from: 0, to: 1, offset: [0, 0, 0], saddleEnergy: 0.1 }];
    expect(hopPercolation(net).thresholds).toEqual([null, null, null]);
    const r = simulateTransport(net, { temperatures: [500] });
    expect(r.status).toBe('immobile');
    expect(r.temperatures[0]!.sigma).toBe(0);
    expect(r.arrhenius).toBeNull();
  });
});
