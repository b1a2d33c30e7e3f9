// One structure, one mobile ion: oxidation states -> framework -> energy grid -> percolation.
// The single pipeline behind `bvscape landscape`, `bvscape screen` and the browser preview.
import type { Structure } from '../structure/types.js';
import { composition, displayFormula } from '../structure/composition.js';
import { assignOxidationStates } from '../bvse/oxidation/assign.js';
import { oxidationStatesUsed, type OxidationStatesUsed } from '../bvse/oxidation/summary.js';
import { buildFramework } from '../bvse/build-framework.js';
import { formatIon } from '../bvse/ion.js';
import { paramSources, type Framework } from '../bvse/framework.js';
import type { EnergyBackend, GridResult } from '../backends/types.js';
import { BRICK, gridForResolution, type GridSpec } from '../grid/index.js';
import { createCpuBackend } from '../backends/cpu/index.js';
import type { CpuBackend } from '../backends/cpu/driver.js';
import { energyRange, percolate } from '../percolation/index.js';
import { refineThresholds } from '../refine/adaptive.js';
import { refinementGrids, refinementSteps } from '../refine/levels.js';
import type { Connectivity, PercolationResult, PerDimension } from '../percolation/index.js';
import { frameworkSymmetry, type FrameworkSymmetry } from '../field-symmetry/framework.js';
import { fillFromBricks, gridSymmetry, orbitPlan } from '../field-symmetry/grid.js';
import { continuumNetwork } from '../network/bvse.js';
import { restsOnUnverifiedHop } from '../network/thresholds.js';
import type { ContinuumNetwork } from '../network/types.js';

/**
 * 'converged' (the default): thresholds equal to the uniform grid's at `resolution`, found by adaptive refinement
 * around them (src/refine). 'uniform': one grid at `resolution`, as every peer computes it.
 */
export type LandscapeMode = 'converged' | 'uniform';
/**
 * How barriers are found. 'continuum': the percolation thresholds of the network of minima and index-1 saddles of the
 * continuous field (src/network, docs/continuum.md), seeded from a uniform grid at `resolution`. 'grid': the thresholds
 * of a grid (`mode` says which), as every peer computes them.
 */
export type BarrierMethod = 'continuum' | 'grid';
/** The barrier method of every command unless told otherwise. */
export const DEFAULT_METHOD: BarrierMethod = 'continuum';
/** The grid spacing (Å) of the grid method unless told otherwise: its finest grid. */
export const DEFAULT_RESOLUTION = 0.05;
/** The grid spacing (Å) of the continuum method unless told otherwise: the seed (and written) grid. */
export const DEFAULT_SEED_RESOLUTION = 0.2;
/** The coarsest level of the converged mode (Å). */
export const DEFAULT_COARSEST = 0.2;
/**
 * Converged mode computes the finest uniform grid itself, filled by symmetry, instead of refining when at least this
 * many operations map that grid onto itself (and the backend fills by symmetry, the CPU's): both give the finest grid's
 * barriers exactly, and on ../shared/cif/named the filled grid was the faster wherever 4 or more operations fit
 * (bench/convergence.ts: 41.6 s against 84.5 s for the 30 files, the octree's own fill included).
 */
export const SYMMETRIC_GRID_MIN_OPERATIONS = 4;
/** …and when the finest grid has at most this many points (its energies and sweep take ~25 B a point). */
export const SYMMETRIC_GRID_MAX_POINTS = 32_000_000;
/** How converged mode finds the finest grid's barriers: 'octree' (adaptive refinement) or 'symmetric-grid'. */
export type ConvergedStrategy = 'octree' | 'symmetric-grid';

