// Where a CIF structure-layer step is (file, block) and what it has to say: warnings, notes, and errors that name
// the place.
import { StructureError } from '../../errors.js';

export interface Context {
  file: string;
  block: string;
  warnings: string[];
  /** What the reader did that needs no action (Structure.notes). */
  notes: string[];
}

export function fail(ctx: Context, detail: string, line?: number): never {
  throw new StructureError(ctx.file, detail, ctx.block, line);
}
