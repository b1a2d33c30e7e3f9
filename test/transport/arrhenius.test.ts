// The Arrhenius fit and the kMC's temperature dependence: a known barrier comes back as Ea, the same seed gives the
// same numbers, and slowing fast hops (both directions alike) leaves the diffusion coefficient unchanged.
import { describe, expect, it } from 'vitest';
import { fitArrhenius, simulateTransport, type HopNetwork } from '../../src/transport/index.js';
import { BOLTZMANN_EV } from '../../src/transport/rates.js';
import { cubicNetwork, syntheticNetwork } from './lattices.js';

describe('fitArrhenius', () => {
  it('recovers Ea and the prefactor of exact data, R² = 1', () => {
    const pts = [300, 400, 500, 600, 700].map((T) => ({ temperatureK: T, sigma: (5e4 / T) * Math.exp(-0.42 / (BOLTZMANN_EV * T)), sigmaError: 0 }));
    const f = fitArrhenius(pts)!;
    expect(f.ea).toBeCloseTo(0.42, 10);
    expect(f.prefactor).toBeCloseTo(5e4, 4);
    expect(f.r2).toBeCloseTo(1, 10);
  });
  it('leaves out non-positive σ and needs two points', () => {
    expect(
      fitArrhenius([
        { temperatureK: 300, sigma: 1, sigmaError: 0.1 },
        { temperatureK: 400, sigma: 0, sigmaError: 0 },
      ]),
    ).toBeNull();
  });
});

/** Cages of two sites 0.8 Å apart (a rattle over 0.14 eV) on a simple-cubic lattice of cages, 0.3 eV apart. */
function cageNetwork(): HopNetwork {
  const a = 4;
  const d = 0.1; // fractional half-separation of the pair along x
  return syntheticNetwork(
    [a, a, a],
    [
      { frac: [0.5 - d, 0.5, 0.5], energy: 0 },
      { frac: [0.5 + d, 0.5, 0.5], energy: 0.02 },
    ],
    [
      { from: 0, to: 1, offset: [0, 0, 0], saddleEnergy: 0.14 },
      { from: 1, to: 0, offset: [1, 0, 0], saddleEnergy: 0.3 },
      { from: 0, to: 0, offset: [0, 1, 0], saddleEnergy: 0.3 },
      { from: 1, to: 1, offset: [0, 0, 1], saddleEnergy: 0.32 },
    ],
    { ionsPerCell: 0.1, source: 'synthetic cages' },
  );
}

describe('simulateTransport over temperatures', { timeout: 180_000 }, () => {
  it('one ion on a simple-cubic lattice: the Arrhenius Ea of σT is the hop barrier', () => {
    const net = cubicNetwork({ a: 2.5, axes: [0, 1, 2], barrier: 0.25, ionsPerCell: 1 / 512 });
    const r = simulateTransport(net, { targetTracer: 0.04, targetCollective: 0.04 });
    expect(r.status).toBe('ok');
    const f = r.arrhenius!;
    expect(f.temperaturesK).toEqual([300, 400, 500, 600, 700]);
    expect(Math.abs(f.ea - 0.25)).toBeLessThan(Math.max(3 * f.eaError, 0.01));
    expect(f.r2).toBeGreaterThan(0.99);
  });

  it('the same seed gives the same numbers; another seed different ones', () => {
    const net = cubicNetwork({ a: 2.5, axes: [0, 1, 2], barrier: 0.25, ionsPerCell: 0.3 });
    const opts = { temperatures: [400, 600], minSupercellA: 10, targetTracer: 0.1, targetCollective: 0.3 };
    const a = simulateTransport(net, { ...opts, seed: 7 });
    const b = simulateTransport(net, { ...opts, seed: 7 });
    const c = simulateTransport(net, { ...opts, seed: 8 });
    const pick = (r: typeof a) => r.temperatures.map((t) => [t.steps, t.tracerD, t.collectiveD, t.sigma]);
    expect(pick(a)).toEqual(pick(b));
    expect(pick(c)).not.toEqual(pick(a));
  });

  it('slowing the fast rattle inside cages does not change D (detailed balance is kept)', () => {
    const net = cageNetwork();
    // Unslowed, the rattle is ~500 times faster than a hop out of the cage at 300 K; slowed, 20 times.
    const opts = { temperatures: [300], targetTracer: 0.03, targetCollective: 0.5, maxSteps: 10_000_000 };
    const exact = simulateTransport(net, { ...opts, fastHopRatio: Infinity });
    const slowed = simulateTransport(net, { ...opts, fastHopRatio: 20 });
    const [te, ts] = [exact.temperatures[0]!, slowed.temperatures[0]!];
    expect(te.status).toBe('converged');
    expect(ts.status).toBe('converged');
    expect(ts.slowedHops).toBe(2);
    expect(ts.steps).toBeLessThan(te.steps / 5);
    expect(Math.abs(te.tracerD - ts.tracerD)).toBeLessThan(4 * Math.hypot(te.tracerDError, ts.tracerDError));
  });
});
