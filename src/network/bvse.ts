// The continuum network of one BVSE framework: its analytic field (src/critical), the searches on it, the network
// seeded from a grid of that framework, and the harmonic attempt frequency of each barrier's bottleneck.
import type { Framework } from '../bvse/framework.js';
import { createAnalyticField, type AnalyticField, findMinimum, findSaddle, verifySaddle, vineyardFrequency, type ScalarField } from '../critical/index.js';
import type { GridSpec } from '../grid/index.js';
import type { PercolationResult } from '../percolation/index.js';
import { atomicWeight } from '../structure/masses.js';
import { buildNetwork, type NetworkOptions } from './build.js';
import { certifyThresholds, type CertifyOptions, type KnownPoint } from './certify.js';
import type { CriticalSearch } from './search.js';
import type { ContinuumNetwork } from './types.js';

/** src/critical's searches in the shape the network takes. */
export const criticalSearch: CriticalSearch<ScalarField> = {
  findMinimum: (field, start) => findMinimum(field, start),
  findSaddle: (field, start, opts) => findSaddle(field, start, opts.guessDirection ? { guessDirection: opts.guessDirection } : {}),
  verifySaddle(field, saddle) {
    const v = verifySaddle(field, saddle);
    return v.verified ? { ends: [v.minus.cart, v.plus.cart] } : null;
  },
};

/**
 * The network of `fw`'s continuous field, seeded from `energies` on `grid` (the framework's energies there), with
 * each barrier's attempt frequency: Vineyard's ν* of the hop from the lowest site over the bottleneck saddle.
 */
export function continuumNetwork(
  fw: Framework,
  grid: GridSpec,
  energies: Float32Array,
  opts: NetworkOptions & { percolation?: PercolationResult; certify?: boolean | CertifyOptions } = {},
): ContinuumNetwork {
  const field = createAnalyticField(fw);
  const net = buildNetwork(field, criticalSearch, grid, energies, opts.certify ? { ...opts, polishAll: true } : opts);
  if (opts.certify) certifyNetwork(field, net, opts.certify === true ? {} : opts.certify);
  const mass = atomicWeight(fw.mobile.element);
  const site = net.sites[net.minSite];
  for (const b of Object.values(net.barriers)) {
    if (!b || !site || mass === null) continue;
    const s = net.saddles[b.saddle]!;
    if (!s.eigenvalues) continue;
    const nu = vineyardFrequency(site.eigenvalues, s.eigenvalues, mass);
    if (Number.isFinite(nu)) b.attemptFrequency = nu;
  }
  return net;
}

/**
 * Brackets every barrier of `net` (docs/continuum.md, "Certification"): the lower bound min(T_d, c) from the block
 * cover, given the converged sites and verified saddles as the known critical points. A barrier is certified when the
 * bracket is within the tolerance, its bottleneck is verified and no unverified hop lies below it.
 */
export function certifyNetwork(field: AnalyticField, net: ContinuumNetwork, opts: CertifyOptions = {}): void {
  const t0 = performance.now();
  const sigma = (ev: readonly number[]) => Math.min(...ev.map(Math.abs));
  const known: KnownPoint[] = [
    ...net.sites.filter((s) => s.converged).map((s) => ({ cart: s.cart, sigma: sigma(s.eigenvalues) })),
    ...net.saddles.filter((s) => s.status === 'verified' && s.eigenvalues).map((s) => ({ cart: s.cart, sigma: sigma(s.eigenvalues!) })),
  ];
  const thresholds = {
    '1D': net.barriers['1D']?.threshold ?? null,
    '2D': net.barriers['2D']?.threshold ?? null,
    '3D': net.barriers['3D']?.threshold ?? null,
  };
  const cert = certifyThresholds(field, thresholds, known, opts);
  for (const d of ['1D', '2D', '3D'] as const) {
    const b = net.barriers[d];
    if (!b) continue;
    b.lowerBound = cert.lowerBounds[d];
    b.certified = cert.certified[d] && b.unverifiedBelow === undefined && net.saddles[b.saddle]!.status === 'verified';
  }
  net.certificate = {
    c: cert.c,
    blocks: cert.blocks,
    leaves: cert.leaves,
    exhausted: cert.exhausted,
    lowest: cert.lowest,
    excluded: cert.excluded,
  };
  net.timingsMs.certification = performance.now() - t0;
}
