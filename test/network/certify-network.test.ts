// certifyNetwork closes the bracket by searching where the block cover could not exclude a missing critical point
// (docs/continuum.md, "Certification"): a saddle withheld from the network is found again and the right barrier
// certified.
import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/build.js';
import { gridForResolution } from '../../src/grid/index.js';
import { criticalSearch } from '../../src/network/bvse.js';
import { certifyNetwork } from '../../src/network/certify-network.js';
import type { CertifiableField } from '../../src/network/certify.js';
import { networkThresholds } from '../../src/network/thresholds.js';
import type { ContinuumNetwork } from '../../src/network/types.js';
import type { Vec3 } from '../../src/network/geometry.js';
import { sampleGrid, separableField } from './helpers.js';

type Bump = { axis: 0 | 1 | 2; height: number; width: number };

/**
 * The separable field of helpers.ts with bounds over any ball: its Hessian is diagonal with entries K·w²·cos (+ the
 * bump's g″), its third derivative diagonal with K·w³·sin (+ g‴); a diagonal form's norm is its largest entry. The
 * bump's |g″| and |g‴| maxima are found on a fine grid of the Gaussian and padded by 5 %.
 */
function certifiable(edges: Vec3, K: Vec3, bump?: Bump) {
  const base = separableField(edges, K, bump);
  const w = edges.map((a) => (2 * Math.PI) / a);
  let g2 = 0,
    g3 = 0;
  if (bump) {
    const s = bump.width,
      h = bump.height;
    for (let d = 0; d <= 5 * s; d += s / 1000) {
      const e = h * Math.exp(-(d * d) / (s * s));
      g2 = Math.max(g2, Math.abs(e * ((4 * d * d) / s ** 4 - 2 / (s * s))));
      g3 = Math.max(g3, Math.abs(e * ((12 * d) / s ** 4 - (8 * d ** 3) / s ** 6)));
    }
  }
  const hessian = 1.05 * Math.max(...K.map((k, i) => k * w[i]! ** 2 + (bump?.axis === i ? g2 : 0)));
  const third = 1.05 * Math.max(...K.map((k, i) => k * w[i]! ** 3 + (bump?.axis === i ? g3 : 0)));
  const field: CertifiableField & typeof base = Object.assign(base, { ballBounds: () => ({ lower: -Infinity, hessian, third, jump: 0 }) });
  return field;
}

/** A copy of `net` without saddle `id` (the others renumbered), its thresholds swept again. */
function withhold(net: ContinuumNetwork, id: number): ContinuumNetwork {
  const saddles = net.saddles.filter((s) => s.id !== id).map((s, i) => ({ ...s, id: i }));
  const sites = net.sites.map((s) => ({ ...s }));
  const t = networkThresholds(sites, saddles);
  return { ...net, sites, saddles, eMin: t.eMin, minSite: t.minSite, barriers: t.barriers, timingsMs: { ...net.timingsMs } };
}

function network(edges: Vec3, K: Vec3, bump?: Bump) {
  const field = certifiable(edges, K, bump);
  const grid = gridForResolution(edges, 0.2);
  const net = buildNetwork(field, criticalSearch, grid, sampleGrid(field, [grid.nx, grid.ny, grid.nz]), { polishAll: true });
  return { field, net };
}

