// Adapters into a HopNetwork: the grid's basins and hops (src/percolation/basins.ts) or the crystallographic sites
// they are merged into (src/sites/classify.ts), and the structure's mobile-ion content and mobile–mobile repulsion.
import { mobilePairType } from '../bvse/build-framework.js';
import { DEFAULT_MODEL, getModel } from '../bvse/model.js';
import { pairEnergy as bvsePairEnergy } from '../bvse/pair.js';
import type { BuildFrameworkOptions } from '../bvse/build-framework.js';
import type { Structure } from '../structure/types.js';
import { ASSUMED_ATTEMPT_FREQUENCY_HZ } from './rates.js';
import type { HopNetwork, IVec3, MobileInteraction } from './types.js';

/** What both findBasins' network and classifySites' merged network provide. */
export interface SitesAndHops {
  sites: readonly { frac: ArrayLike<number>; energy: number }[];
  hops: readonly { from: number; to: number; offset: ArrayLike<number>; energy: number }[];
}

export interface NetworkContext {
  /** Lattice vectors as rows (Å). */
  lattice: [IVec3, IVec3, IVec3];
  ion: { symbol: string; charge: number };
  ionsPerCell: number;
  interaction: MobileInteraction | null;
  /** Default: ASSUMED_ATTEMPT_FREQUENCY_HZ, named 'assumed'. */
  attemptFrequency?: { hz: number; source: string };
  source: string;
}

export const ASSUMED_ATTEMPT_FREQUENCY = {
  hz: ASSUMED_ATTEMPT_FREQUENCY_HZ,
  source: 'assumed: 1e13 Hz, the customary phonon-scale attempt frequency (grid sites carry no curvature)',
} as const;

/** A HopNetwork from grid sites and hops: the hop's crossing energy is its saddle, every ν* the assumed one. */
export function networkFromSites(net: SitesAndHops, ctx: NetworkContext): HopNetwork {
  return {
    lattice: ctx.lattice,
    sites: net.sites.map((s) => ({ frac: [s.frac[0]!, s.frac[1]!, s.frac[2]!], energy: s.energy })),
    hops: net.hops.map((h) => ({ from: h.from, to: h.to, offset: [h.offset[0]!, h.offset[1]!, h.offset[2]!], saddleEnergy: h.energy })),
    ion: ctx.ion,
    ionsPerCell: ctx.ionsPerCell,
    attemptFrequency: ctx.attemptFrequency ?? { ...ASSUMED_ATTEMPT_FREQUENCY },
    interaction: ctx.interaction,
    source: ctx.source,
  };
}

/** Occupancy-weighted number of atoms of `element` per cell. */
export function mobileIonsPerCell(s: Structure, element: string): number {
  let n = 0;
  for (const site of s.sites) for (const sp of site.species) if (sp.element === element) n += sp.occupancy;
  return n;
}

/**
 * Pairs weaker than this (eV) are left out of the mobile–mobile repulsion: 1 meV is under kT/25 at 300 K, and it
 * bounds the range the kMC updates after each hop (about 4.6 Å for Li+ in the bvlain model).
 */
export const INTERACTION_THRESHOLD_EV = 1e-3;

/** The model's mobile–mobile screened Coulomb pair for this structure, cut where it falls below 1 meV. */
export function mobileInteraction(s: Structure, opts: BuildFrameworkOptions): MobileInteraction {
  const t = mobilePairType(s, opts);
  const model = typeof opts.model === 'object' ? opts.model : getModel(opts.model ?? DEFAULT_MODEL);
  const maxCutoff = opts.cutoff ?? model.cutoff;
  let r = 0.5;
  while (r < maxCutoff && bvsePairEnergy(t, r) >= INTERACTION_THRESHOLD_EV) r += 0.01;
  return { k: t.k, screenA: t.screen, cutoffA: Math.min(r, maxCutoff) };
}
