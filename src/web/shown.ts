// A computed result as the page holds it: the landscape of one mobile ion with its paths and sites.
import type { LandscapeResult } from '../pipeline/landscape.js';
import { Lattice } from '../structure/lattice.js';
import type { PathsAndSites } from './compute.js';
import type { LandscapeData } from './pipeline-protocol.js';

export interface Shown {
  file: string;
  landscape: LandscapeResult;
  extra: PathsAndSites;
  timings: Record<string, number>;
}

/** The worker's landscape with its Lattice object rebuilt, and its paths and sites. */
export function fromWorker(file: string, l: LandscapeData, extra: PathsAndSites, timings: Record<string, number>): Shown {
  const landscape = { ...l, structure: { ...l.structure, lattice: new Lattice(l.structure.lattice.matrix) } } as LandscapeResult;
  return { file, landscape, extra, timings };
}
