// The Br- row of Li6PS5Br: Br-–P5+ is not in the published table, so its BVSE parameters are derived
// (derive-params.ts) and the landscape is computed instead of failing; the result says which pair was derived.
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readStructureText } from '../../src/structure/read.js';
import { computeLandscape } from '../../src/pipeline/landscape.js';
import { landscapeJson } from '../../src/outputs/landscape-json.js';
import { SHARED } from '../helpers/fixtures.js';

// Ordered Li6PS5Br argyrodite, F-43m (No. 216), a = 10.02 Å, from the published structure as OBELiX
// distributes it (record 6jf, ICSD 259202; structure type: H.-J. Deiseroth et al., Angew. Chem. Int. Ed. 47,
// 755 (2008)): P 4b, S 16e (PS4 tetrahedra), the free S2- on 4d and Br- on 4a (the record's majority
// occupants of the two mixed sites), Li on 24g (here fully occupied: Li24P4S20Br4 is charge-neutral).
const LI6PS5BR = `data_Li6PS5Br_ordered
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

const SHARED_CIF = path.join(SHARED, 'cif/named/Li6PS5Br.cif');

async function brRow(text: string, file: string) {
  const [r] = await readStructureText(text, file);
  expect(r?.error).toBeUndefined();
  return computeLandscape(r!.structure!, { ion: 'Br-', resolution: 0.25 });
}

describe('Li6PS5Br, Br- mobile', () => {
  it('ordered argyrodite written from the published structure: computed, Br-–P5+ derived with a warning', async () => {
    const r = await brRow(LI6PS5BR, 'Li6PS5Br_ordered.cif');
    expect(r.paramSources).toEqual({ 'Br-–Li+': 'table', 'Br-–P5+': 'derived' });
    expect(r.warnings.some((w) => /Br-–P5\+ are not tabulated; derived/.test(w))).toBe(true);
    expect(Number.isFinite(r.eMin)).toBe(true);
    expect(r.barriers['3D']).not.toBeNull();
    expect(r.barriers['3D']!).toBeGreaterThan(0);
    const json = landscapeJson(r, 'Li6PS5Br_ordered.cif');
    expect(json.param_sources).toEqual({ 'Br-–Li+': 'table', 'Br-–P5+': 'derived' });
    // A cation row of the same structure uses only tabulated pairs.
    const [s] = await readStructureText(LI6PS5BR, 'Li6PS5Br_ordered.cif');
    const li = await computeLandscape(s!.structure!, { ion: 'Li', resolution: 0.25 });
    expect(Object.values(li.paramSources).every((v) => v === 'table')).toBe(true);
  }, 60_000);

  it.skipIf(!existsSync(SHARED_CIF))(
    'the OBELiX record in ../shared/cif/named (skips without ../shared)',
    async () => {
      const r = await brRow(readFileSync(SHARED_CIF, 'utf8'), 'Li6PS5Br.cif');
      expect(r.paramSources['Br-–P5+']).toBe('derived');
      expect(r.barriers['3D']).not.toBeNull();
    },
    60_000,
  );
});
