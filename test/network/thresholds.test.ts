// networkThresholds on hand-made periodic networks: which saddles make a barrier, and how an unverified hop is
// reported (docs/continuum.md, "The network", step 6).
import { describe, expect, it } from 'vitest';
import { networkThresholds } from '../../src/network/thresholds.js';
import type { NetworkSaddle, NetworkSite, SaddleStatus } from '../../src/network/types.js';
import type { IVec3 } from '../../src/percolation/types.js';

const site = (id: number, energy: number, frac: [number, number, number]): NetworkSite => ({
  id,
  frac,
  cart: frac,
  energy,
  eigenvalues: [1, 1, 1],
  converged: true,
  gridEnergy: energy,
});

/** A saddle from site `a` (home cell) to site `b` in cell `cell`. */
const saddle = (id: number, energy: number, status: SaddleStatus, a: number, b: number, cell: IVec3): NetworkSaddle => ({
  id,
  status,
  frac: [0.5, 0.5, 0.5],
  cart: [0.5, 0.5, 0.5],
  energy,
  eigenvalues: status === 'verified' ? [-1, 1, 1] : null,
  unstable: status === 'verified' ? [1, 0, 0] : null,
  ends: [
    { site: a, cell: [0, 0, 0] },
    { site: b, cell },
  ],
  seedEnergy: energy,
});

// One site per cell; a chain along a (verified, 0.3 eV), along b through an unverified hop (0.5 eV), along c through a
// verified one at 0.8 eV: the verified hops alone percolate in 1D (a) and 2D (a, c), never in 3D.
const sites = [site(0, 0, [0, 0, 0])];

describe('networkThresholds', () => {
  it('sweeps only verified and seed hops; an unverified hop below a threshold is named', () => {
    const t = networkThresholds(sites, [
      saddle(0, 0.3, 'verified', 0, 0, [1, 0, 0]),
      saddle(1, 0.5, 'unverified', 0, 0, [0, 1, 0]),
      saddle(2, 0.8, 'verified', 0, 0, [0, 0, 1]),
      saddle(3, 0.9, 'seed', 0, 0, [0, 1, 0]),
    ]);
    expect(t.barriers['1D']).toMatchObject({ barrier: 0.3, saddle: 0 });
    expect(t.barriers['1D']!.unverifiedBelow).toBeUndefined();
    // 2D from the verified c hop; the unverified b hop (0.5) would give it lower.
    expect(t.barriers['2D']).toMatchObject({ barrier: 0.8, saddle: 2, unverifiedBelow: 1 });
    // 3D needs b: the seed hop at 0.9 closes it without the unverified one.
    expect(t.barriers['3D']).toMatchObject({ saddle: 3 });
    expect(t.barriers['3D']!.barrier).toBeCloseTo(0.9, 6);
    expect(t.barriers['3D']!.viaUnverified).toBeUndefined();
  });

  it('a dimension that percolates only through unverified hops gets their threshold, flagged, not "no path"', () => {
    const t = networkThresholds(sites, [saddle(0, 0.3, 'verified', 0, 0, [1, 0, 0]), saddle(1, 0.5, 'unverified', 0, 0, [0, 1, 0])]);
    expect(t.barriers['1D']!.viaUnverified).toBeUndefined();
    expect(t.barriers['2D']).toMatchObject({ barrier: 0.5, saddle: 1, viaUnverified: true, certified: false });
    expect(t.barriers['3D']).toBeNull();
  });
});
