// The kinetic Monte Carlo's parts on their own: the sum tree, the incremental rate bookkeeping against a fresh
// computation from the definitions (src/transport/rates.ts), and the standard error of the overlapping block pairs.
import { describe, expect, it } from 'vitest';
import { BlockAverager, PairSeries } from '../../src/transport/kmc-blocks.js';
import { IonLattice } from '../../src/transport/kmc-lattice.js';
import { Random } from '../../src/transport/random.js';
import { BOLTZMANN_EV, kraBarrier, tstRate } from '../../src/transport/rates.js';
import { simulateTransport } from '../../src/transport/simulate.js';
import { SumTree } from '../../src/transport/sum-tree.js';
import { erfc } from '../../src/bvse/pair.js';
import { buildSupercell } from '../../src/transport/supercell.js';
import type { HopNetwork } from '../../src/transport/types.js';
import { cubicNetwork, syntheticNetwork } from './lattices.js';

describe('SumTree', () => {
  it('keeps every inner node the sum of its children through batched updates, and find() follows the running sum', () => {
    const n = 37;
    const rng = new Random(5);
    const tree = new SumTree(n);
    const w = Array.from({ length: n }, () => rng.next());
    tree.fill(n, (i) => w[i]!);
    for (let round = 0; round < 20; round++) {
      for (let k = 0; k < 6; k++) {
        const i = Math.floor(rng.next() * n);
        w[i] = rng.next() < 0.3 ? 0 : rng.next();
        tree.set(i, w[i]!);
      }
      tree.resum();
      for (let k = 1; k < tree.size; k++) expect(tree.node[k]).toBe(tree.node[2 * k]! + tree.node[2 * k + 1]!);
      const total = w.reduce((a, b) => a + b, 0);
      expect(tree.total).toBeCloseTo(total, 12);
      const x = rng.next() * total;
      let acc = 0;
      let expected = -1;
      for (let i = 0; i < n && expected < 0; i++) if (x < (acc += w[i]!)) expected = i;
      expect(tree.find(x)).toBe(expected);
      expect(tree.rest).toBeGreaterThanOrEqual(0);
      expect(tree.rest).toBeLessThan(w[expected]! + 1e-12);
    }
  });
});

/** Two sites per cell with a low rattle between them and the model-like repulsion, half filled. */
function pairNetwork(): HopNetwork {
  return syntheticNetwork(
    [4, 4, 4],
    [
      { frac: [0.3, 0.5, 0.5], energy: 0 },
      { frac: [0.7, 0.5, 0.5], energy: 0.05 },
    ],
    [
      { from: 0, to: 1, offset: [0, 0, 0], saddleEnergy: 0.1 },
      { from: 1, to: 0, offset: [1, 0, 0], saddleEnergy: 0.3, attemptFrequencyFrom: 2e12, attemptFrequencyTo: 5e12 },
      { from: 0, to: 0, offset: [0, 1, 0], saddleEnergy: 0.35 },
      { from: 1, to: 1, offset: [0, 0, 1], saddleEnergy: 0.4 },
    ],
    { ionsPerCell: 1, source: 'synthetic pairs', interaction: { k: 7.2, screenA: 1.9, cutoffA: 4.6 } },
  );
}

describe('IonLattice', () => {
  it('after 3000 hops every stored rate equals the KRA rate computed afresh from the occupancy, and the energy its sum', () => {
    const net = pairNetwork();
    const sc = buildSupercell(net, [3, 3, 3], net.interaction);
    const T = 500;
    const beta = 1 / (BOLTZMANN_EV * T);
    const floor = 0.2; // raises the rattle's saddle (0.1 eV) to 0.2 eV
    const ions = 27;
    const lat = new IonLattice(sc, ions, { beta, saddleFloor: floor, interacting: true }, new Random(11));
    for (let i = 0; i < 3000; i++) expect(lat.step()).toBe(true);
    // Repulsion of each site from the ions on the other sites, from the neighbour lists.
    const phi = new Float64Array(sc.nSites);
    for (let x = 0; x < sc.nSites; x++)
      for (let q = sc.nbrStart[x]!; q < sc.nbrStart[x + 1]!; q++) if (lat.ionAt[sc.nbrSite[q]!]! >= 0) phi[x]! += sc.nbrEnergy[q]!;
    let total = 0;
    let active = 0;
    for (let e = 0; e < sc.nEdges; e++) {
      const s = sc.edgeSrc[e]!,
        d = sc.edgeDst[e]!;
      let expected = 0;
      if (lat.ionAt[s]! >= 0 && lat.ionAt[d]! < 0) {
        const saddle = Math.max(floor, sc.edgeSaddle[e]!);
        const kra = saddle - 0.5 * (sc.siteEnergy[s]! + sc.siteEnergy[d]!);
        const dE = sc.siteEnergy[d]! + phi[d]! - sc.edgePairEnergy[e]! - sc.siteEnergy[s]! - phi[s]!;
        expected = tstRate(sc.edgeNu[e]!, kraBarrier(kra, dE), T);
        active++;
      }
      expect(Math.abs(lat.edgeRate(e) - expected)).toBeLessThanOrEqual(1e-9 * expected);
      total += expected;
    }
    expect(active).toBeGreaterThan(0);
    expect(lat.totalRate / total).toBeCloseTo(1, 9);
    let energy = 0;
    for (let x = 0; x < sc.nSites; x++) if (lat.ionAt[x]! >= 0) energy += sc.siteEnergy[x]! + 0.5 * phi[x]!;
    expect(lat.energy).toBeCloseTo(energy, 8);
    expect(lat.slowedEdges).toBe(2 * 27); // the rattle, both ways, in each of the 27 cells
  });
});

