// Bond valences: Brown's R0/b parameters (via softBV's table, Chen & Adams 2017), the periodic
// bonded-neighbour search over a structure's sites, and bond-valence sums. The oxidation-state
// assignment (oxidation/) scores candidate states with these.
import bvData from './data/bond-valence.json';
import { forEachPeriodicPair } from '../structure/cell-list.js';
import type { Structure } from '../structure/types.js';

/** Bonds shorter than this (Å) without parameters count as missing parameters. */
export const MISSING_PARAM_DISTANCE = 3.2;
/** Species closer than this (Å) share a position (mixed or split sites): same sign, never a bond. */
export const COINCIDENT = 0.5;
/** Bond cutoff: max over the pairs in play of R0 + 4b (bond valence < 2 % of a typical bond), clamped to [3.5, 5] Å. */
export const CUTOFF_MIN = 3.5;
export const CUTOFF_MAX = 5.0;

type BvTable = Record<string, Record<string, Record<string, [number, number]>>>;
const BV: BvTable = bvData.bondValence.params as unknown as BvTable;

/**
 * R0/b for a cation in a given valence with an anion: the tabulated valence (rounded), else the
 * valence-independent entry (key 9), else null. No borrowing from other valences: a state without
 * parameters then scores as unknown instead of inheriting another state's bond lengths.
 */
export function bondValenceParams(cation: string, valence: number, anion: string): { r0: number; b: number } | null {
  const byValence = BV[cation];
  if (!byValence) return null;
  const p = byValence[String(Math.round(valence))]?.[anion] ?? byValence['9']?.[anion];
  return p ? { r0: p[0], b: p[1] } : null;
}

/** The cations of the table with the valences they are listed for (key 9: any valence). */
export function bondValenceCations(): { cation: string; valences: string[] }[] {
  return Object.entries(BV).map(([cation, byValence]) => ({ cation, valences: Object.keys(byValence) }));
}

/** Every pair of sites (a <= b) and lattice translation within `cutoff` Å: forEachPeriodicPair over the sites of s. */
export function forEachSitePair(
  s: Structure,
  cutoff: number,
  wanted: (a: number, b: number) => boolean,
  visit: (a: number, b: number, d: number) => void,
): void {
  forEachPeriodicPair(
    s.lattice,
    s.sites.map((site) => site.frac),
    cutoff,
    wanted,
    visit,
  );
}

/**
 * Bond-valence sum of every species of a structure whose states are set (e.g. the output of
 * assignOxidationStates): result[site][species], occupancy-weighted over neighbours of opposite sign,
 * NaN where a bond lacks parameters. Same cutoff rule and periodic search as the assignment.
 */
export function bondValenceSums(s: Structure): number[][] {
  const out = s.sites.map((site) => site.species.map(() => 0));
  let cutoff = CUTOFF_MIN;
  const ionMap = new Map<string, readonly [string, number]>();
  for (const site of s.sites) for (const sp of site.species) ionMap.set(`${sp.element}${sp.oxidation}`, [sp.element, sp.oxidation ?? 0]);
  const ions = [...ionMap.values()];
  for (const [ca, qa] of ions)
    for (const [an, qb] of ions) {
      if (!(qa > 0 && qb < 0)) continue;
      const p = bondValenceParams(ca, qa, an);
      if (p) cutoff = Math.max(cutoff, p.r0 + 4 * p.b);
    }
  cutoff = Math.min(cutoff, CUTOFF_MAX);
  const add = (a: number, b: number, d: number) => {
    s.sites[a]!.species.forEach((x, i) => {
      for (const y of s.sites[b]!.species) {
        const qx = x.oxidation ?? 0;
        const qy = y.oxidation ?? 0;
        if (!(qx * qy < 0)) continue;
        const p = qx > 0 ? bondValenceParams(x.element, qx, y.element) : bondValenceParams(y.element, qy, x.element);
        const row = out[a]!;
        row[i] = p ? row[i]! + y.occupancy * Math.exp((p.r0 - d) / p.b) : d < MISSING_PARAM_DISTANCE ? NaN : row[i]!;
      }
    });
  };
  forEachSitePair(
    s,
    cutoff,
    () => true,
    (a, b, d) => {
      if (d < COINCIDENT) return;
      add(a, b, d);
      if (a !== b) add(b, a, d);
    },
  );
  return out;
}