export interface LandscapeOptions {
  /** "Li" (its charge in the structure), "Li+", "I-", "S2-". */
  ion: string;
  /**
   * 'continuum' or 'grid'. Default DEFAULT_METHOD ('continuum'), except that asking for a grid `mode` or `strategy`
   * asks for grid barriers.
   */
  method?: BarrierMethod;
  /**
   * Continuum method: bracket each barrier with a rigorous lower bound (docs/continuum.md, "Certification"), filling
   * the network's `lowerBound` and `certified`. Off by default (it costs a block cover of the cell).
   */
  certify?: boolean;
  /**
   * Continuum method: the network serves the barriers only (a screen's), so a hop whose edge cannot change a threshold
   * gets no string start (docs/continuum.md, "The network", step 3); the same barriers and flags, but such a hop can
   * stay unverified where the string would have found its saddle, which the transport's hop rates would feel.
   */
  thresholdsOnly?: boolean;
  /**
   * Grid spacing in Å. Grid method: its finest grid (default DEFAULT_RESOLUTION, 0.05). Continuum method: the uniform
   * grid that seeds the network and is returned (default DEFAULT_SEED_RESOLUTION, 0.2); barriers do not depend on it.
   */
  resolution?: number;
  /** Grid method: 'converged' (default) or 'uniform'. The continuum method's grid is always uniform. */
  mode?: LandscapeMode;
  /** Converged mode: spacing of the coarsest level (Å, default 0.2). */
  coarsest?: number;
  /**
   * Converged mode: 'auto' (default) fills the finest uniform grid by symmetry when SYMMETRIC_GRID_MIN_OPERATIONS or
   * more operations map it onto itself on a CPU backend, else refines; 'octree' always refines. Same barriers.
   */
  strategy?: 'auto' | 'octree';
  /**
   * Converged mode: 'full' (default) also returns the finest grid (for grid files, paths, sites), 'none' returns
   * barriers only (what a screen needs; `energies` is then empty and `percolation` null).
   */
  gridOutput?: 'full' | 'none';
  /**
   * CPU backend for the converged mode's curvature bounds (and its energies while the WebGPU backend cannot evaluate
   * bricks); default `backend` when it is a CPU one, else one on all cores for this call.
   */
  cpu?: CpuBackend;
  /** 'bvlain' (default) or 'softbv'. */
  model?: string;
  /** Oxidation-state overrides, element -> state (--oxi). */
  oxi?: Record<string, number>;
  /** Percolation window above E_min (eV, default 10). */
  encut?: number;
  /** Pair cutoff (Å); default the model's (10 Å). */
  cutoff?: number;
  /** Energy backend; when absent a CPU backend is created for this call and disposed after it. */
  backend?: EnergyBackend;
  /** Grid neighbours in the percolation sweep: 6 (default, docs/ARCHITECTURE.md) or 26 (bvlain's scipy labelling). */
  connectivity?: Connectivity;
  /** Skip the percolation sweep (grid only). */
  skipPercolation?: boolean;
  /**
   * Space-group symmetry of the framework (default true, docs/symmetry.md): the framework is symmetrized (atoms move
   * by < 2e-3 Å) and the uniform grid is evaluated on one point per orbit, the rest filled by symmetry.
   */
  symmetry?: boolean;
}

export interface LandscapeResult {
  /** The structure with oxidation states assigned. */
  structure: Structure;
  formula: string;
  /** The mobile ion as resolved, e.g. "Li+". */
  ion: string;
  model: string;
  backend: string;
  framework: Framework;
  grid: GridSpec;
  /** The finest spacing asked for (Å); the grid's spacing is at most this along every axis. */
  resolution: number;
  /** How the barriers were found ('continuum': `network` holds the sites, saddles and bottlenecks). */
  method: BarrierMethod;
  mode: LandscapeMode;
  /** Converged mode: levels (coarsest included), energies evaluated and the uniform grid's point count. */
  refinement: { levels: number; pointsEvaluated: number; pointsUniform: number; coarseGrid: GridSpec; strategy: ConvergedStrategy } | null;
  /**
   * The framework's symmetry when used (null with `symmetry: false` or when the framework has none): its space group,
   * the operations that map the (finest) grid onto itself, the points evaluated (uniform grid filled by symmetry, or
   * the refinement's evaluated points, symmetric images filled at every level) and the largest atom move of the
   * symmetrization (Å).
   */
  symmetry: LandscapeSymmetry | null;
  /** Energies on `grid` (empty in converged mode with gridOutput 'none'). */
  energies: Float32Array;
  /** Lowest energy (eV): the lowest polished minimum in the continuum method, else the grid's lowest value. */
  eMin: number;
  eMax: number;
  barriers: PerDimension<number | null>;
  /** The grid's own sweep (the grid method's barriers; in the continuum method, the seed grid's, for paths and sites). */
  percolation: PercolationResult | null;
  /** Continuum method: minima, saddles, each barrier's bottleneck, certification. Null in the grid method. */
  network: ContinuumNetwork | null;
  nFrameworkAtoms: number;
  pairTerms: number;
  oxidationSource: string;
  /** The oxidation states used: element -> state (per site where an element takes several). */
  oxidationStates: OxidationStatesUsed;
  /** Per counter-ion pair ("Br-–P5+"): 'table' or 'derived' (derive-params.ts). */
  paramSources: Record<string, 'table' | 'derived'>;
  warnings: string[];
  timingsMs: Record<string, number>;
}

