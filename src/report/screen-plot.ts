// The dual-ion screening scatter: x = Em(Li+)/Em(X) (the axis of the study the criterion comes from), y =
// Em(Li+), one colour per anion X, with the region where the criterion holds (Em(Li+) < liMax, ratioMin <=
// Em(X)/Em(Li+) <= ratioMax) shaded. x is the inverse of the criterion's ratio, so the region spans x in
// [1/ratioMax, 1/ratioMin]; the legend states it in x, with the criterion's own form beside it.

export interface DualIonPoint {
  id: string;
  formula: string | null;
  /** The anion, e.g. "I-". */
  anion: string;
  emLi: number;
  emX: number;
}

export interface PlotCriterion {
  liMax: number;
  ratioMin: number;
  ratioMax: number;
  dimension: 1 | 2 | 3;
}

export interface ScreenPlotOptions {
  title?: string;
  width?: number;
  height?: number;
  /** Label this many points with their formula: the lowest Em(Li+) inside the region (default 0). */
  labelTop?: number;
}

// Colour-blind-safe palette (Okabe & Ito), then a few extra distinct hues.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000', '#8C564B', '#7F7F7F'];

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** "Li+" -> "Li⁺", "S2-" -> "S²⁻" for labels. */
export function prettyIon(ion: string): string {
  const sup: Record<string, string> = {
    '0': '⁰',
    '1': '¹',
    '2': '²',
    '3': '³',
    '4': '⁴',
    '5': '⁵',
    '6': '⁶',
    '7': '⁷',
    '8': '⁸',
    '9': '⁹',
    '+': '⁺',
    '-': '⁻',
  };
  const m = /^([A-Z][a-z]?)(\d*[+-])$/.exec(ion);
  return m ? m[1]! + [...m[2]!].map((c) => sup[c] ?? c).join('') : ion;
}

/** Round up to 1, 2, 2.5 or 5 times a power of ten. */
function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x - 1e-12) return m * p;
  return 10 * p;
}

function ticks(max: number): number[] {
  const step = niceCeil(max / 5);
  const out: number[] = [];
  for (let v = 0; v <= max + step * 1e-6; v += step) out.push(Number(v.toPrecision(10)));
  return out;
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(4)));
}

