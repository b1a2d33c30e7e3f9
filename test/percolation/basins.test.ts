import { describe, expect, it } from 'vitest';
import { percolate } from '../../src/percolation/sweep.js';
import { findBasins } from '../../src/percolation/basins.js';
import type { Hop } from '../../src/percolation/types.js';
import { Lattice } from '../../src/structure/lattice.js';
import { floatRank, gridOf, landscape, rng } from './helpers.js';

const TAU = 2 * Math.PI;
const cubic = Lattice.fromParameters({ a: 4, b: 5, c: 6, alpha: 90, beta: 90, gamma: 90 });

/**
 * Independent check of a hop network: the lowest hop energy at which the site graph (with lattice
 * offsets on its edges) winds with rank 1, 2, 3, by search with explicit unwrapping at each level.
 */
function hopThresholds(siteCount: number, hops: Hop[]): (number | null)[] {
  const out: (number | null)[] = [null, null, null];
  const levels = [...new Set(hops.map((h) => h.energy))].sort((a, b) => a - b);
  for (const level of levels) {
    const edges = hops.filter((h) => h.energy <= level);
    const cell = new Map<number, number[]>();
    let best = 0;
    for (let s = 0; s < siteCount; s++) {
      if (cell.has(s)) continue;
      cell.set(s, [0, 0, 0]);
      const stack = [s];
      const windings: number[][] = [];
      while (stack.length) {
        const u = stack.pop()!;
        for (const h of edges) {
          for (const [a, b, sign] of [
            [h.from, h.to, 1],
            [h.to, h.from, -1],
          ] as const) {
            if (a !== u) continue;
            const c = cell.get(u)!.map((v, m) => v + sign * h.offset[m]!);
            const known = cell.get(b);
            if (!known) {
              cell.set(b, c);
              stack.push(b);
            } else if (c.some((v, m) => v !== known[m])) windings.push(c.map((v, m) => v - known[m]!));
          }
        }
      }
      best = Math.max(best, floatRank(windings));
    }
    for (let r = 0; r < best; r++) out[r] ??= level;
  }
  return out;
}

