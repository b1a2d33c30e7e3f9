// Arrhenius plot as a standalone SVG: log10(σT) against 1000/T, one point per temperature with its standard error
// as a bar, and the fitted line ln(σT) = ln A − Ea/(kT) with Ea in the legend.
import { escapeXml, niceStep } from './svg-text.js';

export interface ArrheniusSvgInput {
  points: { temperatureK: number; sigma: number; sigmaError: number; converged: boolean }[];
  fit: { ea: number; eaError: number; prefactor: number; r2: number } | null;
  title?: string;
}

const BOLTZMANN_EV = 8.617333262e-5;

function ticks(lo: number, hi: number, target: number): { values: number[]; step: number } {
  const step = niceStep(hi - lo || 1, target);
  const values: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) values.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return { values, step };
}

export function arrheniusSvg(input: ArrheniusSvgInput, width = 640, height = 420): string {
  const margin = { left: 75, right: 20, top: input.title ? 40 : 20, bottom: 55 };
  const pw = width - margin.left - margin.right;
  const ph = height - margin.top - margin.bottom;
  const pts = input.points.filter((p) => p.sigma > 0);
  const x = (T: number) => 1000 / T;
  const y = (p: { temperatureK: number; sigma: number }) => Math.log10(p.sigma * p.temperatureK);
  const xs = input.points.map((p) => x(p.temperatureK));
  const ys = pts.flatMap((p) => {
    const lo = p.sigma - p.sigmaError > 0 ? Math.log10((p.sigma - p.sigmaError) * p.temperatureK) : y(p) - 0.5;
    return [y(p), lo, Math.log10((p.sigma + p.sigmaError) * p.temperatureK)];
  });
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  if (!(x1 > x0)) [x0, x1] = [x0 - 0.5, x1 + 0.5];
  const padX = (x1 - x0) * 0.08;
  x0 -= padX;
  x1 += padX;
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [-1, 1];
  if (!(y1 > y0)) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const padY = (y1 - y0) * 0.08;
  y0 -= padY;
  y1 += padY;
  const sx = (v: number) => margin.left + ((v - x0) / (x1 - x0)) * pw;
  const sy = (v: number) => margin.top + (1 - (v - y0) / (y1 - y0)) * ph;
  const f = (v: number) => v.toFixed(2);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  if (input.title) out.push(`<text x="${f(width / 2)}" y="24" text-anchor="middle" font-size="15">${escapeXml(input.title)}</text>`);
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  const tx = ticks(x0, x1, 6);
  for (const v of tx.values) {
    out.push(`<line x1="${f(sx(v))}" y1="${f(margin.top + ph)}" x2="${f(sx(v))}" y2="${f(margin.top + ph + 5)}" stroke="#444"/>`);
    out.push(`<text x="${f(sx(v))}" y="${f(margin.top + ph + 18)}" text-anchor="middle">${v.toFixed(Math.max(0, -Math.floor(Math.log10(tx.step))))}</text>`);
  }
  const ty = ticks(y0, y1, 6);
  for (const v of ty.values) {
    out.push(`<line x1="${margin.left - 5}" y1="${f(sy(v))}" x2="${margin.left}" y2="${f(sy(v))}" stroke="#444"/>`);
    out.push(`<text x="${margin.left - 8}" y="${f(sy(v) + 4)}" text-anchor="end">${v.toFixed(Math.max(0, -Math.floor(Math.log10(ty.step))))}</text>`);
  }
  out.push(`<text x="${f(margin.left + pw / 2)}" y="${height - 12}" text-anchor="middle">1000 / T (1/K)</text>`);
  out.push(`<text transform="translate(18 ${f(margin.top + ph / 2)}) rotate(-90)" text-anchor="middle">log10(σT / S·K·cm⁻¹)</text>`);
  if (input.fit) {
    const line = (v: number) => Math.log10(input.fit!.prefactor) - input.fit!.ea / (BOLTZMANN_EV * (1000 / v)) / Math.LN10;
    const a = Math.max(x0, Math.min(...xs)),
      b = Math.min(x1, Math.max(...xs));
    out.push(`<line x1="${f(sx(a))}" y1="${f(sy(line(a)))}" x2="${f(sx(b))}" y2="${f(sy(line(b)))}" stroke="#1f6fb4" stroke-width="1.5"/>`);
    out.push(
      `<text x="${margin.left + pw - 8}" y="${margin.top + 18}" text-anchor="end" fill="#1f6fb4">Ea = ${input.fit.ea.toFixed(3)} ± ${input.fit.eaError.toFixed(3)} eV, R² = ${input.fit.r2.toFixed(3)}</text>`,
    );
  }
  for (const p of pts) {
    const cx = sx(x(p.temperatureK));
    const hi = Math.log10((p.sigma + p.sigmaError) * p.temperatureK);
    const lo = p.sigma - p.sigmaError > 0 ? Math.log10((p.sigma - p.sigmaError) * p.temperatureK) : y0;
    out.push(`<line x1="${f(cx)}" y1="${f(sy(hi))}" x2="${f(cx)}" y2="${f(sy(lo))}" stroke="#333"/>`);
    out.push(`<circle cx="${f(cx)}" cy="${f(sy(y(p)))}" r="4" fill="${p.converged ? '#d0452b' : 'white'}" stroke="#d0452b"/>`);
  }
  out.push(`<text x="${margin.left + 8}" y="${margin.top + ph - 8}" fill="#555">filled: converged; open: step budget reached</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
