// The order of convergence of a discretisation error: the exponent p of |d| ∝ h^p, fitted in log–log.

/**
 * Differences below this (eV) are a grid sampling the point itself (a minimum or saddle on a grid point): float32
 * energies and the kernel's pair tables leave ~1e-7 eV there, which says nothing about the spacing.
 */
export const EXACT_BELOW = 1e-5;

/** Least-squares slope of log|d| against log h over the points with |d| ≥ `floor` (null with fewer than two). */
export function fitExponent(h: readonly number[], d: readonly number[], floor = EXACT_BELOW): number | null {
  const pts = h
    .map((x, i) => [Math.log(x), Math.log(Math.abs(d[i]!))] as const)
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && y >= Math.log(floor));
  if (pts.length < 2) return null;
  const mx = pts.reduce((a, [x]) => a + x, 0) / pts.length;
  const my = pts.reduce((a, [, y]) => a + y, 0) / pts.length;
  const sxx = pts.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  if (sxx === 0) return null;
  const sxy = pts.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  return sxy / sxx;
}
