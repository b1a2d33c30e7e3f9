// Structures in JSON: one document (.json) or JSON Lines (.jsonl, one document per line), each
// document an OPTIMADE response ({"data": [...]}), an OPTIMADE entry, a pymatgen Structure dict (or
// a wrapper around one), or a list of these. Which is which is told by the content of each item,
// so one file may mix them. Every item becomes one entry; a broken item becomes an error entry
// naming the file, the entry (its id, or its position) and, in JSON Lines, the line.
import { SizeGuardError, StructureError } from '../errors.js';
import { MAX_CELL_SITES } from './cell-checks.js';
import { elideLongSiteLists, elidedSiteCount } from './json-site-count.js';
import { looksLikeOptimadeEntry, looksLikeOptimadeResponse, optimadeId, structureFromOptimade } from './optimade.js';
import { looksLikePymatgen, pymatgenId, structureFromPymatgen } from './pymatgen-json.js';
import { entryError, shortJson, type EntryPlace, type EntryResult } from './site-list.js';

/** First non-blank character is { or [: the text is JSON or JSON Lines (no other structure format starts so). */
export function looksLikeJson(text: string): boolean {
  const m = /^\s*(\S)/.exec(text.slice(0, 4096));
  return m !== null && (m[1] === '{' || m[1] === '[');
}

interface Item {
  value: unknown;
  /** Where the item sits, for entries without an id: "data[3]", "[2]", "line 5". */
  position: string;
  line?: number;
  /** The item could not be parsed (a broken JSON line). */
  error?: StructureError;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Objects that carry no structure: the OPTIMADE JSON Lines header or a bare `meta` line. */
function isMetaOnly(v: unknown): boolean {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k === 'x-optimade' || k === 'meta' || k === 'links' || k === 'jsonapi' || k === 'included');
}

/** A parsed document's items: a response's data, a list's elements, or the document itself. */
function itemsOf(doc: unknown, prefix: string, line?: number): Item[] {
  const at = (position: string): Item => ({ value: undefined, position, ...(line !== undefined ? { line } : {}) });
  if (looksLikeOptimadeResponse(doc)) {
    const data = doc.data;
    if (Array.isArray(data)) return data.map((value, i) => ({ ...at(`${prefix}data[${i}]`), value }));
    return [{ ...at(`${prefix}data`), value: data }];
  }
  if (Array.isArray(doc)) return doc.map((value, i) => ({ ...at(`${prefix}[${i}]`), value }));
  if (isMetaOnly(doc)) return [];
  return [{ ...at(prefix === '' ? 'the document' : prefix.replace(/: $/, '')), value: doc }];
}

function jsonError(e: unknown): string {
  return (e as Error)?.message?.replace(/^JSON\.parse: /, '') ?? String(e);
}

function isJsonLinesName(file: string): boolean {
  return /\.(jsonl|ndjson)(\.gz)?$/i.test(file);
}

/** Deeper nesting than any structure document has; deeper documents are refused before parsing. */
const MAX_JSON_DEPTH = 512;

/** The line where brackets first nest deeper than `max` (strings skipped), or null. One pass, no recursion. */
function tooDeepAt(text: string, max: number): number | null {
  let depth = 0;
  let inString = false;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return line;
    } else if (c === 93 || c === 125) depth = Math.max(0, depth - 1);
  }
  return null;
}

/** Splits the text into items: one JSON document, or JSON Lines (per line, so one broken line costs one entry). */
function parseItems(text: string, file: string): Item[] {
  // A document of 100,000 nested arrays parses, but code that walks it recursively overflows the stack.
  const deep = tooDeepAt(text, MAX_JSON_DEPTH);
  if (deep !== null) throw new StructureError(file, `the JSON is nested deeper than ${MAX_JSON_DEPTH} levels; not a structure document`, undefined, deep);
  const lines = text.split('\n');
  const nonBlank = lines.filter((l) => l.trim() !== '').length;
  let asLines = isJsonLinesName(file);
  if (!asLines) {
    try {
      return itemsOf(JSON.parse(text), '');
    } catch (e) {
      // A JSON Lines file under another name: its first line is a whole document on its own.
      let firstLineParses = false;
      try {
        JSON.parse(lines.find((l) => l.trim() !== '') ?? '');
        firstLineParses = true;
      } catch {
        /* not JSON Lines either */
      }
      if (!(firstLineParses && nonBlank > 1)) {
        const msg = jsonError(e);
        const pos = /position (\d+)/.exec(msg);
        const at = pos ? Number(pos[1]) : null;
        const truncated = /end of (JSON )?input|Unterminated|Unexpected end/i.test(msg) || (at !== null && at >= text.trimEnd().length);
        const line = at !== null ? text.slice(0, at).split('\n').length : undefined;
        throw new StructureError(
          file,
          truncated ? `the JSON ends before its last value is closed (a truncated file?): ${msg}` : `not valid JSON: ${msg}`,
          undefined,
          line,
        );
      }
      asLines = true;
    }
  }
  const items: Item[] = [];
  lines.forEach((raw, i) => {
    const t = raw.trim();
    if (t === '') return;
    const line = i + 1;
    try {
      items.push(...itemsOf(JSON.parse(t), `line ${line}: `, line));
    } catch (e) {
      items.push({
        value: undefined,
        position: `line ${line}`,
        line,
        error: new StructureError(file, `not a valid JSON line (${jsonError(e)})`, undefined, line),
      });
    }
  });
  return items;
}

