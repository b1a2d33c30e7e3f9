// OPTIMADE structure entries (OPTIMADE API specification v1.1/1.2, "structures" entry type,
// https://github.com/Materials-Consortia/OPTIMADE/blob/main/optimade.rst): the fields read are
// lattice_vectors (rows a, b, c in Å), cartesian_site_positions (Å), species_at_sites (names into
// `species`) and species[] = {name, chemical_symbols, concentration} where a disordered site lists
// several symbols with their concentrations and "vacancy" stands for the empty share. An entry is
// {id, type: "structures", attributes: {...}}; entries flattened to one object are accepted too.
import type { Structure } from './types.js';
import { buildStructure, entryError, latticeRows, shortJson, type EntryPlace, type RawSite, type RawSpecies } from './site-list.js';

type Json = Record<string, unknown>;

const STRUCTURE_FIELDS = ['lattice_vectors', 'cartesian_site_positions', 'species_at_sites'];

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The attributes of an entry: `attributes` when present, else the object itself (a flattened entry). */
function attributesOf(entry: Json): Json {
  return isObject(entry.attributes) ? entry.attributes : entry;
}

/** True for an object that is an OPTIMADE structures entry (wrapped or flattened). */
export function looksLikeOptimadeEntry(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (v.type === 'structures') return true;
  const a = attributesOf(v);
  return STRUCTURE_FIELDS.some((f) => f in a);
}

/** True for an OPTIMADE response document ({"data": entry or [entries], "meta": ...}). */
export function looksLikeOptimadeResponse(v: unknown): v is Json & { data: unknown } {
  return isObject(v) && 'data' in v && (Array.isArray(v.data) || isObject(v.data));
}

/** The entry's id as the file gives it (OPTIMADE ids are strings; numbers are accepted). */
export function optimadeId(entry: unknown): string | null {
  if (!isObject(entry)) return null;
  const id = entry.id ?? attributesOf(entry).id;
  return typeof id === 'string' && id.trim() !== '' ? id : typeof id === 'number' ? String(id) : null;
}

interface SpeciesDef {
  symbols: string[];
  concentration: number[];
}

