// The 2D slice as SVG: the colour-mapped image (an embedded PNG, one pixel per sample) drawn on the
// plane's true shape, the percolation thresholds as contour lines, a colour bar, and the plane's
// vectors. The page shows this SVG and downloads the same text.
import { colormap, contourSegments, sliceRgba, type Slice } from './slice.js';

export interface SliceThreshold {
  /** "1D", "2D/3D", ... */
  label: string;
  /** Absolute energy (eV). */
  energy: number;
}

const DASH: Record<number, string> = { 0: '', 1: '6 3', 2: '2 3' };

function fmtVec(v: readonly number[]): string {
  return `[${v.join(' ')}]`;
}

/** PNG data URL of the slice image (pixel (i, j) = sample (i, j), row 0 first). */
export function slicePngDataUrl(slice: Slice, range: [number, number]): string {
  const canvas = document.createElement('canvas');
  canvas.width = slice.width;
  canvas.height = slice.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('canvas.getContext("2d") returned null');
  ctx.putImageData(new ImageData(sliceRgba(slice, range) as Uint8ClampedArray<ArrayBuffer>, slice.width, slice.height), 0, 0);
  return canvas.toDataURL('image/png');
}

export function sliceSvg(
  slice: Slice,
  lattice: ArrayLike<number>,
  range: [number, number],
  thresholds: SliceThreshold[],
  eMin: number,
  title: string,
  pngDataUrl: string,
): string {
  const m = lattice;
  const cart = (f: readonly number[]) => [0, 1, 2].map((d) => f[0]! * m[d]! + f[1]! * m[3 + d]! + f[2]! * m[6 + d]!);
  const U = cart(slice.u),
    V = cart(slice.v);
  const lu = Math.hypot(...U),
    lv = Math.hypot(...V);
  const cos = (U[0]! * V[0]! + U[1]! * V[1]! + U[2]! * V[2]!) / (lu * lv);
  const sin = Math.sqrt(Math.max(0, 1 - cos * cos));
  // Plane coordinates (Å): u along +x, v at its true angle, drawn upward.
  const xs = [0, lu, lv * cos, lu + lv * cos];
  const minX = Math.min(...xs),
    spanX = Math.max(...xs) - minX,
    spanY = lv * sin;
  const box = 360;
  const k = box / Math.max(spanX, spanY);
  const pad = 28;
  const ox = pad - k * minX;
  const oy = pad + k * spanY;
  const width = Math.ceil(pad * 2 + k * spanX + 110);
  const height = Math.ceil(pad * 2 + k * spanY + 34);
  const a = (k * lu) / slice.width,
    c = (k * lv * cos) / slice.height,
    d = (-k * lv * sin) / slice.height;
  const transform = `matrix(${a.toFixed(5)} 0 ${c.toFixed(5)} ${d.toFixed(5)} ${ox.toFixed(2)} ${oy.toFixed(2)})`;

  const contours = thresholds
    .map((t, i) => {
      const seg = contourSegments(slice.values, slice.width, slice.height, t.energy);
      if (!seg.length) return '';
      let dPath = '';
      for (let s = 0; s < seg.length; s += 4) dPath += `M${seg[s]!.toFixed(2)} ${seg[s + 1]!.toFixed(2)}L${seg[s + 2]!.toFixed(2)} ${seg[s + 3]!.toFixed(2)}`;
      const dash = DASH[i] ? ` stroke-dasharray="${DASH[i]}"` : '';
      return `<path class="contour" data-label="${t.label}" d="${dPath}" fill="none" stroke="#fff" stroke-width="1.6" vector-effect="non-scaling-stroke"${dash}/>`;
    })
    .join('');

  // Colour bar.
  const barX = width - 80,
    barY = pad,
    barH = k * spanY,
    barW = 14;
  const stops = Array.from({ length: 11 }, (_, i) => {
    const [r, g, b] = colormap(i / 10);
    return `<stop offset="${i / 10}" stop-color="rgb(${r},${g},${b})"/>`;
  }).join('');
  const yOf = (e: number) => barY + barH * (1 - (e - range[0]) / (range[1] - range[0]));
  const ticks = [
    { e: range[0], text: '0' },
    { e: range[1], text: `${(range[1] - eMin).toFixed(2)}` },
    ...thresholds.filter((t) => t.energy <= range[1]).map((t) => ({ e: t.energy, text: `${t.label} ${(t.energy - eMin).toFixed(2)}` })),
  ]
    .map(
      (t) =>
        `<line x1="${barX - 3}" x2="${barX + barW}" y1="${yOf(t.e).toFixed(1)}" y2="${yOf(t.e).toFixed(1)}" stroke="#222"/><text x="${barX + barW + 3}" y="${(yOf(t.e) + 3).toFixed(1)}">${t.text}</text>`,
    )
    .join('');

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="10">` +
    `<title>${escapeXml(title)}</title>` +
    `<rect width="100%" height="100%" fill="#fff"/>` +
    `<g transform="${transform}"><image class="slice-image" width="${slice.width}" height="${slice.height}" preserveAspectRatio="none" style="image-rendering:pixelated" image-rendering="optimizeSpeed" href="${pngDataUrl}" xlink:href="${pngDataUrl}"/>${contours}</g>` +
    `<text x="${pad}" y="${height - 18}">u = ${fmtVec(slice.u)} (${lu.toFixed(2)} Å) →, v = ${fmtVec(slice.v)} (${lv.toFixed(2)} Å) ↑</text>` +
    `<text x="${pad}" y="${height - 6}">contours: ${thresholds.map((t) => t.label).join(', ') || 'none'} thresholds (solid, dashed, dotted)</text>` +
    `<defs><linearGradient id="cbar" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>` +
    `<rect x="${barX}" y="${barY}" width="${barW}" height="${barH.toFixed(1)}" fill="url(#cbar)" stroke="#222" stroke-width="0.5"/>${ticks}` +
    `<text x="${barX - 4}" y="${barY - 8}">E − E_min (eV)</text>` +
    `</svg>`
  );
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}