type Kind = 'optimade' | 'pymatgen';

/** An item's site count as the file gives it (a list's length, or the count a marker stands for); null when it has no list. */
function siteCount(v: unknown, kind: Kind): number | null {
  if (!isObject(v)) return null;
  const list = kind === 'optimade' ? (isObject(v.attributes) ? v.attributes : v).cartesian_site_positions : (isObject(v.structure) ? v.structure : v).sites;
  return Array.isArray(list) ? list.length : elidedSiteCount(list);
}

function kindOf(v: unknown): Kind | null {
  if (looksLikeOptimadeEntry(v)) return 'optimade';
  if (looksLikePymatgen(v)) return 'pymatgen';
  return null;
}

/**
 * Reads every structure in a JSON or JSON Lines text. Entry names (the `block`) are the OPTIMADE
 * id, the wrapper's id (material_id, entry_id, ...), else the item's position ("0", "1", ...);
 * a file holding a single item without an id gives block null. `block` selects one entry by name.
 * Throws StructureError only for a file that is not JSON at all.
 */
export function readJsonStructures(text: string, file: string, opts: { block?: string; maxSites?: number } = {}): EntryResult[] {
  // Site lists over the limit are counted in the text and left unparsed (a site takes at least 7 characters).
  const maxSites = opts.maxSites;
  if (maxSites !== undefined && text.length > 7 * maxSites) text = elideLongSiteLists(text, maxSites).text;
  const items = parseItems(text, file);
  const firstValue = items[0]?.value;
  if (isObject(firstValue) && (firstValue.type === 'bvscape-screen' || ('rows_in_structure' in firstValue && 'barrier_3d' in firstValue))) {
    throw new StructureError(file, 'this is a bvscape screen results table (or its .meta.json), not a structure file');
  }
  if (items.length === 0) throw new StructureError(file, 'the JSON holds no structure (no entries)');
  const many = items.length > 1;
  let results: EntryResult[] = items.map((item, index) => {
    if (item.error) return { block: item.position, error: item.error };
    const kind = kindOf(item.value);
    const id = kind === 'optimade' ? optimadeId(item.value) : kind === 'pymatgen' ? pymatgenId(item.value) : null;
    const block = id ?? (many ? String(index) : null);
    const place: EntryPlace = {
      file,
      entry: id !== null ? `entry '${id}'${many ? ` (${item.position})` : ''}` : many ? `entry ${item.position}` : null,
      ...(item.line !== undefined ? { line: item.line } : {}),
    };
    try {
      if (!kind) {
        throw entryError(
          place,
          `neither an OPTIMADE structure entry (lattice_vectors, cartesian_site_positions, species_at_sites) nor a pymatgen Structure (lattice, sites): ${shortJson(item.value)}`,
        );
      }
      // Counted before anything is built: the limit is refused in microseconds, not after gigabytes.
      const count = siteCount(item.value, kind);
      if (count !== null && maxSites !== undefined && count > maxSites) {
        throw new SizeGuardError(`${file}: ${place.entry ? `${place.entry}: ` : ''}the cell has ${count} sites, more than --max-sites ${maxSites}`);
      }
      if (count !== null && count > MAX_CELL_SITES)
        throw entryError(place, `the structure has ${count} sites, more than the ${MAX_CELL_SITES} a structure may have`);
      const structure = kind === 'optimade' ? structureFromOptimade(item.value, place) : structureFromPymatgen(item.value, place);
      structure.block = block;
      return { block, structure };
    } catch (e) {
      if (e instanceof StructureError || e instanceof SizeGuardError) return { block, error: e };
      throw e;
    }
  });
  if (opts.block !== undefined) {
    const wanted = results.filter((r) => r.block === opts.block);
    if (wanted.length === 0) {
      const names = results.map((r) => r.block).filter((b): b is string => b !== null);
      throw new StructureError(
        file,
        `no entry '${opts.block}'; the file has ${names.length > 0 ? names.slice(0, 20).join(', ') + (names.length > 20 ? ', ...' : '') : 'one unnamed entry'}`,
      );
    }
    results = wanted;
  }
  return results;
}
