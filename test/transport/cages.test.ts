// Cage-centred displacements (src/transport/cages.ts): a hop inside a cage moves the cage-centred position not at
// all, a hop out of it by the vector between cage centroids, and over any run the real and cage-centred displacements
// of an ion differ only by the change of its site's (bounded) offset, so both give the same long-time D.
import { describe, expect, it } from 'vitest';
import { cageCentredDisplacements, cageOffsets } from '../../src/transport/cages.js';
import { IonLattice } from '../../src/transport/kmc-lattice.js';
import { hopPercolation } from '../../src/transport/percolation.js';
import { Random } from '../../src/transport/random.js';
import { BOLTZMANN_EV } from '../../src/transport/rates.js';
import { buildSupercell } from '../../src/transport/supercell.js';
import type { HopNetwork } from '../../src/transport/types.js';
import { cubicNetwork, syntheticNetwork } from './lattices.js';

/** Cages of three sites (a bent chain 0.8 Å per step, rattles over 0.1 eV) on a simple-cubic lattice 4 Å apart. */
function cageNetwork(): HopNetwork {
  const a = 4;
  return syntheticNetwork(
    [a, a, a],
    [
      { frac: [0.4, 0.5, 0.5], energy: 0 },
      { frac: [0.6, 0.5, 0.5], energy: 0.03 },
      { frac: [0.6, 0.7, 0.5], energy: 0.01 },
    ],
    [
      { from: 0, to: 1, offset: [0, 0, 0], saddleEnergy: 0.1 },
      { from: 1, to: 2, offset: [0, 0, 0], saddleEnergy: 0.12 },
      { from: 1, to: 0, offset: [1, 0, 0], saddleEnergy: 0.3 },
      { from: 2, to: 0, offset: [0, 1, 0], saddleEnergy: 0.3 },
      { from: 0, to: 0, offset: [0, 0, 1], saddleEnergy: 0.32 },
    ],
    { ionsPerCell: 1, source: 'synthetic cages', interaction: { k: 7.2, screenA: 1.9, cutoffA: 4.6 } },
  );
}

describe('cage-centred displacements', () => {
  const net = cageNetwork();
  const sc = buildSupercell(net, [3, 3, 3], net.interaction);
  const e1D = hopPercolation(net).thresholds[0]!;

  it('a hop inside a cage moves nothing; a hop out of it moves by the lattice vector between the cages', () => {
    expect(e1D).toBeCloseTo(0.3, 12);
    const bd = cageCentredDisplacements(sc, e1D);
    let inside = 0,
      out = 0;
    for (let e = 0; e < sc.nEdges; e++) {
      const v = [bd[3 * e]!, bd[3 * e + 1]!, bd[3 * e + 2]!];
      if (sc.edgeSaddle[e]! < e1D) {
        inside++;
        for (const x of v) expect(Math.abs(x)).toBeLessThan(1e-12);
      } else {
        out++;
        // One lattice vector: 4 Å along one axis.
        expect(Math.hypot(v[0]!, v[1]!, v[2]!)).toBeCloseTo(4, 12);
      }
      // The real hop is not a lattice vector.
      if (sc.edgeSaddle[e]! >= e1D && sc.edgeHop[e]! < 8)
        expect(Math.hypot(sc.edgeDisp[3 * e]!, sc.edgeDisp[3 * e + 1]!, sc.edgeDisp[3 * e + 2]!)).not.toBeCloseTo(4, 3);
    }
    expect(inside).toBe(4 * 27);
    expect(out).toBe(6 * 27);
  });

  it('over 20,000 hops every ion’s real and cage-centred displacements differ by the change of its site’s offset', () => {
    const bd = cageCentredDisplacements(sc, e1D);
    const offset = cageOffsets(sc, e1D);
    const ions = 20;
    const lat = new IonLattice(sc, ions, { beta: 1 / (BOLTZMANN_EV * 600), saddleFloor: -Infinity, interacting: true }, new Random(4));
    const start = lat.siteOf.slice();
    const cd = new Float64Array(3 * ions);
    for (let k = 0; k < 20_000; k++) {
      expect(lat.step()).toBe(true);
      for (let m = 0; m < 3; m++) cd[3 * lat.lastIon + m]! += bd[3 * lat.lastEdge + m]!;
    }
    let far = 0;
    for (let i = 0; i < ions; i++) {
      const now = lat.siteOf[i]!,
        was = start[i]!;
      for (let m = 0; m < 3; m++) {
        const diff = lat.disp[3 * i + m]! - cd[3 * i + m]!;
        expect(diff).toBeCloseTo(offset[3 * now + m]! - offset[3 * was + m]!, 9);
        // Offsets lie within the cage (its sites are at most 0.8 Å from the centroid).
        expect(Math.abs(offset[3 * now + m]!)).toBeLessThan(0.8);
      }
      if (Math.hypot(lat.disp[3 * i]!, lat.disp[3 * i + 1]!, lat.disp[3 * i + 2]!) > 6) far++;
    }
    // The ions did travel (several cages), so the bounded difference is not a trivial one.
    expect(far).toBeGreaterThan(5);
  });

  it('without hops below E_1D the displacements are the real ones', () => {
    const cubic = cubicNetwork({ a: 2.5, axes: [0, 1, 2], barrier: 0.3, ionsPerCell: 0.5 });
    const c = buildSupercell(cubic, [4, 4, 4], null);
    expect(Array.from(cageCentredDisplacements(c, hopPercolation(cubic).thresholds[0]!))).toEqual(Array.from(c.edgeDisp).map((x) => x + 0));
  });
});
