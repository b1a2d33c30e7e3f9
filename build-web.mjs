// Builds the browser preview into a static dist/web/ that any static host can serve:
// app.js (the page), pipeline-worker.js (the pipeline, off the main thread), iso-worker.js
// (isosurfaces), cpu-worker.js (the CPU backend's Web Workers), index.html, styles.css, moyo's .wasm
// (symmetry tables) and the bundled fixtures with an index.
//
// The page reuses the same core modules as the CLI. Two of them have Node-only defaults that a browser
// must not load: the CPU backend (worker_threads) is replaced by the Web Worker one, and any `node:`
// module that still reached the bundle fails the build.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = dirname(fileURLToPath(import.meta.url));
const out = resolve(root, process.argv[2] ?? 'dist/web');
const require = createRequire(import.meta.url);

/** Points every import of the Node CPU backend at the browser one (src/web/cpu-backend-browser.ts). */
const browserCpuBackend = {
  name: 'browser-cpu-backend',
  setup(build) {
    const nodeBackend = join(root, 'src/backends/cpu/index.js');
    build.onResolve({ filter: /cpu\/index\.js$/ }, (args) =>
      resolve(args.resolveDir, args.path) === nodeBackend ? { path: join(root, 'src/web/cpu-backend-browser.ts') } : undefined,
    );
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
  plugins: [browserCpuBackend],
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

console.log(`dist/web built in ${Math.round(performance.now() - t0)} ms (${fixtures.length} fixtures) -> ${out}`);
