// Public library API (the `exports` entry of package.json).
export * from './errors.js';
export * from './structure/lattice.js';
export type * from './structure/types.js';
export * from './bvse/framework.js';
export * from './backends/types.js';
