// Public library API (the `exports` entry of package.json), named one by one: what a user needs to read
// structures, build a landscape, find barriers, paths and sites, write files and screen. The CLI is built on
// these; internals (matrix helpers, image expansion, grid walkers) stay private. `npm run docs` renders the
// reference from the comments of these declarations (docs/api/).

// Reading structures.
export { readStructure, readStructureFile, readStructureText, type ReadOptions, type ReadResult } from './structure/read.js';
export type { Species, Site, SpaceGroupInfo, Structure } from './structure/types.js';
export { Lattice, type Vec3, type LatticeParameters } from './structure/lattice.js';
export { composition, reducedFormula } from './structure/composition.js';
export { detectSpaceGroup, initSymmetry } from './structure/space-group.js';
export { writeCif } from './structure/cif-writer.js';
export { readPoscar, writePoscar } from './structure/poscar.js';

// Errors: every input problem is an InputError subclass with a message a chemist can act on.
export {
  InputError,
  CifSyntaxError,
  StructureError,
  GridFileError,
  SymopSyntaxError,
  MissingBvParamError,
  OxidationStateError,
  MobileIonError,
  SizeGuardError,
  ArchiveError,
  UsageError,
  NoAdapterError,
  ResumeError,
  OutputLockedError,
  MergeError,
  TransportError,
  DiskFullError,
  isInputError,
  describeError,
  type InputErrorOptions,
  type ErrorReport,
} from './errors.js';

// The BVSE model.
export type { Framework, PairType, MorsePair, CoulombPair } from './bvse/framework.js';
export { paramSources } from './bvse/framework.js';
export { pairEnergy, erfc } from './bvse/pair.js';
export { assignOxidationStates, type OxidationResult } from './bvse/oxidation/assign.js';
export { parseOxiOverride } from './bvse/oxidation/override.js';
export { buildFramework, type BuildFrameworkOptions } from './bvse/build-framework.js';
export { energyAtFrac } from './bvse/reference.js';
export { parseIon, formatIon } from './bvse/ion.js';
export { models, getModel, type BvseModel } from './bvse/model.js';

// Energy backends and grids.
export type { EnergyBackend, GridResult, BrickResult, BackendCapabilities } from './backends/types.js';
export { gridForResolution, gridPointCount, type GridSpec } from './grid/index.js';
export { createCpuBackend } from './backends/cpu/index.js';
export { createWebGpuBackend } from './backends/webgpu/index.js';
export { selectBackend } from './backends/select.js';

// Landscapes, barriers, migration paths and sites: computeLandscape, then migrationPaths (relaxed, Cartesian
// lengths), siteNetwork (basins and hops) and siteClasses (Wyckoff sites), as `bvscape landscape --path` does.
// findPath gives the grid's minimax path before relaxation (longer than the real path); relaxPath relaxes it.
export { computeLandscape, DEFAULT_RESOLUTION, type LandscapeOptions, type LandscapeResult } from './pipeline/landscape.js';
export { migrationPaths, siteNetwork, siteClasses, grdText, cubeText, DEFAULT_GRID_FILE_SPACING } from './pipeline/landscape-products.js';
export {
  classifySites,
  MERGE_DEPTH_EV,
  type ClassifiedSites,
  type ClassifyOptions,
  type SiteClass,
  type MergedSite,
  type MergedHop,
} from './sites/classify.js';
export { percolate, findPath, relaxPath, findBasins, DIMENSIONS, type RelaxPathOptions, type BasinOptions } from './percolation/index.js';
export type { PercolationResult, MigrationPath, SiteNetwork, BasinSite, Hop, Dimension, Connectivity } from './percolation/index.js';

// Grid files and landscapes made elsewhere.
export { writeGrd, writeCube, readGrd } from './io/grid-files.js';
export { readVolumetricGrid, detectGridFormat, type VolumetricGrid, type GridFormat, type GrdOrder, type ReadGridOptions } from './io/grid-readers.js';
export { percolateGrid, percolateVolumetricGrid, type PercolateGridOptions, type GridPercolationResult } from './pipeline/percolate-grid.js';

