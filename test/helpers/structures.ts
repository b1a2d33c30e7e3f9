// Structures and frameworks from files, read as the CLI reads them: one place for the set-up that several
// suites need (first structure of a file; oxidation states assigned; the framework for one mobile ion).
import { buildFramework } from '../../src/bvse/build-framework.js';
import type { Framework } from '../../src/bvse/framework.js';
import { assignOxidationStates } from '../../src/bvse/oxidation/assign.js';
import { readStructureFile } from '../../src/structure/read.js';
import type { Structure } from '../../src/structure/types.js';

/** The first structure of a file (throws, naming the file, when it holds none). */
export async function structureOf(file: string): Promise<Structure> {
  const s = (await readStructureFile(file)).find((r) => r.structure)?.structure;
  if (!s) throw new Error(`${file}: no structure could be read`);
  return s;
}

/** The framework of a file's first structure for one mobile ion (default Li), oxidation states as the CLI assigns them. */
export async function frameworkOf(file: string, ion = 'Li'): Promise<Framework> {
  return buildFramework(assignOxidationStates(await structureOf(file)).structure, { ion });
}
