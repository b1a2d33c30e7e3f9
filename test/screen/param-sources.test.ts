// Screen rows record where each pair's BVSE parameters came from: the Br- row of an argyrodite has the
// derived Br-–P5+ pair (and its warning in the note), the Li+ row only tabulated pairs.
import { describe, it, expect } from 'vitest';
import { createBvseProcessor } from '../../src/screen/bvse-processor.js';
import { screenConfig } from '../../src/screen/types.js';

// Ordered Li6PS5Br (F-43m, a = 10.02 Å) as in test/bvse/derived-landscape.test.ts (OBELiX 6jf / ICSD 259202;
// structure type H.-J. Deiseroth et al., Angew. Chem. Int. Ed. 47, 755 (2008)).
const CIF = `data_Li6PS5Br_ordered
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

describe('screen rows: param_sources', () => {
  it('Br- derived with P5+, Li+ tabulated', async () => {
    const config = screenConfig({ resolution: 0.3, ions: ['Li'], anions: true });
    const p = await createBvseProcessor();
    await p.init?.(config, { backend: 'cpu' });
    try {
      const [item] = await p.parse({ file: 'Li6PS5Br.cif', text: CIF }, config);
      const desc = await p.describe(item!, config);
      expect(desc.ions).toContain('Br-');
      const br = await p.compute(item!, 'Br-', config);
      expect(br.param_sources).toEqual({ 'Br-–Li+': 'table', 'Br-–P5+': 'derived' });
      expect(br.note).toMatch(/Br-–P5\+ are not tabulated; derived/);
      expect(br.barrier_3d).not.toBeNull();
      const li = await p.compute(item!, 'Li', config);
      expect(Object.values(li.param_sources ?? {})).toEqual(['table', 'table']);
    } finally {
      await p.dispose?.();
    }
  }, 60_000);
});
