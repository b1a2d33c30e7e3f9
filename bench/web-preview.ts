// Time from a file being dropped on the preview page to its barriers being shown, in headless Chromium
// with SwiftShader (flags in docs/ARCHITECTURE.md), WebGPU and CPU Web Workers, for cells up to ~500 Å^3 at the page's default (0.1 Å, converged from 0.2 Å).
// Target: ≤ 3 s for a ≤ 500 Å^3 cell. Prints a table, writes bench/results/web-preview.json.
//   node build.mjs && node dist/bench/web-preview.js [--repeat N] [--resolution R]
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPreviewServer } from '../src/cli/commands/preview.js';
import { buildWeb, CHROMIUM, dropFile, launch, openPreview, REPO, SHARED, tableValues } from '../test/web/driver.js';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '3' }, resolution: { type: 'string', default: '0.1' } } });
const repeat = Math.max(1, Number(values.repeat));
const resolution = Number(values.resolution);

if (!existsSync(CHROMIUM)) {
  console.error(`web-preview bench: ${CHROMIUM} is missing (apt-get install chromium)`);
  process.exit(1);
}

const cases = [
  { file: join(SHARED, 'cif/named/Li3N_alpha.cif'), ion: 'Li' },
  { file: join(REPO, 'fixtures/Li4P2O7_triclinic.cif'), ion: 'Li' },
  { file: join(SHARED, 'cif/named/Li3InCl6.cif'), ion: 'Li' },
].filter((c) => existsSync(c.file));

const webRoot = buildWeb(join(mkdtempSync(join(tmpdir(), 'bvscape-web-bench-')), 'web'));
const server = await startPreviewServer({ root: webRoot, port: 0 });

interface Row {
  mode: string;
  file: string;
  volume: number;
  grid: string;
  points: number;
  backend: string;
  runs: number;
  to_barriers_ms: { median: number; min: number; max: number };
  page_to_barriers_ms: { median: number; min: number; max: number };
  full_result_ms: { median: number; min: number; max: number };
  barriers: Record<string, number | null>;
  within_3s: boolean;
}
const rows: Row[] = [];
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: Math.round(s[Math.floor(s.length / 2)]!), min: Math.round(s[0]!), max: Math.round(s[s.length - 1]!) };
};

try {
  for (const mode of [
    { name: 'webgpu', webgpu: true },
    { name: 'cpu-workers', webgpu: false },
  ]) {
    const browser = await launch(mode.webgpu);
    try {
      const { page } = await openPreview(browser, `${server.url}?resolution=${resolution}`);
      for (const c of cases) {
        await page.fill('#ion', c.ion);
        const wall: number[] = [],
          inPage: number[] = [],
          full: number[] = [];
        let table: Record<string, string> = {};
        for (let r = 0; r < repeat; r++) {
          const t = await dropFile(page, c.file);
          wall.push(t.toBarriersMs);
          inPage.push(t.pageToBarriersMs);
          full.push(t.toDoneMs);
          table = await tableValues(page);
        }
        const [nx, ny, nz] = table.grid!.split('x').map(Number) as [number, number, number];
        const row: Row = {
          mode: mode.name,
          file: c.file.split('/').pop()!,
          volume: Number(table.volume),
          grid: table.grid!,
          points: nx * ny * nz,
          backend: table.backend!,
          runs: repeat,
          to_barriers_ms: stats(wall),
          page_to_barriers_ms: stats(inPage),
          full_result_ms: stats(full),
          barriers: Object.fromEntries(['1D', '2D', '3D'].map((d) => [d, table[`barrier-${d}`] ? Number(table[`barrier-${d}`]) : null])),
          within_3s: stats(wall).median <= 3000,
        };
        rows.push(row);
        console.error(`  ${mode.name} ${row.file}: ${row.to_barriers_ms.median} ms`);
      }
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
  rmSync(join(webRoot, '..'), { recursive: true, force: true });
}

console.log(`\nweb preview: file dropped -> barriers shown (headless Chromium, SwiftShader, ${resolution} Å, median of ${repeat})`);
console.log(['mode', 'file', 'V (Å^3)', 'grid', 'backend', 'to barriers (ms)', 'page-measured (ms)', 'full result (ms)', '≤ 3 s'].join(' | '));
for (const r of rows)
  console.log(
    [
      r.mode,
      r.file,
      r.volume.toFixed(0),
      r.grid,
      r.backend,
      `${r.to_barriers_ms.median} (${r.to_barriers_ms.min}–${r.to_barriers_ms.max})`,
      r.page_to_barriers_ms.median,
      r.full_result_ms.median,
      r.volume <= 500 ? (r.within_3s ? 'yes' : 'NO') : '-',
    ].join(' | '),
  );

const outDir = join(REPO, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  join(outDir, 'web-preview.json'),
  JSON.stringify(
    { bench: 'web-preview', date: new Date().toISOString(), chromium: CHROMIUM, resolution, repeat, note: 'indicative: shared, loaded 2-core machine', rows },
    null,
    1,
  ) + '\n',
);
console.log(`\nwrote bench/results/web-preview.json`);
