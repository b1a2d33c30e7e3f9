import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/build.js';
import { gridForResolution } from '../../src/grid/index.js';
import { criticalSearch } from '../../src/network/bvse.js';
import { certifyThresholds, type CertifiableField, type KnownPoint } from '../../src/network/certify.js';
import type { ContinuumNetwork } from '../../src/network/types.js';
import { sampleGrid, separableField } from './helpers.js';

// E = Σ −K_i·cos(2π u_i) on an orthorhombic cell: 8 critical points per cell (a minimum, three index-1 saddles with
// barriers 2K_i, three index-2 saddles, a maximum). Its bounds over a ball: the Hessian is diagonal with entries
// K·w²·cos, the third derivative diagonal with K·w³·sin (a diagonal trilinear form has norm max |c_i|).
const edges: [number, number, number] = [4.1, 4.3, 4.5];
const K: [number, number, number] = [0.2, 0.2475, 0.4];
const base = separableField(edges, K);
const w = edges.map((a) => (2 * Math.PI) / a);
const field: CertifiableField & typeof base = Object.assign(base, {
  ballBounds: () => ({
    lower: -Infinity,
    hessian: Math.max(...K.map((k, i) => k * w[i]! ** 2)),
    third: Math.max(...K.map((k, i) => k * w[i]! ** 3)),
    jump: 0,
  }),
});
const grid = gridForResolution(edges, 0.2);
const net = buildNetwork(field, criticalSearch, grid, sampleGrid(field, [grid.nx, grid.ny, grid.nz]));
const thresholds = (n: ContinuumNetwork) => ({
  '1D': n.barriers['1D']?.threshold ?? null,
  '2D': n.barriers['2D']?.threshold ?? null,
  '3D': n.barriers['3D']?.threshold ?? null,
});
const sigma = (ev: readonly number[]) => Math.min(...ev.map(Math.abs));
const known = (n: ContinuumNetwork, skip = -1): KnownPoint[] => [
  ...n.sites.map((s) => ({ cart: s.cart, sigma: sigma(s.eigenvalues) })),
  ...n.saddles.filter((s) => s.status === 'verified' && s.id !== skip).map((s) => ({ cart: s.cart, sigma: sigma(s.eigenvalues!) })),
];

describe('certifyThresholds on a synthetic periodic field', () => {
  const eMin = -(K[0] + K[1] + K[2]);

  it('closes the bracket when every minimum and index-1 saddle is known', () => {
    const t = thresholds(net);
    expect(t['1D']).toBeCloseTo(eMin + 2 * K[0], 9);
    const cert = certifyThresholds(field, t, known(net));
    expect(cert.exhausted).toBe(false);
    for (const d of ['1D', '2D', '3D'] as const) {
      expect(cert.certified[d]).toBe(true);
      expect(cert.lowerBounds[d]!).toBeLessThanOrEqual(t[d]!);
      expect(t[d]! - cert.lowerBounds[d]!).toBeLessThanOrEqual(0.002);
    }
    // The blocks around the minimum and the saddles are excluded as holding only the known point.
    expect(cert.excluded.known).toBeGreaterThan(0);
  });

  it('does not certify when the 1D bottleneck saddle is withheld', () => {
    const b1 = net.barriers['1D']!;
    // Without the x saddle the network's 1D threshold is the y saddle's, 2D the z saddle's, and 3D none.
    const t = { '1D': eMin + 2 * K[1], '2D': eMin + 2 * K[2], '3D': null };
    const cert = certifyThresholds(field, t, known(net, b1.saddle));
    expect(cert.certified['1D']).toBe(false);
    // The lower bound reaches down to the withheld saddle's energy (and stays a bound: ≤ its energy).
    expect(cert.lowerBounds['1D']!).toBeLessThanOrEqual(eMin + 2 * K[0] + 1e-9);
    expect(cert.lowerBounds['1D']!).toBeLessThan(t['1D'] - 0.002);
    expect(cert.lowest).not.toBeNull();
  });
});
