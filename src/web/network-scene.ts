// The continuum network (src/network) as the 3D view draws it: the saddles near or below the 3D threshold, each with
// its hop (minimum → saddle → minimum) in one frame, so that a hop across a cell face reaches the right copy of the
// far minimum. A saddle's ends carry lattice cells relative to the cell its own (unwrapped) position lies in
// (src/network/build.ts): an end sits at site.frac + end.cell + floor(saddle.frac). Folding the saddle into [0, 1)
// therefore puts the end at site.frac + end.cell.
import { vineyardFrequency } from '../critical/frequency.js';
import type { ContinuumNetwork } from '../network/types.js';
import { ASSUMED_ATTEMPT_FREQUENCY_HZ, tstRate } from '../transport/rates.js';
import type { Dimension } from '../percolation/types.js';

type V3 = [number, number, number];

/** Saddles up to this far (eV) above the 3D threshold are drawn (or above the highest threshold reached). */
export const HOP_WINDOW_EV = 0.1;

export interface ShownHop {
  /** The saddle's id in the network. */
  saddle: number;
  status: 'verified' | 'unverified' | 'seed';
  /** The saddle folded into [0, 1) and the two minima it joins, in the same frame (fractional). */
  frac: V3;
  ends: [V3, V3];
  /** The sites at the two ends. */
  sites: [number, number];
  /** E_saddle − E_min (eV). */
  energy: number;
  /** E_saddle − E_site from each end (eV): the barrier of the hop out of that end. */
  barriers: [number, number];
  /** The dimensions whose bottleneck this saddle is. */
  bottleneck: Dimension[];
}

export interface NetworkHops {
  hops: ShownHop[];
  /** Saddles up to this energy above E_min (eV) are shown. */
  limit: number;
  /** The threshold the window starts from ('3D', or the highest dimension reached), null when none percolates. */
  from: Dimension | null;
}

const DIMS: Dimension[] = ['1D', '2D', '3D'];

/**
 * The hops to draw: every verified saddle up to HOP_WINDOW_EV above the 3D threshold (else above the highest
 * threshold reached; with none, every verified saddle), and every bottleneck saddle whatever its status.
 */
export function networkHops(net: ContinuumNetwork, window = HOP_WINDOW_EV): NetworkHops {
  const from = ([...DIMS].reverse().find((d) => net.barriers[d]) ?? null) as Dimension | null;
  const limit = from ? net.barriers[from]!.threshold - net.eMin + window : Infinity;
  const bottleneck = new Map<number, Dimension[]>();
  for (const d of DIMS) {
    const b = net.barriers[d];
    if (b) bottleneck.set(b.saddle, [...(bottleneck.get(b.saddle) ?? []), d]);
  }
  const hops: ShownHop[] = [];
  for (const s of net.saddles) {
    const dims = bottleneck.get(s.id) ?? [];
    const energy = s.energy - net.eMin;
    if (!dims.length && (s.status !== 'verified' || energy > limit + 1e-9)) continue;
    const shift = s.frac.map(Math.floor);
    const frac = s.frac.map((x, i) => x - shift[i]!) as V3;
    const end = (k: 0 | 1): V3 => {
      const e = s.ends[k];
      const site = net.sites[e.site]!;
      return [site.frac[0] + e.cell[0], site.frac[1] + e.cell[1], site.frac[2] + e.cell[2]];
    };
    const [a, b] = s.ends;
    hops.push({
      saddle: s.id,
      status: s.status,
      frac,
      ends: [end(0), end(1)],
      sites: [a.site, b.site],
      energy,
      barriers: [s.energy - net.sites[a.site]!.energy, s.energy - net.sites[b.site]!.energy],
      bottleneck: dims,
    });
  }
  return { hops, limit, from };
}

/** The hop rates of one shown hop at a temperature: the attempt frequency and the rate out of each end. */
export interface HopRate {
  /** Vineyard attempt frequency (Hz) from each end; ASSUMED_ATTEMPT_FREQUENCY_HZ where the Hessians give none. */
  nu: [number, number];
  /** Harmonic TST rate (1/s) of the hop out of each end: ν*·exp(−(E_saddle − E_site)/kT). */
  rates: [number, number];
  /** True when a frequency was assumed (a seed or unverified edge, or a Hessian that is not a minimum's/saddle's). */
  assumed: boolean;
}

/**
 * Rates of the shown hops at `temperatureK` by harmonic transition-state theory (src/transport/rates.ts), with the
 * attempt frequency of each end by Vineyard's formula (src/critical/frequency.ts) for the mobile ion's mass, as
 * src/transport/from-continuum.ts builds its hop network.
 */
export function hopRates(net: ContinuumNetwork, hops: readonly ShownHop[], massAmu: number | null, temperatureK: number): HopRate[] {
  return hops.map((h) => {
    const s = net.saddles[h.saddle]!;
    let assumed = false;
    const nu = h.sites.map((id) => {
      const v = s.eigenvalues && massAmu ? vineyardFrequency(net.sites[id]!.eigenvalues, s.eigenvalues, massAmu) : NaN;
      if (Number.isFinite(v)) return v;
      assumed = true;
      return ASSUMED_ATTEMPT_FREQUENCY_HZ;
    }) as [number, number];
    const rates = [0, 1].map((k) => tstRate(nu[k]!, h.barriers[k]!, temperatureK)) as [number, number];
    return { nu, rates, assumed };
  });
}

/** The colour scale's range: whole decades of rate (1/s) around the rates shown. */
export interface RateScale {
  lo: number;
  hi: number;
}

export function rateScale(rates: readonly HopRate[]): RateScale | null {
  const logs = rates
    .flatMap((r) => r.rates)
    .filter((x) => x > 0)
    .map(Math.log10);
  if (!logs.length) return null;
  const lo = Math.floor(Math.min(...logs));
  const hi = Math.max(lo + 1, Math.ceil(Math.max(...logs)));
  return { lo, hi };
}

/** Slow to fast: a light steel blue, a mid blue, a deep navy (one hue, so lightness carries the rate). */
export const RATE_RAMP: readonly (readonly [number, number, number])[] = [
  [0.7, 0.8, 0.9],
  [0.26, 0.52, 0.8],
  [0.04, 0.16, 0.47],
];

/** The colour of a rate (1/s) on the scale: log10 rate placed between lo and hi, linear in sRGB between the stops. */
export function rateColor(rate: number, scale: RateScale): [number, number, number, number] {
  const t = Math.min(1, Math.max(0, rate > 0 ? (Math.log10(rate) - scale.lo) / (scale.hi - scale.lo) : 0));
  const x = t * (RATE_RAMP.length - 1);
  const i = Math.min(RATE_RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RATE_RAMP[i]!,
    b = RATE_RAMP[i + 1]!;
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2]), 1];
}
