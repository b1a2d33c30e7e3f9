// The JSON of migration paths, basins and hops, shared by `landscape --path` (src/outputs/landscape-json.ts) and
// `percolate --path` (percolate-json.ts), so both files describe them alike: snake_case keys, energies to 1e-4 eV,
// lengths to 1e-4 Å (src/io/rounding.ts), like every other output.
import type { BasinSite, Hop, MigrationPath } from '../percolation/index.js';
import { ENERGY_DIGITS, FRACTION_DIGITS, LENGTH_DIGITS, roundTo } from './rounding.js';

const energy = (x: number) => roundTo(x, ENERGY_DIGITS);
const length = (x: number) => roundTo(x, LENGTH_DIGITS);
const fractional = (f: ArrayLike<number>) => Array.from(f, (x) => roundTo(x, FRACTION_DIGITS));

/**
 * A migration path as JSON: the method that made it, unwrapped fractional coordinates, energies (eV) and Cartesian
 * path length s (Å); length_a is the whole path. Grid paths: grid_path_length_a, the grid path it was relaxed from, and
 * the saddle's grid point `index`. Continuum paths: the saddle's network id `saddle_id` (in `continuum.saddles`) and
 * `chain`, the minima and saddles passed in order, each with its point on the path.
 */
export function pathJson(p: MigrationPath): Record<string, unknown> {
  const continuum = p.method === 'continuum';
  return {
    dimension: p.dimension,
    method: p.method,
    barrier: energy(p.barrier),
    winding: p.winding,
    length_a: length(p.lengthsA[p.lengthsA.length - 1] ?? 0),
    ...(p.gridLengthA !== undefined ? { grid_path_length_a: length(p.gridLengthA) } : {}),
    saddle: {
      frac: fractional(p.saddle.frac),
      energy: energy(p.saddle.energy),
      ...(continuum ? { saddle_id: p.saddle.index } : { index: p.saddle.index }),
    },
    ...(p.chain
      ? {
          chain: p.chain.map((c) => ({
            kind: c.kind,
            id: c.id,
            cell: c.cell,
            point: c.point,
            energy: energy(c.energy),
            s: length(p.lengthsA[c.point]!),
            ...(c.segments ? { segments: c.segments } : {}),
          })),
        }
      : {}),
    points: Array.from({ length: p.energies.length }, (_, i) => ({
      frac: fractional(p.frac.subarray(3 * i, 3 * i + 3)),
      energy: energy(p.energies[i]!),
      s: length(p.lengthsA[i]!),
    })),
  };
}

/** A basin (site) of the grid as JSON (`sites` of the --path file). */
export function basinJson(s: BasinSite): Record<string, unknown> {
  return {
    id: s.id,
    index: s.index,
    frac: fractional(s.frac),
    energy: energy(s.energy),
    relative_energy: energy(s.relativeEnergy),
    energy_class: s.energyClass,
    energy_class_size: s.energyClassSize,
    volume_points: s.volumePoints,
  };
}

/** A hop between two basins as JSON (`hops` of the --path file): saddle energy, barriers from each end, distance (Å). */
export function hopJson(h: Hop): Record<string, unknown> {
  return {
    from: h.from,
    to: h.to,
    offset: h.offset,
    energy: energy(h.energy),
    barrier_from: energy(h.barrierFrom),
    barrier_to: energy(h.barrierTo),
    distance_a: length(h.distanceA),
    index: h.index,
    frac: fractional(h.frac),
  };
}
