// The browser preview in real headless Chromium (playwright-core, SwiftShader): the page's barriers equal
// the CLI's, the view shows the structure, the level slider changes the isosurface, the console stays
// clean; once with WebGPU (compute and view), once with WebGPU disabled (CPU Web Workers, Canvas 2D).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startPreviewServer, type PreviewServer } from '../../src/cli/commands/preview.js';
import { chromiumAvailable } from './chromium-gate.js';
import { buildWeb, dropFile, framesDrawn, launch, openPreview, REPO, tableValues, waitForFrame, type PreviewWindow } from './driver.js';
import { decodePng, differingFraction, greyVariance, nonBackgroundFraction } from './png.js';
import { readFirstStructure } from '../../src/web/compute.js';
import type { Lattice } from '../../src/structure/lattice.js';

type Vec = [number, number, number];
/** The part of `landscape --json`'s `continuum` the bottleneck rows are checked against. */
interface CliContinuum {
  saddles: { id: number; frac: Vec; cart: Vec; eigenvalues: Vec | null; unstable: Vec | null }[];
}

async function bottleneckCell(page: Page, d: string): Promise<{ frac: Vec; cart: Vec; unstable: Vec }> {
  const cell = page.locator(`[data-key="bottleneck-${d}"]`);
  const vec = async (name: string) => ((await cell.getAttribute(`data-${name}`)) ?? '').split(',').map(Number) as Vec;
  return { frac: await vec('frac'), cart: await vec('cart'), unstable: await vec('unstable') };
}

/**
 * The page's bottleneck of dimension d is a saddle of the CLI's network (the same point of the continuous field, maybe
 * another id): fractional position in the home cell within 2e-3 of one of them (modulo the lattice), the Cartesian
 * position the lattice's image of it, the unstable direction a unit vector along that saddle's (either sign).
 */
function expectSameSaddle(got: { frac: Vec; cart: Vec; unstable: Vec }, net: CliContinuum, lattice: Lattice, d: string): void {
  for (const x of got.frac) expect(x >= 0 && x < 1, `${d}: home-cell coordinate ${x}`).toBe(true);
  const cart = lattice.fracToCart(got.frac);
  for (let k = 0; k < 3; k++) expect(Math.abs(got.cart[k]! - cart[k]!), `${d}: Cartesian ${got.cart} vs ${cart}`).toBeLessThan(1e-9);
  expect(Math.abs(Math.hypot(...got.unstable) - 1), `${d}: |unstable| of ${got.unstable}`).toBeLessThan(1e-6);
  const wrapped = (a: number, b: number) => Math.abs(a - b - Math.round(a - b));
  const same = net.saddles.find((s) => s.frac.every((x, k) => wrapped(x, got.frac[k]!) < 2e-3));
  expect(same, `${d}: no saddle of the CLI's network at ${got.frac}`).toBeDefined();
  expect(same!.eigenvalues![0]).toBeLessThan(0);
  const dot = same!.unstable!.reduce((acc, u, k) => acc + u * got.unstable[k]!, 0);
  expect(Math.abs(dot), `${d}: unstable ${got.unstable} vs the CLI's ${same!.unstable}`).toBeGreaterThan(0.999);
}

// The project's own fixture: the suite runs in a clone without ../shared.
const LI3N = join(REPO, 'fixtures/Li3N_alpha.cif');
// The page's default grid spacing, the CLI's default seed grid: the page is opened without one and the CLI run without
// --resolution, so equal grids below say the defaults agree.
const RESOLUTION = 0.2;
const DIMS = ['1D', '2D', '3D'] as const;
const BACKGROUND: [number, number, number] = [249, 249, 251];

const haveChromium = chromiumAvailable('web-preview');

