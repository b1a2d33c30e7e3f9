// What is made from one landscape result besides its numbers: the grid files' title and atoms, the
// real-space migration path of each dimension, the site network, the profile. One place, used by
// `bvscape landscape` and the browser preview, so both produce the same files.
import { computeLandscape, DEFAULT_METHOD, DEFAULT_SEED_RESOLUTION, type BarrierMethod, type LandscapeResult } from './landscape.js';
import type { Structure } from '../structure/types.js';
import type { EnergyBackend } from '../backends/types.js';
import { simulateTransport } from '../transport/simulate.js';
import { DIMENSIONS, findPath, findBasins, relaxPath, type Dimension, type MigrationPath, type SiteNetwork } from '../percolation/index.js';
import { writeCube, writeGrd } from '../io/grid-files.js';
import { atomicNumber } from '../structure/elements.js';
import { cellFormula, composition } from '../structure/composition.js';
import type { Lattice, Vec3 } from '../structure/lattice.js';
import { gridForResolution, resampleGrid, type GridSpec } from '../grid/index.js';
import type { PercolationResult } from '../percolation/index.js';
import { profileSvg } from '../report/profile-svg.js';
import { classifySites, type ClassifiedSites } from '../sites/classify.js';
import { mobileInteraction, mobileIonsPerCell, networkFromSites, type NetworkContext } from '../transport/from-sites.js';
import { networkFromContinuum } from '../transport/from-continuum.js';
import { ASSUMED_ATTEMPT_FREQUENCY_HZ } from '../transport/rates.js';
import { atomicWeight } from '../structure/masses.js';
import type { HopNetwork, TransportOptions, TransportResult } from '../transport/types.js';
import type { Framework } from '../bvse/framework.js';
import { createAnalyticField } from '../critical/index.js';
import { criticalSearch } from '../network/bvse.js';
import { networkPaths } from '../network/path.js';
import type { ContinuumNetwork } from '../network/types.js';

/** Title line of the .grd/.cube files: formula, ion, model and unit. */
export function landscapeTitle(r: LandscapeResult): string {
  return `${r.formula} ${r.ion} BVSE (${r.model}) eV`;
}

/** Atoms for the .cube header: the first species of each site (a cube file holds one atom per position). */
export function cubeAtoms(r: LandscapeResult): { Z: number; cart: Vec3 }[] {
  return r.structure.sites.map((site) => ({ Z: atomicNumber(site.species[0]!.element), cart: r.structure.lattice.fracToCart(site.frac) }));
}

/**
 * What the .cube's atom list hides, for its comment line: a cube atom has no occupancy, so a partially occupied
 * or mixed site is written as one full atom of its first species (β-Li3PS4 would read as Li16P4S16 in ASE). The
 * note says how many atoms stand for such sites and gives the occupancy-weighted cell content; null when none do.
 */
export function cubeOccupancyNote(r: LandscapeResult): string | null {
  const partial = r.structure.sites.filter((site) => site.species.length > 1 || site.species[0]!.occupancy < 1 - 1e-6).length;
  if (partial === 0) return null;
  return `${partial} of ${r.structure.sites.length} atoms are partially occupied or mixed sites, written as full atoms of their first species; occupancy-weighted cell content ${cellFormula(composition(r.structure))}`;
}

/**
 * Grid files are written at this spacing by default (Å), or at the computed one when coarser: a 0.05 Å grid of a
 * 10 Å cell is 85 MB as text, which viewers load slowly, while isosurfaces look the same at 0.1 Å.
 */
export const DEFAULT_GRID_FILE_SPACING = 0.1;

/** Files above this size (bytes) get a warning with the option that makes them smaller. */
export const LARGE_GRID_FILE_BYTES = 20e6;

