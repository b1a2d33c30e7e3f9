// Builds the browser preview into a static dist/web/ that any static host can serve:
// app.js (the page), pipeline-worker.js (the pipeline, off the main thread), iso-worker.js
// (isosurfaces), cpu-worker.js (the CPU backend's Web Workers), index.html, styles.css, moyo's .wasm
// (symmetry tables) and the bundled fixtures with an index.
//
// The page reuses the same core modules as the CLI. Those with a Node-only implementation are swapped for a
// browser one through the BROWSER_SUBSTITUTES table below (today only the CPU backend: worker_threads -> Web
// Workers), and any `node:` module that still reached the bundle fails the build.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = dirname(fileURLToPath(import.meta.url));
const out = resolve(root, process.argv[2] ?? 'dist/web');
const require = createRequire(import.meta.url);

/**
 * Browser substitutes: modules whose Node implementation cannot run in a page, each replaced in this bundle by a
 * browser module with the same exports. This table is the whole list (docs/ARCHITECTURE.md, "Builds"); the CLI's
 * build (build.mjs) swaps nothing. The core modules import the Node file, e.g. src/pipeline/landscape.ts's
 * createCpuBackend, and get the browser one here. esbuild fails the build if a substitute lacks an export that a
 * bundled module imports, and the build's summary line names every swap it made.
 *  - src/backends/cpu/index.ts (worker_threads) -> src/web/cpu-backend-browser.ts (Web Workers, same job protocol).
 */
const BROWSER_SUBSTITUTES = {
  'src/backends/cpu/index.js': 'src/web/cpu-backend-browser.ts',
};
const substituted = new Map(); // Node module -> number of imports pointed at its substitute

const browserSubstitutes = {
  name: 'browser-substitutes',
  setup(build) {
    for (const [nodeModule, browserModule] of Object.entries(BROWSER_SUBSTITUTES)) {
      const target = join(root, nodeModule);
      const base = nodeModule
        .split('/')
        .slice(-2)
        .join('/')
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      build.onResolve({ filter: new RegExp(`${base}$`) }, (args) => {
        if (resolve(args.resolveDir, args.path) !== target) return undefined;
        substituted.set(nodeModule, (substituted.get(nodeModule) ?? 0) + 1);
        return { path: join(root, browserModule) };
      });
    }
    // Any `node:` module that still reached the bundle fails the build.
    build.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [{ text: `${args.path} imported by ${args.importer}: Node built-ins cannot run in the browser preview` }],
    }));
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const t0 = performance.now();
await esbuild.build({
  entryPoints: {
    app: join(root, 'src/web/main.ts'),
    'pipeline-worker': join(root, 'src/web/pipeline-worker.ts'),
    'iso-worker': join(root, 'src/web/iso-worker.ts'),
    'cpu-worker': join(root, 'src/web/cpu-worker.ts'),
  },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  loader: { '.wgsl': 'text' },
  plugins: [browserSubstitutes],
  logLevel: 'warning',
});

for (const f of ['index.html', 'styles.css']) copyFileSync(join(root, 'src/web', f), join(out, f));
copyFileSync(require.resolve('@spglib/moyo-wasm/moyo_wasm_bg.wasm'), join(out, 'moyo_wasm_bg.wasm'));

// Fixtures: every structure file directly in fixtures/ (not the broken ones), and an index for the picker.
const fixtureDir = join(root, 'fixtures');
mkdirSync(join(out, 'fixtures'), { recursive: true });
const fixtures = readdirSync(fixtureDir)
  .filter((f) => /\.(cif|vasp)$/i.test(f) && statSync(join(fixtureDir, f)).isFile())
  .sort();
for (const f of fixtures) copyFileSync(join(fixtureDir, f), join(out, 'fixtures', f));
writeFileSync(join(out, 'fixtures', 'index.json'), JSON.stringify(fixtures) + '\n');

const swaps = [...substituted].map(([from, n]) => `${from} -> ${BROWSER_SUBSTITUTES[from]} (${n} import${n === 1 ? '' : 's'})`);
console.log(`dist/web built in ${Math.round(performance.now() - t0)} ms (${fixtures.length} fixtures) -> ${out}`);
console.log(`browser substitutes: ${swaps.length ? swaps.join('; ') : 'none'}`);
