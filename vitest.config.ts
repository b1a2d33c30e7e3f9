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

export default defineConfig({
  plugins: [wgslText],
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