/** The grid a file is written on: the computed grid, or a coarser one at `spacing` (values interpolated). */
export function gridFileGrid(r: LandscapeResult, spacing: number = DEFAULT_GRID_FILE_SPACING): GridSpec {
  if (spacing <= r.resolution * (1 + 1e-9)) return r.grid;
  const p = r.structure.lattice.parameters;
  const coarse = gridForResolution([p.a, p.b, p.c], spacing);
  return coarse.nx * coarse.ny * coarse.nz < r.grid.nx * r.grid.ny * r.grid.nz ? coarse : r.grid;
}

function fileValues(r: LandscapeResult, spacing?: number): { values: Float32Array; grid: GridSpec } {
  const grid = gridFileGrid(r, spacing);
  return { values: resampleGrid(r.energies, r.grid, grid), grid };
}

/** The .grd text; `spacing` (Å, default DEFAULT_GRID_FILE_SPACING) coarsens it for viewers. */
export function grdText(r: LandscapeResult, spacing?: number): string {
  const f = fileValues(r, spacing);
  return writeGrd(f.values, f.grid, r.structure.lattice, landscapeTitle(r));
}

export function cubeText(r: LandscapeResult, spacing?: number): string {
  const f = fileValues(r, spacing);
  return writeCube(f.values, f.grid, r.structure.lattice, cubeAtoms(r), landscapeTitle(r), cubeOccupancyNote(r));
}

/** What paths and sites need: a landscape computed here, or a grid read from a file (percolate-grid.ts). */
export interface GridLandscape {
  energies: Float32Array;
  grid: GridSpec;
  percolation: PercolationResult | null;
  structure: { lattice: Lattice };
  /** The continuum method's network and the framework whose field it belongs to (a LandscapeResult has both). */
  network?: ContinuumNetwork | null;
  framework?: Framework;
}

/**
 * The migration path of each dimension that percolates (1D, 2D, 3D order), its length a Cartesian length in Å.
 * Continuum landscapes: a cycle of the network's minima and saddles through each bottleneck, every segment a steepest
 * descent of the analytic field from a polished saddle (src/network/path.ts), so its maximum is the continuum barrier.
 * Grid landscapes: the grid's minimax path, shortened and relaxed on the interpolated grid by relaxPath.
 */
export function migrationPaths(r: GridLandscape, dimensions: readonly Dimension[] = DIMENSIONS): MigrationPath[] {
  if (r.network && r.framework) return networkPaths(createAnalyticField(r.framework), criticalSearch, r.network, dimensions);
  if (!r.percolation) return [];
  const lattice = r.structure.lattice;
  const out: MigrationPath[] = [];
  for (const d of dimensions) {
    const gridPath = findPath(r.energies, r.grid, lattice, r.percolation, d);
    if (gridPath) out.push(relaxPath(gridPath, r.energies, r.grid, lattice));
  }
  return out;
}

/** Sites (basins below the 3D threshold) and the hops between them; null without a percolation result. */
export function siteNetwork(r: GridLandscape): SiteNetwork | null {
  return r.percolation ? findBasins(r.energies, r.grid, r.structure.lattice, r.percolation) : null;
}

/** "1" | "2" | "3" | 1 | 2 | 3 → "1D" | "2D" | "3D". */
export function dimensionOf(n: number | string): Dimension {
  const d = `${n}D`.replace(/DD$/i, 'D').toUpperCase() as Dimension;
  if (!DIMENSIONS.includes(d)) throw new RangeError(`a percolation dimension is 1, 2 or 3, got ${n}`);
  return d;
}

/** The energy profile of one path as SVG, titled with the structure, ion and dimension. */
export function profileSvgFor(r: LandscapeResult, path: MigrationPath): string {
  return profileSvg(path, { title: `${r.formula}: ${r.ion} ${path.dimension} path, ${path.lengthsA[path.lengthsA.length - 1]!.toFixed(2)} Å` });
}

/** Sites by symmetry: basins merged where the grid cannot resolve them, symmetry orbits, Wyckoff positions. */
export function siteClasses(r: LandscapeResult, net: SiteNetwork | null): ClassifiedSites | null {
  if (!net) return null;
  return classifySites(net, r.energies, r.grid, r.structure, r.framework.mobile.element, {
    ...(r.percolation ? { connectivity: r.percolation.connectivity } : {}),
  });
}

