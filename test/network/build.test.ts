import { describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/network/build.js';
import { gridForResolution } from '../../src/grid/index.js';
import { percolate } from '../../src/percolation/index.js';
import { criticalSearch } from '../../src/network/bvse.js';
import { sampleGrid, separableField } from './helpers.js';

describe('buildNetwork on a synthetic periodic field', () => {
  // Barriers 2K per axis, plus a 0.1 eV bump 0.15 Å wide on the x saddle: x 0.500, y 0.495, z 0.800 eV. A 0.2 Å grid
  // misses most of the bump and ranks x below y; the continuum's 1D bottleneck is the y saddle, 0.005 eV lower.
  const field = separableField([4.1, 4.3, 4.5], [0.2, 0.2475, 0.4], { axis: 0, height: 0.1, width: 0.15 });
  const grid = gridForResolution([4.1, 4.3, 4.5], 0.2);
  const energies = sampleGrid(field, [grid.nx, grid.ny, grid.nz]);
  const eMin = -(0.2 + 0.2475 + 0.4);

  it('the seed grid alone picks the wrong saddle (the point of the test)', () => {
    const p = percolate(energies, grid);
    expect(p.barriers['1D']!).toBeLessThan(0.48);
  });

  it('finds the competing saddles within 0.005 eV and names the right bottleneck', () => {
    const net = buildNetwork(field, criticalSearch, grid, energies);
    expect(net.sites).toHaveLength(1);
    expect(net.eMin).toBeCloseTo(eMin, 9);
    const b1 = net.barriers['1D']!,
      b2 = net.barriers['2D']!,
      b3 = net.barriers['3D']!;
    expect(b1.barrier).toBeCloseTo(0.495, 6);
    expect(b2.barrier).toBeCloseTo(0.5, 6);
    expect(b3.barrier).toBeCloseTo(0.8, 6);
    const s1 = net.saddles[b1.saddle]!;
    expect(s1.status).toBe('verified');
    // The y saddle: at y = 1/2 (mod 1), x and z at 0 (mod 1).
    const frac = s1.frac.map((f) => f - Math.floor(f));
    expect(frac[1]).toBeCloseTo(0.5, 6);
    expect(Math.min(frac[0]!, 1 - frac[0]!)).toBeLessThan(1e-6);
    expect(s1.eigenvalues![0]).toBeLessThan(0);
    expect(Math.abs(s1.unstable![1])).toBeCloseTo(1, 6);
    const s2 = net.saddles[b2.saddle]!;
    expect(s2.frac[0]! - Math.floor(s2.frac[0]!)).toBeCloseTo(0.5, 6);
  });

  it('reports no barrier where nothing percolates within encut, and still the lowest minimum', () => {
    const net = buildNetwork(field, criticalSearch, grid, energies, { encut: 0.3 });
    expect(net.barriers).toEqual({ '1D': null, '2D': null, '3D': null });
    expect(net.eMin).toBeCloseTo(eMin, 9);
    expect(net.seed.polished).toBe(0);
  });
});