describe.skipIf(!haveChromium)('browser preview (headless Chromium)', () => {
  let server: PreviewServer;
  let webRoot: string;
  let cli: { barriers: Record<string, number | null>; e_min: number; grid: number[]; continuum: CliContinuum };
  let lattice: Lattice;

  beforeAll(async () => {
    webRoot = buildWeb(join(mkdtempSync(join(tmpdir(), 'bvscape-web-')), 'web'));
    server = await startPreviewServer({ root: webRoot, port: 0 });
    const out = execFileSync(process.execPath, [join(REPO, 'bin/bvscape.js'), 'landscape', LI3N, '--ion', 'Li', '--backend', 'cpu', '--json'], {
      encoding: 'utf8',
    });
    const j = JSON.parse(out) as Omit<typeof cli, 'barriers'> & Record<string, number | null>;
    cli = { ...j, barriers: { '1D': j.barrier_1d!, '2D': j.barrier_2d!, '3D': j.barrier_3d! } };
    lattice = (await readFirstStructure(readFileSync(LI3N, 'utf8'), 'Li3N_alpha.cif')).structure.lattice;
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    if (webRoot) rmSync(join(webRoot, '..'), { recursive: true, force: true });
  });

  const variants = [
    { name: 'WebGPU', webgpu: true, backend: 'webgpu', renderer: 'webgpu' },
    { name: 'CPU Web Workers, WebGPU disabled', webgpu: false, backend: 'cpu', renderer: 'canvas2d' },
  ];

  describe.each(variants)('$name', (v) => {
    let browser: Browser;
    let page: Page;
    let errors: string[];

    beforeAll(async () => {
      browser = await launch(v.webgpu);
      ({ page, errors } = await openPreview(browser, server.url));
      expect(await page.inputValue('#resolution')).toBe(String(RESOLUTION));
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
    });

    it('computes the same barriers as the CLI, and says which device it used', async () => {
      const t = await dropFile(page, LI3N);
      console.log(
        `[web-preview] ${v.name}: Li3N_alpha.cif at ${RESOLUTION} Å: file -> barriers ${Math.round(t.toBarriersMs)} ms ` +
          `(page: ${Math.round(t.pageToBarriersMs)} ms), full result ${Math.round(t.toDoneMs)} ms`,
      );
      const values = await tableValues(page);
      expect(values.backend).toBe(v.backend);
      expect(await page.getAttribute('#view', 'data-renderer')).toBe(v.renderer);
      const note = (await page.textContent('#backend-note')) ?? '';
      expect(note).toMatch(v.backend === 'webgpu' ? /WebGPU/ : /CPU/);
      expect(values.grid).toBe(cli.grid.join('x'));
      expect(values.mode).toBe('continuum');
      for (const d of DIMS) {
        const ref = cli.barriers[d] ?? null;
        const got = values[`barrier-${d}`];
        if (ref === null) expect(got).toBe('');
        else expect(Math.abs(Number(got) - ref), `${d}: page ${got}, CLI ${ref}`).toBeLessThan(0.01);
      }
      expect(Math.abs(Number(values['e-min']) - cli.e_min)).toBeLessThan(0.01);
      // The continuum method's bottleneck saddle of each dimension reached: a verified index-1 saddle (one negative
      // Hessian eigenvalue) with its Vineyard attempt frequency.
      for (const d of DIMS) {
        if (cli.barriers[d] === null) continue;
        expect(Number.isInteger(Number(values[`bottleneck-${d}`])), d).toBe(true);
        const text = (await page.textContent(`[data-key="bottleneck-${d}"]`)) ?? '';
        expect(text).toMatch(
          /^saddle \d+ at \([01]\.\d{3}, [01]\.\d{3}, [01]\.\d{3}\), \(-?\d+\.\d{3}, -?\d+\.\d{3}, -?\d+\.\d{3}\) Å; unstable direction \((-?[01]\.\d{3}(, )?){3}\); Hessian -\d+\.\d+ \/ \d+\.\d+ \/ \d+\.\d+ eV\/Å²; ν\* \d\.\d\de\+1[0-4] Hz; (not )?certified/,
        );
        expectSameSaddle(await bottleneckCell(page, d), cli.continuum, lattice, d);
      }
      // The progress line ("Computing Li+: energy grid and saddle points…") is gone once the result is shown.
      expect(await page.textContent('#progress')).toBe('');
      expect(Number.isFinite(t.pageToBarriersMs) && t.pageToBarriersMs > 0).toBe(true);
    }, 120_000);

    it('draws the structure: the canvas is not blank', async () => {
      await waitForFrame(page, (await framesDrawn(page)) - 1);
      const img = decodePng(await page.locator('#view').screenshot());
      const variance = greyVariance(img);
      const covered = nonBackgroundFraction(img, BACKGROUND);
      console.log(`[web-preview] ${v.name}: canvas ${img.width}x${img.height}, grey variance ${variance.toFixed(0)}, ${(100 * covered).toFixed(1)}% drawn`);
      expect(variance).toBeGreaterThan(200);
      expect(covered).toBeGreaterThan(0.05);
      expect(Number(await page.getAttribute('#view', 'data-triangles'))).toBeGreaterThan(100);
      // The continuum network: saddle markers (one is drawn on screen, with its label) and two segments per hop.
      const hopSaddles = Number(await page.getAttribute('#view', 'data-hop-saddles'));
      expect(hopSaddles).toBeGreaterThan(0);
      expect(Number(await page.getAttribute('#view', 'data-hop-segments'))).toBe(2 * hopSaddles);
      expect(await page.evaluate(() => (window as unknown as PreviewWindow).bvscapePreview.pickPoint('hop-saddle'))).not.toBeNull();
      // Hops coloured by rate: the colour scale is shown, and moves to faster decades when the temperature rises.
      expect(await page.isVisible('#hop-scale')).toBe(true);
      const hi300 = Number(await page.getAttribute('#hop-scale', 'data-hi'));
      await page.fill('#hop-temperature', '900');
      await page.dispatchEvent('#hop-temperature', 'change');
      expect(await page.getAttribute('#hop-scale', 'data-temperature')).toBe('900');
      expect(Number(await page.getAttribute('#hop-scale', 'data-hi'))).toBeGreaterThan(hi300);
      await page.fill('#hop-temperature', '300');
      await page.dispatchEvent('#hop-temperature', 'change');
    }, 60_000);

    it('moving the level slider changes the isosurface', async () => {
      const before = decodePng(await page.locator('#view').screenshot());
      const trianglesBefore = Number(await page.getAttribute('#view', 'data-triangles'));
      const frames = await framesDrawn(page);
      const slider = page.locator('#level');
      await slider.focus();
      // Keyboard: End moves the slider to its maximum (the isosurface grows).
      await page.keyboard.press('End');
      await waitForFrame(page, frames);
      const after = decodePng(await page.locator('#view').screenshot());
      const trianglesAfter = Number(await page.getAttribute('#view', 'data-triangles'));
      const changed = differingFraction(before, after);
      console.log(
        `[web-preview] ${v.name}: slider -> max: ${trianglesBefore} -> ${trianglesAfter} triangles, ${(100 * changed).toFixed(1)}% of pixels changed`,
      );
      expect(trianglesAfter).not.toBe(trianglesBefore);
      expect(changed).toBeGreaterThan(0.01);
    }, 60_000);

    it('orbits with the keyboard', async () => {
      const before = decodePng(await page.locator('#view').screenshot());
      const frames = await framesDrawn(page);
      await page.locator('#view').focus();
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('ArrowLeft');
      await waitForFrame(page, frames);
      const after = decodePng(await page.locator('#view').screenshot());
      expect(differingFraction(before, after)).toBeGreaterThan(0.01);
    }, 60_000);

    it('offers the JSON download with the same barriers', async () => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
      const file = await download.path();
      const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number | null> & { paths: unknown[] };
      for (const d of DIMS) {
        const ref = cli.barriers[d] ?? null;
        const got = json[`barrier_${d.toLowerCase()}`];
        if (ref === null) expect(got).toBeNull();
        else expect(Math.abs(got! - ref)).toBeLessThan(0.01);
      }
      expect(json.paths.length).toBeGreaterThan(0);
    }, 60_000);

    it('shows a readable error for a broken file, and recovers', async () => {
      await page.setInputFiles('#file-input', join(REPO, 'fixtures/broken/missing_cell_b.cif'));
      await page.waitForFunction(() => document.body.dataset.status === 'error', null, { timeout: 30_000 });
      const message = (await page.textContent('#error')) ?? '';
      expect(await page.isVisible('#error')).toBe(true);
      expect(message).toMatch(/missing_cell_b\.cif/);
      expect(message.length).toBeGreaterThan(20);
      expect(await page.textContent('#progress')).toBe('');
      expect(message, 'the page has no command-line flags to suggest').not.toMatch(/--\w/);
      await dropFile(page, LI3N);
      expect(await page.isVisible('#error')).toBe(false);
    }, 60_000);

    it('opens a bundled example (a POSCAR) from the picker', async () => {
      await page.evaluate(() => {
        document.body.dataset.status = 'picking';
      });
      await page.selectOption('#fixture', 'LiCl_rocksalt_primitive.vasp');
      await page.click('#open-fixture');
      await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.status ?? ''), null, { timeout: 60_000 });
      expect(await page.isVisible('#error')).toBe(false);
      const values = await tableValues(page);
      expect(values.ion).toBe('Li+');
      expect(Number(values['barrier-3D'])).toBeGreaterThan(0);
      expect(await page.textContent('#results')).toContain('LiCl_rocksalt_primitive.vasp');
    }, 60_000);

    // The hand-over is independent of the device, so it runs in the WebGPU variant only.
    if (v.webgpu)
      it('opens the file handed over by `bvscape preview FILE` (/api/initial) on load', async () => {
        const text = readFileSync(LI3N, 'utf8');
        const withFile = await startPreviewServer({ root: webRoot, port: 0, initial: { name: 'Li3N_alpha.cif', text, ion: 'Li', resolution: RESOLUTION } });
        try {
          const other = await openPreview(browser, withFile.url);
          await other.page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.status ?? ''), null, { timeout: 60_000 });
          const values = await tableValues(other.page);
          expect(Math.abs(Number(values['barrier-3D']) - cli.barriers['3D']!)).toBeLessThan(0.01);
          expect(other.errors).toEqual([]);
          await other.page.close();
        } finally {
          await withFile.close();
        }
      }, 90_000);

    it('logged no console errors', () => {
      expect(errors).toEqual([]);
    });
  });
});
