// Messages between the screen's main thread and its worker threads.
import type { Framework } from '../bvse/framework.js';
import type { BackendCapabilities, GridResult } from '../backends/types.js';
import type { GridSpec } from '../grid/index.js';
import type { StructureStart } from './run-entry.js';
import type { EntryInput, RuntimeConfig, ScreenConfig, ScreenRow } from './types.js';

export interface WorkerInit {
  config: ScreenConfig;
  runtime: RuntimeConfig;
  /** file:// URL of a module exporting a StructureProcessor (`processor` or default); null: the built-in one. */
  processorModule: string | null;
  /** Grids are computed by the main thread's backend (e.g. the one GPU device), not in the worker. */
  gridsOnMain: boolean;
  /**
   * Name and description of the main thread's grid backend (for the rows' provenance), its capabilities, and whether
   * it evaluates point sets (EnergyBackend.computeBricks).
   */
  gridBackend: { name: string; description: string; capabilities: BackendCapabilities; pointSets: boolean } | null;
}

export type ToWorker =
  | { type: 'entry'; job: number; input: EntryInput; skip: string[] }
  | { type: 'grid-result'; req: number; result?: GridResult; error?: { name: string; message: string } }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'init-failed'; message: string }
  | { type: 'begin'; job: number; structures: Array<{ id: string; block: string | null }> }
  | { type: 'start'; job: number; info: StructureStart }
  | { type: 'rows'; job: number; id: string; rows: ScreenRow[] }
  | { type: 'done'; job: number }
  /** A whole grid, or with `bricks` (and `points`) the BRICK³ bricks of it (EnergyBackend.computeBricks). */
  | { type: 'grid'; req: number; fw: Framework; grid: GridSpec; bricks?: Int32Array; points?: Uint32Array };
