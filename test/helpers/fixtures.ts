// Paths of the repository, of ../shared beside it, and of the project's own structure fixtures (fixtures/ and the structures bundled for `bvscape bench`),
// written from published structures with their sources cited in each file. Tests that need real
// structures use these, so they run in a clone without ../shared.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const FIXTURES = path.join(REPO_ROOT, 'fixtures');
/**
 * The peer project's reference data beside the clone (../shared: cif/, reference/, params/). Not part of the
 * repository: a test that reads it skips, saying so, when it is absent (`npm test` passes in a bare clone).
 */
export const SHARED = path.resolve(REPO_ROOT, '../shared');

/** A fixture by its path under fixtures/, e.g. fixture('db/Li3PS4_beta.cif'). */
export function fixture(rel: string): string {
  return path.join(FIXTURES, rel);
}

/** β-Li3PS4 (Pnma; Homma et al., Solid State Ionics 182, 53 (2011)): the 1D/3D conductor several suites use. */
export const BETA_LI3PS4 = fixture('db/Li3PS4_beta.cif');

/**
 * Well-formed CIFs covering the grammar the reader meets in practice: explicit symmetry operators
 * (the triclinic ones), standard uncertainties, Hall and H-M symbols, partial and mixed occupancy,
 * text fields and quoted values (NaCl_annotated), a 256-site garnet.
 */
export const GOOD_CIFS: readonly string[] = [
  fixture('LiFeO2_disordered.cif'),
  fixture('Li2S_antifluorite.cif'),
  fixture('Li3N_alpha.cif'),
  fixture('Li4P2O7_triclinic.cif'),
  fixture('ReTe2_triclinic.cif'),
  fixture('LiI_rocksalt.cif'),
  fixture('NaCl_annotated.cif'),
  BETA_LI3PS4,
  path.join(REPO_ROOT, 'src/benchmark/structures/Li7La3Zr2O12_cubic.cif'),
];
