// The built-in processor (read -> BVSE -> percolation) in the screen pipeline, on the project's fixtures.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { guardedResolution } from '../../src/screen/bvse-processor.js';
import { runScreen } from '../../src/screen/screen.js';
import { createCpuBackend } from '../../src/backends/cpu/index.js';
import { DEFAULT_DUAL_ION, DEFAULT_SCREEN_CONFIG, screenConfig, type ScreenConfig } from '../../src/screen/types.js';
import { loadRows, tempDir } from './helpers.js';
import { fixture, REPO_ROOT } from '../helpers/fixtures.js';

const config: ScreenConfig = screenConfig({ ions: ['Li'], anions: true, dualIon: { ...DEFAULT_DUAL_ION } });

describe('size guard', () => {
  const uniform: ScreenConfig = { ...config, mode: 'uniform', resolution: 0.2 };
  it('keeps the requested spacing when the grid fits', () => {
    expect(guardedResolution([10, 10, 10], uniform)).toEqual({ resolution: 0.2, note: null });
    expect(guardedResolution([10, 10, 10], config)).toEqual({ resolution: config.resolution, note: null });
  });

  it('counts the grid at the spacing in both modes (one rule with landscape)', () => {
    // 200³ = 8e6 points at 0.05 Å: over a 5e6 budget whichever the mode.
    expect(guardedResolution([10, 10, 10], { ...config, resolution: 0.05, maxGridPoints: 5e6 }).note).toMatch(/coarsened/);
    expect(guardedResolution([10, 10, 10], { ...uniform, resolution: 0.05, maxGridPoints: 5e6 }).note).toMatch(/coarsened/);
    expect(guardedResolution([10, 10, 10], { ...config, resolution: 0.05, maxGridPoints: 8e6 }).note).toBeNull();
  });

  it('cubic LLZO runs at the defaults in screen and landscape, with the number --help gives', async () => {
    const { readStructureFile } = await import('../../src/structure/read.js');
    const { checkLandscapeSize } = await import('../../src/cli/landscape-guard.js');
    const { DEFAULT_RESOLUTION } = await import('../../src/pipeline/landscape.js');
    const { landscape } = await import('../../src/cli/commands/landscape.js');
    const { screen } = await import('../../src/cli/commands/screen.js');
    const [r] = await readStructureFile(join(REPO_ROOT, 'src/benchmark/structures/Li7La3Zr2O12_cubic.cif'));
    const s = r!.structure!;
    const p = s.lattice.parameters;
    expect(guardedResolution([p.a, p.b, p.c], { ...DEFAULT_SCREEN_CONFIG }).note).toBeNull();
    expect(() =>
      checkLandscapeSize(s, DEFAULT_RESOLUTION, { maxGridPoints: DEFAULT_SCREEN_CONFIG.maxGridPoints, maxSites: DEFAULT_SCREEN_CONFIG.maxSites }),
    ).not.toThrow();
    for (const c of [landscape, screen]) expect(c.options['max-grid-points']!.default).toBe(String(DEFAULT_SCREEN_CONFIG.maxGridPoints));
    // The refusal names the same number as --help.
    expect(() => checkLandscapeSize(s, 0.01, { maxGridPoints: DEFAULT_SCREEN_CONFIG.maxGridPoints, maxSites: 1e6 })).toThrow(
      `more than --max-grid-points ${DEFAULT_SCREEN_CONFIG.maxGridPoints};`,
    );
  });

  it('coarsens a huge cell to fit the point budget, and says so', () => {
    const g = guardedResolution([60, 60, 60], { ...uniform, maxGridPoints: 1e6, maxResolution: 1 });
    const n = Math.ceil(60 / g.resolution - 1e-9);
    expect(n ** 3).toBeLessThanOrEqual(1e6);
    // Not coarser than needed: 2 % finer would not fit.
    expect(Math.ceil(60 / (g.resolution * 0.98) - 1e-9) ** 3).toBeGreaterThan(1e6);
    expect(g.note).toMatch(/coarsened from 0.2 to 0.6\d* Å/);
  });

  it('refuses when even --max-resolution would not fit', () => {
    expect(() => guardedResolution([200, 200, 200], { ...config, maxGridPoints: 1e6, maxResolution: 1 })).toThrow(/--max-resolution 1/);
  });
});

describe('built-in BVSE processor in the pipeline', () => {
  it('screens real CIFs: barriers, anions, dual-ion fields, error rows for bad files', async () => {
    const inputs = [fixture('LiI_rocksalt.cif'), fixture('Li3N_alpha.cif'), fixture('broken/unterminated_quote.cif')];
    const out = join(tempDir(), 'r.jsonl');
    let gridCalls = 0;
    await runScreen({
      inputs,
      out,
      config: { ...config, resolution: 0.4 },
      runtime: { backend: 'cpu' },
      workers: 2,
      resume: false,
      overwrite: false,
      shard: null,
      timeoutMs: 120_000,
      createGridBackend: async () => {
        const cpu = createCpuBackend({ threads: 1 });
        return {
          name: 'main-cpu',
          description: 'test: the main thread CPU backend',
          capabilities: cpu.capabilities,
          computeGrid: (fw, grid) => {
            gridCalls++;
            return cpu.computeGrid(fw, grid);
          },
          dispose: () => cpu.dispose(),
        };
      },
      progress: 'none',
      log: new Writable({ write: (_c, _e, cb) => cb() }),
    });
    const rows = loadRows(out);
    const get = (file: string, ion: string) => rows.find((r) => String(r.file).endsWith(file) && r.ion === ion);
    const li = get('LiI_rocksalt.cif', 'Li+')!;
    const cl = get('LiI_rocksalt.cif', 'I-')!;
    // Grids came from the main thread's CPU backend, through the worker's proxy.
    expect(li).toMatchObject({ status: 'ok', formula: 'LiI', model: 'bvlain', resolution: 0.4, backend: 'main-cpu' });
    expect(gridCalls).toBe(rows.filter((r) => r.status === 'ok').length);
    expect(cl.status).toBe('ok');
    for (const r of [li, cl]) {
      const [b1, b2, b3] = [r.barrier_1d, r.barrier_2d, r.barrier_3d] as number[];
      expect(b1).toBeGreaterThanOrEqual(0);
      expect(b1).toBeLessThanOrEqual(b2!);
      expect(b2).toBeLessThanOrEqual(b3!);
      expect(r.e_min as number).toBeLessThan(0);
    }
    // Em(X)/Em(Li+) of the rows' own (rounded) barriers, kept to 1e-4 like the energies.
    expect(cl.em_ratio).toBe(Math.round(((cl.barrier_3d as number) / (li.barrier_3d as number)) * 1e4) / 1e4);
    expect(cl.dual_ion).toBe((li.barrier_3d as number) < 1 && (cl.em_ratio as number) >= 0.5 && (cl.em_ratio as number) <= 1.5);
    expect(get('Li3N_alpha.cif', 'N3-')).toBeDefined();
    const bad = rows.filter((r) => String(r.file).endsWith('unterminated_quote.cif'));
    expect(bad.length).toBeGreaterThan(0);
    expect(bad.every((r) => r.status === 'error' && typeof r.error === 'string' && (r.error as string).length > 0)).toBe(true);
  });
});