/** Sites for transport reach this far (eV) above the percolation threshold (see transportNetwork). */
export const TRANSPORT_CAP_ABOVE_THRESHOLD = 0.5;

/**
 * The site–hop network a transport calculation runs on (src/transport): the grid's basins up to 0.5 eV above the
 * highest percolation threshold reached (a hop whose saddle lies higher is slower than the percolating one by
 * exp(−0.5 eV/kT) < 2e-4 at 700 K, and those sites hold no ion at equilibrium), merged into crystallographic sites
 * (classifySites: basins the grid cannot resolve are one site); the structure's mobile-ion content; the model's
 * mobile–mobile screened Coulomb repulsion. Null without a percolation result.
 *
 * A kMC site holds one ion. When the structure has more mobile ions per cell than there are merged sites, the merge
 * has joined basins that are distinct ion positions (a shallow channel the grid cuts into pockets that the merge
 * rejoins), so the basins themselves are the sites: each is a minimum of the single-ion field, site exclusion keeps
 * one ion per basin, and the model's Li–Li repulsion, not the merge, decides which neighbouring basins can be
 * filled together.
 */
export function transportNetwork(r: LandscapeResult): HopNetwork | null {
  const perc = r.percolation;
  if (!perc) return null;
  const reached = perc.thresholds['3D'] ?? perc.thresholds['2D'] ?? perc.thresholds['1D'] ?? perc.eMin;
  const cap = Math.min(reached + TRANSPORT_CAP_ABOVE_THRESHOLD, perc.eMin + perc.encut);
  const basins = findBasins(r.energies, r.grid, r.structure.lattice, perc, { cap });
  const merged = classifySites(basins, r.energies, r.grid, r.structure, r.framework.mobile.element, { connectivity: perc.connectivity });
  const grid = `grid sites and hops at ${r.resolution} Å (${r.mode})`;
  const above = `up to ${TRANSPORT_CAP_ABOVE_THRESHOLD} eV above the percolation threshold`;
  const ctx = transportContext(r, `${grid}, merged into crystallographic sites, ${above}`);
  if (ctx.ionsPerCell <= merged.sites.length + 1e-9) return networkFromSites(merged, ctx);
  const why = `${Number(ctx.ionsPerCell.toFixed(3))} ${r.framework.mobile.element} per cell but ${merged.sites.length} merged sites`;
  return networkFromSites(basins, { ...ctx, source: `${grid}: the ${basins.sites.length} basins unmerged (${why}), ${above}` });
}

/** What every transport network of a landscape shares: lattice, carrier, its content and the mobile–mobile repulsion. */
function transportContext(r: LandscapeResult, source: string): NetworkContext {
  const m = r.structure.lattice.matrix;
  const row = (i: number): [number, number, number] => [m[3 * i]!, m[3 * i + 1]!, m[3 * i + 2]!];
  return {
    lattice: [row(0), row(1), row(2)],
    ion: { symbol: r.ion, charge: r.framework.mobile.oxidation },
    ionsPerCell: mobileIonsPerCell(r.structure, r.framework.mobile.element),
    interaction: mobileInteraction(r.structure, { ion: r.framework.mobile, model: r.model }),
    source,
  };
}

/**
 * The transport network of the continuum method (src/network, docs/continuum.md): its polished minima as sites, its
 * saddles as hops, Vineyard attempt frequencies from each end of every verified saddle with the carrier's atomic
 * weight (the assumed 1e13 Hz on seed and unverified hops, which keep their grid crossing). Null when the landscape
 * has no continuum network (grid method) or the carrier's mass is unknown.
 */
