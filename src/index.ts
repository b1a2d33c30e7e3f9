// Public library API (the `exports` entry of package.json): read structures, build a landscape,
// percolate, write files, screen. The CLI is built on exactly these.
export * from './errors.js';
export * from './structure/lattice.js';
export type * from './structure/types.js';
export { readStructureFile, readStructureText, type ReadOptions, type ReadResult } from './structure/read.js';
export { composition, reducedFormula } from './structure/composition.js';
export { detectSpaceGroup, initSymmetry } from './structure/symmetry.js';
export { writeCif } from './structure/cif-writer.js';
export { readPoscar, writePoscar } from './structure/poscar.js';
export * from './bvse/framework.js';
export { pairEnergy, erfc } from './bvse/pair.js';
export { assignOxidationStates, parseOxiOverride, type OxidationResult } from './bvse/oxidation.js';
export { buildFramework, type BuildFrameworkOptions } from './bvse/build-framework.js';
export { energyAtFrac } from './bvse/reference.js';
export { parseIon, formatIon } from './bvse/ion.js';
export { models, getModel, type BvseModel } from './bvse/model.js';
export * from './backends/types.js';
export { createCpuBackend } from './backends/cpu/index.js';
export { createWebGpuBackend } from './backends/webgpu/index.js';
export { selectBackend } from './backends/select.js';
export { percolate, findPath, findSites } from './percolation/index.js';
export type { PercolationResult, MigrationPath, SiteNetwork, Connectivity } from './percolation/index.js';
export { computeLandscape, type LandscapeOptions, type LandscapeResult } from './landscape.js';
export { writeGrd, writeCube, readGrd } from './io/grid-files.js';
export { landscapeJson } from './io/landscape-json.js';
export { profileSvg } from './report/profile-svg.js';
export { runScreen } from './screen/screen.js';
export { mergeShards } from './screen/merge.js';
