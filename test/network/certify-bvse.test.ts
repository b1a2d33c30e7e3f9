// The certificate on a real framework through computeLandscape (docs/continuum.md, "Certification").
import { afterAll, describe, expect, it } from 'vitest';
import { computeLandscape } from '../../src/pipeline/landscape.js';
import { createCpuBackend } from '../../src/backends/cpu/index.js';
import { fixture } from '../helpers/fixtures.js';
import { structureOf } from '../helpers/structures.js';

const backend = createCpuBackend({ threads: 1 });
afterAll(() => backend.dispose());

describe('certify on α-Li3N', () => {
  it('brackets every barrier between a lower bound and the network threshold, closed within 0.002 eV', async () => {
    const s = await structureOf(fixture('Li3N_alpha.cif'));
    const plain = await computeLandscape(s, { ion: 'Li', method: 'continuum', backend });
    const r = await computeLandscape(s, { ion: 'Li', method: 'continuum', backend, certify: true });
    const net = r.network!;
    expect(net.certificate).toBeDefined();
    // The budget did not run out: every block was excluded or split to the end.
    expect(net.certificate!.exhausted).toBe(false);
    expect(net.timingsMs.certification).toBeGreaterThan(0);
    for (const d of ['1D', '2D', '3D'] as const) {
      const b = net.barriers[d]!;
      // Certification does not move the barrier, only brackets it.
      expect(r.barriers[d]).toBe(plain.barriers[d]);
      expect(plain.network!.barriers[d]!.lowerBound).toBeNull();
      expect(b.lowerBound).not.toBeNull();
      expect(b.lowerBound!).toBeLessThanOrEqual(b.threshold);
      expect(b.threshold - b.lowerBound!).toBeLessThanOrEqual(0.002);
      expect(b.certified).toBe(true);
    }
  }, 120_000);
});
