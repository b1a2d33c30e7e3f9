// Colours of the view's overlays. Atoms use the element palette (element-style.ts: CPK/Jmol hues
// lightened to pastels); the overlays use saturated colours (Okabe–Ito vermillion, a violet, black)
// that no element colour comes near (test/web/palette.test.ts checks the CIELAB distance to every
// element, and between the overlays under simulated colour-vision deficiencies).

export type Rgba = [number, number, number, number];

/** Migration-path beads: near-black. */
export const PATH_COLOR: Rgba = [0.08, 0.08, 0.1, 1];
/** Saddle points: Okabe–Ito vermillion (#D55E00). */
export const SADDLE_COLOR: Rgba = [0.835, 0.369, 0.0, 1];
/** Sites (basin minima): saturated violet (#B31AFF), apart from vermillion and black for all three dichromacies. */
export const SITE_COLOR: Rgba = [0.7, 0.1, 1.0, 1];
/** Hops of the continuum network (minimum → saddle → minimum) when not coloured by rate: a mid blue. */
export const HOP_COLOR: Rgba = [0.26, 0.57, 0.78, 1];
/** Isosurface (straight alpha): Okabe–Ito bluish green (#009E73), translucent. */
export const ISO_COLOR: Rgba = [0.0, 0.62, 0.451, 0.45];
export const CELL_COLOR: Rgba = [0.25, 0.25, 0.3, 1];
/** a, b, c axis lines and labels. */
export const AXIS_COLORS: [Rgba, Rgba, Rgba] = [
  [0.8, 0.1, 0.1, 1],
  [0.1, 0.55, 0.1, 1],
  [0.1, 0.2, 0.85, 1],
];

export const OVERLAYS = { path: PATH_COLOR, saddle: SADDLE_COLOR, site: SITE_COLOR } as const;

export function css(c: readonly number[], alpha = c[3] ?? 1): string {
  const [r, g, b] = [0, 1, 2].map((i) => Math.round(255 * c[i]!));
  return alpha >= 1 ? `rgb(${r},${g},${b})` : `rgba(${r},${g},${b},${alpha})`;
}

/** sRGB (0..1) -> CIELAB (D65). */
export function toLab(c: readonly number[]): [number, number, number] {
  const lin = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const [r, g, b] = [lin(c[0]!), lin(c[1]!), lin(c[2]!)];
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

/** CIE76 colour difference. */
export function deltaE(a: readonly number[], b: readonly number[]): number {
  const A = toLab(a);
  const B = toLab(b);
  return Math.hypot(A[0] - B[0], A[1] - B[1], A[2] - B[2]);
}
