// The published entry point (dist/index.js, built by test/global-setup.ts) must give the same
// answers as the source modules: a landscape of a fixture through the bundle and through src/.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as source from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('built bundle dist/index.js', () => {
  it('reads a fixture and computes the same landscape as the sources', async () => {
    const bundle = (await import(join(ROOT, 'dist/index.js'))) as typeof source;
    const file = join(ROOT, 'fixtures/LiI_rocksalt.cif');
    const [fromBundle] = await bundle.readStructureFile(file);
    const [fromSource] = await source.readStructureFile(file);
    expect(fromBundle?.structure && fromSource?.structure).toBeTruthy();

    const opts = { ion: 'Li', resolution: 0.3 };
    const cpuB = bundle.createCpuBackend({ threads: 2 });
    const cpuS = source.createCpuBackend({ threads: 1 });
    try {
      const a = await bundle.computeLandscape(fromBundle!.structure!, { ...opts, backend: cpuB });
      const b = await source.computeLandscape(fromSource!.structure!, { ...opts, backend: cpuS });
      expect(a.formula).toBe('LiI');
      expect([a.grid.nx, a.grid.ny, a.grid.nz]).toEqual([20, 20, 20]);
      // Same kernel, fixed summation order: identical bits whatever the thread count.
      expect(a.energies).toEqual(b.energies);
      expect(a.barriers['3D']).not.toBeNull();
      expect(a.barriers).toEqual(b.barriers);
    } finally {
      await cpuB.dispose();
      await cpuS.dispose();
    }
  });

  it('exposes the typed errors', async () => {
    const bundle = (await import(join(ROOT, 'dist/index.js'))) as typeof source;
    const results = await bundle.readStructureFile(join(ROOT, 'fixtures/broken/unterminated_quote.cif'));
    const err = results[0]?.error;
    expect(err).toBeInstanceOf(bundle.CifSyntaxError);
    expect(err?.message).toMatch(/unterminated_quote\.cif:\d+: /);
  });
});
