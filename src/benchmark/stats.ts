// Median and spread of repeated measurements.

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** median, min, max and spread = (max − min) / median (0 for one sample or a zero median). */
export function summarize(samples: readonly number[]): { median: number; min: number; max: number; spread: number } {
  const med = median(samples);
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  return { median: med, min, max, spread: samples.length > 1 && med > 0 ? (max - min) / med : 0 };
}
