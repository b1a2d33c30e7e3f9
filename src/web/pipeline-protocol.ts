// Messages between the page (pipeline-client.ts) and the pipeline worker (pipeline-worker.ts), which
// runs the whole CLI pipeline (read, oxidation states, energy grid, percolation, paths, sites) off the
// main thread, and the kinetic Monte Carlo of the Transport panel on the site–hop network the run sent.
// Structured-clone data only: the Lattice class travels as its matrix.
import type { BackendKind } from '../backends/select.js';
import type { LandscapeResult } from '../pipeline/landscape.js';
import type { BarrierSource } from './settings-hash.js';
import type { Structure } from '../structure/types.js';
import type { PathsAndSites } from './compute.js';
import type { ErrorReport } from '../errors.js';
import type { HopNetwork } from '../transport/types.js';
import type { TransportJob, TransportReply, TransportRequest } from './transport-job.js';

export type { TransportJob, TransportReply, TransportRequest };

export interface RunRequest {
  /** File name (shown in messages) and its text. */
  name: string;
  text: string;
  /** Mobile ions to compute, in order; the first is the one shown in the view. */
  ions: string[];
  /** With dual-ion on: Li+ and every anion the structure holds (after `ions`). */
  addAnions: boolean;
  /** Continuum: the seed and drawn grid. Ignored with `barriers: 'grid'` (compute.ts landscapeOptions). */
  resolution: number;
  /** The continuous field's saddle points, or a grid's thresholds converged to 0.05 Å (as --grid-barriers). */
  barriers: BarrierSource;
  /** Continuum only: a proven lower bound per barrier (as --certify). */
  certify: boolean;
  model: string;
  /** Oxidation-state overrides (element -> state), as `--oxi`. */
  oxi: Record<string, number> | null;
}

export type PipelineJob =
  | { type: 'start'; backend: BackendKind }
  | { type: 'run'; id: number; request: RunRequest }
  /** The kMC on a network the page holds (a 'network' reply), one temperature per job; needs no backend ('start'). */
  | TransportJob;

/** A LandscapeResult whose structure carries the lattice as a plain matrix. */
export type LandscapeData = Omit<LandscapeResult, 'structure'> & { structure: StructureData };
export type StructureData = Omit<Structure, 'lattice'> & { lattice: { matrix: Float64Array } };

export type PipelineReply =
  | { type: 'backend'; kind: string; description: string; note: string }
  | { type: 'backend-error'; error: ErrorReport }
  | { type: 'progress'; id: number; phase: string }
  | { type: 'read'; id: number; readMs: number; warnings: string[]; ions: string[] }
  /** Oxidation states per element as assigned without overrides (empty when no assignment exists). */
  | { type: 'assigned'; id: number; states: Record<string, number[]> }
  /** One ion's landscape (barriers, energies), sent as soon as it is computed. */
  | { type: 'landscape'; id: number; index: number; ion: string; landscape: LandscapeData }
  /** Then its paths, sites and their classes (compute.ts's pathsAndSites), or the error that ion ended with. */
  | { type: 'extra'; id: number; index: number; ion: string; extra: PathsAndSites | null; error: ErrorReport | null }
  /** Then the site–hop network the kMC would run on (transport-job.ts networkForTransport), or why there is none. */
  | { type: 'network'; id: number; index: number; ion: string; network: HopNetwork | null; note: string }
  /** The kMC's progress (TransportOptions.onProgress), each temperature's result, the fit (transport-job.ts). */
  | Exclude<TransportReply, { type: 'error' }>
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; error: ErrorReport };
