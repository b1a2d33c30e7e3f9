// Bundles the CLI, the worker-thread entries and the benchmarks with esbuild.
// Shaders are inlined as text, so dist/ is self-contained apart from node_modules.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync } from 'node:fs';

const entry = (dir) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `${dir}/${f}`)
    : [];

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  loader: { '.wgsl': 'text' },
  // Native/wasm packages stay external and load from node_modules.
  external: ['webgpu', '@spglib/moyo-wasm', 'playwright-core'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
};

// The worker-thread entries live beside the code they run; src/package-root.ts's workerBundle(name) finds them in
// dist/workers/<name>.js. A new worker entry is one line here.
const WORKER_ENTRIES = {
  'workers/cpu-grid-worker': 'src/backends/cpu/thread-entry.ts',
  'workers/screen': 'src/screen/thread-entry.ts',
  'workers/transport': 'src/transport/thread-entry.ts',
};

await esbuild.build({
  ...common,
  entryPoints: {
    cli: 'src/cli/main.ts',
    index: 'src/index.ts',
    ...WORKER_ENTRIES,
    ...Object.fromEntries(entry('bench').map((f) => [`bench/${f.split('/').pop().replace(/\.ts$/, '')}`, f])),
  },
  outdir: 'dist',
});