describe('block averages', () => {
  it('PairSeries: the error of a 1-dependent series is √((γ0 + 2γ1)/n), not the independent-values √(γ0/n)', () => {
    // p_k = u_k + u_k+1 with u uniform on [0, 1): γ0 = 2/12, γ1 = 1/12, so var(mean) = 4/12/n.
    const rng = new Random(3);
    const s = new PairSeries();
    let u = rng.next();
    const n = 20_000;
    for (let k = 0; k < n; k++) {
      const v = rng.next();
      s.add(u + v);
      u = v;
    }
    expect(s.mean).toBeCloseTo(1, 2);
    expect(s.error / Math.sqrt(4 / 12 / n)).toBeCloseTo(1, 1);
  });

  it('BlockAverager: a block that ends inside a waiting time holds the motion before the hop that ends it', () => {
    // One ion; blocks of 1 s. Hop +1 Å (x) at t = 0.5, then the next hop (+1 Å) at t = 2.5: blocks [0, 1) and
    // [1, 2) close then, holding 1 and 0 Å; the pair gives (1/2·(1 + 0) + 0)/6.
    const disp = new Float64Array(3);
    const b = new BlockAverager(1, 1, 0, disp);
    const hop = [1, 0, 0];
    disp[0] = 1;
    expect(b.closeUpTo(0.5, disp, 0, hop, 0)).toBe(false);
    disp[0] = 2;
    expect(b.closeUpTo(2.5, disp, 0, hop, 0)).toBe(true);
    expect(b.blocks).toBe(2);
    expect(b.tracer.count).toBe(1);
    expect(b.tracer.mean).toBeCloseTo(0.5 / 6, 12);
  });
});

describe('BlockAverager block length', () => {
  it('takes the shortest block length at which D* stops changing: a cage offset that moves every 8 blocks biases blocks of 1–4 τ by 100 %', () => {
    // Each ion: a random walk of D = s²/2 per block (3 components, MSD 3s² per τ = 1) plus a cage offset redrawn every
    // 8 blocks (random phase). [MSD(2τ) − MSD(τ)]/6τ then carries σo²/8 for τ ≤ 4 and nothing from τ = 8 on.
    const rng = new Random(3);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const N = 200,
      s = 1,
      so = 2;
    const disp = new Float64Array(3 * N);
    const walk = new Float64Array(3 * N);
    const offset = Float64Array.from({ length: 3 * N }, () => so * gauss());
    const phase = Int32Array.from({ length: N }, () => Math.floor(rng.next() * 8));
    const b = new BlockAverager(N, 1, 0, disp);
    for (let k = 0; k < 2000; k++) {
      for (let i = 0; i < N; i++) {
        const jump = (k + phase[i]!) % 8 === 0;
        for (let m = 0; m < 3; m++) {
          const q = 3 * i + m;
          walk[q]! += s * gauss();
          if (jump) offset[q] = so * gauss();
          disp[q] = walk[q]! + offset[q]!;
        }
      }
      b.closeUpTo(k + 1, disp, -1, [0, 0, 0], 0);
    }
    const exact = (s * s) / 2;
    expect(b.level).toBe(3);
    expect(Math.abs(b.tracer.mean - exact)).toBeLessThan(3 * b.tracer.error);
    expect(b.tracer.error).toBeLessThan(0.1 * exact);
  });
});

