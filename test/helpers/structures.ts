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

/**
 * Ordered Li6PS5Br argyrodite, F-43m (No. 216), a = 10.02 Å, from the published structure as OBELiX distributes it
 * (record 6jf, ICSD 259202; structure type: H.-J. Deiseroth et al., Angew. Chem. Int. Ed. 47, 755 (2008)): P 4b,
 * S 16e (PS4 tetrahedra), the free S2- on 4d and Br- on 4a (the record's majority occupants of the two mixed sites),
 * Li on 24g (here fully occupied: Li24P4S20Br4 is charge-neutral). Its Br- row needs the derived Br-–P5+ pair.
 */
export const LI6PS5BR_ORDERED = `data_Li6PS5Br_ordered
_cell_length_a 10.02
_cell_length_b 10.02
_cell_length_c 10.02
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'F -4 3 m'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Li1 Li1+ 0.01388 0.25 0.75
P1 P5+ 0 0 0.5
S1 S2- 0.11013 0.11013 0.38987
S2 S2- 0.25 0.25 0.75
Br1 Br1- 0 0 0
`;