export interface LandscapeSymmetry {
  spaceGroup: { number: number; symbol: string };
  operations: number;
  pointsEvaluated: number | null;
  /** Converged mode: points of bricks filled from symmetric images instead of evaluated (null in uniform mode). */
  pointsFilled: number | null;
  maxShift: number;
}

export async function computeLandscape(s: Structure, opts: LandscapeOptions): Promise<LandscapeResult> {
  const t0 = performance.now();
  const method = opts.method ?? (opts.mode !== undefined || opts.strategy !== undefined ? 'grid' : DEFAULT_METHOD);
  const resolution = opts.resolution ?? (method === 'continuum' ? DEFAULT_SEED_RESOLUTION : DEFAULT_RESOLUTION);
  const oxi = assignOxidationStates(s, opts.oxi ? { override: opts.oxi } : {});
  const structure = oxi.structure;
  const built = buildFramework(structure, {
    ion: opts.ion,
    ...(opts.model ? { model: opts.model } : {}),
    ...(opts.cutoff !== undefined ? { cutoff: opts.cutoff } : {}),
  });
  // Both modes use the symmetrized framework, so converged and uniform results stay comparable.
  const sym = opts.symmetry === false ? null : frameworkSymmetry(built);
  const framework = sym ? sym.framework : built;
  const pairs = paramSources(framework);
  const p = structure.lattice.parameters;
  const uniformSpec = gridForResolution([p.a, p.b, p.c], resolution);
  const t1 = performance.now();
  const backend = opts.backend ?? createCpuBackend();
  let cpu: CpuBackend | null = null;
  let core: GridOutcome;
  try {
    const coarsest = opts.coarsest ?? DEFAULT_COARSEST;
    // Converged mode computes one uniform grid when that grid is the finest one: with one level (the finest grid is
    // the coarsest), or when filling the refinement's finest grid by symmetry is the cheaper exact strategy.
    const uniformMode = method === 'continuum' || (opts.mode ?? 'converged') === 'uniform';
    const finestUniform = uniformMode
      ? null
      : refinementSteps(resolution, coarsest) === 0
        ? uniformSpec
        : symmetricFinestGrid(framework, resolution, coarsest, backend, sym, opts);
    if (method === 'continuum') core = await continuumCore(framework, uniformSpec, backend, opts, sym);
    else if (uniformMode) core = await uniformGrid(framework, uniformSpec, backend, opts, sym);
    else if (finestUniform) {
      const u = await uniformGrid(framework, finestUniform, backend, opts, sym);
      const n = u.grid.nx * u.grid.ny * u.grid.nz;
      const strategy: ConvergedStrategy = u.symmetry ? 'symmetric-grid' : 'octree';
      const refinement = { levels: 1, pointsEvaluated: u.symmetry?.pointsEvaluated ?? n, pointsUniform: n, coarseGrid: u.grid, strategy };
      // gridOutput 'none' promises barriers only, whichever way they were found.
      core = (opts.gridOutput ?? 'full') === 'none' ? { ...u, energies: new Float32Array(0), percolation: null, refinement } : { ...u, refinement };
    } else {
      cpu = opts.cpu ?? (isCpuBackend(backend) ? backend : createCpuBackend());
      core = await convergedGrid(framework, resolution, coarsest, backend, cpu, opts, sym);
    }
  } finally {
    if (!opts.backend) await backend.dispose();
    if (cpu && cpu !== backend && cpu !== opts.cpu) await cpu.dispose();
  }
  const t2 = performance.now();
  const { grid, energies, eMin, eMax, percolation, barriers } = core;

  return {
    structure,
    formula: displayFormula(composition(structure)),
    ion: formatIon(framework.mobile.element, framework.mobile.oxidation),
    model: framework.model,
    backend: backend.name,
    framework,
    grid,
    resolution,
    method,
    mode: method === 'continuum' ? 'uniform' : (opts.mode ?? 'converged'),
    refinement: core.refinement,
    symmetry: sym
      ? {
          spaceGroup: sym.spaceGroup,
          operations: core.symmetry?.operations ?? gridSymmetry(sym.operations, grid).operations.length,
          pointsEvaluated: core.symmetry?.pointsEvaluated ?? null,
          pointsFilled: core.symmetry?.pointsFilled ?? null,
          maxShift: sym.maxShift,
        }
      : null,
    energies,
    eMin,
    eMax,
    barriers,
    percolation,
    network: core.network ?? null,
    nFrameworkAtoms: framework.atoms.type.length,
    pairTerms: core.pairTerms,
    oxidationSource: oxi.source,
    oxidationStates: oxidationStatesUsed(structure),
    paramSources: pairs.sources,
    warnings: [...structure.warnings, ...oxi.warnings, ...pairs.warnings],
    timingsMs: {
      prepare: t1 - t0,
      grid: core.gridMs,
      percolation: core.percolationMs,
      ...(core.network ? Object.fromEntries(Object.entries(core.network.timingsMs).map(([k, v]) => [`network_${k}`, v])) : {}),
      total: t2 - t0,
      ...Object.fromEntries(Object.entries(core.timingsMs).map(([k, v]) => [`grid_${k}`, v])),
    },
  };
}

