// The continuum network as the 3D view draws it: which saddles are shown, and that each hop's segments join the
// saddle to the right periodic images of its two minima (the ends' lattice cells, relative to the saddle's cell).
import { describe, expect, it } from 'vitest';
import { Lattice } from '../../src/structure/lattice.js';
import type { Structure } from '../../src/structure/types.js';
import type { ContinuumNetwork, NetworkSaddle, NetworkSite } from '../../src/network/types.js';
import { HOP_WINDOW_EV, hopRates, networkHops, rateColor, rateScale } from '../../src/web/network-scene.js';
import { vineyardFrequency } from '../../src/critical/frequency.js';
import { buildScene } from '../../src/web/scene.js';

type V3 = [number, number, number];
const A = 5;
const lattice = new Lattice([A, 0, 0, 0, A, 0, 0, 0, A]);
const structure: Structure = { file: 'synthetic', block: null, lattice, sites: [], warnings: [] };

const site = (id: number, frac: V3, energy: number): NetworkSite => ({
  id,
  frac,
  cart: frac.map((x) => x * A) as V3,
  energy,
  eigenvalues: [2, 3, 4],
  converged: true,
  gridEnergy: energy + 0.01,
});

function saddle(id: number, frac: V3, energy: number, ends: NetworkSaddle['ends'], status: NetworkSaddle['status'] = 'verified'): NetworkSaddle {
  return { id, status, frac, cart: frac.map((x) => x * A) as V3, energy, eigenvalues: [-1, 2, 3], unstable: [1, 0, 0], ends, seedEnergy: energy + 0.01 };
}

/**
 * Two sites on a line along a: site 0 at a = 0.1, site 1 at a = 0.6. Saddle 0 lies between them inside the cell;
 * saddle 1 lies across the a face, written unwrapped in the next cell (a = 1.85): its ends are site 1 of its own cell
 * and site 0 of the cell beyond. Saddle 2 is too high to be shown; saddle 3 is low but a seed edge.
 */
function network(): ContinuumNetwork {
  const sites = [site(0, [0.1, 0.5, 0.5], -3.0), site(1, [0.6, 0.5, 0.5], -2.9)];
  const saddles = [
    saddle(0, [0.35, 0.5, 0.5], -2.7, [
      { site: 0, cell: [0, 0, 0] },
      { site: 1, cell: [0, 0, 0] },
    ]),
    saddle(1, [1.85, 0.5, 0.5], -2.6, [
      { site: 1, cell: [0, 0, 0] },
      { site: 0, cell: [1, 0, 0] },
    ]),
    saddle(2, [0.6, 0.0, 0.5], -1.0, [
      { site: 1, cell: [0, -1, 0] },
      { site: 1, cell: [0, 0, 0] },
    ]),
    saddle(
      3,
      [0.6, 0.5, 0.0],
      -2.8,
      [
        { site: 1, cell: [0, 0, -1] },
        { site: 1, cell: [0, 0, 0] },
      ],
      'seed',
    ),
  ];
  const barrier = (s: number) => ({ threshold: saddles[s]!.energy, barrier: saddles[s]!.energy + 3, saddle: s, certified: true, lowerBound: null });
  return {
    eMin: -3,
    minSite: 0,
    sites,
    saddles,
    barriers: { '1D': barrier(1), '2D': null, '3D': null },
    seed: { eMin: -3, thresholds: { '1D': -2.6, '2D': null, '3D': null }, window: 0.35, hops: 4, polished: 3, mapped: 0 },
    evaluations: 0,
    timingsMs: { seeds: 0, minima: 0, saddles: 0, network: 0, certification: 0 },
  };
}

const cart = (f: V3): V3 => f.map((x) => x * A) as V3;
function close(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return [0, 1, 2].every((i) => Math.abs(a[i]! - b[i]!) < 1e-4);
}

