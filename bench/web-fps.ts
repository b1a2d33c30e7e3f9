// Frames per second of the preview's 3D view with the isosurface on, in headless Chromium (SwiftShader:
// WebGPU and, with WebGPU off, the Canvas 2D fallback), on a cell of 200+ atoms: the Li4P2O7 fixture
// (26 atoms) written as a 2×2×2 supercell POSCAR (208 atoms). Also the time from the file being chosen
// to the barriers being shown. The view orbits continuously for --seconds; every frame is awaited on the
// GPU (window.bvscapePreview.measureFps), so the rate is what the page can draw, capped by
// requestAnimationFrame. Prints a table, writes bench/results/web-fps.json.
//   node build.mjs && node dist/bench/web-fps.js [--seconds 5] [--resolution 0.3] [--cells 2]
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPreviewServer } from '../src/cli/commands/preview.js';
import { readStructureFile } from '../src/structure/read.js';
import { buildWeb, CHROMIUM, dropFile, launch, openPreview, REPO, tableValues, type PreviewWindow } from '../test/web/driver.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, resolution: { type: 'string', default: '0.3' }, cells: { type: 'string', default: '2' } },
});
const seconds = Number(values.seconds);
const resolution = Number(values.resolution);
const n = Math.max(1, Math.round(Number(values.cells)));

if (!existsSync(CHROMIUM)) {
  console.error(`web-fps bench: ${CHROMIUM} is missing (apt-get install chromium)`);
  process.exit(1);
}

/** The structure as a POSCAR of an n×n×n supercell (ordered fixture: first species of each site). */
async function supercellPoscar(file: string, cells: number): Promise<{ text: string; atoms: number }> {
  const [read] = await readStructureFile(file);
  const s = read!.structure!;
  const m = s.lattice.matrix;
  const byElement = new Map<string, number[][]>();
  for (const site of s.sites)
    for (let i = 0; i < cells; i++)
      for (let j = 0; j < cells; j++)
        for (let k = 0; k < cells; k++) {
          const el = site.species[0]!.element;
          if (!byElement.has(el)) byElement.set(el, []);
          byElement.get(el)!.push([(site.frac[0] + i) / cells, (site.frac[1] + j) / cells, (site.frac[2] + k) / cells]);
        }
  const els = [...byElement.keys()];
  const lines = [
    `${s.file.split('/').pop()} ${cells}x${cells}x${cells} supercell`,
    '1.0',
    ...[0, 1, 2].map((r) => [0, 1, 2].map((c) => (m[3 * r + c]! * cells).toFixed(8)).join(' ')),
    els.join(' '),
    els.map((e) => byElement.get(e)!.length).join(' '),
    'Direct',
    ...els.flatMap((e) => byElement.get(e)!.map((f) => f.map((x) => x.toFixed(8)).join(' '))),
  ];
  return { text: lines.join('\n') + '\n', atoms: els.reduce((a, e) => a + byElement.get(e)!.length, 0) };
}

const tmp = mkdtempSync(join(tmpdir(), 'bvscape-web-fps-'));
const source = join(REPO, 'fixtures/Li4P2O7_triclinic.cif');
const cell = await supercellPoscar(source, n);
const poscar = join(tmp, `Li4P2O7_${n}x${n}x${n}.vasp`);
writeFileSync(poscar, cell.text);

const webRoot = buildWeb(join(tmp, 'web'));
const server = await startPreviewServer({ root: webRoot, port: 0 });

interface Row {
  mode: string;
  atoms: number;
  grid: string;
  backend: string;
  renderer: string;
  msaa_samples: number;
  to_barriers_ms: number;
  full_result_ms: number;
  fps: number;
  mean_frame_ms: number;
  frames: number;
  spheres: number;
  triangles: number;
}
const rows: Row[] = [];

try {
  for (const mode of [
    { name: 'webgpu', webgpu: true },
    { name: 'no-webgpu', webgpu: false },
  ]) {
    const browser = await launch(mode.webgpu);
    try {
      const { page, errors } = await openPreview(browser, `${server.url}#res=${resolution}`);
      const t = await dropFile(page, poscar);
      const table = await tableValues(page);
      // The slider's default (just above the highest threshold) shows the percolating network.
      const probe = (await page.evaluate((ms) => (window as unknown as PreviewWindow).bvscapePreview.measureFps(ms), seconds * 1000)) as {
        fps: number;
        frames: number;
        meanFrameMs: number;
        renderer: string;
        samples: number;
        spheres: number;
        triangles: number;
      };
      rows.push({
        mode: mode.name,
        atoms: cell.atoms,
        grid: table.grid!,
        backend: table.backend!,
        renderer: probe.renderer,
        msaa_samples: probe.samples,
        to_barriers_ms: Math.round(t.toBarriersMs),
        full_result_ms: Math.round(t.toDoneMs),
        fps: Math.round(probe.fps * 10) / 10,
        mean_frame_ms: Math.round(probe.meanFrameMs * 10) / 10,
        frames: probe.frames,
        spheres: probe.spheres,
        triangles: probe.triangles,
      });
      if (errors.length) console.error(`  ${mode.name}: console errors: ${errors.join('; ')}`);
      console.error(`  ${mode.name}: ${probe.fps.toFixed(1)} frames/s`);
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
}

console.log(
  `\nweb preview view: frames/s with the isosurface, ${cell.atoms} atoms (Li4P2O7 ${n}x${n}x${n}), ${resolution} Å, headless Chromium (SwiftShader), ${seconds} s orbit`,
);
console.log(
  [
    'mode',
    'atoms',
    'grid',
    'compute',
    'renderer',
    'MSAA',
    'file->barriers (ms)',
    'full result (ms)',
    'frames/s',
    'mean frame (ms)',
    'spheres',
    'iso triangles',
  ].join(' | '),
);
for (const r of rows)
  console.log(
    [r.mode, r.atoms, r.grid, r.backend, r.renderer, r.msaa_samples, r.to_barriers_ms, r.full_result_ms, r.fps, r.mean_frame_ms, r.spheres, r.triangles].join(
      ' | ',
    ),
  );

const outDir = join(REPO, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'web-fps.json'),
  JSON.stringify(
    {
      bench: 'web-fps',
      date: new Date().toISOString(),
      chromium: CHROMIUM,
      resolution,
      seconds,
      cells: n,
      note: 'SwiftShader (software GPU) on a shared 2-core machine',
      rows,
    },
    null,
    1,
  ) + '\n',
);
console.log('\nwrote bench/results/web-fps.json');