// Outputs as the CLI writes them.
export { percolateJson } from './io/percolate-json.js';
export { landscapeJson } from './outputs/landscape-json.js';
export { profileSvg } from './report/profile-svg.js';

// Screens.
export { runScreen, type ScreenOptions, type ScreenReport } from './screen/screen.js';
export { DEFAULT_SCREEN_CONFIG, screenConfig, type ScreenConfig } from './screen/types.js';
export { mergeShards } from './screen/merge.js';

// Transport: kinetic Monte Carlo on the site network.
export { simulateTransport, fitArrhenius, hopPercolation, DEFAULT_TEMPERATURES, TRANSPORT_DEFAULTS } from './transport/index.js';
export { simulateTransportParallel } from './transport/parallel.js';
export type { HopNetwork, TransportOptions, TransportResult, TemperatureResult, ArrheniusFit } from './transport/index.js';
export { networkFromSites, mobileInteraction, mobileIonsPerCell } from './transport/from-sites.js';
export { networkFromContinuum } from './transport/from-continuum.js';
export { transportJson, log10SigmaAt } from './transport/json.js';
export {
  structureTransport,
  transportNetwork,
  continuumTransportNetwork,
  TRANSPORT_RESOLUTION,
  type StructureTransport,
  type StructureTransportOptions,
} from './pipeline/landscape-products.js';
export { arrheniusSvg } from './report/arrhenius-svg.js';

// Types the functions above take or return, so a caller can name them.
export type { AssignOptions } from './bvse/oxidation/assign.js';
export type { OxidationStatesUsed } from './bvse/oxidation/summary.js';
export type { IonSpec } from './bvse/ion.js';
export type { ModelName, MorseTable } from './bvse/model.js';
export type { ReferenceOptions } from './bvse/reference.js';
export type { Composition } from './structure/composition.js';
export type { StructureFormat } from './structure/formats.js';
export type { Hint } from './errors.js';
export type { BarrierMethod, ConvergedStrategy, LandscapeMode, LandscapeSymmetry } from './pipeline/landscape.js';
export type { ContinuumNetwork, NetworkSite, NetworkSaddle, NetworkBarrier, NetworkTimings, EdgeEnd, SaddleStatus } from './network/types.js';
export type { CpuBackend } from './backends/cpu/driver.js';
export type { CpuBackendOptions } from './backends/cpu/index.js';
export type { WebGpuBackendOptions } from './backends/webgpu/index.js';
export type { SelectBackendOptions } from './backends/select.js';
export type { GridLandscape } from './pipeline/landscape-products.js';
export type { LatticeLike } from './percolation/grid-walk.js';
export type { PerDimension, IVec3 } from './percolation/types.js';
export type { PercolateOptions } from './percolation/sweep.js';
export type { GridPercolationSummary } from './io/percolate-json.js';
export type { ProfileSvgOptions } from './report/profile-svg.js';
export type { DualIonCriterion, RuntimeConfig, ScreenHeader } from './screen/types.js';
export type { MergeOptions, MergeReport } from './screen/merge.js';
export type { ProgressMode } from './screen/progress.js';
export type { ShardSpec } from './screen/inputs.js';
export type { TableSummary, DualCandidate, Ranked } from './screen/derive.js';
export type { ArrheniusSvgInput } from './report/arrhenius-svg.js';
export type { ArrheniusPoint } from './transport/arrhenius.js';
export type { SitesAndHops, NetworkContext } from './transport/from-sites.js';
export type { HopSite, NetworkHop, MobileInteraction, TemperatureStatus, TransportProgress } from './transport/types.js';
export type { HopPercolation } from './transport/percolation.js';
export type { WebGpuLike } from './backends/webgpu/index.js';
