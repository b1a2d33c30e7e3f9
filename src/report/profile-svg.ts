// Energy profile along a migration path as a standalone SVG: E − E_min against path length (Å),
// the barrier drawn as a dashed line and the saddle marked; a continuum path also marks the minima and saddles it
// passes, and a note says which method made the path.
import type { MigrationPath } from '../percolation/types.js';
import { escapeXml, niceStep } from './svg-text.js';

export interface ProfileSvgOptions {
  title?: string;
  width?: number;
  height?: number;
}

function ticks(lo: number, hi: number, target: number): number[] {
  const step = niceStep(hi - lo || 1, target);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function label(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

export function profileSvg(path: MigrationPath, opts: ProfileSvgOptions = {}): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 400;
  const margin = { left: 70, right: 20, top: opts.title ? 40 : 20, bottom: 55 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const count = path.energies.length;
  const xs = Array.from(path.lengthsA);
  const ys = Array.from(path.energies, (e) => e - path.eMin);
  const xMax = Math.max(xs[count - 1] ?? 0, 1e-9);
  let yLo = Math.min(0, ...ys);
  let yHi = Math.max(path.barrier, ...ys);
  const pad = (yHi - yLo || 1) * 0.08;
  yLo -= pad;
  yHi += pad;
  const sx = (x: number) => margin.left + (x / xMax) * plotW;
  const sy = (y: number) => margin.top + (1 - (y - yLo) / (yHi - yLo)) * plotH;
  const f = (v: number) => v.toFixed(2);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  );
  if (opts.title) {
    parts.push(`<text x="${f(width / 2)}" y="24" text-anchor="middle" font-size="15">${escapeXml(opts.title)}</text>`);
  }
  // Axes, ticks and grid lines.
  const xTicks = ticks(0, xMax, 6);
  const yTicks = ticks(yLo, yHi, 6);
  const xStep = xTicks.length > 1 ? xTicks[1]! - xTicks[0]! : xMax;
  const yStep = yTicks.length > 1 ? yTicks[1]! - yTicks[0]! : yHi - yLo;
  parts.push(`<g class="grid" stroke="#e4e4e4">`);
  for (const t of yTicks) parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${f(sy(t))}" y2="${f(sy(t))}"/>`);
  parts.push(`</g>`);
  parts.push(
    `<g class="axes" stroke="black">`,
    `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${margin.top + plotH}" y2="${margin.top + plotH}"/>`,
    `<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotH}"/>`,
    `</g>`,
  );
  for (const t of xTicks) {
    const x = f(sx(t));
    parts.push(`<line x1="${x}" x2="${x}" y1="${margin.top + plotH}" y2="${margin.top + plotH + 5}" stroke="black"/>`);
    parts.push(`<text x="${x}" y="${margin.top + plotH + 18}" text-anchor="middle">${label(t, xStep)}</text>`);
  }
  for (const t of yTicks) {
    const y = f(sy(t));
    parts.push(`<line x1="${margin.left - 5}" x2="${margin.left}" y1="${y}" y2="${y}" stroke="black"/>`);
    parts.push(`<text x="${margin.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${label(t, yStep)}</text>`);
  }
  parts.push(
    `<text class="x-label" x="${f(margin.left + plotW / 2)}" y="${height - 12}" text-anchor="middle">Path length (Å)</text>`,
    `<text class="y-label" transform="translate(16 ${f(margin.top + plotH / 2)}) rotate(-90)" text-anchor="middle">E − E<tspan baseline-shift="sub" font-size="9">min</tspan> (eV)</text>`,
  );
  // Barrier line and label.
  const yb = f(sy(path.barrier));
  parts.push(
    `<line class="barrier" x1="${margin.left}" x2="${margin.left + plotW}" y1="${yb}" y2="${yb}" stroke="#c0392b" stroke-dasharray="6 4"/>`,
    `<text class="barrier-label" x="${margin.left + plotW - 4}" y="${f(sy(path.barrier) - 6)}" text-anchor="end" fill="#c0392b">${escapeXml(`E_a(${path.dimension}) = ${path.barrier.toFixed(3)} eV`)}</text>`,
  );
  // The profile.
  const points = xs.map((x, i) => `${f(sx(x))},${f(sy(ys[i]!))}`).join(' ');
  parts.push(`<polyline class="profile" fill="none" stroke="#1f5fa8" stroke-width="1.8" points="${points}"/>`);
  // Continuum paths: the minima (open) and saddles (filled) passed; the bottleneck is the saddle marker below.
  const chain = path.chain ?? [];
  for (const c of chain) {
    if (c.kind === 'saddle' && c.id === path.saddle.index) continue;
    const at = `cx="${f(sx(xs[c.point]!))}" cy="${f(sy(ys[c.point]!))}" r="3"`;
    parts.push(
      c.kind === 'site'
        ? `<circle class="minimum" ${at} fill="white" stroke="#1f5fa8" stroke-width="1.5"/>`
        : `<circle class="hop-saddle" ${at} fill="#1f5fa8"/>`,
    );
  }
  // Saddle marker: the bottleneck of a continuum path, else the first point on the path at the barrier energy.
  let top = 0;
  const bottleneck = chain.find((c) => c.kind === 'saddle' && c.id === path.saddle.index);
  if (bottleneck) top = bottleneck.point;
  else for (let i = 1; i < count; i++) if (ys[i]! > ys[top]!) top = i;
  if (count > 0) {
    parts.push(`<circle class="saddle" cx="${f(sx(xs[top]!))}" cy="${f(sy(ys[top]!))}" r="4" fill="#c0392b"/>`);
  }
  const method =
    path.method === 'continuum' ? 'through minima and saddles of the continuous field (steepest descents)' : 'grid path (energies interpolated from the grid)';
  parts.push(`<text class="method" x="${margin.left + 6}" y="${margin.top + 14}" font-size="11" fill="#555">${escapeXml(method)}</text>`);
  parts.push(`</svg>`);
  return parts.join('\n') + '\n';
}