/** Reads one OPTIMADE structures entry; throws StructureError naming the file and entry. */
export function structureFromOptimade(entry: unknown, place: EntryPlace): Structure {
  if (!isObject(entry)) throw entryError(place, `not an OPTIMADE entry object (found ${shortJson(entry)})`);
  if (typeof entry.type === 'string' && entry.type !== 'structures') {
    throw entryError(place, `an OPTIMADE '${entry.type}' entry, not a 'structures' entry`);
  }
  const a = attributesOf(entry);
  const missing = STRUCTURE_FIELDS.filter((f) => a[f] === undefined || a[f] === null);
  if (missing.length > 0) {
    throw entryError(
      place,
      `the OPTIMADE entry has no ${missing.join(', ')}; request the structure with response_fields=${STRUCTURE_FIELDS.join(',')},species`,
    );
  }
  const dims = a.dimension_types;
  if (Array.isArray(dims) && dims.some((d) => d !== 1)) {
    throw entryError(place, `dimension_types ${shortJson(dims)}: the structure is not periodic in three directions, and BVSE needs a 3D cell`);
  }
  if (Array.isArray(a.assemblies) && a.assemblies.length > 0) {
    throw entryError(
      place,
      'the entry describes alternative atom groups (assemblies), which bvscape does not read; give one ordered or occupancy-disordered structure',
    );
  }
  const matrix = latticeRows(a.lattice_vectors, place, 'lattice_vectors');
  const positions = a.cartesian_site_positions;
  const names = a.species_at_sites;
  if (!Array.isArray(positions)) throw entryError(place, 'cartesian_site_positions is not a list of positions');
  if (!Array.isArray(names)) throw entryError(place, 'species_at_sites is not a list of species names');
  if (positions.length !== names.length) {
    throw entryError(place, `cartesian_site_positions has ${positions.length} sites but species_at_sites has ${names.length}`);
  }
  if (typeof a.nsites === 'number' && a.nsites !== positions.length) {
    throw entryError(place, `nsites is ${a.nsites} but ${positions.length} site positions are given`);
  }

  // species: name -> symbols and concentrations. Without `species`, the names are element symbols.
  const defs = new Map<string, SpeciesDef>();
  if (a.species !== undefined && a.species !== null) {
    if (!Array.isArray(a.species)) throw entryError(place, 'species is not a list');
    for (const s of a.species) {
      if (!isObject(s) || typeof s.name !== 'string' || !Array.isArray(s.chemical_symbols)) {
        throw entryError(place, `species entry ${shortJson(s)} lacks a name or chemical_symbols`);
      }
      const symbols = s.chemical_symbols.map(String);
      const conc = Array.isArray(s.concentration) ? s.concentration : symbols.length === 1 ? [1] : null;
      if (!conc || conc.length !== symbols.length || !conc.every((c) => typeof c === 'number' && Number.isFinite(c))) {
        throw entryError(
          place,
          `species '${s.name}': concentration ${shortJson(s.concentration)} does not give one number per chemical symbol ${shortJson(symbols)}`,
        );
      }
      defs.set(s.name, { symbols, concentration: conc as number[] });
    }
  }

  const warnings = new Set<string>();
  const sites: RawSite[] = positions.map((pos, i) => {
    const name = names[i];
    if (typeof name !== 'string') throw entryError(place, `species_at_sites[${i}] is ${shortJson(name)}, not a species name`);
    if (!Array.isArray(pos) || pos.length !== 3 || pos.some((x) => typeof x !== 'number')) {
      throw entryError(place, `cartesian_site_positions[${i}] is ${shortJson(pos)}, not three numbers (unknown positions cannot be screened)`);
    }
    const def = defs.get(name) ?? (defs.size === 0 ? { symbols: [name], concentration: [1] } : null);
    if (!def) throw entryError(place, `species_at_sites[${i}] names '${name}', which the species list does not define`);
    const species: RawSpecies[] = [];
    def.symbols.forEach((sym, k) => {
      if (sym === 'vacancy') return;
      if (sym === 'X') throw entryError(place, `species '${name}' holds 'X' (an unknown or non-chemical species), which has no bond-valence parameters`);
      species.push({ symbol: sym, occupancy: def.concentration[k]!, oxidation: null });
    });
    return { position: pos as number[], cartesian: true, species };
  });
  return buildStructure(place, matrix, sites, warnings);
}

/**
 * An OPTIMADE structures entry for a structure (the inverse of structureFromOptimade): Cartesian
 * positions, one species per distinct site composition, `vacancy` for the empty share of a
 * partially occupied site. Oxidation states have no OPTIMADE field and are left out.
 */
export function optimadeEntry(s: Structure, id: string): { id: string; type: 'structures'; attributes: Record<string, unknown> } {
  const species = new Map<string, { name: string; chemical_symbols: string[]; concentration: number[] }>();
  const names: string[] = [];
  const positions: number[][] = [];
  for (const site of s.sites) {
    const symbols = site.species.map((x) => x.element);
    const conc = site.species.map((x) => x.occupancy);
    const total = conc.reduce((a, b) => a + b, 0);
    if (total < 1 - 1e-9) {
      symbols.push('vacancy');
      conc.push(1 - total);
    }
    const key = symbols.map((e, k) => `${e}${Number(conc[k]!.toFixed(6))}`).join('');
    let sp = species.get(key);
    if (!sp) {
      const base = symbols.filter((e) => e !== 'vacancy').join('');
      const name = [...species.values()].some((x) => x.name === base) || symbols.length > 1 ? `${base}_${species.size + 1}` : base;
      species.set(key, (sp = { name, chemical_symbols: symbols, concentration: conc }));
    }
    names.push(sp.name);
    positions.push([...s.lattice.fracToCart(site.frac)]);
  }
  const m = s.lattice.matrix;
  return {
    id,
    type: 'structures',
    attributes: {
      lattice_vectors: [
        [m[0], m[1], m[2]],
        [m[3], m[4], m[5]],
        [m[6], m[7], m[8]],
      ],
      dimension_types: [1, 1, 1],
      nsites: positions.length,
      cartesian_site_positions: positions,
      species_at_sites: names,
      species: [...species.values()],
    },
  };
}
