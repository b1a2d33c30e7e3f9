// The oxidation states a calculation used, in the shape users read and tools parse:
// {"Li": 1, "P": 5, "S": -2}; an element with several states (mixed valence, or a mixed site whose
// species differ in charge) lists them, and then the per-site values say which site has which.
import type { Structure } from '../../structure/types.js';
import { composition, sortedElements } from '../../structure/composition.js';
import { formatIon } from '../ion.js';

export interface OxidationStatesUsed {
  /** Element -> its state; a sorted list where the element takes several. Elements in formula order. */
  states: Record<string, number | number[]>;
  /**
   * Only when some element takes several states: site label -> element -> state (a label whose copies
   * differ gets "#i", i its index in the structure's site list). Null otherwise.
   */
  bySite: Record<string, Record<string, number>> | null;
}

/** Summarises the `oxidation` of every species of a structure (states not set are left out). */
export function oxidationStatesUsed(s: Structure): OxidationStatesUsed {
  const byElement = new Map<string, Set<number>>();
  for (const site of s.sites)
    for (const sp of site.species) {
      if (sp.oxidation === null) continue;
      if (!byElement.has(sp.element)) byElement.set(sp.element, new Set());
      byElement.get(sp.element)!.add(sp.oxidation);
    }
  const states: Record<string, number | number[]> = {};
  let several = false;
  for (const el of sortedElements(composition(s))) {
    const qs = [...(byElement.get(el) ?? [])].sort((a, b) => a - b);
    if (qs.length === 0) continue;
    if (qs.length > 1) several = true;
    states[el] = qs.length === 1 ? qs[0]! : qs;
  }
  if (!several) return { states, bySite: null };
  const bySite: Record<string, Record<string, number>> = {};
  s.sites.forEach((site, i) => {
    const entry: Record<string, number> = {};
    for (const sp of site.species) if (sp.oxidation !== null) entry[sp.element] = sp.oxidation;
    const prev = bySite[site.label];
    const same = prev && JSON.stringify(prev) === JSON.stringify(entry);
    if (!prev) bySite[site.label] = entry;
    else if (!same) bySite[`${site.label}#${i}`] = entry;
  });
  return { states, bySite };
}

/**
 * The anions of a structure whose states are set, as ion labels ("Cl-", "S2-"), sorted: the mobile ions that
 * `--anions` (screen) and the page's "anions too" add.
 */
export function anionsOf(s: Structure): string[] {
  const anions = new Set<string>();
  for (const site of s.sites) for (const sp of site.species) if (sp.oxidation !== null && sp.oxidation < 0) anions.add(formatIon(sp.element, sp.oxidation));
  return [...anions].sort();
}
