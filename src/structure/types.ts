// The structure model shared by every reader (CIF, POSCAR) and every later stage.
import type { Lattice, Vec3 } from './lattice.js';

export interface Species {
  /** Element symbol, canonical case ("Li", "S"). Deuterium is read as "H". */
  element: string;
  /** Formal oxidation state (e.g. +1, -2), or null when the file gives none. */
  oxidation: number | null;
  /** Site occupancy in (0, 1]. */
  occupancy: number;
}

export interface Site {
  /** Fractional coordinates wrapped into [0, 1). */
  frac: Vec3;
  /** One entry for an ordered site; several for a mixed or partially occupied site. */
  species: Species[];
  /** Label of the first asymmetric-unit site that generated this position (e.g. "Li1"). */
  label: string;
}

export interface SpaceGroupInfo {
  number: number;
  symbol: string;
}

export interface Structure {
  /** The file the structure came from, as given by the user (or an id inside an archive). */
  file: string;
  /** CIF data block name; null for POSCAR and other single-structure formats. */
  block: string | null;
  lattice: Lattice;
  sites: Site[];
  /** Non-fatal repairs and observations, in words a chemist understands. */
  warnings: string[];
  /** Observations that need no action (how the file was read, e.g. operators built from the H-M symbol). */
  notes?: string[];
  /** Space group from the file's own tags (may be absent); detection is separate (space-group.ts). */
  declaredSpaceGroup?: Partial<SpaceGroupInfo>;
}
