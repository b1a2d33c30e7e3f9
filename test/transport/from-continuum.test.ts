// The continuum network as a HopNetwork: saddle ends become (from, to, offset), verified saddles carry Vineyard's ν*
// from each end, seed edges the assumed frequency; the kMC then moves at ν*·exp(−barrier/kT).
import { describe, expect, it } from 'vitest';
import { vineyardFrequency } from '../../src/critical/frequency.js';
import type { ContinuumNetwork } from '../../src/network/types.js';
import { networkFromContinuum } from '../../src/transport/from-continuum.js';
import { BOLTZMANN_EV, simulateTransport } from '../../src/transport/index.js';

const a = 2.5;
const site = {
  id: 0,
  frac: [0, 0, 0] as [number, number, number],
  cart: [0, 0, 0] as [number, number, number],
  energy: -1,
  eigenvalues: [4, 4, 4] as [number, number, number],
  converged: true,
  gridEnergy: -1,
};
const saddle = (id: number, axis: number, status: 'verified' | 'seed') => ({
  id,
  status,
  frac: [axis === 0 ? 0.5 : 0, axis === 1 ? 0.5 : 0, axis === 2 ? 0.5 : 0] as [number, number, number],
  cart: [0, 0, 0] as [number, number, number],
  energy: -0.7,
  eigenvalues: status === 'verified' ? ([-3, 5, 5] as [number, number, number]) : null,
  unstable: null,
  ends: [
    { site: 0, cell: [0, 0, 0] as [number, number, number] },
    { site: 0, cell: [axis === 0 ? 1 : 0, axis === 1 ? 1 : 0, axis === 2 ? 1 : 0] as [number, number, number] },
  ] as ContinuumNetwork['saddles'][number]['ends'],
  seedEnergy: -0.7,
});

describe('networkFromContinuum', () => {
  const cn = { sites: [site], saddles: [saddle(0, 0, 'verified'), saddle(1, 1, 'verified'), saddle(2, 2, 'seed')] };
  const net = networkFromContinuum(cn, {
    lattice: [
      [a, 0, 0],
      [0, a, 0],
      [0, 0, a],
    ],
    ion: { symbol: 'Li+', charge: 1 },
    ionsPerCell: 1 / 512,
    interaction: null,
    source: 'synthetic continuum network',
    massAmu: 6.94,
  });
  const nu = vineyardFrequency([4, 4, 4], [-3, 5, 5], 6.94);

  it('turns saddle ends into offsets and gives verified hops Vineyard ν* from each end', () => {
    expect(net.hops.map((h) => h.offset)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(nu).toBeGreaterThan(1e12);
    expect(nu).toBeLessThan(1e14);
    expect(net.hops[0]!.attemptFrequencyFrom).toBe(nu);
    expect(net.hops[0]!.attemptFrequencyTo).toBe(nu);
    expect(net.hops[2]!.attemptFrequencyFrom).toBeUndefined();
    expect(net.attemptFrequency.source).toMatch(/Vineyard \(harmonic\) on 2 of 3 hops/);
  });

  it('one ion hops at ν*·exp(−0.3 eV/kT) along x and y and at the assumed 1e13 Hz along z', () => {
    const T = 600;
    const r = simulateTransport(net, { temperatures: [T], targetTracer: 0.03, targetCollective: 0.03 });
    const t = r.temperatures[0]!;
    const boltz = Math.exp(-0.3 / (BOLTZMANN_EV * T));
    // D = Σ over axes of Γ_axis·a²/3 (each axis contributes a 1D walk to MSD/6t).
    const exact = (((2 * nu + 1e13) * boltz * a * a) / 3) * 1e-16;
    expect(t.status).toBe('converged');
    expect(Math.abs(t.tracerD - exact)).toBeLessThan(4 * t.tracerDError + 0.01 * exact);
  });
});
