// A HopNetwork from the continuum network (src/network): polished minima as sites, saddles as hops, and the harmonic
// attempt frequency of each verified hop from each end by Vineyard's formula (src/critical/frequency.ts) with the
// mobile ion's mass. A hop without a Hessian (a 'seed' or 'unverified' edge keeps its grid crossing) gets the
// network's assumed frequency.
import { vineyardFrequency } from '../critical/frequency.js';
import type { ContinuumNetwork } from '../network/types.js';
import { ASSUMED_ATTEMPT_FREQUENCY, type NetworkContext } from './from-sites.js';
import type { HopNetwork, NetworkHop } from './types.js';

export function networkFromContinuum(cn: Pick<ContinuumNetwork, 'sites' | 'saddles'>, ctx: NetworkContext & { massAmu: number }): HopNetwork {
  const fallback = ctx.attemptFrequency ?? { ...ASSUMED_ATTEMPT_FREQUENCY };
  let vineyard = 0;
  const hops: NetworkHop[] = [];
  for (const s of cn.saddles) {
    const [a, b] = s.ends;
    const offset: [number, number, number] = [b.cell[0] - a.cell[0], b.cell[1] - a.cell[1], b.cell[2] - a.cell[2]];
    if (a.site === b.site && offset.every((x) => x === 0)) continue; // a loop back into its own basin moves nothing
    const hop: NetworkHop = { from: a.site, to: b.site, offset, saddleEnergy: s.energy };
    if (s.status === 'verified' && s.eigenvalues) {
      const nuFrom = vineyardFrequency(cn.sites[a.site]!.eigenvalues, s.eigenvalues, ctx.massAmu);
      const nuTo = vineyardFrequency(cn.sites[b.site]!.eigenvalues, s.eigenvalues, ctx.massAmu);
      if (Number.isFinite(nuFrom) && Number.isFinite(nuTo)) {
        hop.attemptFrequencyFrom = nuFrom;
        hop.attemptFrequencyTo = nuTo;
        vineyard++;
      }
    }
    hops.push(hop);
  }
  return {
    lattice: ctx.lattice,
    sites: cn.sites.map((s) => ({ frac: [s.frac[0], s.frac[1], s.frac[2]], energy: s.energy })),
    hops,
    ion: ctx.ion,
    ionsPerCell: ctx.ionsPerCell,
    attemptFrequency: {
      hz: fallback.hz,
      source: `Vineyard (harmonic) on ${vineyard} of ${hops.length} hops; the rest ${fallback.source}`,
    },
    interaction: ctx.interaction,
    source: ctx.source,
  };
}