interface GridOutcome {
  grid: GridSpec;
  energies: Float32Array;
  eMin: number;
  eMax: number;
  barriers: PerDimension<number | null>;
  percolation: PercolationResult | null;
  refinement: LandscapeResult['refinement'];
  /** Uniform grids filled by symmetry: the grid's operations and the points evaluated. */
  symmetry?: { operations: number; pointsEvaluated: number; pointsFilled?: number };
  pairTerms: number;
  gridMs: number;
  percolationMs: number;
  timingsMs: Record<string, number>;
  network?: ContinuumNetwork;
}

/** Point counts per axis the seed grid may be rounded up to, so that the translations of more operations fit it. */
const SEED_MULTIPLES = [2, 3, 4, 6, 8, 12, 24];
/** …at most this factor more points than the grid asked for. */
const SEED_MAX_GROWTH = 1.5;

/**
 * The seed grid: the grid at `resolution`, or one a little finer whose point counts are multiples of 2…24 when that
 * lets more space-group operations map it onto itself (so fewer points are evaluated and fewer searches run: cubic LLZO
 * at 0.2 Å, 65³ points keep 6 of its 96 operations, 72³ keep all). The spacing stays at most `resolution`.
 */
function symmetricSeedGrid(grid: GridSpec, sym: FrameworkSymmetry): GridSpec {
  const points = (g: GridSpec) => g.nx * g.ny * g.nz;
  let best = grid;
  let bestOps = gridSymmetry(sym.operations, grid).operations.length;
  for (const k of SEED_MULTIPLES) {
    const up = (n: number) => Math.ceil(n / k) * k;
    const g = { nx: up(grid.nx), ny: up(grid.ny), nz: up(grid.nz) };
    if (points(g) > SEED_MAX_GROWTH * points(grid)) continue;
    const ops = gridSymmetry(sym.operations, g).operations.length;
    if (ops > bestOps || (ops === bestOps && points(g) < points(best))) [best, bestOps] = [g, ops];
  }
  return best;
}

/**
 * The continuum method: the uniform seed grid (filled by symmetry where it can be), its own sweep, and the network of
 * the continuous field seeded from it. Barriers, E_min and the bottlenecks are the network's.
 */
