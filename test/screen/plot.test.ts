import { describe, expect, it } from 'vitest';
import { escapeXml, prettyIon, screenPlotSvg, type DualIonPoint } from '../../src/report/screen-plot.js';
import { applyDualIon, dualIonTest } from '../../src/screen/dual-ion.js';
import { baseRow } from '../../src/screen/run-entry.js';
import { DEFAULT_DUAL_ION } from '../../src/screen/types.js';

/** Minimal XML well-formedness: balanced tags, quoted attributes, no stray '<' or '&'. */
function checkXml(xml: string): { tags: Record<string, number> } {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const tags: Record<string, number> = {};
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(body)) !== null) {
    pos = re.lastIndex;
    if (m[5] !== undefined) {
      expect(m[5]).not.toMatch(/&(?!(amp|lt|gt|quot|apos|#\d+);)/);
      continue;
    }
    const [, close, name, , self] = m;
    if (close) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else {
      tags[name!] = (tags[name!] ?? 0) + 1;
      if (!self) stack.push(name!);
    }
  }
  expect(pos, `unparsed XML at ${body.slice(pos, pos + 40)}`).toBe(body.length);
  expect(stack).toEqual([]);
  return { tags };
}

const pts: DualIonPoint[] = [
  { id: 'a', formula: 'Li3<I>&', anion: 'I-', emLi: 0.4, emX: 0.3 },
  { id: 'b', formula: 'LiBr', anion: 'Br-', emLi: 0.8, emX: 0.6 },
  { id: 'c', formula: null, anion: 'I-', emLi: 1.6, emX: 0.8 },
  { id: 'd', formula: 'far', anion: 'S2-', emLi: 50, emX: 0.01 },
];

describe('dual-ion scatter (SVG)', () => {
  it('is well-formed, with one circle per point, one legend entry per anion, labels and the region', () => {
    const svg = screenPlotSvg(pts, DEFAULT_DUAL_ION);
    const { tags } = checkXml(svg);
    expect((svg.match(/<g class="series"/g) ?? []).length).toBe(3);
    expect((svg.match(/<circle [^>]*><title>/g) ?? []).length).toBe(4);
    expect(tags.circle).toBe(4 + 3);
    expect(svg).toContain('Em(Li⁺) / Em(X)');
    expect(svg).toContain('Em(Li⁺) (eV)');
    expect(svg).toContain('Li3&lt;I&gt;&amp;');
    for (const a of ['I⁻ (2)', 'Br⁻ (1)', 'S²⁻ (1)']) expect(svg).toContain(a);
    expect(svg).toContain('1 beyond the axes');
    // The region spans x = Em(Li)/Em(X) in [1/1.5, 1/0.5] and y in [0, 1]: check against the axis mapping.
    const region = /<rect class="dual-ion-region" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/.exec(svg)!;
    const [x, , w] = [Number(region[1]), Number(region[2]), Number(region[3])];
    const xTicks = [
      ...svg.matchAll(
        /<line class="tick" x1="([\d.]+)" y1="[\d.]+" x2="[\d.]+" y2="[\d.]+" stroke="#333"\/>\n<text x="[\d.]+" y="[\d.]+" text-anchor="middle">([\d.]+)</g,
      ),
    ].map((t) => [Number(t[1]), Number(t[2])] as const);
    const [x0, v0] = xTicks[0]!;
    const [x1, v1] = xTicks[1]!;
    const toPx = (v: number) => x0 + ((v - v0) * (x1 - x0)) / (v1 - v0);
    expect(x).toBeCloseTo(toPx(1 / 1.5), 1);
    expect(x + w).toBeCloseTo(toPx(2), 1);
    // Point a (x = 0.4/0.3) sits inside the region, c (x = 2, y = 1.6) above it.
    const circle = (title: string) => Number(new RegExp(`<circle cx="([\\d.]+)" cy="[\\d.]+" r="4"><title>${title}`).exec(svg)![1]);
    expect(circle('Li3&lt;I&gt;&amp;')).toBeCloseTo(toPx(0.4 / 0.3), 1);
  });

  it('states the region in the axis quantity (x = Em(Li+)/Em(X)), with the criterion beside it', () => {
    const svg = screenPlotSvg(pts, DEFAULT_DUAL_ION);
    expect(svg).toContain('0.6667 ≤ Em(Li⁺)/Em(X) ≤ 2<');
    expect(svg).toContain('(0.5 ≤ Em(X)/Em(Li⁺) ≤ 1.5)');
  });

  it('fits the y range to the data: an outlier goes to the edge, the axis ends near the rest', () => {
    const yTicks = (svg: string) => [...svg.matchAll(/text-anchor="end" dominant-baseline="middle">([\d.]+)</g)].map((m) => Number(m[1]));
    const top = Math.max(...yTicks(screenPlotSvg(pts, DEFAULT_DUAL_ION)));
    expect(top).toBeGreaterThanOrEqual(1.6); // the largest Em(Li+) short of the outlier (50 eV)
    expect(top).toBeLessThanOrEqual(2.5);
    const low = pts.map((p) => ({ ...p, emLi: p.emLi / 100 }));
    expect(Math.max(...yTicks(screenPlotSvg(low, DEFAULT_DUAL_ION)))).toBeLessThanOrEqual(2); // the region (Em < 1 eV) still shows
  });

  it('labels the N candidates with the lowest Em(Li+) inside the region with --label-top', () => {
    expect(screenPlotSvg(pts, DEFAULT_DUAL_ION)).not.toContain('point-labels');
    const one = screenPlotSvg(pts, DEFAULT_DUAL_ION, { labelTop: 1 });
    checkXml(one);
    const labels = (svg: string) => [...svg.matchAll(/<g class="point-labels"[^>]*>([\s\S]*?)<\/g>/g)][0]![1]!.match(/<text[^>]*>[^<]*<\/text>/g)!;
    expect(labels(one)).toHaveLength(1);
    expect(labels(one)[0]).toContain('Li3&lt;I&gt;&amp; (I⁻)');
    // Only two points lie in the region (c is above Em(Li+) = 1 eV, d far outside).
    expect(labels(screenPlotSvg(pts, DEFAULT_DUAL_ION, { labelTop: 5 }))).toHaveLength(2);
  });

  it('draws an empty plot when there are no pairs', () => {
    const svg = screenPlotSvg([], DEFAULT_DUAL_ION);
    checkXml(svg);
    expect(svg).toContain('no (Li⁺, anion) pairs');
  });

  it('escapes XML and prints ions with superscripts', () => {
    expect(escapeXml(`a<b>&"'`)).toBe('a&lt;b&gt;&amp;&quot;&apos;');
    expect(prettyIon('S2-')).toBe('S²⁻');
    expect(prettyIon('Li+')).toBe('Li⁺');
  });
});

describe('dual-ion criterion', () => {
  it('Em(Li) < liMax and ratioMin <= Em(X)/Em(Li) <= ratioMax, boundaries included for the ratio', () => {
    const c = DEFAULT_DUAL_ION;
    expect(dualIonTest(0.4, 0.2, c)).toEqual({ ratio: 0.5, pass: true });
    expect(dualIonTest(0.4, 0.6, c).pass).toBe(true);
    expect(dualIonTest(0.4, 0.61, c).pass).toBe(false);
    expect(dualIonTest(0.4, 0.19, c).pass).toBe(false);
    expect(dualIonTest(1.0, 1.0, c).pass).toBe(false);
    expect(dualIonTest(0.99, 1.0, c).pass).toBe(true);
    expect(dualIonTest(null, 1, c)).toEqual({ ratio: null, pass: false });
    expect(dualIonTest(0, 0.1, c)).toEqual({ ratio: null, pass: false });
  });

  it('fills the fields of one structure at the chosen dimension', () => {
    const start = { id: 's', block: null, formula: 'X', space_group: null, space_group_number: null, ions: [] };
    const row = (ion: string, b1: number | null, b3: number | null, ok = true) => ({
      ...baseRow('f', start, ion),
      status: ok ? ('ok' as const) : ('error' as const),
      barrier_1d: b1,
      barrier_3d: b3,
    });
    const rows = [row('Li+', 0.2, 0.5), row('I-', 0.3, 2.0), row('Br-', 0.1, 0.4), row('Na+', 0.1, 0.1), row('Cl-', null, null, false)];
    applyDualIon(rows, { ...DEFAULT_DUAL_ION, dimension: 3 });
    expect(rows.map((r) => r.dual_ion)).toEqual([true, false, true, false, false]);
    expect(rows[2]!.em_ratio).toBeCloseTo(0.8, 12);
    applyDualIon(rows, { ...DEFAULT_DUAL_ION, dimension: 1 });
    expect(rows.map((r) => r.dual_ion)).toEqual([true, true, true, false, false]);
    expect(rows[1]).toMatchObject({ em_li: 0.2, em_x: 0.3 });
  });
});
