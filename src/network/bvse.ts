// The continuum network of one BVSE framework: its analytic field (src/critical), the searches on it, the network
// seeded from a grid of that framework, and the harmonic attempt frequency of each barrier's bottleneck.
import type { Framework } from '../bvse/framework.js';
import { createAnalyticField, findMinimum, findSaddle, verifySaddle, vineyardFrequency, type ScalarField } from '../critical/index.js';
import type { GridSpec } from '../grid/index.js';
import type { PercolationResult } from '../percolation/index.js';
import { atomicWeight } from '../structure/masses.js';
import { buildNetwork, type NetworkOptions } from './build.js';
import { certifyNetwork, type CertifyNetworkOptions } from './certify-network.js';
import type { CriticalSearch } from './search.js';
import type { ContinuumNetwork } from './types.js';

/** src/critical's searches in the shape the network takes. */
export const criticalSearch: CriticalSearch<ScalarField> = {
  findMinimum: (field, start, known) => findMinimum(field, start, known ? { known } : {}),
  findSaddle: (field, start, opts) => findSaddle(field, start, opts.guessDirection ? { guessDirection: opts.guessDirection } : {}),
  verifySaddle(field, saddle, known) {
    const v = verifySaddle(field, saddle, known ? { known } : {});
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
  opts: NetworkOptions & { percolation?: PercolationResult; certify?: boolean | CertifyNetworkOptions } = {},
): ContinuumNetwork {
  const field = createAnalyticField(fw);
  const net = buildNetwork(field, criticalSearch, grid, energies, opts.certify ? { ...opts, polishAll: true } : opts);
  if (opts.certify) certifyNetwork(field, criticalSearch, net, opts.certify === true ? {} : opts.certify);
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
