// The structure formats bvscape reads, one record each, as ASE's ioformats keeps them: the name, the file names
// that say it, how its content is recognised, and its reader. read.ts derives everything else from this table
// (StructureFormat, formatFromName, detectFormat, the dispatch in readStructureTextSync, the message when no
// format fits) and the preview's file chooser takes its accept list from it, so adding a format is one record here.
import { StructureError, type InputError } from '../errors.js';
import { readCif } from './cif/index.js';
import { looksLikeExtxyz, readExtxyz } from './extxyz.js';
import { looksLikeJson, readJsonStructures } from './json-structures.js';
import { looksLikePoscar, readPoscar } from './poscar.js';
import type { Structure } from './types.js';

/** The options a reader takes (read.ts's ReadOptions adds what applies to every format). */
export interface FormatReadOptions {
  /** CIF data block, OPTIMADE/pymatgen entry id or extxyz frame index to read (default: every structure). */
  block?: string;
  /** CIF: positions closer than this (Å) are merged after symmetry expansion (default 0.01). */
  mergeTolerance?: number;
  /**
   * JSON: an entry listing more sites than this is a SizeGuard error, counted in the text before
   * anything is parsed or built (the screen's --max-sites).
   */
  maxSites?: number;
}

/** One structure of a file as a reader returns it: its block, frame or entry id (null for single-structure files), and the structure or why not. */
export interface FormatEntry {
  block: string | null;
  structure?: Structure;
  error?: InputError;
}

export interface StructureFormatRecord<N extends string = string> {
  readonly name: N;
  /** What the format is, for the message when no format fits ("it is not a CIF (no data_ block), ..."). */
  readonly description: string;
  /** Extensions that say this format, lower case without the dot (each also with .gz). */
  readonly extensions: readonly string[];
  /** File-name beginnings that say it too (POSCAR_12), matched without regard to case. */
  readonly prefixes?: readonly string[];
  /**
   * Content no other format has: decides before the name. `named` is the format the file name says, so that a
   * format can yield to a name whose own content signs also hold.
   */
  readonly unmistakable?: (text: string, named: StructureFormatRecord | null) => boolean;
  /** Weaker content signs, tried (in table order) only when neither unmistakable content nor the name decides. */
  readonly likely?: (text: string) => boolean;
  /** Every structure of the text; throws an InputError (with the file name) for a problem with the whole file. */
  readonly read: (text: string, fileName: string, opts: FormatReadOptions) => FormatEntry[];
}

/** Spells out a record with its name kept as a literal type, so that StructureFormat is the union of the names. */
function format<const N extends string>(record: StructureFormatRecord<N>): StructureFormatRecord<N> {
  return record;
}

/** In table order: formatFromName takes the first record whose names match, detectFormat tries signs in this order. */
export const STRUCTURE_FORMATS = [
  format({
    name: 'cif',
    description: 'a CIF (no data_ block)',
    extensions: ['cif', 'mcif'],
    likely: (text) => /^\s*data_/im.test(text) || /^\s*_cell_length_a/im.test(text),
    read: (text, fileName, opts) => {
      const blocks = readCif(text, fileName, opts);
      if (blocks.length === 0) {
        throw new StructureError(fileName, 'no data block describes a crystal structure (no cell parameters or atom sites found)');
      }
      return blocks;
    },
  }),
  format({
    name: 'poscar',
    description: 'a VASP POSCAR',
    extensions: ['vasp', 'poscar'],
    prefixes: ['POSCAR', 'CONTCAR'],
    likely: looksLikePoscar,
    read: (text, fileName, opts) => {
      const structure = readPoscar(text, fileName);
      if (opts.block !== undefined) structure.warnings.push(`--block ${opts.block} ignored: a POSCAR has no data blocks`);
      return [{ block: null, structure }];
    },
  }),
  format({
    name: 'json',
    description: 'OPTIMADE or pymatgen JSON',
    extensions: ['json', 'jsonl', 'ndjson'],
    // A POSCAR's free comment line may start with { or [; its numeric lines decide then.
    unmistakable: (text, named) => looksLikeJson(text) && !(named?.name === 'poscar' && looksLikePoscar(text)),
    read: (text, fileName, opts) => readJsonStructures(text, fileName, opts),
  }),
  format({
    name: 'extxyz',
    description: 'extended XYZ',
    extensions: ['xyz', 'extxyz'],
    unmistakable: looksLikeExtxyz,
    read: (text, fileName, opts) => readExtxyz(text, fileName, opts),
  }),
] as const;

/** 'json' covers OPTIMADE entries/responses and pymatgen Structure dicts, as .json or JSON Lines. */
export type StructureFormat = (typeof STRUCTURE_FORMATS)[number]['name'];

/** The file chooser's accept list: every extension and name of the table, and the text types browsers give them. */
export function structureFileAccept(): string {
  const names = STRUCTURE_FORMATS.flatMap((f) => [...f.extensions.map((e) => `.${e}`), ...(f.prefixes ?? [])]);
  return [...names, 'text/plain', 'application/json'].join(',');
}
