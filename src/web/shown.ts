// A computed result as the page holds it: the landscape of one mobile ion with its paths and sites.
import type { LandscapeResult } from '../landscape.js';
import { Lattice } from '../structure/lattice.js';
import type { PathsAndSites } from './compute.js';
import type { IonResult } from './pipeline-protocol.js';

export interface Shown {
  file: string;
  landscape: LandscapeResult;
  extra: PathsAndSites;
  timings: Record<string, number>;
}

/** The worker's result with its Lattice object rebuilt. */
export function fromWorker(file: string, r: IonResult, timings: Record<string, number>): Shown {
  const l = r.landscape;
  const landscape = { ...l, structure: { ...l.structure, lattice: new Lattice(l.structure.lattice.matrix) } } as LandscapeResult;
  return { file, landscape, extra: r.extra, timings };
}
