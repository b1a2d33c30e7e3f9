// Percolation: exact thresholds in one sweep, migration paths, sites and hops.
export { percolate, energyRange, type PercolateOptions } from './sweep.js';
export { findPath } from './path.js';
export { relaxPath, type RelaxPathOptions } from './relax-path.js';
export { PeriodicField } from './field.js';
export { findBasins, type BasinOptions } from './basins.js';
export { sortedIndicesUpTo } from './sort.js';
export { WindingLattice, hermiteBasis } from './winding.js';
export type { LatticeLike, Connectivity } from './grid-walk.js';
export * from './types.js';