describe('findBasins', () => {
  it('finds one site per cell on a separable cosine landscape, with hops along a, b, c at the thresholds', () => {
    const [A, B, C] = [0.3, 0.7, 1.1];
    const g = gridOf(8, 10, 12);
    const e = landscape(g, (x, y, z) => A * Math.cos(TAU * x) + B * Math.cos(TAU * y) + C * Math.cos(TAU * z));
    const perc = percolate(e, g);
    const net = findBasins(e, g, cubic, perc);
    expect(net.cap).toBe(perc.thresholds['3D']);
    expect(net.sites).toHaveLength(1);
    const site = net.sites[0]!;
    expect(site.frac).toEqual([0.5, 0.5, 0.5]);
    expect(site.energy).toBe(perc.eMin);
    expect(site.energyClassSize).toBe(1);
    expect(site.volumePoints).toBe(e.filter((v) => v <= net.cap).length);
    expect(net.hops.map((h) => h.offset)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(net.hops.map((h) => h.energy)).toEqual([perc.thresholds['1D'], perc.thresholds['2D'], perc.thresholds['3D']]);
    expect(net.hops[0]!.barrierFrom).toBeCloseTo(2 * A, 6);
    expect(net.hops[2]!.barrierTo).toBeCloseTo(2 * C, 6);
    expect(net.hops.map((h) => h.distanceA)).toEqual([4, 5, 6]);
    // The a-hop's saddle is on the x = 0 (or 1) plane, next to the site.
    expect(net.hops[0]!.frac[0] % 1).toBe(0);
    expect(net.hops[0]!.frac.slice(1)).toEqual([0.5, 0.5]);
  });

  it('groups equivalent sites by energy and finds the hops between them', () => {
    // Two minima per cell along x (x = 1/4, 3/4), equal by symmetry.
    const g = gridOf(8, 6, 6);
    const e = landscape(g, (x, y, z) => Math.cos(2 * TAU * x) + 2 * Math.cos(TAU * y) + 3 * Math.cos(TAU * z));
    const perc = percolate(e, g);
    const net = findBasins(e, g, cubic, perc);
    expect(net.sites).toHaveLength(2);
    expect(net.sites.map((s) => s.frac[0]).sort((a, b) => a - b)).toEqual([0.25, 0.75]);
    expect(net.sites.map((s) => s.energyClassSize)).toEqual([2, 2]);
    expect(net.sites[0]!.energyClass).toBe(net.sites[1]!.energyClass);
    // Site 0 → site 1 in the same cell and in the neighbouring cell, both over a wall of height 2.
    const between = net.hops.filter((h) => h.from === 0 && h.to === 1);
    expect(between).toHaveLength(2);
    for (const h of between) {
      expect(h.barrierFrom).toBeCloseTo(2, 6);
      expect(h.distanceA).toBeCloseTo(2, 9);
    }
    expect(between.map((h) => h.offset[0]).sort((a, b) => a - b)).toEqual([-1, 0]);
    // A tolerance below the energy difference splits classes; here the two energies are identical.
    const strict = findBasins(e, g, cubic, perc, { energyTolerance: 0 });
    expect(strict.sites.map((s) => s.energyClassSize)).toEqual([2, 2]);
  });

  it('splits classes by energy tolerance', () => {
    const g = gridOf(8, 4, 4);
    const e = landscape(g, (x, y, z) => Math.cos(2 * TAU * x) + 0.05 * Math.sin(TAU * x) + 2 * Math.cos(TAU * y) + 2 * Math.cos(TAU * z));
    const perc = percolate(e, g);
    // The two minima differ by 0.1 eV: one class at tolerance 0.2, two at 0.01.
    const loose = findBasins(e, g, cubic, perc, { energyTolerance: 0.2 });
    expect(loose.sites.map((s) => s.energyClassSize)).toEqual([2, 2]);
    const tight = findBasins(e, g, cubic, perc, { energyTolerance: 0.01 });
    expect(tight.sites.map((s) => s.energyClassSize)).toEqual([1, 1]);
    expect(new Set(tight.sites.map((s) => s.energyClass)).size).toBe(2);
  });

  it.each([6, 18, 26] as const)('hop networks percolate exactly where the grid does (random landscapes, %i neighbours)', (connectivity) => {
    for (let seed = 1; seed <= 30; seed++) {
      const next = rng(seed * 13);
      const g = gridOf(2 + Math.floor(next() * 5), 2 + Math.floor(next() * 4), 1 + Math.floor(next() * 5));
      const e = new Float32Array(g.nx * g.ny * g.nz).map(() => next() * 3);
      const perc = percolate(e, g, { connectivity });
      const net = findBasins(e, g, cubic, perc);
      expect(net.sites.length).toBeGreaterThan(0);
      // Every point at or below the cap belongs to exactly one basin.
      expect(net.sites.reduce((s, site) => s + site.volumePoints, 0)).toBe(e.filter((v) => v <= net.cap).length);
      // Sites are local minima: no neighbour is lower.
      for (const site of net.sites) {
        expect(site.energy).toBeLessThanOrEqual(net.cap);
        const i = site.index % g.nx,
          j = Math.floor(site.index / g.nx) % g.ny,
          k = Math.floor(site.index / (g.nx * g.ny));
        const at = (a: number, b: number, c: number) => e[((a + g.nx) % g.nx) + g.nx * (((b + g.ny) % g.ny) + g.ny * ((c + g.nz) % g.nz))]!;
        for (let dk = -1; dk <= 1; dk++)
          for (let dj = -1; dj <= 1; dj++)
            for (let di = -1; di <= 1; di++) {
              const moved = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
              if (moved === 0 || moved > (connectivity === 6 ? 1 : connectivity === 18 ? 2 : 3)) continue;
              expect(at(i + di, j + dj, k + dk)).toBeGreaterThanOrEqual(site.energy);
            }
      }
      expect(hopThresholds(net.sites.length, net.hops), `seed ${seed}`).toEqual([perc.thresholds['1D'], perc.thresholds['2D'], perc.thresholds['3D']]);
      // Hops are listed lowest first, each pair and offset once.
      const keys = net.hops.map((h) => `${h.from},${h.to},${h.offset.join(',')}`);
      expect(new Set(keys).size).toBe(keys.length);
      for (let t = 1; t < net.hops.length; t++) expect(net.hops[t]!.energy).toBeGreaterThanOrEqual(net.hops[t - 1]!.energy);
    }
  });
});
