// The structures of ../shared/cif/named as the benchmarks read them: each file's first structure, oxidation states
// assigned, and the framework for its first mobile cation. Shared by the grid, convergence and symmetry benches.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { buildFramework } from '../../src/bvse/build-framework.js';
import type { Framework } from '../../src/bvse/framework.js';
import { assignOxidationStates } from '../../src/bvse/oxidation/assign.js';
import { readStructureFile } from '../../src/structure/read.js';
import type { Structure } from '../../src/structure/types.js';

/** The named structures, relative to the working directory (run the benches from the project root). */
export const NAMED = path.resolve(process.cwd(), '../shared/cif/named');
/** Mobile cations in the order a structure's ion is chosen. */
export const MOBILE_IONS = ['Li', 'Na', 'Ag', 'Cu', 'K', 'Mg', 'Cs'];

/** Exits with status 2 and says why when NAMED is not there (`bench` names the benchmark in the message). */
export function requireNamed(bench: string): void {
  if (existsSync(NAMED)) return;
  console.error(`${bench}: ${NAMED} not found (run from the project root with ../shared beside it)`);
  process.exit(2);
}

/** The .cif files of NAMED, sorted; with `only`, those whose name contains it. */
export function namedFiles(only?: string): string[] {
  return readdirSync(NAMED)
    .filter((f) => f.endsWith('.cif') && (!only || f.includes(only)))
    .sort();
}

export interface NamedInput {
  structure: Structure;
  ion: string;
  framework: Framework;
}

/**
 * The structure, ion and framework of one file, or why there is none: `absent` when the file holds no structure or no
 * mobile cation (benches that skip those silently), else the error met.
 */
export async function namedInput(file: string): Promise<NamedInput | { error: string; absent: boolean }> {
  try {
    const results = await readStructureFile(file);
    const structure = results.find((r) => r.structure)?.structure;
    if (!structure) return { error: results[0]?.error?.message ?? 'no structure', absent: true };
    const withOxi = assignOxidationStates(structure).structure;
    const present = new Set(withOxi.sites.flatMap((site) => site.species.map((sp) => sp.element)));
    const ion = MOBILE_IONS.find((el) => present.has(el));
    if (!ion) return { error: `no mobile cation (${MOBILE_IONS.join(', ')})`, absent: true };
    return { structure, ion, framework: buildFramework(withOxi, { ion }) };
  } catch (e) {
    return { error: (e as Error).message, absent: false };
  }
}
