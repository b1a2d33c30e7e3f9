// Screen rows record where each pair's BVSE parameters came from: the Br- row of an argyrodite has the
// derived Br-–P5+ pair (and its warning in the note), the Li+ row only tabulated pairs.
import { describe, it, expect } from 'vitest';
import { createBvseProcessor } from '../../src/screen/bvse-processor.js';
import { screenConfig } from '../../src/screen/types.js';
import { LI6PS5BR_ORDERED as CIF } from '../helpers/structures.js';

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
