// The share link's grid spacing: the page's default is the CLI's continuum seed grid, the select offers it, and links
// written when the page defaulted to 0.1 Å (or with any other spacing) still load their value or fall back cleanly.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SEED_RESOLUTION } from '../../src/pipeline/landscape.js';
import { decodeSettings, DEFAULT_SETTINGS, DEFAULT_SPACING, encodeSettings } from '../../src/web/settings-hash.js';

const html = readFileSync(join(import.meta.dirname, '../../src/web/index.html'), 'utf8');
/** The <option>s of the select with this id: value, selected, label. */
function options(id: string): { value: string; selected: boolean; label: string }[] {
  const select = new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  expect(select, `#${id} in index.html`).not.toBeNull();
  return [...select![1]!.matchAll(/<option value="([^"]*)"( selected)?>([^<]*)<\/option>/g)].map((m) => ({ value: m[1]!, selected: !!m[2], label: m[3]! }));
}

describe('grid spacing', () => {
  it('defaults to the CLI continuum seed grid, in the settings and in the page', () => {
    expect(DEFAULT_SPACING).toBe(DEFAULT_SEED_RESOLUTION);
    expect(DEFAULT_SETTINGS.resolution).toBe(DEFAULT_SEED_RESOLUTION);
    const opts = options('resolution');
    expect(opts.filter((o) => o.selected).map((o) => o.value)).toEqual([String(DEFAULT_SEED_RESOLUTION)]);
    // Finer choices are offered (a smoother drawing); no label describes the old converged grid method.
    expect(opts.map((o) => Number(o.value)).filter((h) => h < DEFAULT_SEED_RESOLUTION).length).toBeGreaterThan(0);
    for (const o of opts) expect(o.label).not.toMatch(/converged/);
  });

  it('a link without a spacing gets the default', () => {
    expect(decodeSettings('ion=Li&model=bvlain').resolution).toBe(DEFAULT_SEED_RESOLUTION);
    expect(encodeSettings(DEFAULT_SETTINGS)).toContain(`res=${DEFAULT_SEED_RESOLUTION}`);
  });

  it("old links keep their spacing: 0.1 and 0.05 (the old page's converged choices) and other values", () => {
    for (const res of [0.1, 0.05, 0.3, 0.15]) expect(decodeSettings(`#ion=Li&model=bvlain&res=${res}&show=iso,path`).resolution).toBe(res);
  });

  it('a malformed or out-of-range spacing falls back to the default', () => {
    for (const res of ['0', '-0.1', 'abc', '', '3', 'NaN', 'Infinity']) expect(decodeSettings(`res=${res}`).resolution, res).toBe(DEFAULT_SEED_RESOLUTION);
  });
});
