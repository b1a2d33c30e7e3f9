// The share link's grid spacing: the page's default is the CLI's continuum seed grid, the select offers it, and links
// written when the page defaulted to 0.1 Å (or with any other spacing) still load their value or fall back cleanly.
// The barrier source and Certify: in the link, and mapped onto computeLandscape's options as the CLI's flags map them.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeLandscape, DEFAULT_RESOLUTION, DEFAULT_SEED_RESOLUTION } from '../../src/pipeline/landscape.js';
import { landscapeOptions, readFirstStructure } from '../../src/web/compute.js';
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

describe('barriers from the continuous field or grid thresholds, and Certify', () => {
  it('default to the continuous field without the certificate, and stay out of a default link', () => {
    expect(DEFAULT_SETTINGS.barriers).toBe('continuum');
    expect(DEFAULT_SETTINGS.certify).toBe(false);
    const link = encodeSettings(DEFAULT_SETTINGS);
    expect(link).not.toMatch(/barriers=|certify=/);
    expect(
      options('barrier-method')
        .filter((o) => o.selected)
        .map((o) => o.value),
    ).toEqual(['continuum']);
    // An old link (no barriers, no certify) loads as the default.
    const old = decodeSettings('#ion=Li&model=bvlain&res=0.1&show=iso,path,sites,hops,labels&hkl=0,0,1');
    expect([old.barriers, old.certify]).toEqual(['continuum', false]);
  });

  it('round-trip through the link; malformed values keep the defaults', () => {
    for (const barriers of ['continuum', 'grid'] as const)
      for (const certify of [false, true]) {
        const s = { ...DEFAULT_SETTINGS, barriers, certify };
        expect(decodeSettings(encodeSettings(s))).toEqual(s);
      }
    expect(encodeSettings({ ...DEFAULT_SETTINGS, barriers: 'grid', certify: true })).toMatch(/barriers=grid&certify=1/);
    const bad = decodeSettings('barriers=octree&certify=yes');
    expect([bad.barriers, bad.certify]).toEqual(['continuum', false]);
  });

  it('map onto computeLandscape as --grid-barriers and --certify do', () => {
    const req = { resolution: 0.1, model: 'softbv', oxi: { N: -3 } };
    expect(landscapeOptions({ ...req, barriers: 'continuum', certify: false })).toEqual({
      method: 'continuum',
      resolution: 0.1,
      model: 'softbv',
      oxi: { N: -3 },
    });
    expect(landscapeOptions({ ...req, barriers: 'continuum', certify: true, oxi: null })).toEqual({
      method: 'continuum',
      resolution: 0.1,
      model: 'softbv',
      certify: true,
    });
    // Grid thresholds: the converged grid at the CLI's default 0.05 Å, whatever the drawing spacing; no certificate.
    expect(landscapeOptions({ ...req, barriers: 'grid', certify: true, oxi: null })).toEqual({
      method: 'grid',
      mode: 'converged',
      resolution: DEFAULT_RESOLUTION,
      model: 'softbv',
    });
  });

  it("grid thresholds on α-Li3N: the converged 0.05 Å grid, below the continuum barrier by the grid's error", async () => {
    const text = readFileSync(join(import.meta.dirname, '../../fixtures/Li3N_alpha.cif'), 'utf8');
    const { structure } = await readFirstStructure(text, 'Li3N_alpha.cif');
    const base = { resolution: 0.3, model: 'bvlain', oxi: null, certify: false };
    const grid = await computeLandscape(structure, { ...landscapeOptions({ ...base, barriers: 'grid' }), ion: 'Li' });
    const cont = await computeLandscape(structure, { ...landscapeOptions({ ...base, barriers: 'continuum' }), ion: 'Li' });
    expect([grid.method, grid.mode, grid.resolution, grid.network]).toEqual(['grid', 'converged', DEFAULT_RESOLUTION, null]);
    expect([cont.method, cont.resolution]).toEqual(['continuum', 0.3]);
    // docs/continuum.md: the 0.05 Å grid's barriers lie 1.6e-3 eV below the continuum's on α-Li3N (its E_min too high).
    const d = grid.barriers['3D']! - cont.barriers['3D']!;
    expect(d).toBeLessThan(0);
    expect(d).toBeGreaterThan(-5e-3);
  }, 60_000);
});
