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
});
