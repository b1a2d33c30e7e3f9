// Plausibility limits every structure reader applies, so that impossible input gets its own
// message instead of a confusing consequence (a 0.01 Å cell reported as "sites share a position",
// a coordinate of 1e20 silently wrapped to noise).
import type { Lattice } from './lattice.js';

/** No crystal repeats in less than this (Å): the shortest known lattice periods are about 2 Å. */
export const MIN_LATTICE_PERIOD = 1;

/** Most sites a structure may have after symmetry expansion (10x screen's default --max-sites); refused before expanding. */
export const MAX_CELL_SITES = 200_000;

/** A fractional coordinate beyond this is not a position in or near the cell (precision is gone too). */
export const MAX_ABS_FRACTIONAL = 1000;

/**
 * Why the cell is too small, or null. A cell edge is itself a lattice period, so an edge under the
 * limit is impossible whatever the cell's shape (interplanar spacings are not used: a valid but
 * unreduced cell can have closely spaced planes).
 */
export function cellTooSmall(lattice: Lattice): string | null {
  const p = lattice.parameters;
  if (!(Math.min(p.a, p.b, p.c) < MIN_LATTICE_PERIOD)) return null;
  return (
    `the cell is too small (a=${p.a.toPrecision(3)}, b=${p.b.toPrecision(3)}, c=${p.c.toPrecision(3)} Å; ` +
    `no crystal repeats in under ${MIN_LATTICE_PERIOD} Å): check the cell lengths and their unit (Å)`
  );
}

/** Why a fractional coordinate is implausible, or null. */
export function badFractional(x: number): string | null {
  return Math.abs(x) > MAX_ABS_FRACTIONAL
    ? `fractional coordinate ${Math.abs(x) >= 1e6 ? x.toExponential() : x} is far outside the cell (more than ${MAX_ABS_FRACTIONAL} cell lengths away); fractional coordinates are positions in units of the cell edges, normally between 0 and 1`
    : null;
}
