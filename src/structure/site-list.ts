// Shared last step of the database-format readers (OPTIMADE, pymatgen JSON, extended XYZ): these
// formats list every atom of the cell (no symmetry to expand), so a structure is a lattice plus a
// site list. This module checks what a chemist would check (a cell with volume, finite positions,
// known elements, occupancies that fit on a site) and builds the shared Structure.
import { type InputError, StructureError } from '../errors.js';
import { canonicalElement } from './elements.js';
import { Lattice, type Vec3 } from './lattice.js';
import type { Site, Species, Structure } from './types.js';
import { DEFAULT_MERGE_TOLERANCE, OCCUPANCY_TOLERANCE } from './cif/index.js';
import { PeriodicCellList } from './cell-list.js';
import { MAX_CELL_SITES } from './cell-checks.js';

/** One read structure of a multi-entry file: its entry name (null for single-structure files) and the structure or why not. */
export interface EntryResult {
  block: string | null;
  structure?: Structure;
  error?: InputError;
}

export interface RawSpecies {
  /** Element symbol as written in the file (any case). */
  symbol: string;
  occupancy: number;
  /** Oxidation state from the file, or null. */
  oxidation: number | null;
}

export interface RawSite {
  /** Fractional or Cartesian (Å) position, as `cartesian` says. */
  position: readonly number[];
  cartesian: boolean;
  species: RawSpecies[];
  /** The file's name for the site, for error messages. */
  label?: string;
}

/** Where an error happened: the file, the entry's name and a 1-based line when the format has lines. */
export interface EntryPlace {
  file: string;
  /** Words naming the entry inside the file, e.g. "entry 'mp-22905'" or "frame 3". */
  entry: string | null;
  line?: number;
}

export function entryError(place: EntryPlace, detail: string, line = place.line): StructureError {
  return new StructureError(place.file, place.entry ? `${place.entry}: ${detail}` : detail, undefined, line);
}

function wrap(x: number): number {
  const w = x - Math.floor(x);
  return w >= 1 ? 0 : w; // -1e-17 wraps to 1 - 1e-17 == 1 in float64
}

function isVec3(v: unknown): v is [number, number, number] {
  return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** A 3x3 matrix (rows a, b, c) from nested arrays; throws a StructureError naming `what`. */
export function latticeRows(value: unknown, place: EntryPlace, what: string): number[] {
  if (!Array.isArray(value) || value.length !== 3 || !value.every(isVec3)) {
    throw entryError(
      place,
      `${what} must be three vectors of three numbers (a, b, c in Å)${Array.isArray(value) && value.some((r) => Array.isArray(r) && r.some((x) => x === null)) ? '; null components mean a non-periodic direction, and BVSE needs a cell periodic in 3D' : ''}`,
    );
  }
  return (value as number[][]).flat();
}

/** An oxidation state from a file: integers kept, anything else dropped with a warning. */
export function fileOxidation(value: unknown, symbol: string, warnings: Set<string>): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value - Math.round(value)) < 1e-6) return Math.round(value);
  warnings.add(`oxidation state ${JSON.stringify(value)} of ${symbol} is not a whole number; ignored (assigned from bond valences instead)`);
  return null;
}

/** A site of the output while coincident input sites are merged into it. */
interface Merged {
  site: Site;
  /** The input sites on this position, as "3 (Li)", for messages (the first few). */
  members: string[];
  memberCount: number;
  /** The first input site in words ("site 3", "site 3 (Li1)"), for a site that stands alone. */
  where: string;
  /** The same atom listed twice (same element, same occupancy): read once. */
  duplicates: boolean;
}

/**
 * The Structure for a lattice and an explicit site list. Species of one element on one site are
 * summed; zero-occupancy species are dropped. Sites closer than the CIF reader's merge tolerance
 * (0.01 Å) are merged as that reader merges symmetry copies: the same element with the same
 * occupancy listed twice is one atom, different species share the position as a mixed site, and
 * occupancies on one position adding up to more than 1 (beyond the tolerance) are an error.
 */
