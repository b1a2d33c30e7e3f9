// Parameter look-ups over the versioned JSON tables in ./data (sources cited inside each file;
// regenerate them with ./data/generate-params.mjs). Plain data, no I/O: works in Node and in the browser.
import pairsTable from './data/bvse-pairs.json';
import elementsTable from './data/elements.json';
import softbvPairsTable from './data/softbv-bvse-params.json';
import softbvElementsTable from './data/softbv-elements.json';
import { MissingBvParamError } from '../errors.js';
import { formatIon } from './ion.js';

export interface Ion {
  element: string;
  oxidation: number;
}

/** Morse parameters of one (cation, anion) pair. */
export interface MorseParams {
  /** Bond-valence R0 (Å); not used by the energy, kept for reference. */
  r0: number;
  /** Distance of the Morse minimum (Å). */
  rmin: number;
  /** Steepness (1/Å), 1/b. */
  alpha: number;
  /** Bond-breaking energy (eV). */
  d0: number;
}

export interface ElementData {
  symbol: string;
  Z: number;
  /** Principal quantum number (row of the periodic table); null where the table has none. */
  n: number | null;
  /** Covalent radius (Å), Cordero et al. 2008. */
  rcov: number;
}

export interface SoftbvIonData {
  symbol: string;
  oxidation: number;
  /** Principal quantum number. */
  n: number;
  /** softBV's radius (Å) for the Coulomb screening length. */
  radius: number;
  /** Block of the periodic table: 1 s/p, 2 d, 3 f. */
  block: number;
  /** softBV's absolute softness σ (enters the derivation of missing pairs, derive-params.ts). */
  softness: number;
}

const key = (cation: string, cationOx: number, anion: string, anionOx: number) => `${cation}${cationOx}|${anion}${anionOx}`;

const pairs = new Map<string, MorseParams>();
for (const row of pairsTable.rows) {
  const [cation, cox, anion, aox, r0, rmin, alpha, d0] = row as [string, number, string, number, number, number, number, number];
  pairs.set(key(cation, cox, anion, aox), { r0, rmin, alpha, d0 });
}

const softbvPairs = new Map<string, MorseParams & { b: number; nc: number; rcut: number }>();
for (const row of softbvPairsTable.rows) {
  const [cation, cox, anion, aox, r0, b, nc, rcut, d0, rmin] = row as [string, number, string, number, number, number, number, number, number, number];
  // Adams & Rao 2011: the Morse steepness is the inverse bond-valence softness parameter, alpha = 1/b.
  softbvPairs.set(key(cation, cox, anion, aox), { r0, rmin, alpha: 1 / b, d0, b, nc, rcut });
}

const elements = new Map<string, ElementData>();
for (const row of elementsTable.rows) {
  const [symbol, Z, n, rcov] = row as [string, number, number | null, number];
  elements.set(symbol, { symbol, Z, n, rcov });
}

const softbvIons = new Map<string, SoftbvIonData>();
for (const row of softbvElementsTable.rows) {
  const [symbol, , oxidation, n, radius, block, softness] = row as [string, number, number, number, number, number, number];
  const k = `${symbol}${oxidation}`;
  // elements.dat lists a few ions twice (e.g. C2 with identical data); the first entry wins.
  if (!softbvIons.has(k)) softbvIons.set(k, { symbol, oxidation, n, radius, block, softness });
}

/** Orders a (mobile, partner) pair as (cation, anion); undefined when both have the same sign. */
function orient(mobile: Ion, partner: Ion): [Ion, Ion] | undefined {
  if (mobile.oxidation > 0 && partner.oxidation < 0) return [mobile, partner];
  if (mobile.oxidation < 0 && partner.oxidation > 0) return [partner, mobile];
  return undefined;
}

/**
 * BVSE Morse parameters for a mobile ion and a counter-ion of opposite charge (either may be the
 * cation), from the softBV set as bvlain distributes it. Undefined when the table has no such pair.
 */
