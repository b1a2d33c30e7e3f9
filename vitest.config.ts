import { defineConfig, type Plugin } from 'vitest/config';
import { readFileSync, existsSync } from 'node:fs';

// Dawn finds lavapipe by itself once Mesa's ICD is installed; pin it when present so a stray
// ICD cannot win. Set here (not in test.env) so that thread workers inherit it.
const lavapipe = '/usr/share/vulkan/icd.d/lvp_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(lavapipe)) process.env.VK_ICD_FILENAMES = lavapipe;

// Import *.wgsl as text, exactly as esbuild's text loader does for the bundle.
const wgslText: Plugin = {
  name: 'wgsl-text',
  enforce: 'pre',
  load(id) {
    if (id.endsWith('.wgsl')) return `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`;
    return null;
  },
};

// The suites by what they need (docs/ARCHITECTURE.md, "Tests and reference data"). `npm test` runs all five;
// `npm run test:unit` only the first (77 s on a quiet 2-core machine; docs/development.md). A new test file is a unit test
// unless it is listed here: list it when it starts the CLI or a browser, needs a GPU or reads ../shared.
/** A WebGPU adapter (lavapipe in CI, where they fail rather than skip). */
const GPU = [
  'test/backends/conformance.test.ts',
  'test/backends/webgpu.test.ts',
  'test/backends/webgpu-bricks.test.ts',
  'test/backends/webgpu-points.test.ts',
  'test/backends/webgpu-tiling.test.ts',
  'test/cli/bench.test.ts',
  'test/hostile/native-stderr.test.ts',
];
/** Headless Chromium driving the built page. */
const BROWSER = ['test/web/preview.test.ts', 'test/web/viewer.test.ts', 'test/web/transport-panel.test.ts', 'test/backends/webgpu-browser.test.ts'];
/** Comparisons with the peer's numbers and the corpus in ../shared (they skip, saying so, when it is absent). */
const REFERENCE = ['test/reference/**/*.test.ts'];
/** The bundled CLI in child processes (hostile input goes through it), screens with worker pools, the packed package. */
const INTEGRATION = [
  'test/cli/**/*.test.ts',
  'test/package/**/*.test.ts',
  'test/hostile/**/*.test.ts',
  'test/screen/pipeline.test.ts',
  'test/benchmark/pipeline.test.ts',
  'test/screen/shard-env.test.ts',
  'test/screen/table-format.test.ts',
  'test/screen/database-inputs.test.ts',
  'test/web/preview-server.test.ts',
];
const NOT_UNIT = [...GPU, ...BROWSER, ...REFERENCE, ...INTEGRATION];

export default defineConfig({
  plugins: [wgslText],
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: NOT_UNIT } },
      { extends: true, test: { name: 'integration', include: INTEGRATION, exclude: [...GPU, ...BROWSER] } },
      { extends: true, test: { name: 'gpu', include: GPU } },
      { extends: true, test: { name: 'browser', include: BROWSER } },
      { extends: true, test: { name: 'reference', include: REFERENCE } },
    ],
  },
});