describe('certifyNetwork: a withheld saddle is found again', () => {
  const K: Vec3 = [0.2, 0.2475, 0.4];
  const eMin = -(K[0] + K[1] + K[2]);

  it('without search rounds the bracket stays open; with them the 1D saddle is found and certified', () => {
    const { field, net } = network([4.1, 4.3, 4.5], K);
    const x = net.barriers['1D']!.saddle;
    expect(net.barriers['1D']!.threshold).toBeCloseTo(eMin + 2 * K[0], 9);

    const bare = withhold(net, x);
    // Without the x saddle the network's 1D threshold is the y saddle's.
    expect(bare.barriers['1D']!.threshold).toBeCloseTo(eMin + 2 * K[1], 9);
    certifyNetwork(field, criticalSearch, bare, { maxRounds: 0 });
    expect(bare.barriers['1D']!.certified).toBe(false);
    expect(bare.certificate!.rounds).toBe(0);

    const healed = withhold(net, x);
    certifyNetwork(field, criticalSearch, healed);
    const c = healed.certificate!;
    expect(c.rounds).toBeGreaterThanOrEqual(1);
    expect(c.found.saddles).toBeGreaterThanOrEqual(1);
    expect(c.exhausted).toBe(false);
    const b1 = healed.barriers['1D']!;
    expect(b1.threshold).toBeCloseTo(eMin + 2 * K[0], 9);
    expect(b1.certified).toBe(true);
    expect(b1.threshold - b1.lowerBound!).toBeLessThanOrEqual(0.002);
    // The bottleneck is the x saddle again: at x = 1/2, unstable along x, joining copies one cell apart along a.
    const s = healed.saddles[b1.saddle]!;
    expect(s.status).toBe('verified');
    expect(s.frac[0]! - Math.floor(s.frac[0]!)).toBeCloseTo(0.5, 6);
    expect(Math.abs(s.unstable![0])).toBeCloseTo(1, 6);
    expect(Math.abs(s.ends[1].cell[0] - s.ends[0].cell[0])).toBe(1);
    for (const d of ['2D', '3D'] as const) {
      expect(healed.barriers[d]!.threshold).toBeCloseTo(net.barriers[d]!.threshold, 9);
      expect(healed.barriers[d]!.certified).toBe(true);
    }
    expect(healed.timingsMs.certification).toBeGreaterThan(0);
  });

  it('two competing saddles 0.005 eV apart: with the lower one withheld, the search finds it and certifies 0.495, not 0.500', () => {
    // Barriers x 0.400 + a 0.1 eV bump = 0.500, y 0.495, z 0.800 (test/network/build.test.ts).
    const { field, net } = network([4.1, 4.3, 4.5], K, { axis: 0, height: 0.1, width: 0.15 });
    const y = net.barriers['1D']!;
    expect(y.barrier).toBeCloseTo(0.495, 6);

    const trap = withhold(net, y.saddle);
    expect(trap.barriers['1D']!.barrier).toBeCloseTo(0.5, 6);
    certifyNetwork(field, criticalSearch, trap, { maxRounds: 0 });
    // The bracket does not close on the wrong saddle: the lower bound reaches the withheld one.
    expect(trap.barriers['1D']!.certified).toBe(false);
    expect(trap.barriers['1D']!.lowerBound!).toBeLessThanOrEqual(eMin + 0.495 + 1e-9);

    const healed = withhold(net, y.saddle);
    certifyNetwork(field, criticalSearch, healed);
    const b1 = healed.barriers['1D']!;
    expect(b1.barrier).toBeCloseTo(0.495, 6);
    expect(b1.certified).toBe(true);
    expect(b1.lowerBound!).toBeGreaterThan(eMin + 0.495 - 0.002);
    expect(Math.abs(healed.saddles[b1.saddle]!.unstable![1])).toBeCloseTo(1, 6);
    expect(healed.barriers['2D']!.barrier).toBeCloseTo(0.5, 6);
    expect(healed.barriers['2D']!.certified).toBe(true);
    expect(healed.certificate!.found.saddles).toBeGreaterThanOrEqual(1);
  });

  it('a complete network certifies with no search round', () => {
    const { field, net } = network([4.1, 4.3, 4.5], K, { axis: 0, height: 0.1, width: 0.15 });
    const before = net.saddles.length;
    certifyNetwork(field, criticalSearch, net);
    expect(net.certificate!.rounds).toBe(0);
    expect(net.saddles).toHaveLength(before);
    for (const d of ['1D', '2D', '3D'] as const) expect(net.barriers[d]!.certified).toBe(true);
  });
});
