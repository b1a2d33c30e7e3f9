// The Transport panel in real headless Chromium (CPU Web Workers, WebGPU disabled: the kMC needs no GPU): it runs
// the kinetic Monte Carlo in a worker while the page's thread stays free, cancels it, and then draws the Arrhenius plot
// with Ea ± its error, log10 σ(300 K) and the Haven ratio.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startPreviewServer, type PreviewServer } from '../../src/cli/commands/preview.js';
import { chromiumAvailable } from './chromium-gate.js';
import { buildWeb, dropFile, launch, openPreview, REPO, type PreviewWindow } from './driver.js';

const LI3N = join(REPO, 'fixtures/Li3N_alpha.cif');
const haveChromium = chromiumAvailable('transport-panel');

const state = (page: Page) => page.getAttribute('#transport-panel', 'data-state');
const waitState = (page: Page, states: string[], timeout = 120_000) =>
  page.waitForFunction((s) => s.includes(document.getElementById('transport-panel')?.dataset.state ?? ''), states, { timeout, polling: 50 });
const cellValue = async (page: Page, key: string) => (await page.getAttribute(`#transport-results [data-key="${key}"]`, 'data-value')) ?? '';

describe.skipIf(!haveChromium)('Transport panel (headless Chromium)', () => {
  let server: PreviewServer;
  let webRoot: string;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    webRoot = buildWeb(join(mkdtempSync(join(tmpdir(), 'bvscape-web-')), 'web'));
    server = await startPreviewServer({ root: webRoot, port: 0 });
    browser = await launch(false);
    ({ page, errors } = await openPreview(browser, `${server.url}?resolution=0.2&backend=cpu`));
    await dropFile(page, LI3N);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (webRoot) rmSync(join(webRoot, '..'), { recursive: true, force: true });
  });

  it('is ready once the landscape is shown, with the network it will run on', async () => {
    expect(await state(page)).toBe('ready');
    expect(await page.textContent('#transport-status')).toMatch(/Ready: Li\+ on \d+ sites and \d+ hops per cell/);
    expect(await page.isDisabled('#transport-run')).toBe(false);
    expect(await page.isVisible('#transport-cancel')).toBe(false);
  });

  it('runs the kMC off the main thread (timers keep firing) and cancels it', async () => {
    await page.fill('#transport-temperatures', '300,700');
    await page.selectOption('#transport-steps', '2000000');
    await page.click('#transport-run');
    expect(await state(page)).toBe('running');
    expect(await page.isVisible('#transport-cancel')).toBe(true);
    expect(await page.isDisabled('#transport-run')).toBe(true);
    // Two million hops at two temperatures take minutes: the page's thread is free meanwhile when timers keep
    // firing on it (a kMC on the main thread would hold this evaluate until it ended, and the state would be done).
    const ticks = await page.evaluate(async () => {
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < 1000) {
        await new Promise((r) => setTimeout(r, 0));
        n++;
      }
      return n;
    });
    console.log(`[transport-panel] page-thread timer ticks in 1 s while the kMC runs: ${ticks}`);
    expect(ticks).toBeGreaterThan(10);
    expect(await state(page)).toBe('running');
    // The library's progress reaches the bar and the status line (every 16,384 hops).
    await page.waitForFunction(() => Number((document.getElementById('transport-progress') as HTMLProgressElement).value) > 0, null, { timeout: 60_000 });
    expect(await page.textContent('#transport-status')).toMatch(
      /^Running: kMC of Li\+ at 300, 700 K, up to 2,000,000 hops each, on \d+ workers?; 0 of 2 temperatures done; (300|700) K at \d+ %.* \(\d+ s\)…$/,
    );
    const share = Number(await page.getAttribute('#transport-progress', 'value'));
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThan(0.5);
    await page.click('#transport-cancel');
    expect(await state(page)).toBe('cancelled');
    expect(await page.isVisible('#transport-progress')).toBe(false);
    expect(await page.isDisabled('#transport-run')).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('transport-run');
    expect(await page.evaluate(() => (window as unknown as PreviewWindow).bvscapePreview.transport)).toBeNull();
  }, 60_000);

  it('refuses temperatures that are not kelvin, in its status line', async () => {
    await page.fill('#transport-temperatures', '300,warm');
    await page.click('#transport-run');
    expect(await state(page)).toBe('failed');
    expect(await page.textContent('#transport-status')).toMatch(/temperatures: expected positive kelvin values/);
    expect(await page.getAttribute('#transport-status', 'data-kind')).toBe('error');
  });

  it('draws the Arrhenius plot with Ea ± error, log10 σ(300 K) and the Haven ratio', async () => {
    await page.fill('#transport-temperatures', '400,550,700');
    await page.selectOption('#transport-steps', '20000');
    await page.click('#transport-run');
    await waitState(page, ['done', 'failed']);
    const result = await page.evaluate(() => (window as unknown as PreviewWindow).bvscapePreview.transport);
    expect(result, (await page.textContent('#transport-status')) ?? '').not.toBeNull();
    expect(await state(page), (await page.textContent('#transport-status')) ?? '').toBe('done');
    expect(result!.temperatures.map((t) => t.temperatureK)).toEqual([400, 550, 700]);
    const fit = result!.arrhenius!;
    console.log(
      `[transport-panel] Li3N, 3 × 20,000 hops: Ea ${fit.ea.toFixed(3)} ± ${fit.eaError.toFixed(3)} eV in ${(result!.elapsedMs / 1000).toFixed(1)} s`,
    );
    expect(Number(await cellValue(page, 'transport-ea'))).toBe(fit.ea);
    expect(Number(await cellValue(page, 'transport-ea-error'))).toBe(fit.eaError);
    expect(Number.isFinite(Number(await cellValue(page, 'transport-log10-sigma-300k')))).toBe(true);
    const haven = Number(await cellValue(page, 'transport-haven'));
    expect(haven).toBe(result!.temperatures[2]!.havenRatio);
    // The plot: one point per temperature with σ > 0, the fitted line's Ea in the legend, and its download.
    const points = result!.temperatures.filter((t) => t.sigma > 0).length;
    expect(await page.locator('#arrhenius svg circle').count()).toBe(points);
    expect(await page.textContent('#arrhenius svg')).toContain(`Ea = ${fit.ea.toFixed(3)} ± ${fit.eaError.toFixed(3)} eV`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-arrhenius')]);
    expect(download.suggestedFilename()).toBe('Li3N_alpha_Li_arrhenius.svg');
    // The link carries the panel's settings.
    const link = new URL(await page.inputValue('#share-link'));
    const hash = new URLSearchParams(link.hash.slice(1));
    expect(hash.get('kmcT')).toBe('400,550,700');
    expect(hash.get('kmcHops')).toBe('20000');
  }, 150_000);

  it('clears its result when a new landscape is computed', async () => {
    await dropFile(page, LI3N);
    expect(await state(page)).toBe('ready');
    expect(await page.locator('#arrhenius svg').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as PreviewWindow).bvscapePreview.transport)).toBeNull();
  }, 120_000);

  it('stays ready for the result on screen when a newer file fails to compute', async () => {
    await page.evaluate(() => {
      document.body.dataset.status = 'dropping';
    });
    await page.setInputFiles('#file-input', join(REPO, 'fixtures/broken/missing_cell_b.cif'));
    await page.waitForFunction(() => document.body.dataset.status === 'error', null, { timeout: 30_000 });
    expect(await state(page)).toBe('ready');
    expect(await page.textContent('#transport-status')).toMatch(/Ready: Li\+ on \d+ sites/);
  }, 60_000);

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
