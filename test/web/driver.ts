// Drives the preview page in headless Chromium (playwright-core): shared by test/web/preview.test.ts
// and bench/web-preview.ts.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { PreviewApi } from '../../src/web/main.js';

export const CHROMIUM = '/usr/bin/chromium';
/** The page as scripts see it: `(window as unknown as PreviewWindow).bvscapePreview` inside page.evaluate. */
export type PreviewWindow = { bvscapePreview: PreviewApi };
export const REPO = findRepo(dirname(fileURLToPath(import.meta.url)));
export const SHARED = resolve(REPO, '../shared');
export const WEB_ROOT = join(REPO, 'dist', 'web');

function findRepo(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'build-web.mjs'))) return d;
    if (dirname(d) === d) throw new Error(`build-web.mjs not found above ${dir}`);
  }
}

/** The headless Chromium flags of docs/ARCHITECTURE.md (SwiftShader for Vulkan and ANGLE); without WebGPU the page must fall back to the CPU workers and Canvas 2D. */
export function chromiumArgs(webgpu: boolean): string[] {
  return [
    ...(webgpu ? ['--enable-unsafe-webgpu'] : []),
    '--enable-features=Vulkan',
    '--use-vulkan=swiftshader',
    '--use-angle=swiftshader',
    '--no-sandbox',
    '--headless=new',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ];
}

/**
 * Builds the page (node build-web.mjs) into `outDir` (default dist/web). Suites that run at the same
 * time build into directories of their own, so one never serves a tree the other is rewriting.
 */
export function buildWeb(outDir: string = WEB_ROOT): string {
  execFileSync(process.execPath, [join(REPO, 'build-web.mjs'), outDir], { cwd: REPO, stdio: 'pipe' });
  return outDir;
}

export async function launch(webgpu: boolean): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: chromiumArgs(webgpu) });
}

export interface OpenPage {
  page: Page;
  /** Console errors and uncaught page errors, as they happen. */
  errors: string[];
}

export async function openPreview(browser: Browser, url: string): Promise<OpenPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => ['ready', 'done', 'error'].includes(document.body.dataset.status ?? ''), null, { timeout: 60_000 });
  return { page, errors };
}

export interface DropTiming {
  /** Wall clock (ms) from setInputFiles to the barriers being in the table, seen from Node. */
  toBarriersMs: number;
  /** The page's own measurement: file chosen -> barriers shown. */
  pageToBarriersMs: number;
  /** Wall clock to the whole result (view, paths, profile). */
  toDoneMs: number;
}

/** Chooses `file` in the page's file input and waits for the result. */
export async function dropFile(page: Page, file: string): Promise<DropTiming> {
  // Forget the previous run's state, so that only this file's result (or error) ends the waits.
  await page.evaluate(() => {
    document.body.dataset.barriers = '';
    document.body.dataset.status = 'dropping';
  });
  const t0 = performance.now();
  await page.setInputFiles('#file-input', file);
  await page.waitForFunction(() => document.body.dataset.barriers === 'shown' || document.body.dataset.status === 'error', null, {
    timeout: 120_000,
    polling: 25,
  });
  const t1 = performance.now();
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.status ?? ''), null, { timeout: 120_000, polling: 25 });
  const t2 = performance.now();
  const status = await page.evaluate(() => document.body.dataset.status);
  if (status === 'error') throw new Error(`the page shows an error: ${await page.textContent('#error')}`);
  const pageMs = Number(await page.getAttribute('[data-key="file-to-barriers"]', 'data-value'));
  return { toBarriersMs: t1 - t0, pageToBarriersMs: pageMs, toDoneMs: t2 - t0 };
}

/** The table's values by data-key (full precision strings). */
export async function tableValues(page: Page): Promise<Record<string, string>> {
  return page.$$eval('#results td[data-key]', (tds) =>
    Object.fromEntries(tds.map((td) => [(td as HTMLElement).dataset.key!, (td as HTMLElement).dataset.value ?? ''])),
  );
}

export async function framesDrawn(page: Page): Promise<number> {
  return Number((await page.getAttribute('#view', 'data-frames')) ?? 0);
}

/**
 * Waits until the view has drawn a frame after `before` and after its current isosurface arrived from the
 * isosurface worker (none pending), then a little more for the compositor.
 */
export async function waitForFrame(page: Page, before: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const d = document.getElementById('view')?.dataset;
      if (!d || d.isoPending) return false;
      const frames = Number(d.frames ?? 0);
      return frames > n && frames > Number(d.isoAfter ?? -1);
    },
    before,
    { timeout: 30_000 },
  );
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}
