// Result types of the continuum network: polished minima (sites), saddles (hops between them) and the percolation
// thresholds of the periodic graph they form.
import type { IVec3, PerDimension } from '../percolation/types.js';
import type { Vec3 } from './geometry.js';

/** A polished minimum of the continuous field: one site of the network (its home copy, fractional in [0, 1)). */
export interface NetworkSite {
  id: number;
  frac: Vec3;
  cart: Vec3;
  energy: number;
  /** Hessian eigenvalues (eV/Å², ascending); all positive at a true minimum. */
  eigenvalues: Vec3;
  /** The minimum search met its gradient tolerance with no negative eigenvalue. */
  converged: boolean;
  /** Energy of the seed grid's lowest point in this basin (eV). */
  gridEnergy: number;
}

/** Where a saddle's edge ends: a site and the lattice cell of the copy it reaches (from the saddle's own frame). */
export interface EdgeEnd {
  site: number;
  cell: IVec3;
}

/**
 * 'verified': an index-1 saddle whose two steepest descents end in the two sites named (a true hop of the field).
 * 'unverified': no verified saddle was found for a seed hop that can change a threshold; the edge keeps the seed
 * grid's crossing energy, which is then no bound, and a barrier through it is not certified.
 * 'seed': a hop far from every threshold (outside the window), kept at its seed-grid energy: its exact value cannot
 * change a threshold, only that it lies below or above it.
 */
export type SaddleStatus = 'verified' | 'unverified' | 'seed';

export interface NetworkSaddle {
  id: number;
  status: SaddleStatus;
  /** Unwrapped position (verified saddles) or the seed grid's crossing point. */
  frac: Vec3;
  cart: Vec3;
  energy: number;
  /** Hessian eigenvalues (eV/Å², ascending) and the unstable direction (unit, Cartesian); null for seed edges. */
  eigenvalues: Vec3 | null;
  unstable: Vec3 | null;
  ends: [EdgeEnd, EdgeEnd];
  /** The seed grid's crossing energy this saddle was searched from (eV); NaN for one the certificate's searches found. */
  seedEnergy: number;
}

export interface NetworkBarrier {
  /** Absolute threshold energy (eV): the bottleneck saddle's energy. */
  threshold: number;
  /** threshold − E_min (eV). */
  barrier: number;
  /** The saddle whose edge raised the winding rank: the bottleneck. */
  saddle: number;
  /** Every saddle on the way is verified and the lower bound lies within the tolerance. */
  certified: boolean;
  /** A proven lower bound on the continuum threshold (absolute eV), or null when none was computed. */
  lowerBound: number | null;
  /**
   * An unverified hop (a seed crossing no search could turn into a verified saddle of that hop) whose seed energy lies
   * below the threshold and whose edge would lower it: the barrier is then an upper bound that a missing saddle could
   * undercut.
   */
  unverifiedBelow?: number;
  /**
   * The verified saddles alone do not percolate in this dimension; with the unverified hops' seed crossings they do,
   * and the barrier is that sweep's (an estimate at the seed grid's accuracy, not a path of the field).
   */
  viaUnverified?: true;
  /**
   * Harmonic attempt frequency (Hz) of the hop from the lowest site over the bottleneck saddle (Vineyard): the product
   * of the site's three vibrational frequencies over the saddle's two real ones, with the mobile ion's mass. Absent for
   * an unverified bottleneck.
   */
  attemptFrequency?: number;
}

export interface NetworkTimings {
  seeds: number;
  minima: number;
  saddles: number;
  network: number;
  certification: number;
}

export interface ContinuumNetwork {
  eMin: number;
  /** The site at E_min. */
  minSite: number;
  sites: NetworkSite[];
  saddles: NetworkSaddle[];
  barriers: PerDimension<NetworkBarrier | null>;
  /** The seed grid's own thresholds (absolute eV) and the window (eV) around them inside which hops were polished. */
  seed: {
    eMin: number;
    thresholds: PerDimension<number | null>;
    window: number;
    hops: number;
    polished: number;
    mapped: number;
    /**
     * Set when the network was rebuilt from a seed grid twice as fine because the first one's barriers needed an
     * unverified hop (the pipeline's continuum step): the first seed grid's point counts.
     */
    refinedFrom?: [number, number, number];
  };
  /**
   * The certificate's block cover, when one was asked for (docs/continuum.md, "Certification"): every minimum or
   * index-1 saddle not in the network has energy ≥ c (eV; Infinity when the cover left nothing).
   */
  certificate?: {
    c: number;
    blocks: number;
    leaves: number;
    exhausted: boolean;
    lowest: Vec3 | null;
    excluded: { energy: number; gradient: number; index: number; known: number };
    /** Search rounds run after the first cover (each ends in a new cover), and what they added to the network. */
    rounds: number;
    found: { minima: number; saddles: number };
    /** Blocks examined by all covers together (`blocks` is the last cover's). */
    totalBlocks: number;
  };
  /** Field evaluations spent by the searches. */
  evaluations: number;
  timingsMs: NetworkTimings;
}