export function continuumTransportNetwork(r: LandscapeResult): HopNetwork | null {
  const cn = r.network;
  const massAmu = atomicWeight(r.framework.mobile.element);
  if (!cn || massAmu === null) return null;
  const verified = cn.saddles.filter((x) => x.status === 'verified').length;
  const source = `continuum network: ${cn.sites.length} polished minima and ${cn.saddles.length} saddles (${verified} verified) of the field, seeded from the ${r.resolution} Å grid`;
  const attemptFrequency = {
    hz: ASSUMED_ATTEMPT_FREQUENCY_HZ,
    source: 'assumed: 1e13 Hz, the customary phonon-scale attempt frequency, where no verified saddle gives a Hessian',
  };
  return networkFromContinuum(cn, { ...transportContext(r, source), massAmu, attemptFrequency });
}

/** The grid spacing (Å) the transport network is built on unless told otherwise (see docs/transport.md). */
export const TRANSPORT_RESOLUTION = 0.1;

export interface StructureTransportOptions extends TransportOptions {
  ion: string;
  /**
   * Where the sites and hops come from. 'continuum' (default): the continuum network's polished minima and saddles
   * with Vineyard attempt frequencies, falling back to the grid's sites when the landscape has no network; 'grid': the
   * grid's basins merged into crystallographic sites, with the assumed attempt frequency.
   */
  method?: BarrierMethod;
  /**
   * Uniform grid spacing (Å): the continuum network's seed grid (default DEFAULT_SEED_RESOLUTION, 0.2) or the grid the
   * sites come from (default TRANSPORT_RESOLUTION, 0.1).
   */
  resolution?: number;
  model?: string;
  oxi?: Record<string, number>;
  backend?: EnergyBackend;
  /**
   * A landscape of this structure and ion already computed (a screen's row): used instead of computing one when it
   * can give a network, i.e. it holds the continuum network or the grid's percolation; otherwise ignored.
   */
  landscape?: LandscapeResult;
  /**
   * Runs the kMC on the network (default simulateTransport, one thread). The Node CLI passes
   * simulateTransportParallel, which spreads the temperatures over worker threads with the same result.
   */
  simulate?: (net: HopNetwork, options: TransportOptions) => TransportResult | Promise<TransportResult>;
}

export interface StructureTransport {
  landscape: LandscapeResult;
  network: HopNetwork | null;
  /** Null when the landscape does not percolate at all (no network). */
  transport: TransportResult | null;
  timingsMs: { landscape: number; network: number; transport: number };
}

/** One structure from file to σ(T): its landscape (continuum network by default), the site–hop network, the kinetic Monte Carlo. */
export async function structureTransport(s: Structure, opts: StructureTransportOptions): Promise<StructureTransport> {
  const t0 = performance.now();
  const method = opts.method ?? DEFAULT_METHOD;
  const given = opts.landscape && (opts.landscape.network || opts.landscape.percolation) ? opts.landscape : null;
  const landscape =
    given ??
    (await computeLandscape(s, {
      ion: opts.ion,
      ...(method === 'continuum'
        ? { method, resolution: opts.resolution ?? DEFAULT_SEED_RESOLUTION }
        : { method, mode: 'uniform' as const, resolution: opts.resolution ?? TRANSPORT_RESOLUTION }),
      ...(opts.model ? { model: opts.model } : {}),
      ...(opts.oxi ? { oxi: opts.oxi } : {}),
      ...(opts.backend ? { backend: opts.backend } : {}),
    }));
  const t1 = performance.now();
  // The continuum network stands alone; the grid's sites need the percolation sweep (and its grid).
  const network =
    landscape.barriers['1D'] === null ? null : (continuumTransportNetwork(landscape) ?? (landscape.percolation ? transportNetwork(landscape) : null));
  const t2 = performance.now();
  // Only the kMC's own options go on (a worker thread cannot take the backend or a landscape).
  const { ion: _ion, method: _method, resolution: _resolution, model: _model, oxi: _oxi, backend: _backend, landscape: _landscape, simulate, ...kmc } = opts;
  const transport = network ? await (simulate ?? simulateTransport)(network, kmc) : null;
  return { landscape, network, transport, timingsMs: { landscape: t1 - t0, network: t2 - t1, transport: performance.now() - t2 } };
}
