// Commands that work on one structure (energy, landscape) read it the same way.
import { UsageError } from '../errors.js';
import { readStructureFile } from '../structure/read.js';
import type { Structure } from '../structure/types.js';

/** Reads exactly one structure from `file` (the `--block` one when given); typed errors otherwise. */
export async function readOneStructure(file: string, block: string | undefined, command: string): Promise<Structure> {
  const results = await readStructureFile(file, block !== undefined ? { block } : {});
  const failed = results.find((r) => r.error);
  if (failed?.error) throw failed.error;
  const structures = results.flatMap((r) => (r.structure ? [r.structure] : []));
  if (structures.length === 0) throw new UsageError(`${file}: no structure found`);
  if (structures.length > 1) {
    throw new UsageError(
      `${file} holds ${structures.length} structures (blocks ${structures.map((s) => s.block ?? '?').join(', ')}); ` +
        `choose one with \`bvscape ${command} ${file} --block NAME\``,
    );
  }
  return structures[0]!;
}
