// What is made from one landscape result besides its numbers: the grid files' title and atoms, the
// real-space migration path of each dimension, the site network, the profile. One place, used by
// `bvscape landscape` and the browser preview, so both produce the same files.
import type { LandscapeResult } from './landscape.js';
import { DIMENSIONS, findPath, findSites, relaxPath, type Dimension, type MigrationPath, type SiteNetwork } from './percolation/index.js';
import { writeCube, writeGrd } from './io/grid-files.js';
import { atomicNumber } from './structure/elements.js';
import { cellFormula, composition } from './structure/composition.js';
import type { Lattice, Vec3 } from './structure/lattice.js';
import { gridForResolution, resampleGrid, type GridSpec } from './grid/index.js';
import type { PercolationResult } from './percolation/index.js';
import { profileSvg } from './report/profile-svg.js';
import { classifySites, type ClassifiedSites } from './sites/classify.js';

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
}

/**
 * The migration path of each dimension that percolates (1D, 2D, 3D order): the grid's minimax path,
 * shortened and relaxed in real space by relaxPath, so its length is a Cartesian length in Å.
 */
export function migrationPaths(r: GridLandscape, dimensions: readonly Dimension[] = DIMENSIONS): MigrationPath[] {
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
  return r.percolation ? findSites(r.energies, r.grid, r.structure.lattice, r.percolation) : null;
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
