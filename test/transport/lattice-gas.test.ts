// Known limits of lattice diffusion (e.g. Murch, Solid State Ionics 7, 177, 1982; Compaan & Haven 1956):
// - one particle hopping at rate Γ to each neighbour a apart: MSD = 2·d·Γ·a²·t in d dimensions, so
//   D = MSD/(6t) = Γ·a²·d/3 (the 1D chain: Γa²/3; simple cubic: Γa²);
// - a lattice gas with site exclusion at fraction c: the collective (jump) D_σ = Γa²(1 − c) exactly, the tracer
//   D* = Γa²(1 − c)·f(c) with the correlation factor f → 0.6531 as c → 1 on the simple-cubic lattice, so the
//   Haven ratio H_R = D*/D_σ = f(c);
// - single-file diffusion (a chain with exclusion): the tracer's long-time D vanishes while D_σ = Γa²(1 − c)/3.
import { describe, expect, it } from 'vitest';
import { simulateTransport } from '../../src/transport/index.js';
import { BOLTZMANN_EV } from '../../src/transport/rates.js';
import { cubicNetwork } from './lattices.js';

const T = 300;
const barrier = 0.3;
const nu = 1e13;
const gamma = nu * Math.exp(-barrier / (BOLTZMANN_EV * T));
const cm2 = 1e-16;

describe('kinetic Monte Carlo on lattices with known diffusion coefficients', { timeout: 180_000 }, () => {
  it('one ion on a 1D chain: D = Γa²/3 (MSD/6t of a 1D walk), Haven ratio 1', () => {
    const a = 3;
    // 7 cells make the 21 Å supercell; 1/7 ion per cell is one ion.
    const net = cubicNetwork({ a, axes: [0], barrier, ionsPerCell: 1 / 7, size: 25 });
    const r = simulateTransport(net, { temperatures: [T], targetTracer: 0.03, targetCollective: 0.03, maxSteps: 3_000_000 });
    expect(r.ions).toBe(1);
    const t = r.temperatures[0]!;
    expect(t.status).toBe('converged');
    const exact = ((gamma * a * a) / 3) * cm2;
    expect(Math.abs(t.tracerD - exact)).toBeLessThan(4 * t.tracerDError + 0.01 * exact);
    expect(t.tracerD).toBe(t.collectiveD);
  });

  it('one ion on a simple-cubic lattice: D = Γa² with Γ the rate per direction', () => {
    const a = 2.5;
    const net = cubicNetwork({ a, axes: [0, 1, 2], barrier, ionsPerCell: 1 / 512 });
    const r = simulateTransport(net, { temperatures: [T], targetTracer: 0.03, targetCollective: 0.03, maxSteps: 3_000_000 });
    expect(r.supercell).toEqual([8, 8, 8]);
    expect(r.ions).toBe(1);
    const t = r.temperatures[0]!;
    expect(t.status).toBe('converged');
    const exact = gamma * a * a * cm2;
    expect(Math.abs(t.tracerD - exact)).toBeLessThan(4 * t.tracerDError + 0.01 * exact);
  });

  it('simple-cubic lattice gas at c = 0.9: D_σ = Γa²(1 − c), Haven ratio = f(c) between f(1) = 0.653 and 1', () => {
    const a = 2.5;
    const c = 0.9;
    // A 5×5×5 supercell (125 sites, 112 ions) keeps the test short; f(c) is a local property.
    const net = cubicNetwork({ a, axes: [0, 1, 2], barrier, ionsPerCell: c });
    const r = simulateTransport(net, { minSupercellA: 12.5, temperatures: [T], targetTracer: 0.03, targetCollective: 0.08, maxSteps: 4_000_000 });
    const t = r.temperatures[0]!;
    expect(r.ions).toBe(Math.round(125 * c));
    expect(t.status).toBe('converged');
    const cExact = r.ions / 125;
    const dSigma = gamma * a * a * (1 - cExact) * cm2;
    expect(Math.abs(t.collectiveD - dSigma)).toBeLessThan(4 * t.collectiveDError);
    // f(0.9) on the simple-cubic lattice lies a little above f(1) = 0.6531 (Murch 1982: about 0.69).
    expect(t.havenRatio!).toBeGreaterThan(0.6);
    expect(t.havenRatio!).toBeLessThan(0.8);
  });

  it('single-file diffusion on a chain at c = 0.5: the tracer D falls far below D_σ = Γa²(1 − c)/3', () => {
    const a = 3;
    const net = cubicNetwork({ a, axes: [0], barrier, ionsPerCell: 0.5, size: 61 });
    const r = simulateTransport(net, { minSupercellA: 60, temperatures: [T], targetTracer: 0.05, targetCollective: 0.1, maxSteps: 2_000_000 });
    const t = r.temperatures[0]!;
    expect(r.supercell).toEqual([20, 1, 1]);
    const cExact = r.ions / 20;
    const dSigma = ((gamma * a * a * (1 - cExact)) / 3) * cm2;
    expect(Math.abs(t.collectiveD - dSigma)).toBeLessThan(4 * t.collectiveDError + 0.05 * dSigma);
    expect(t.havenRatio!).toBeLessThan(0.5);
  });
});