export function screenPlotSvg(points: readonly DualIonPoint[], c: PlotCriterion, o: ScreenPlotOptions = {}): string {
  const W = o.width ?? 760;
  const H = o.height ?? 520;
  const m = { left: 72, right: 200, top: 48, bottom: 60 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;

  const usable = points.filter((p) => Number.isFinite(p.emLi) && Number.isFinite(p.emX) && p.emX > 0 && p.emLi >= 0);
  const xs = usable.map((p) => p.emLi / p.emX);
  const ys = usable.map((p) => p.emLi);
  const regionX0 = 1 / c.ratioMax;
  const regionX1 = 1 / c.ratioMin;
  // Axes cover the region with room around it, and the data up to a cap so one outlier cannot flatten the plot.
  // y is fitted to the data: up to the largest Em(Li+) short of outliers (the 95th percentile when more than
  // 1.5 times below the maximum), and at least to the top of the region.
  const sortedY = [...ys].sort((a, b) => a - b);
  const p95 = sortedY.length > 0 ? sortedY[Math.floor(0.95 * (sortedY.length - 1))]! : 0;
  const yTop = sortedY.length > 0 ? (sortedY.at(-1)! > 1.5 * p95 ? p95 : sortedY.at(-1)!) : c.liMax;
  const xMax = niceCeil(Math.max(regionX1 * 1.25, Math.min(Math.max(0, ...xs) * 1.05, 10)));
  const yMax = niceCeil(Math.max(c.liMax * 1.05, Math.min(yTop * 1.05, 10)));
  const sx = (x: number) => m.left + (x / xMax) * pw;
  const sy = (y: number) => m.top + ph - (y / yMax) * ph;

  const anions = [...new Set(usable.map((p) => p.anion))].sort();
  const colour = new Map(anions.map((a, i) => [a, PALETTE[i % PALETTE.length]!]));
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="13">`,
  );
  out.push(`<title>${escapeXml(o.title ?? 'Dual-ion screen')}</title>`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(
    `<text class="title" x="${m.left + pw / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(o.title ?? `Dual-ion screen (${c.dimension}D percolation barriers)`)}</text>`,
  );

  // Dual-ion region.
  const rx0 = sx(Math.min(regionX0, xMax));
  const rx1 = sx(Math.min(regionX1, xMax));
  const ry = sy(Math.min(c.liMax, yMax));
  out.push(
    `<rect class="dual-ion-region" x="${rx0.toFixed(2)}" y="${ry.toFixed(2)}" width="${(rx1 - rx0).toFixed(2)}" height="${(sy(0) - ry).toFixed(2)}" fill="#2ca02c" fill-opacity="0.15" stroke="#2ca02c" stroke-dasharray="4 3"/>`,
  );
  out.push(`<text x="${((rx0 + rx1) / 2).toFixed(2)}" y="${(ry - 6).toFixed(2)}" text-anchor="middle" fill="#2ca02c" font-size="12">dual-ion region</text>`);

  // Axes and ticks.
  out.push(`<g class="axes" stroke="#333" fill="none">`);
  out.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}"/>`);
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}"/>`);
  out.push(`</g>`);
  for (const t of ticks(xMax)) {
    const x = sx(t).toFixed(2);
    out.push(`<line class="tick" x1="${x}" y1="${m.top + ph}" x2="${x}" y2="${m.top + ph + 5}" stroke="#333"/>`);
    out.push(`<text x="${x}" y="${m.top + ph + 20}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of ticks(yMax)) {
    const y = sy(t).toFixed(2);
    out.push(`<line class="tick" x1="${m.left - 5}" y1="${y}" x2="${m.left}" y2="${y}" stroke="#333"/>`);
    out.push(`<text x="${m.left - 9}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(t)}</text>`);
  }
  out.push(`<text class="axis-label" x="${m.left + pw / 2}" y="${H - 16}" text-anchor="middle">Em(${prettyIon('Li+')}) / Em(X)</text>`);
  out.push(`<text class="axis-label" transform="translate(20 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">Em(${prettyIon('Li+')}) (eV)</text>`);

  // Points, one group per anion.
  let outside = 0;
  for (const a of anions) {
    out.push(`<g class="series" data-anion="${escapeXml(a)}" fill="${colour.get(a)}" fill-opacity="0.8">`);
    usable.forEach((p, i) => {
      if (p.anion !== a) return;
      const x = xs[i]!;
      const y = ys[i]!;
      if (x > xMax || y > yMax) outside++;
      out.push(
        `<circle cx="${sx(Math.min(x, xMax)).toFixed(2)}" cy="${sy(Math.min(y, yMax)).toFixed(2)}" r="4"><title>${escapeXml(`${p.formula ?? p.id} (${p.anion}): Em(Li+) = ${fmt(p.emLi)} eV, Em(${p.anion}) = ${fmt(p.emX)} eV`)}</title></circle>`,
      );
    });
    out.push(`</g>`);
  }

  // Labels: the candidates (inside the region) with the lowest Em(Li+).
  const labelTop = Math.max(0, Math.floor(o.labelTop ?? 0));
  if (labelTop > 0) {
    const inside = usable
      .map((p, i) => ({ p, x: xs[i]!, y: ys[i]! }))
      .filter(({ x, y }) => y < c.liMax && x >= regionX0 && x <= regionX1)
      .sort((a, b) => a.y - b.y || (a.p.id < b.p.id ? -1 : 1))
      .slice(0, labelTop);
    out.push(`<g class="point-labels" font-size="11" fill="#222">`);
    for (const { p, x, y } of inside) {
      out.push(
        `<text x="${(sx(Math.min(x, xMax)) + 6).toFixed(2)}" y="${(sy(Math.min(y, yMax)) - 6).toFixed(2)}">${escapeXml(`${p.formula ?? p.id} (${prettyIon(p.anion)})`)}</text>`,
      );
    }
    out.push(`</g>`);
  }

  // Legend.
  const lx = m.left + pw + 20;
  out.push(`<g class="legend">`);
  out.push(`<text x="${lx}" y="${m.top + 4}" font-weight="bold">Anion X</text>`);
  anions.forEach((a, i) => {
    const y = m.top + 26 + i * 22;
    const n = usable.filter((p) => p.anion === a).length;
    out.push(`<circle cx="${lx + 6}" cy="${y}" r="5" fill="${colour.get(a)}"/>`);
    out.push(`<text x="${lx + 18}" y="${y}" dominant-baseline="middle">${escapeXml(prettyIon(a))} (${n})</text>`);
  });
  const ly = m.top + 26 + anions.length * 22 + 10;
  out.push(`<rect x="${lx}" y="${ly - 7}" width="12" height="12" fill="#2ca02c" fill-opacity="0.15" stroke="#2ca02c"/>`);
  out.push(`<text x="${lx + 18}" y="${ly}" dominant-baseline="middle" font-size="11">Em(${prettyIon('Li+')}) &lt; ${fmt(c.liMax)} eV,</text>`);
  out.push(
    `<text x="${lx + 18}" y="${ly + 15}" dominant-baseline="middle" font-size="11">${fmt(regionX0)} ≤ Em(${prettyIon('Li+')})/Em(X) ≤ ${fmt(regionX1)}</text>`,
  );
  out.push(
    `<text x="${lx + 18}" y="${ly + 30}" dominant-baseline="middle" font-size="10" fill="#555">(${fmt(c.ratioMin)} ≤ Em(X)/Em(${prettyIon('Li+')}) ≤ ${fmt(c.ratioMax)})</text>`,
  );
  if (anions.length === 0) out.push(`<text x="${lx}" y="${ly + 55}" font-size="11">no (Li⁺, anion) pairs</text>`);
  if (outside > 0) out.push(`<text x="${lx}" y="${ly + 55}" font-size="11">${outside} beyond the axes (drawn at the edge)</text>`);
  out.push(`</g>`);
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
