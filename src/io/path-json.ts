// The JSON of a migration path, shared by `landscape --path` (src/outputs/landscape-json.ts) and
// `percolate --path` (percolate-json.ts), so both files describe paths alike.
import type { MigrationPath } from '../percolation/index.js';

const round = (x: number, digits = 5) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * A migration path as JSON: unwrapped fractional coordinates, energies (eV) and Cartesian path length s (Å);
 * length_a is the whole path, grid_path_length_a the grid path it was relaxed from.
 */
export function pathJson(p: MigrationPath): Record<string, unknown> {
  return {
    dimension: p.dimension,
    barrier: p.barrier,
    winding: p.winding,
    length_a: round(p.lengthsA[p.lengthsA.length - 1] ?? 0, 4),
    ...(p.gridLengthA !== undefined ? { grid_path_length_a: round(p.gridLengthA, 4) } : {}),
    saddle: p.saddle,
    points: Array.from({ length: p.energies.length }, (_, i) => ({
      frac: [round(p.frac[3 * i]!), round(p.frac[3 * i + 1]!), round(p.frac[3 * i + 2]!)],
      energy: round(p.energies[i]!),
      s: round(p.lengthsA[i]!, 4),
    })),
  };
}
