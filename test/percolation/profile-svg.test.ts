import { describe, expect, it } from 'vitest';
import { percolate } from '../../src/percolation/sweep.js';
import { findPath } from '../../src/percolation/path.js';
import { profileSvg } from '../../src/report/profile-svg.js';
import { Lattice } from '../../src/structure/lattice.js';
import { gridOf, landscape } from './helpers.js';

describe('profileSvg', () => {
  const g = gridOf(8, 8, 8);
  const e = landscape(g, (x, y, z) => 0.3 * Math.cos(2 * Math.PI * x) + 0.7 * Math.cos(2 * Math.PI * y) + Math.cos(2 * Math.PI * z));
  const perc = percolate(e, g);
  const lattice = Lattice.fromParameters({ a: 4, b: 4, c: 4, alpha: 90, beta: 90, gamma: 90 });
  const path = findPath(e, g, lattice, perc, '1D')!;

  it('draws the profile with labelled axes and the barrier marked', () => {
    const svg = profileSvg(path, { title: 'Li <test> & co' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Path length (Å)');
    expect(svg).toContain('(eV)');
    expect(svg).toContain('Li &lt;test&gt; &amp; co');
    expect(svg).toContain(`E_a(1D) = ${perc.barriers['1D']!.toFixed(3)} eV`);
    // One polyline vertex per path point, the first at the left axis and the last at the right end.
    const points = /class="profile"[^>]*points="([^"]+)"/.exec(svg)![1]!.split(' ');
    expect(points).toHaveLength(path.energies.length);
    expect(Number(points[0]!.split(',')[0])).toBe(70);
    expect(Number(points.at(-1)!.split(',')[0])).toBe(620);
    // The barrier line and the saddle marker are at the same height as the highest profile vertex.
    const barrierY = Number(/class="barrier"[^>]*y1="([^"]+)"/.exec(svg)![1]);
    const saddleY = Number(/class="saddle"[^>]*cy="([^"]+)"/.exec(svg)![1]);
    const minY = Math.min(...points.map((p) => Number(p.split(',')[1])));
    expect(barrierY).toBeCloseTo(minY, 1);
    expect(saddleY).toBeCloseTo(minY, 1);
    // Balanced elements: every opened tag is closed or self-closing.
    const opened = (svg.match(/<(svg|g|text)[\s>]/g) ?? []).length;
    const closed = (svg.match(/<\/(svg|g|text)>/g) ?? []).length;
    expect(opened).toBe(closed);
  });

  it('marks the minima and saddles a continuum path passes, the bottleneck in red, and names the method', () => {
    // A hand-made continuum path: minimum, saddle (0.3 eV), minimum (0.1 eV), bottleneck (0.5 eV), minimum.
    const energies = Float32Array.from([0, 0.15, 0.3, 0.2, 0.1, 0.3, 0.5, 0.25, 0]);
    const n = energies.length;
    const frac = new Float64Array(3 * n).map((_, i) => (i % 3 === 0 ? i / 3 / (n - 1) : 0));
    const continuum = {
      ...path,
      method: 'continuum' as const,
      frac,
      indices: new Uint32Array(0),
      energies,
      lengthsA: Float64Array.from({ length: n }, (_, i) => 0.5 * i),
      eMin: 0,
      barrier: 0.5,
      saddle: { frac: [0.75, 0, 0] as [number, number, number], energy: 0.5, index: 7 },
      chain: [
        { kind: 'site' as const, id: 0, cell: [0, 0, 0] as [number, number, number], point: 0, energy: 0 },
        { kind: 'saddle' as const, id: 3, cell: [0, 0, 0] as [number, number, number], point: 2, energy: 0.3, segments: 'traced' as const },
        { kind: 'site' as const, id: 1, cell: [0, 0, 0] as [number, number, number], point: 4, energy: 0.1 },
        { kind: 'saddle' as const, id: 7, cell: [0, 0, 0] as [number, number, number], point: 6, energy: 0.5, segments: 'traced' as const },
        { kind: 'site' as const, id: 0, cell: [1, 0, 0] as [number, number, number], point: 8, energy: 0 },
      ],
    };
    const svg = profileSvg(continuum);
    expect(svg.match(/class="minimum"/g)).toHaveLength(3);
    expect(svg.match(/class="hop-saddle"/g)).toHaveLength(1);
    expect(svg.match(/class="saddle"/g)).toHaveLength(1);
    expect(svg).toContain('minima and saddles of the continuous field');
    // The grid path says where it comes from too, and has no chain markers.
    const grid = profileSvg(path);
    expect(grid).toContain('grid path');
    expect(grid).not.toContain('class="minimum"');
  });
});
