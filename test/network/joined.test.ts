// joinedBelow: whether two site copies are joined below an energy (the test that spares a hop's string start), on
// hand-made periodic networks, and its promise checked against the thresholds' sweep on random ones: a hop it calls
// joined changes no threshold, bottleneck or flag, at its energy or above.
import { describe, expect, it } from 'vitest';
import { joinedBelow } from '../../src/network/joined.js';
import { networkThresholds } from '../../src/network/thresholds.js';
import type { EdgeEnd, NetworkSaddle, NetworkSite, SaddleStatus } from '../../src/network/types.js';
import type { IVec3 } from '../../src/percolation/types.js';

const site = (id: number, energy: number): NetworkSite => ({
  id,
  frac: [0.1 * id, 0, 0],
  cart: [0.1 * id, 0, 0],
  energy,
  eigenvalues: [1, 1, 1],
  converged: true,
  gridEnergy: energy,
});

const end = (s: number, cell: IVec3 = [0, 0, 0]): EdgeEnd => ({ site: s, cell });

const saddle = (id: number, energy: number, status: SaddleStatus, a: EdgeEnd, b: EdgeEnd): NetworkSaddle => ({
  id,
  status,
  frac: [0.5, 0.5, 0.5],
  cart: [0.5, 0.5, 0.5],
  energy,
  eigenvalues: null,
  unstable: null,
  ends: [a, b],
  seedEnergy: energy,
});

describe('joinedBelow', () => {
  const sites = [site(0, 0), site(1, 0.1), site(2, 0.2)];
  // 0 (cell 0) – 1 (cell +a) at 1 eV; 2 (cell +b) – 1 (cell 0) at 1.5 eV, written from site 2's side.
  const saddles = [saddle(0, 1, 'verified', end(0), end(1, [1, 0, 0])), saddle(1, 1.5, 'seed', end(2, [0, 1, 0]), end(1))];

  it('follows the cell offsets along the path, in any frame and either order of ends', () => {
    // Site 0 in cell 0, site 1 in cell +a, site 2 in cell +a +b.
    expect(joinedBelow(sites, saddles, 2, end(0), end(2, [1, 1, 0]))).toBe(true);
    expect(joinedBelow(sites, saddles, 2, end(2, [1, 1, 0]), end(0))).toBe(true);
    expect(joinedBelow(sites, saddles, 2, end(0, [3, 0, 2]), end(2, [4, 1, 2]))).toBe(true);
    expect(joinedBelow(sites, saddles, 2, end(1, [1, 0, 0]), end(0))).toBe(true);
    expect(joinedBelow(sites, saddles, 2, end(1), end(0))).toBe(false);
    // Another copy of the same site is not joined: that edge would close a cycle with a winding the cluster lacks.
    expect(joinedBelow(sites, saddles, 2, end(0), end(2, [0, 1, 0]))).toBe(false);
    expect(joinedBelow(sites, saddles, 2, end(0), end(0, [1, 0, 0]))).toBe(false);
  });

  it('takes a winding in the span of the cluster windings as joined, and extra edges', () => {
    // Site 1 joined to its own copy in cell +a at 1.2 eV: the cluster winds along a.
    const wound = [...saddles, saddle(2, 1.2, 'verified', end(1), end(1, [1, 0, 0]))];
    expect(joinedBelow(sites, wound, 2, end(0), end(0, [2, 0, 0]))).toBe(true);
    expect(joinedBelow(sites, wound, 2, end(0), end(2, [-2, 1, 0]))).toBe(true);
    expect(joinedBelow(sites, wound, 2, end(0), end(0, [0, 0, 1]))).toBe(false);
    expect(joinedBelow(sites, wound, 1.1, end(0), end(0, [1, 0, 0]))).toBe(false);
    // An edge about to be added (a saddle the hop's own searches found) counts like a saddle of the network.
    const extra = [{ energy: 1.3, ends: [end(0), end(0, [0, 0, 1])] as [EdgeEnd, EdgeEnd] }];
    expect(joinedBelow(sites, wound, 2, end(0), end(0, [0, 0, 1]), extra)).toBe(true);
    expect(joinedBelow(sites, wound, 1.25, end(0), end(0, [0, 0, 1]), extra)).toBe(false);
  });

  it('counts only edges strictly below the energy in float32, and no unverified hop', () => {
    expect(joinedBelow(sites, saddles, 1.5, end(0), end(2, [1, 1, 0]))).toBe(false);
    // 1.5 + 1e-9 is 1.5 in float32: a tie, which the sweep may order either way.
    expect(joinedBelow(sites, saddles, 1.5 + 1e-9, end(0), end(2, [1, 1, 0]))).toBe(false);
    expect(joinedBelow(sites, saddles, 1.5001, end(0), end(2, [1, 1, 0]))).toBe(true);
    const gap = [saddles[0]!, { ...saddles[1]!, status: 'unverified' as const }];
    expect(joinedBelow(sites, gap, 2, end(0), end(2, [1, 1, 0]))).toBe(false);
    // A site above the energy keeps its edges out.
    expect(joinedBelow([site(0, 0), site(1, 3), site(2, 0.2)], saddles, 2, end(0), end(2, [1, 1, 0]))).toBe(false);
  });

  it('a hop it calls joined changes no threshold, bottleneck or flag (random networks)', () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = (n: number) => Math.floor(rand() * n);
    const cell = (): IVec3 => [pick(3) - 1, pick(3) - 1, pick(3) - 1];
    let joined = 0,
      wound = 0;
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + pick(3);
      const ss = Array.from({ length: n }, (_, i) => site(i, rand() * 0.2));
      const edges: NetworkSaddle[] = [];
      const count = 3 + pick(12);
      for (let i = 0; i < count; i++) {
        const status: SaddleStatus = rand() < 0.15 ? 'unverified' : rand() < 0.3 ? 'seed' : 'verified';
        edges.push(saddle(i, 0.3 + rand(), status, end(pick(n), cell()), end(pick(n), cell())));
      }
      const energy = 0.3 + rand();
      // Some verified saddles are handed over as extra edges (found by the hop's own searches, added after it).
      const extra = edges.filter((e) => e.status === 'verified' && rand() < 0.3);
      const known = edges.filter((e) => !extra.includes(e));
      // Site 0's home copy against every copy of every site within two cells: the joined ones are the hops tested.
      const queries: [EdgeEnd, EdgeEnd][] = [];
      for (let j = 0; j < n; j++)
        for (let c = 0; c < 125; c++) {
          const b = end(j, [(c % 5) - 2, (Math.floor(c / 5) % 5) - 2, Math.floor(c / 25) - 2]);
          if (j === 0 && c === 62) continue; // the copy itself
          if (joinedBelow(ss, known, energy, end(0), b, extra)) queries.push([end(0), b]);
        }
      const before = networkThresholds(ss, edges);
      for (const [a, b] of queries.slice(0, 3)) {
        joined++;
        if (a.site === b.site) wound++;
        for (const status of ['unverified', 'verified'] as const) {
          for (const e of [energy, energy + 0.2 * rand()]) {
            const after = networkThresholds(ss, [...edges, saddle(edges.length, e, status, a, b)]);
            expect(after).toEqual(before);
          }
        }
      }
    }
    expect(joined).toBeGreaterThan(100);
    // Copies of one site: joined only through a winding of the cluster.
    expect(wound).toBeGreaterThan(30);
  });
});
