// pymatgen's serialised Structure (`Structure.as_dict()`, the JSON that `structure.to(fmt="json")`,
// monty's dumpfn and the Materials Project API write): lattice.matrix (rows a, b, c in Å) and
// sites[] = {species: [{element, occu, oxidation_state?}], abc (fractional), xyz (Å), label}.
// Oxidation states given in the file are kept. Objects that wrap a structure, such as a
// ComputedStructureEntry or a Materials Project document ({"structure": {...}, "material_id": ...}),
// are read through their `structure` field, and their id names the entry.
import type { Structure } from './types.js';
import { buildStructure, entryError, fileOxidation, latticeRows, shortJson, type EntryPlace, type RawSite } from './site-list.js';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A pymatgen Structure dict itself (not a wrapper). */
function isStructureDict(v: unknown): boolean {
  return isObject(v) && (v['@class'] === 'Structure' || v['@class'] === 'IStructure' || (isObject(v.lattice) && Array.isArray(v.sites)));
}

/** True for a pymatgen Structure dict, or an object wrapping one in `structure`. */
export function looksLikePymatgen(v: unknown): boolean {
  if (!isObject(v)) return false;
  return isStructureDict(v) || v['@class'] === 'Molecule' || isStructureDict(v.structure) || (Array.isArray(v.sites) && !('lattice_vectors' in v));
}

const ID_KEYS = ['material_id', 'entry_id', 'task_id', 'id', 'name'];

/** The id a wrapper gives its structure (Materials Project material_id, an entry's entry_id, ...). */
export function pymatgenId(v: unknown): string | null {
  if (!isObject(v)) return null;
  for (const holder of [v, isObject(v.structure) ? v.structure : null, isObject(v.properties) ? v.properties : null]) {
    if (!holder) continue;
    for (const k of ID_KEYS) {
      const x = holder[k];
      if (typeof x === 'string' && x.trim() !== '') return x;
      if (typeof x === 'number' && Number.isFinite(x)) return String(x);
    }
  }
  return null;
}

/** Reads one pymatgen Structure dict (or a wrapper holding one); throws StructureError naming file and entry. */
export function structureFromPymatgen(value: unknown, place: EntryPlace): Structure {
  if (!isObject(value)) throw entryError(place, `not a pymatgen Structure object (found ${shortJson(value)})`);
  const d: Json = isStructureDict(value) ? value : isObject(value.structure) ? value.structure : value;
  if (d['@class'] === 'Molecule' || (d.lattice === undefined && Array.isArray(d.sites))) {
    throw entryError(place, 'a pymatgen Molecule (no lattice): BVSE needs a periodic crystal structure');
  }
  if (!isObject(d.lattice)) throw entryError(place, 'the pymatgen Structure has no lattice object');
  const pbc = d.lattice.pbc;
  if (Array.isArray(pbc) && pbc.some((p) => p !== true)) {
    throw entryError(place, `lattice.pbc is ${shortJson(pbc)}: the structure is not periodic in three directions, and BVSE needs a 3D cell`);
  }
  const matrix = latticeRows(d.lattice.matrix, place, 'lattice.matrix');
  if (!Array.isArray(d.sites)) throw entryError(place, 'the pymatgen Structure has no sites list');
  const warnings = new Set<string>();
  const sites: RawSite[] = d.sites.map((s: unknown, i: number) => {
    if (!isObject(s)) throw entryError(place, `sites[${i}] is ${shortJson(s)}, not a site object`);
    const useAbc = Array.isArray(s.abc);
    const position = useAbc ? s.abc : s.xyz;
    if (!Array.isArray(position)) throw entryError(place, `sites[${i}] has neither abc (fractional) nor xyz (Cartesian) coordinates`);
    if (!Array.isArray(s.species) || s.species.length === 0) throw entryError(place, `sites[${i}] has no species list`);
    const species = s.species.map((sp: unknown) => {
      if (!isObject(sp) || typeof sp.element !== 'string') throw entryError(place, `sites[${i}]: species ${shortJson(sp)} has no element`);
      const occu = sp.occu === undefined ? 1 : sp.occu;
      return {
        symbol: sp.element,
        occupancy: typeof occu === 'number' ? occu : NaN,
        oxidation: fileOxidation(sp.oxidation_state, sp.element, warnings),
      };
    });
    return { position: position as number[], cartesian: !useAbc, species, ...(typeof s.label === 'string' ? { label: s.label } : {}) };
  });
  return buildStructure(place, matrix, sites, warnings);
}
