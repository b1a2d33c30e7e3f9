// The WebGPU backend in a browser: the same module, bundled for the browser, takes its adapter from
// navigator.gpu in headless Chromium (SwiftShader Vulkan) and must match the float64 reference.
// Needs /usr/bin/chromium; it is required when CI=true and BVSCAPE_WITH_CHROMIUM=1, skipped (with the reason) otherwise.
import { existsSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { compareToReference, directSum, IN_CI, tileDiagonal } from './gpu-helpers.js';
import { randomFramework } from '../helpers/random.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const REQUIRED = IN_CI && process.env.BVSCAPE_WITH_CHROMIUM === '1';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const NOTE = HAVE_CHROMIUM ? '' : ` (SKIPPED: no ${CHROMIUM}; CI with BVSCAPE_WITH_CHROMIUM=1 requires it)`;

describe.skipIf(!HAVE_CHROMIUM && !REQUIRED)(`webgpu backend in headless Chromium (navigator.gpu)${NOTE}`, () => {
  it('computes a grid that matches the float64 direct sum', async () => {
    const bundle = await esbuild.build({
      stdin: {
        contents: `import { createWebGpuBackend } from './src/backends/webgpu/index.ts';
          globalThis.runGrid = async (fw, grid) => {
            const backend = await createWebGpuBackend({ poisonOutput: true, tile: { x: 4, y: 4, z: 4 } });
            try {
              const framework = { ...fw, lattice: Float64Array.from(fw.lattice),
                atoms: { frac: Float64Array.from(fw.atoms.frac), type: Uint32Array.from(fw.atoms.type), weight: Float64Array.from(fw.atoms.weight) } };
              const r = await backend.computeGrid(framework, grid);
              return { description: backend.description, energies: Array.from(r.energies, (e) => (Number.isNaN(e) ? 'NaN' : e)) };
            } finally { await backend.dispose(); }
          };`,
        resolveDir: REPO_ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      loader: { '.wgsl': 'text' },
      write: false,
      logLevel: 'silent',
    });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader', '--no-sandbox'],
    });
    try {
      const page = await browser.newPage();
      // WebGPU needs a secure context: serve the page as http://localhost (intercepted, no server).
      await page.route('http://localhost/**', (route) =>
        route.fulfill({ contentType: 'text/html', body: `<!doctype html><script>${bundle.outputFiles[0]!.text.replace(/<\/script/g, '<\\/script')}</script>` }),
      );
      await page.goto('http://localhost/');
      const fw = randomFramework({ seed: 31, lengths: [5, 7], angles: [70, 110], atoms: 12, mobile: 'cation' });
      const grid = { nx: 9, ny: 7, nz: 6 };
      const plain = { ...fw, lattice: [...fw.lattice], atoms: { frac: [...fw.atoms.frac], type: [...fw.atoms.type], weight: [...fw.atoms.weight] } };
      const out = (await page.evaluate(([f, g]) => (globalThis as unknown as { runGrid: (f: unknown, g: unknown) => Promise<unknown> }).runGrid(f, g), [
        plain,
        grid,
      ] as const)) as { description: string; energies: (number | 'NaN')[] };
      expect(out.description).toMatch(/^webgpu: /);
      const energies = Float32Array.from(out.energies, (e) => (e === 'NaN' ? Number.NaN : e));
      const ref = directSum(fw, grid, tileDiagonal(fw, grid, { x: 4, y: 4, z: 4 }));
      const cmp = compareToReference(energies, ref, grid, `browser (${out.description})`);
      expect(cmp.ok, cmp.report).toBe(true);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
