// Percolation barriers, paths and sites on a landscape made elsewhere: a .cube, VESTA .grd or VASP
// CHGCAR/LOCPOT-style grid read by src/io/grid-readers.ts, swept by the same percolation code as
// `landscape` (src/percolation) and turned into paths and sites by the same products (landscape-products.ts).
import { readVolumetricGrid, type GrdOrder, type GridFormat, type VolumetricGrid } from '../io/grid-readers.js';
import { percolate, type Connectivity, type PercolationResult, type PerDimension } from '../percolation/index.js';
import type { GridSpec } from '../grid/index.js';
import type { Lattice } from '../structure/lattice.js';
import { InputError } from '../errors.js';

export interface PercolateGridOptions {
  /** Grid neighbours in the sweep: 6 (default), 18 or 26. */
  connectivity?: Connectivity;
  /** Percolation window above E_min in eV (after scaling; default 10). */
  encut?: number;
  /** Multiplies the file's values to give eV (default 1: the file is in eV). */
  scale?: number;
  /** The file holds a density (high = open): energies are −scale·value. */
  invert?: boolean;
  /** Data order of a .grd file: 'x' (VESTA), 'z' (bvlain) or 'auto' (default). */
  grdOrder?: GrdOrder;
  /** Force the format instead of detecting it. */
  format?: GridFormat;
}

export interface GridPercolationResult {
  file: string;
  format: GridFormat;
  title: string;
  /** The cell the grid spans; `structure.lattice` so landscape-products' paths and sites take this result as is. */
  structure: { lattice: Lattice };
  grid: GridSpec;
  /** Energies (eV) in bvscape's flat order (x fastest), after --scale/--invert. */
  energies: Float32Array;
  scale: number;
  invert: boolean;
  eMin: number;
  eMax: number;
  barriers: PerDimension<number | null>;
  percolation: PercolationResult;
  atoms: VolumetricGrid['atoms'];
  /** How the file was read (units, data order). */
  notes: string[];
  timingsMs: Record<string, number>;
}

/** Values at or beyond this are the writers' stand-in for an infinite energy (a point on an ion): ±largest float32. */
const INFINITE_SENTINEL = 3.4e38;

/**
 * Energies from a grid's values: scale·v, or −scale·v for a density (--invert). An InputError when the
 * factor takes an ordinary value beyond float32 (it would become ±Infinity and the barriers meaningless);
 * the ±3.4e38 stand-ins for infinite energies stay infinite.
 */
export function gridEnergies(values: Float32Array, scale = 1, invert = false): Float32Array {
  const f = invert ? -scale : scale;
  if (f === 1) return values;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = v * f;
    if (!Number.isFinite(out[i]!) && Number.isFinite(v) && Math.abs(v) < INFINITE_SENTINEL) {
      throw new InputError(
        `the scale ${scale} takes the value ${v} (point ${i}) to ${v * f}, beyond the single-precision range (±3.4e38) of the energies; check the unit factor`,
      );
    }
  }
  return out;
}

/** Percolation on an already read grid. */
export function percolateVolumetricGrid(g: VolumetricGrid, file: string, opts: PercolateGridOptions = {}): GridPercolationResult {
  const t0 = performance.now();
  const scale = opts.scale ?? 1;
  if (!(Number.isFinite(scale) && scale !== 0)) throw new InputError(`the scale factor must be a non-zero number, got ${scale}`);
  const invert = opts.invert ?? false;
  const energies = gridEnergies(g.values, scale, invert);
  const percolation = percolate(energies, g.grid, {
    ...(opts.encut !== undefined ? { encut: opts.encut } : {}),
    ...(opts.connectivity !== undefined ? { connectivity: opts.connectivity } : {}),
  });
  return {
    file,
    format: g.format,
    title: g.title,
    structure: { lattice: g.lattice },
    grid: g.grid,
    energies,
    scale,
    invert,
    eMin: percolation.eMin,
    eMax: percolation.eMax, // the sweep's range: the highest finite energy (+∞ on an ion is left out)
    barriers: percolation.barriers,
    percolation,
    atoms: g.atoms,
    notes: g.notes,
    timingsMs: { percolation: performance.now() - t0 },
  };
}

/**
 * `bvscape percolate` as a library function: reads a .cube, .grd or CHGCAR/LOCPOT-style text and returns
 * E_min, the 1D/2D/3D barriers and the percolation result (for findPath/findBasins or migrationPaths/siteNetwork).
 */
export function percolateGrid(text: string, fileName: string, opts: PercolateGridOptions = {}): GridPercolationResult {
  const t0 = performance.now();
  const g = readVolumetricGrid(text, fileName, {
    ...(opts.grdOrder ? { grdOrder: opts.grdOrder } : {}),
    ...(opts.format ? { format: opts.format } : {}),
  });
  const t1 = performance.now();
  const r = percolateVolumetricGrid(g, fileName, opts);
  r.timingsMs = { read: t1 - t0, ...r.timingsMs, total: performance.now() - t0 };
  return r;
}
