// CIF reader: syntax layer (syntax.ts) + structure layer (structure.ts).
// Symmetry tables come from moyo; in Node they load on first use, in a browser call
// `await initSymmetry()` (src/structure/space-group.ts) once before readCif.
import { InputError, StructureError } from '../../errors.js';
import type { Structure } from '../types.js';
import { blockHasStructure, structureFromBlock } from './structure.js';
import { parseCif } from './syntax.js';

export { parseCif, normalizeTag, blockValue, blockColumn, isMissing } from './syntax.js';
export type { CifDocument, CifBlock, CifLoop, CifValue } from './syntax.js';
export { parseCifNumber } from './numbers.js';
export { parseTypeSymbol, OCCUPANCY_TOLERANCE } from './structure.js';

export interface CifOptions {
  /** Read only this data block (case-insensitive). */
  block?: string;
  /** Positions closer than this (Å, Cartesian, periodic) are one site. Default 0.01. */
  mergeTolerance?: number;
}

export interface CifBlockResult {
  block: string;
  structure?: Structure;
  error?: InputError;
}

export const DEFAULT_MERGE_TOLERANCE = 0.01;

/**
 * Parses CIF text (already decompressed). Throws CifSyntaxError (file:line) on a grammar error.
 * Returns one entry per data block that holds a structure (has cell or atom-site tags), in file
 * order; a block whose structure is unusable gets `error` (a StructureError naming file, block,
 * line), the others still succeed. With opts.block, only that block (StructureError if the file
 * has no such block). An empty array means no block describes a structure.
 */
export function readCif(text: string, file: string, opts: CifOptions = {}): CifBlockResult[] {
  const doc = parseCif(text, file);
  const mergeTolerance = opts.mergeTolerance ?? DEFAULT_MERGE_TOLERANCE;
  if (!(mergeTolerance > 0)) throw new RangeError('mergeTolerance must be positive');
  let blocks = doc.blocks;
  if (opts.block !== undefined) {
    const want = opts.block.toLowerCase();
    blocks = blocks.filter((b) => b.name.toLowerCase() === want);
    if (blocks.length === 0) {
      const names = doc.blocks.map((b) => `'${b.name}'`).join(', ') || 'none';
      throw new StructureError(file, `no data block '${opts.block}' (blocks in the file: ${names})`);
    }
  } else {
    blocks = blocks.filter(blockHasStructure);
  }
  const out: CifBlockResult[] = [];
  for (const b of blocks) {
    try {
      out.push({ block: b.name, structure: structureFromBlock(b, file, { mergeTolerance }) });
    } catch (e) {
      if (e instanceof InputError) out.push({ block: b.name, error: e });
      else throw e;
    }
  }
  return out;
}