describe('the reported errors are honest', { timeout: 120_000 }, () => {
  it('lattice gas at c = 0.9 over 8 seeds: the D_σ deviations from Γa²(1 − c) scale with the reported errors', () => {
    const T = 300;
    const gamma = 1e13 * Math.exp(-0.3 / (BOLTZMANN_EV * T));
    const net = cubicNetwork({ a: 2.5, axes: [0, 1, 2], barrier: 0.3, ionsPerCell: 0.9 });
    let chi2 = 0;
    for (let seed = 1; seed <= 8; seed++) {
      const r = simulateTransport(net, { seed, minSupercellA: 12.5, temperatures: [T], targetTracer: 0.05, targetCollective: 0.15, maxSteps: 2_000_000 });
      const t = r.temperatures[0]!;
      expect(t.status).toBe('converged');
      const exact = gamma * 2.5 * 2.5 * (1 - r.ions / 125) * 1e-16;
      chi2 += ((t.collectiveD - exact) / t.collectiveDError) ** 2;
    }
    // Mean z² over 8 runs: 1 for honest errors; below 4 rules out errors understated by 2×, above 0.1 overstated by 3×.
    expect(chi2 / 8).toBeLessThan(4);
    expect(chi2 / 8).toBeGreaterThan(0.1);
  });
});

describe('buildSupercell neighbour lists', () => {
  it('hold, for every site of a skewed cell, exactly the sites within the cutoff (brute force over the supercell), with their pair energies', () => {
    const rng = new Random(11);
    const sites = Array.from({ length: 7 }, () => ({ frac: [rng.next(), rng.next(), rng.next()] as [number, number, number], energy: 0 }));
    const lattice: HopNetwork['lattice'] = [
      [3.1, 0, 0],
      [1.4, 3.6, 0],
      [-0.9, 0.7, 4.2],
    ];
    const interaction = { k: 7.2, screenA: 1.9, cutoffA: 4.6 };
    const net: HopNetwork = {
      lattice,
      sites,
      hops: [{ from: 0, to: 1, offset: [0, 0, 0], saddleEnergy: 0.3 }],
      ion: { symbol: 'Li', charge: 1 },
      ionsPerCell: 1,
      attemptFrequency: { hz: 1e13, source: 'test' },
      interaction,
      source: 'test',
    };
    const dims: [number, number, number] = [4, 4, 3];
    const sc = buildSupercell(net, dims, interaction);
    const cart = (f: number[]) => [0, 1, 2].map((m) => f[0]! * lattice[0][m]! + f[1]! * lattice[1][m]! + f[2]! * lattice[2][m]!);
    const ns = sites.length;
    const fracs = Array.from({ length: sc.nSites }, (_, i) => {
      const c = Math.floor(i / ns),
        s = i % ns;
      const cc = [c % dims[0], Math.floor(c / dims[0]) % dims[1], Math.floor(c / (dims[0] * dims[1]))];
      return sites[s]!.frac.map((x, m) => x + cc[m]!);
    });
    const pos = (i: number) => fracs[i]!;
    let pairs = 0;
    for (let i = 0; i < sc.nSites; i++) {
      const expected = new Map<number, number>();
      for (let j = 0; j < sc.nSites; j++) {
        // Nearest image in the supercell (it is wider than twice the cutoff here, so there is at most one).
        let best = Infinity;
        for (let a = -1; a <= 1; a++)
          for (let b = -1; b <= 1; b++)
            for (let c = -1; c <= 1; c++) {
              if (i === j && a === 0 && b === 0 && c === 0) continue;
              const d = cart(pos(j).map((x, m) => x + [a, b, c][m]! * dims[m]! - pos(i)[m]!));
              best = Math.min(best, Math.hypot(d[0]!, d[1]!, d[2]!));
            }
        if (best < interaction.cutoffA) expected.set(j, (interaction.k / best) * erfc(best / interaction.screenA));
      }
      const got = new Map<number, number>();
      for (let q = sc.nbrStart[i]!; q < sc.nbrStart[i + 1]!; q++) got.set(sc.nbrSite[q]!, sc.nbrEnergy[q]!);
      expect([...got.keys()].sort((a, b) => a - b)).toEqual([...expected.keys()].sort((a, b) => a - b));
      for (const [j, e] of expected) expect(got.get(j)).toBeCloseTo(e, 12);
      pairs += expected.size;
    }
    expect(pairs).toBeGreaterThan(10 * sc.nSites);
  });
});
