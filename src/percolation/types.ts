// Result types of the percolation sweep, the migration paths and the site/hop network.
import type { IVec3 } from './winding.js';

export type { IVec3 } from './winding.js';

export type Dimension = '1D' | '2D' | '3D';
export const DIMENSIONS: readonly Dimension[] = ['1D', '2D', '3D'];

export type PerDimension<T> = { '1D': T; '2D': T; '3D': T };

export interface PercolationResult {
  /** Lowest and highest finite grid energies (eV). */
  eMin: number;
  eMax: number;
  /** Energy window above eMin that was swept (eV). */
  encut: number;
  /** Grid neighbours used (6 faces; 18 with edges; 26 with corners). Paths and sites follow the same. */
  connectivity: 6 | 18 | 26;
  /** Barriers relative to eMin (eV); null when not reached at or below eMin + encut. */
  barriers: PerDimension<number | null>;
  /** Absolute energies (eV) at which some cluster's winding rank first reaches 1, 2, 3. */
  thresholds: PerDimension<number | null>;
  /** Flat grid index of the point whose addition raised the winding rank to 1, 2, 3 (the saddle). */
  saddles: PerDimension<number | null>;
  /** Hermite basis of that cluster's winding lattice at the end of the saddle's step (integer lattice vectors). */
  windings: PerDimension<IVec3[]>;
  /** The same numbers as `barriers`, named for the JSON output (`percolation_dimension_at`). */
  percolationDimensionAt: PerDimension<number | null>;
  /** Points at or below eMin + encut (sorted), and points actually added before the sweep stopped. */
  pointsSorted: number;
  pointsAdded: number;
  timingsMs: { sort: number; sweep: number };
}

/**
 * One minimum or saddle a continuum path passes, in order: the network's site or saddle `id`, the lattice cell of the
 * copy passed (relative to the path's first point), and `point`, its index among the path's points.
 */
export interface PathNode {
  kind: 'site' | 'saddle';
  id: number;
  cell: IVec3;
  point: number;
  energy: number;
  /**
   * Saddles: how the two segments beside it were made. 'traced': steepest descents on the analytic field from the
   * polished saddle to both minima. 'straight': no verified saddle of this hop was found (a seed-grid crossing), so
   * the segments are straight lines through the crossing, energies still from the analytic field.
   */
  segments?: 'traced' | 'straight';
}

export interface MigrationPath {
  dimension: Dimension;
  /**
   * 'grid': a path on an energy grid (findPath, relaxed by relaxPath), energies interpolated from the grid.
   * 'continuum': a cycle of the network of minima and saddles of the continuous field (src/network/path.ts), every
   * segment a steepest-descent path from a polished saddle to a minimum, energies of the analytic field.
   */
  method: 'grid' | 'continuum';
  /** 3 numbers per point: unwrapped fractional coordinates, so the last point = the first + `winding`. */
  frac: Float64Array;
  /** Grid paths: the flat grid index of each point (the nearest one once relaxed). Continuum paths: empty. */
  indices: Uint32Array;
  energies: Float32Array;
  /** Cumulative path length in Å (0 at the first point): Cartesian distances between consecutive points. */
  lengthsA: Float64Array;
  /** For a relaxed path (relaxPath): the length of the grid path it was relaxed from (Å). */
  gridLengthA?: number;
  /**
   * The bottleneck: its position (unwrapped fractional, on the path), energy, and `index`, the grid point (grid paths) or
   * the network's saddle id (continuum paths).
   */
  saddle: { frac: IVec3; energy: number; index: number };
  /** Continuum paths: the minima and saddles passed, in order (the first and last are copies of one minimum). */
  chain?: PathNode[];
  /** The lattice vector the path advances by. */
  winding: IVec3;
  /** Highest energy on the path minus eMin (eV); equals the percolation barrier. */
  barrier: number;
  eMin: number;
}

export interface BasinSite {
  /** Position in this list (hops refer to it). */
  id: number;
  /** Flat grid index and fractional position of the basin's minimum (in the home cell). */
  index: number;
  frac: IVec3;
  energy: number;
  /** energy − eMin. */
  relativeEnergy: number;
  /**
   * Energy class: basins whose minima agree in energy within the tolerance share it. Energy equivalence, not
   * symmetry: the crystallographic classes (Wyckoff orbits) are src/sites/classify.ts's.
   */
  energyClass: number;
  /** Number of basins in this cell in the same energy class. */
  energyClassSize: number;
  /** Grid points in the basin (at or below the cap). */
  volumePoints: number;
}

export interface Hop {
  from: number;
  to: number;
  /** Lattice vector of the `to` site's image that this saddle joins to `from` in the home cell. */
  offset: IVec3;
  /** Saddle energy (eV): the highest point on the lowest crossing between the two basins. */
  energy: number;
  barrierFrom: number;
  barrierTo: number;
  /** Straight-line distance (Å) from the `from` minimum to the `to` minimum's image. */
  distanceA: number;
  /** Saddle grid index, and its fractional position next to the `from` site (may lie outside [0, 1)). */
  index: number;
  frac: IVec3;
}

export interface SiteNetwork {
  /** Energy cap (eV, absolute): the 3D threshold, or eMin + encut when there is none. */
  cap: number;
  /** Energy tolerance (eV) used for site classes. */
  energyTolerance: number;
  sites: BasinSite[];
  hops: Hop[];
}