async function continuumCore(
  framework: Framework,
  grid: GridSpec,
  backend: EnergyBackend,
  opts: LandscapeOptions,
  sym: FrameworkSymmetry | null,
): Promise<GridOutcome> {
  const seed = sym && fillsBySymmetry(backend) ? symmetricSeedGrid(grid, sym) : grid;
  const u = await uniformGrid(framework, seed, backend, { ...opts, skipPercolation: false }, sym);
  const t0 = performance.now();
  const networkFrom = (g: GridOutcome) =>
    continuumNetwork(framework, g.grid, g.energies, {
      ...percolationOptions(opts),
      ...(sym ? { operations: sym.operations } : {}),
      ...(g.percolation ? { percolation: g.percolation } : {}),
      ...(opts.certify ? { certify: true } : {}),
      ...(opts.thresholdsOnly ? { thresholdsOnly: true } : {}),
    });
  let network = networkFrom(u);
  // A barrier that needs an unverified hop, or that one could lower, rests on a seed-grid crossing no search turned
  // into a saddle of that hop: on a coarse seed the crossing can lie beside the saddle's basin pair (measured on
  // obelix__duf, 0.2 Å: 0.977 eV through unverified hops; a 0.1 Å seed verifies 0.892, the 0.025 Å grid gives 0.895).
  // Rebuild once from a seed twice as fine; the grid returned stays the one asked for.
  const fine = { nx: 2 * u.grid.nx, ny: 2 * u.grid.ny, nz: 2 * u.grid.nz };
  if (needsFinerSeed(network) && fine.nx * fine.ny * fine.nz <= REFINED_SEED_MAX_POINTS) {
    const v = await uniformGrid(framework, fine, backend, { ...opts, skipPercolation: false }, sym);
    network = networkFrom(v);
    network.seed.refinedFrom = [u.grid.nx, u.grid.ny, u.grid.nz];
  }
  const ms = performance.now() - t0;
  const pick = (d: '1D' | '2D' | '3D') => network.barriers[d]?.barrier ?? null;
  const barriersOnly = (opts.gridOutput ?? 'full') === 'none';
  return {
    ...u,
    ...(barriersOnly ? { energies: new Float32Array(0) } : {}),
    percolation: barriersOnly || opts.skipPercolation ? null : u.percolation,
    eMin: network.eMin,
    barriers: { '1D': pick('1D'), '2D': pick('2D'), '3D': pick('3D') },
    percolationMs: u.percolationMs + ms,
    network,
  };
}

/** The most points of the seed grid rebuilt twice as fine (continuumCore): the size guard's budget. */
const REFINED_SEED_MAX_POINTS = 16_000_000;

/** Whether some barrier of the network passes through, or could be lowered by, an unverified hop. */
function needsFinerSeed(n: ContinuumNetwork): boolean {
  return Object.values(n.barriers).some((b) => b !== null && restsOnUnverifiedHop(b));
}

/** The sweep window and neighbours the caller asked for (the sweep's own defaults otherwise). */
function percolationOptions(opts: LandscapeOptions): { encut?: number; connectivity?: Connectivity } {
  return {
    ...(opts.encut !== undefined ? { encut: opts.encut } : {}),
    ...(opts.connectivity !== undefined ? { connectivity: opts.connectivity } : {}),
  };
}

/**
 * Converged mode's choice (SYMMETRIC_GRID_MIN_OPERATIONS): the refinement's finest grid when filling it by symmetry
 * pays more than refining, else null.
 */
function symmetricFinestGrid(
  framework: Framework,
  resolution: number,
  coarsest: number,
  backend: EnergyBackend,
  sym: FrameworkSymmetry | null,
  opts: LandscapeOptions,
): GridSpec | null {
  if (!sym || (opts.strategy ?? 'auto') === 'octree' || !fillsBySymmetry(backend)) return null;
  const [nx, ny, nz] = refinementGrids(framework.lattice, resolution, coarsest).finest;
  if (nx * ny * nz > SYMMETRIC_GRID_MAX_POINTS) return null;
  const grid = { nx, ny, nz };
  return gridSymmetry(sym.operations, grid).operations.length >= SYMMETRIC_GRID_MIN_OPERATIONS ? grid : null;
}

/** Backends on which a grid filled by symmetry pays (EnergyBackend.capabilities; they must evaluate point sets). */
function fillsBySymmetry(backend: EnergyBackend): boolean {
  return typeof backend.computeBricks === 'function' && backend.capabilities.fillsBySymmetry;
}

function isCpuBackend(b: EnergyBackend): b is CpuBackend {
  return typeof (b as Partial<CpuBackend>).runPrepared === 'function';
}

