// Messages between the view (iso-client.ts) and the isosurface worker (iso-worker.ts).
import type { GridSpec } from '../grid/index.js';

export type IsoJob =
  | { type: 'grid'; gridId: number; energies: Float32Array; grid: GridSpec; lattice: Float64Array }
  /** `level` is absolute (eV). */
  | { type: 'level'; id: number; gridId: number; level: number };

export interface IsoReply {
  id: number;
  gridId: number;
  positions: Float32Array;
  normals: Float32Array;
  triangleCount: number;
  ms: number;
}
