// How many decimals the outputs keep. The grid energies are float32 sums of pair terms (relative error
// ~1e-7 of terms up to ~10 eV), and barriers are taken on a grid no finer than 0.02 Å, so digits past
// 1e-4 eV and 1e-4 Å are noise (0.18950200080871582 is 0.1895 in float32's clothes).

/** Energies (eV): E_min, E_max, barriers, path and site energies. */
export const ENERGY_DIGITS = 4;
/** Lengths (Å): grid spacing, path lengths, hop distances. */
export const LENGTH_DIGITS = 4;
/** Ratios of two rounded energies (Em(X)/Em(Li+)). */
export const RATIO_DIGITS = 4;
/** Fractional coordinates: 1e-5 of a 30 Å cell is 3e-4 Å. */
export const FRACTION_DIGITS = 5;
/** Wall times (ms). */
export const TIME_DIGITS = 1;

/** x rounded to `digits` decimals; non-finite values unchanged. */
export function roundTo(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r; // no "-0" in the outputs
}

/** roundTo for a value that may be null. */
export function roundOrNull(x: number | null | undefined, digits: number): number | null {
  return x === null || x === undefined ? null : roundTo(x, digits);
}