async function uniformGrid(
  framework: Framework,
  grid: GridSpec,
  backend: EnergyBackend,
  opts: LandscapeOptions,
  sym: FrameworkSymmetry | null,
): Promise<GridOutcome> {
  const t0 = performance.now();
  const filled = sym ? await symmetricGrid(framework, grid, backend, sym) : null;
  const gridResult = filled ?? (await backend.computeGrid(framework, grid));
  const energies = gridResult.energies;
  const t1 = performance.now();
  const percolation = opts.skipPercolation ? null : percolate(energies, grid, percolationOptions(opts));
  // The sweep has the grid's range already (E_max: the highest finite energy; a point on a like-charged ion is +∞).
  const { eMin, eMax } = percolation ?? energyRange(energies);
  return {
    grid,
    energies,
    eMin,
    eMax,
    barriers: percolation ? percolation.barriers : { '1D': null, '2D': null, '3D': null },
    percolation,
    refinement: null,
    ...(filled ? { symmetry: filled.symmetry } : {}),
    pairTerms: gridResult.pairTerms,
    gridMs: t1 - t0,
    percolationMs: performance.now() - t1,
    timingsMs: gridResult.timingsMs,
  };
}

/**
 * The uniform grid from one point per orbit (src/field-symmetry/grid.ts): the bricks holding a representative are evaluated,
 * the other points take their representative's value. Null on a non-CPU backend or when no operation besides the
 * identity maps this grid onto itself.
 */
async function symmetricGrid(
  framework: Framework,
  grid: GridSpec,
  backend: EnergyBackend,
  sym: FrameworkSymmetry,
): Promise<(GridResult & { symmetry: { operations: number; pointsEvaluated: number } }) | null> {
  if (!fillsBySymmetry(backend) || !backend.computeBricks) return null;
  const t0 = performance.now();
  const gs = gridSymmetry(sym.operations, grid);
  if (gs.operations.length <= 1) return null;
  const plan = orbitPlan(gs, BRICK);
  const t1 = performance.now();
  const r = await backend.computeBricks(framework, grid, plan.bricks, plan.points);
  const t2 = performance.now();
  const energies = fillFromBricks(plan, r.energies);
  const t3 = performance.now();
  return {
    energies,
    pairTerms: r.pairTerms,
    timingsMs: { ...r.timingsMs, symmetry_plan: t1 - t0, symmetry_fill: t3 - t2 },
    symmetry: { operations: gs.operations.length, pointsEvaluated: plan.pointsEvaluated },
  };
}

async function convergedGrid(
  framework: Framework,
  resolution: number,
  coarsest: number,
  backend: EnergyBackend,
  cpu: CpuBackend,
  opts: LandscapeOptions,
  sym: FrameworkSymmetry | null,
): Promise<GridOutcome> {
  const t0 = performance.now();
  const r = await refineThresholds(framework, {
    resolution,
    coarsest,
    backend,
    cpu,
    ...percolationOptions(opts),
    // The framework is the symmetrized one: bricks whose points all have evaluated images are filled from them.
    ...(sym ? { symmetry: sym.operations } : {}),
  });
  const t1 = performance.now();
  const wantGrid = (opts.gridOutput ?? 'full') === 'full';
  // The interpolated field (exact near the thresholds, smooth elsewhere) for grid files, sites and paths. Its own
  // sweep can differ from the refined thresholds by the interpolation error far from them; the barriers reported
  // are the refined ones.
  const energies = wantGrid ? r.assembleGrid('interpolated') : new Float32Array(0);
  const percolation = wantGrid && !opts.skipPercolation ? percolate(energies, r.grid, percolationOptions(opts)) : null;
  return {
    grid: r.grid,
    energies,
    eMin: r.eMin,
    eMax: r.eMaxEvaluated,
    barriers: r.barriers,
    percolation,
    refinement: { levels: r.levels, pointsEvaluated: r.pointsEvaluated, pointsUniform: r.pointsUniform, coarseGrid: r.coarseGrid, strategy: 'octree' },
    ...(sym
      ? { symmetry: { operations: gridSymmetry(sym.operations, r.grid).operations.length, pointsEvaluated: r.pointsEvaluated, pointsFilled: r.pointsFilled } }
      : {}),
    pairTerms: r.pairTerms,
    gridMs: t1 - t0,
    percolationMs: performance.now() - t1,
    timingsMs: r.timingsMs,
  };
}
