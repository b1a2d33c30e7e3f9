// One structure, one mobile ion: oxidation states -> framework -> energy grid -> percolation.
// The single pipeline behind `bvscape landscape`, `bvscape screen` and the browser preview.
import type { Structure } from './structure/types.js';
import { composition, displayFormula } from './structure/composition.js';
import { assignOxidationStates } from './bvse/oxidation.js';
import { oxidationStatesUsed, type OxidationStatesUsed } from './bvse/oxidation-summary.js';
import { buildFramework } from './bvse/build-framework.js';
import { formatIon } from './bvse/ion.js';
import { paramSources, type Framework } from './bvse/framework.js';
import type { EnergyBackend } from './backends/types.js';
import { gridForResolution, type GridSpec } from './grid/index.js';
import { createCpuBackend } from './backends/cpu/index.js';
import { percolate } from './percolation/index.js';
import type { Connectivity, PercolationResult, PerDimension } from './percolation/index.js';

export interface LandscapeOptions {
  /** "Li" (its charge in the structure), "Li+", "I-", "S2-". */
  ion: string;
  /** Grid spacing in Å (default 0.1). */
  resolution?: number;
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
  resolution: number;
  energies: Float32Array;
  eMin: number;
  eMax: number;
  barriers: PerDimension<number | null>;
  percolation: PercolationResult | null;
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

export async function computeLandscape(s: Structure, opts: LandscapeOptions): Promise<LandscapeResult> {
  const t0 = performance.now();
  const resolution = opts.resolution ?? 0.1;
  const oxi = assignOxidationStates(s, opts.oxi ? { override: opts.oxi } : {});
  const structure = oxi.structure;
  const framework = buildFramework(structure, {
    ion: opts.ion,
    ...(opts.model ? { model: opts.model } : {}),
    ...(opts.cutoff !== undefined ? { cutoff: opts.cutoff } : {}),
  });
  const pairs = paramSources(framework);
  const p = structure.lattice.parameters;
  const grid = gridForResolution([p.a, p.b, p.c], resolution);
  const t1 = performance.now();

  const backend = opts.backend ?? createCpuBackend();
  let gridResult;
  try {
    gridResult = await backend.computeGrid(framework, grid);
  } finally {
    if (!opts.backend) await backend.dispose();
  }
  const energies = gridResult.energies;
  const t2 = performance.now();

  let eMin = Infinity;
  let eMax = -Infinity;
  // A grid point exactly on a like-charged ion has E = +Infinity; E_max is the highest finite energy.
  for (let i = 0; i < energies.length; i++) {
    const e = energies[i]!;
    if (e < eMin) eMin = e;
    if (e > eMax && e !== Infinity) eMax = e;
  }
  const percolation = opts.skipPercolation
    ? null
    : percolate(energies, grid, {
        ...(opts.encut !== undefined ? { encut: opts.encut } : {}),
        ...(opts.connectivity !== undefined ? { connectivity: opts.connectivity } : {}),
      });
  const t3 = performance.now();

  return {
    structure,
    formula: displayFormula(composition(structure)),
    ion: formatIon(framework.mobile.element, framework.mobile.oxidation),
    model: framework.model,
    backend: backend.name,
    framework,
    grid,
    resolution,
    energies,
    eMin,
    eMax,
    barriers: percolation ? percolation.barriers : { '1D': null, '2D': null, '3D': null },
    percolation,
    nFrameworkAtoms: framework.atoms.type.length,
    pairTerms: gridResult.pairTerms,
    oxidationSource: oxi.source,
    oxidationStates: oxidationStatesUsed(structure),
    paramSources: pairs.sources,
    warnings: [...structure.warnings, ...oxi.warnings, ...pairs.warnings],
    timingsMs: {
      prepare: t1 - t0,
      grid: t2 - t1,
      percolation: t3 - t2,
      total: t3 - t0,
      ...Object.fromEntries(Object.entries(gridResult.timingsMs).map(([k, v]) => [`grid_${k}`, v])),
    },
  };
}