export function findPair(mobile: Ion, partner: Ion): MorseParams | undefined {
  const o = orient(mobile, partner);
  return o ? pairs.get(key(o[0].element, o[0].oxidation, o[1].element, o[1].oxidation)) : undefined;
}

/** As findPair, but throws MissingBvParamError ("no BVSE parameters for Li+ with Te2-"). */
export function pairParams(mobile: Ion, partner: Ion): MorseParams {
  const p = findPair(mobile, partner);
  if (!p) throw missingPair(mobile, partner);
  return p;
}

/** Parameters from softBV's BVSEParam.dat (oxides and a few sulfides/nitrides), alpha = 1/b. */
export function findSoftbvPair(mobile: Ion, partner: Ion): (MorseParams & { b: number; nc: number; rcut: number }) | undefined {
  const o = orient(mobile, partner);
  return o ? softbvPairs.get(key(o[0].element, o[0].oxidation, o[1].element, o[1].oxidation)) : undefined;
}

export function missingPair(mobile: Ion, partner: Ion): MissingBvParamError {
  const m = formatIon(mobile.element, mobile.oxidation);
  const p = formatIon(partner.element, partner.oxidation);
  const known = knownPartners(mobile);
  if (known.length === 0) return new MissingBvParamError(m, p, `${m} has no BVSE parameters at all`);
  const list = known.length > 12 ? `${known.slice(0, 12).join(', ')}, ... (${known.length} in all)` : known.join(', ');
  return new MissingBvParamError(m, p, `known counter-ions of ${m}: ${list}`, { hint: { kind: 'check-oxidation-state', species: p } });
}

/** Counter-ions that have parameters with this mobile ion, formatted ("O2-", "S2-", ...). */
export function knownPartners(mobile: Ion): string[] {
  const out: string[] = [];
  for (const row of pairsTable.rows) {
    const [cation, cox, anion, aox] = row as [string, number, string, number];
    if (mobile.oxidation > 0 && cation === mobile.element && cox === mobile.oxidation) out.push(formatIon(anion, aox));
    if (mobile.oxidation < 0 && anion === mobile.element && aox === mobile.oxidation) out.push(formatIon(cation, cox));
  }
  return out;
}

/** Every tabulated (cation, anion) row with its parameters, in table order. */
export function tabulatedPairRows(): { cation: Ion; anion: Ion; params: MorseParams }[] {
  return pairsTable.rows.map((row) => {
    const [cation, cox, anion, aox] = row as [string, number, string, number];
    return { cation: { element: cation, oxidation: cox }, anion: { element: anion, oxidation: aox }, params: pairs.get(key(cation, cox, anion, aox))! };
  });
}

/** Oxidation states with which an element appears as a mobile ion in the pair table (cations and anions). */
export function tabulatedCharges(element: string): number[] {
  const out = new Set<number>();
  for (const row of pairsTable.rows) {
    const [cation, cox, anion, aox] = row as [string, number, string, number];
    if (cation === element) out.add(cox);
    if (anion === element) out.add(aox);
  }
  return [...out].sort((a, b) => a - b);
}

export function elementData(symbol: string): ElementData | undefined {
  return elements.get(symbol);
}

/** softBV's data for an ion; undefined when elements.dat has no entry for that (element, oxidation state). */
export function softbvIon(symbol: string, oxidation: number): SoftbvIonData | undefined {
  return softbvIons.get(`${symbol}${oxidation}`);
}

/** All softBV entries of one element (any oxidation state). */
export function softbvIonsOf(symbol: string): SoftbvIonData[] {
  return [...softbvIons.values()].filter((d) => d.symbol === symbol);
}

/** Every ion of softBV's elements.dat (first entry per element and charge). */
export function allSoftbvIons(): SoftbvIonData[] {
  return [...softbvIons.values()];
}

export const PARAM_SOURCES = {
  pairs: pairsTable.source,
  elements: elementsTable.source,
  softbvPairs: softbvPairsTable.source,
  softbvElements: softbvElementsTable.source,
};