describe('network hops in the 3D view', () => {
  it('shows the verified saddles up to the window above the highest threshold, and flags the bottleneck', () => {
    const { hops, limit, from } = networkHops(network());
    expect(from).toBe('1D');
    expect(limit).toBeCloseTo(0.4 + HOP_WINDOW_EV, 9);
    expect(hops.map((h) => h.saddle)).toEqual([0, 1]);
    expect(hops[1]!.bottleneck).toEqual(['1D']);
    expect(hops[0]!.bottleneck).toEqual([]);
    expect(hops[0]!.energy).toBeCloseTo(0.3, 9);
    // The barrier out of each end: E_saddle − E_site.
    expect(hops[1]!.barriers[0]).toBeCloseTo(0.3, 9);
    expect(hops[1]!.barriers[1]).toBeCloseTo(0.4, 9);
  });

  it('folds a saddle across a face into the cell and moves its ends with it', () => {
    const h = networkHops(network()).hops[1]!;
    expect(h.frac[0]).toBeCloseTo(0.85, 9);
    // Unwrapped: ends at site 1 + cell 1 (a = 1.6) and site 0 + cell 2 (a = 2.1); folded by one cell.
    expect(h.ends[0][0]).toBeCloseTo(0.6, 9);
    expect(h.ends[1][0]).toBeCloseTo(1.1, 9);
  });

  it('draws each hop as two segments from the saddle to its two minimum images, in every cell shown', () => {
    const { hops } = networkHops(network());
    const scene = buildScene({ structure, hops, supercell: [2, 1, 1] });
    expect(scene.hopSaddles).toBe(4);
    expect(scene.hopSegments).toBe(8);
    const segments: [V3, V3][] = [];
    const p = scene.lines.positions;
    for (let i = 0; i < scene.lines.count; i++)
      segments.push([
        [p[6 * i]!, p[6 * i + 1]!, p[6 * i + 2]!],
        [p[6 * i + 3]!, p[6 * i + 4]!, p[6 * i + 5]!],
      ]);
    const has = (a: V3, b: V3) => segments.some(([x, y]) => close(x, cart(a)) && close(y, cart(b)));
    for (const t of [0, 1]) {
      // Saddle 1 in cell t at a = 0.85 + t joins site 1 at 0.6 + t and site 0 of the next cell at 1.1 + t.
      expect(has([0.6 + t, 0.5, 0.5], [0.85 + t, 0.5, 0.5])).toBe(true);
      expect(has([1.1 + t, 0.5, 0.5], [0.85 + t, 0.5, 0.5])).toBe(true);
      expect(has([0.1 + t, 0.5, 0.5], [0.35 + t, 0.5, 0.5])).toBe(true);
    }
    // No segment joins the saddle across the face to the wrong image (site 0 of its own cell, a = 0.1).
    expect(has([0.1, 0.5, 0.5], [0.85, 0.5, 0.5])).toBe(false);
    // The bottleneck's marker is the larger sphere, with its pick.
    const bottleneck = scene.picks.findIndex((k) => k?.kind === 'hop-saddle' && k.bottleneck.includes('1D'));
    expect(bottleneck).toBeGreaterThanOrEqual(0);
    expect(scene.spheres.centers[4 * bottleneck + 3]).toBeGreaterThan(
      scene.spheres.centers[4 * scene.picks.findIndex((k) => k?.kind === 'hop-saddle' && !k.bottleneck.length) + 3]!,
    );
  });

  it('the toggle removes the saddles and hops', () => {
    const scene = buildScene({ structure, hops: networkHops(network()).hops, showHops: false });
    expect(scene.hopSaddles).toBe(0);
    expect(scene.hopSegments).toBe(0);
    expect(scene.picks.some((k) => k?.kind === 'hop-saddle')).toBe(false);
  });
});

describe('hops coloured by rate', () => {
  const LI = 6.94;
  const K = 8.617333262e-5;

  it('gives each end the harmonic TST rate with its Vineyard attempt frequency', () => {
    const net = network();
    const { hops } = networkHops(net);
    const rates = hopRates(net, hops, LI, 300);
    const h = hops[1]!;
    for (const k of [0, 1] as const) {
      const nu = vineyardFrequency(net.sites[h.sites[k]]!.eigenvalues, net.saddles[h.saddle]!.eigenvalues!, LI);
      expect(rates[1]!.nu[k]).toBeCloseTo(nu, -3);
      expect(rates[1]!.rates[k] / (nu * Math.exp(-h.barriers[k] / (K * 300)))).toBeCloseTo(1, 9);
    }
    expect(rates[1]!.assumed).toBe(false);
    // Out of the lower site (barrier 0.4 eV) slower than out of the higher one (0.3 eV); hotter is faster.
    expect(rates[1]!.rates[1]).toBeLessThan(rates[1]!.rates[0]);
    expect(hopRates(net, hops, LI, 600)[1]!.rates[1]).toBeGreaterThan(1e3 * rates[1]!.rates[1]);
    // Without a mass (or Hessians) the frequency is the assumed one, and says so.
    expect(hopRates(net, hops, null, 300)[0]!.assumed).toBe(true);
  });

  it('spans whole decades and colours faster hops darker', () => {
    const net = network();
    const { hops } = networkHops(net);
    const rates = hopRates(net, hops, LI, 300);
    const scale = rateScale(rates)!;
    const all = rates.flatMap((r) => r.rates);
    expect(10 ** scale.lo).toBeLessThanOrEqual(Math.min(...all));
    expect(10 ** scale.hi).toBeGreaterThanOrEqual(Math.max(...all));
    expect(Number.isInteger(scale.lo) && Number.isInteger(scale.hi)).toBe(true);
    const lightness = (c: number[]) => c[0]! + c[1]! + c[2]!;
    expect(lightness(rateColor(10 ** scale.hi, scale))).toBeLessThan(lightness(rateColor(10 ** scale.lo, scale)) - 1);

    const scene = buildScene({ structure, hops, hopRates: { rates, scale, temperatureK: 300 } });
    // Saddle 1's halves: from site 1 (fast, barrier 0.3 eV) and from site 0 (slow, 0.4 eV): lines 2 and 3.
    const color = (line: number) => Array.from(scene.lines.colors.slice(8 * line, 8 * line + 4));
    expect(color(2)).toEqual(Array.from(Float32Array.from(rateColor(rates[1]!.rates[0], scale))));
    expect(lightness(color(2))).toBeLessThan(lightness(color(3)));
    const pick = scene.picks.find((k) => k?.kind === 'hop-saddle' && k.id === 1);
    expect(pick && pick.kind === 'hop-saddle' && pick.rates).toEqual(rates[1]!.rates);
  });
});