export function buildStructure(place: EntryPlace, matrix: readonly number[], raw: readonly RawSite[], warnings: Iterable<string> = []): Structure {
  if (matrix.length !== 9 || !matrix.every(Number.isFinite)) throw entryError(place, 'the lattice vectors are not nine finite numbers');
  const lattice = new Lattice(matrix);
  if (!(lattice.volume > 1e-6) || !Number.isFinite(lattice.volume)) throw entryError(place, 'the lattice vectors are coplanar: the cell has no volume');
  if (raw.length === 0) throw entryError(place, 'the structure has no atoms');
  if (raw.length > MAX_CELL_SITES) throw entryError(place, `the structure has ${raw.length} sites, more than the ${MAX_CELL_SITES} a structure may have`);
  const notes = new Set(warnings);
  const counters = new Map<string, number>();
  const merged: Merged[] = [];
  const index = new PeriodicCellList(lattice, DEFAULT_MERGE_TOLERANCE, Math.min(64, Math.ceil(Math.cbrt(raw.length))));
  raw.forEach((r, i) => {
    const where = `site ${i + 1}${r.label ? ` (${r.label})` : ''}`;
    if (r.position.length !== 3 || !r.position.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw entryError(place, `${where}: the position ${JSON.stringify(r.position)} is not three numbers`);
    }
    const f = r.cartesian ? lattice.cartToFrac(r.position) : (r.position.slice(0, 3) as Vec3);
    const species: Species[] = [];
    for (const sp of r.species) {
      const element = canonicalElement(sp.symbol);
      if (!element) throw entryError(place, `${where}: '${sp.symbol}' is not an element symbol`);
      if (!(typeof sp.occupancy === 'number' && Number.isFinite(sp.occupancy)) || sp.occupancy < 0) {
        throw entryError(place, `${where}: occupancy ${JSON.stringify(sp.occupancy)} of ${element} is not a number between 0 and 1`);
      }
      if (sp.occupancy === 0) continue;
      const same = species.find((x) => x.element === element && x.oxidation === sp.oxidation);
      if (same) same.occupancy += sp.occupancy;
      else species.push({ element, oxidation: sp.oxidation, occupancy: sp.occupancy });
    }
    if (species.length === 0) {
      notes.add('sites with no atom (only vacancies or zero occupancy) skipped');
      return;
    }
    const frac: Vec3 = [wrap(f[0]), wrap(f[1]), wrap(f[2])];
    const member = `${i + 1} (${r.label ?? species[0]!.element})`;
    const hit = index.findNear(frac[0], frac[1], frac[2]);
    if (hit < 0) {
      index.add(frac[0], frac[1], frac[2]);
      const first = species[0]!.element;
      const n = (counters.get(first) ?? 0) + 1;
      counters.set(first, n);
      // One label per site, as for POSCARs: bvse/oxidation/ groups sites by label for charge ordering.
      merged.push({ site: { frac, species, label: `${first}${n}` }, members: [member], memberCount: 1, where, duplicates: false });
      return;
    }
    const m = merged[hit]!;
    if (m.members.length < 8) m.members.push(member);
    m.memberCount++;
    for (const sp of species) {
      const same = m.site.species.find((x) => x.element === sp.element && x.oxidation === sp.oxidation);
      if (!same) m.site.species.push(sp);
      else if (m.site.species.reduce((t, x) => t + x.occupancy, 0) + sp.occupancy > 1 + OCCUPANCY_TOLERANCE && Math.abs(same.occupancy - sp.occupancy) < 1e-3) {
        m.duplicates = true;
      } else same.occupancy += sp.occupancy;
    }
  });
  if (merged.length === 0) throw entryError(place, 'the structure has no atoms (every site is vacant)');
  let scaled = 0;
  const sites: Site[] = [];
  const names = (m: Merged) =>
    `${m.members.slice(0, -1).join(', ')} and ${m.members[m.members.length - 1]}${m.memberCount > m.members.length ? ` (of ${m.memberCount})` : ''}`;
  for (const m of merged) {
    const total = m.site.species.reduce((t, x) => t + x.occupancy, 0);
    if (total > 1 + OCCUPANCY_TOLERANCE) {
      const who = m.memberCount > 1 ? `sites ${names(m)} share a position and their` : `${m.where}:`;
      throw entryError(place, `${who} occupancies sum to ${Number(total.toFixed(4))} (more than 1)`);
    }
    if (total > 1 + 1e-9) {
      for (const sp of m.site.species) sp.occupancy /= total;
      scaled++;
    }
    sites.push(m.site);
  }
  if (scaled > 0) notes.add(`occupancies slightly above 1 scaled down to 1 on ${scaled} site(s)`);
  const list = (ms: Merged[]) =>
    ms
      .slice(0, 8)
      .map((m) => `sites ${names(m)}`)
      .join('; ') + (ms.length > 8 ? '; ...' : '');
  const dupes = merged.filter((m) => m.duplicates);
  if (dupes.length > 0) notes.add(`atoms of one element listed twice on one position, read as one atom: ${list(dupes)}`);
  const mixed = merged.filter((m) => m.memberCount > 1 && !m.duplicates);
  if (mixed.length > 0) notes.add(`mixed sites (several sites on one position): ${list(mixed)}`);
  return { file: place.file, block: null, lattice, sites, warnings: [...notes] };
}

/** Shorten a value for an error message. */
export function shortJson(v: unknown, max = 60): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
