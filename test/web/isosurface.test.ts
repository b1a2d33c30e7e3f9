// The marching-tetrahedra isosurface on known fields: a sphere (distance field) in a cubic and a
// triclinic cell, closure of the periodic surface, normals pointing uphill.
import { describe, expect, it } from 'vitest';
import { isosurface } from '../../src/web/isosurface.js';
import { invert3 } from '../../src/structure/lattice.js';

/** Squared distance (minimum image) from the cell centre, on an n³ grid of a cell with rows `m`. */
function sphereField(m: number[], n: number): Float32Array {
  const e = new Float32Array(n * n * n);
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        const f = [i / n - 0.5, j / n - 0.5, k / n - 0.5];
        const x = f[0]! * m[0]! + f[1]! * m[3]! + f[2]! * m[6]!;
        const y = f[0]! * m[1]! + f[1]! * m[4]! + f[2]! * m[7]!;
        const z = f[0]! * m[2]! + f[1]! * m[5]! + f[2]! * m[8]!;
        e[i + n * (j + n * k)] = x * x + y * y + z * z;
      }
  return e;
}

function area(pos: Float32Array): number {
  let a = 0;
  for (let t = 0; t < pos.length; t += 9) {
    const u = [pos[t + 3]! - pos[t]!, pos[t + 4]! - pos[t + 1]!, pos[t + 5]! - pos[t + 2]!];
    const w = [pos[t + 6]! - pos[t]!, pos[t + 7]! - pos[t + 1]!, pos[t + 8]! - pos[t + 2]!];
    a += 0.5 * Math.hypot(u[1]! * w[2]! - u[2]! * w[1]!, u[2]! * w[0]! - u[0]! * w[2]!, u[0]! * w[1]! - u[1]! * w[0]!);
  }
  return a;
}

describe.each([
  { name: 'cubic', m: [8, 0, 0, 0, 8, 0, 0, 0, 8] },
  { name: 'triclinic', m: [8, 0, 0, 1.5, 7.6, 0, -1.0, 0.8, 7.9] },
])('isosurface of a sphere, $name cell', ({ m }) => {
  const n = 40;
  // Not a value the field takes at a grid point: there the surface gets zero-area triangles (harmless to
  // draw, but they would make the edge count below ambiguous).
  const R = 2.03;
  const energies = sphereField(m, n);
  const mesh = isosurface(energies, { nx: n, ny: n, nz: n }, m, R * R);
  const center = [0.5 * (m[0]! + m[3]! + m[6]!), 0.5 * (m[1]! + m[4]! + m[7]!), 0.5 * (m[2]! + m[5]! + m[8]!)];

  it('puts every vertex on the sphere', () => {
    expect(mesh.triangleCount).toBeGreaterThan(200);
    let worst = 0;
    for (let v = 0; v < mesh.positions.length; v += 3) {
      const r = Math.hypot(mesh.positions[v]! - center[0]!, mesh.positions[v + 1]! - center[1]!, mesh.positions[v + 2]! - center[2]!);
      worst = Math.max(worst, Math.abs(r - R));
    }
    // Linear interpolation of r² along a grid edge of ≤ 0.3 Å errs by well under 0.05 Å.
    expect(worst).toBeLessThan(0.05);
  });

  it('has the area of the sphere', () => {
    expect(area(mesh.positions) / (4 * Math.PI * R * R)).toBeCloseTo(1, 1);
  });

  it('has outward (uphill) normals and faces wound to match', () => {
    let worstDot = 1;
    let misWound = 0;
    const p = mesh.positions;
    for (let v = 0; v < p.length; v += 3) {
      const d = [p[v]! - center[0]!, p[v + 1]! - center[1]!, p[v + 2]! - center[2]!];
      const len = Math.hypot(d[0]!, d[1]!, d[2]!);
      const dot = (d[0]! * mesh.normals[v]! + d[1]! * mesh.normals[v + 1]! + d[2]! * mesh.normals[v + 2]!) / len;
      worstDot = Math.min(worstDot, dot);
    }
    for (let t = 0; t < p.length; t += 9) {
      const u = [p[t + 3]! - p[t]!, p[t + 4]! - p[t + 1]!, p[t + 5]! - p[t + 2]!];
      const w = [p[t + 6]! - p[t]!, p[t + 7]! - p[t + 1]!, p[t + 8]! - p[t + 2]!];
      const face = [u[1]! * w[2]! - u[2]! * w[1]!, u[2]! * w[0]! - u[0]! * w[2]!, u[0]! * w[1]! - u[1]! * w[0]!];
      const c = [
        (p[t]! + p[t + 3]! + p[t + 6]!) / 3 - center[0]!,
        (p[t + 1]! + p[t + 4]! + p[t + 7]!) / 3 - center[1]!,
        (p[t + 2]! + p[t + 5]! + p[t + 8]!) / 3 - center[2]!,
      ];
      if (face[0]! * c[0]! + face[1]! * c[1]! + face[2]! * c[2]! < 0) misWound++;
    }
    expect(worstDot).toBeGreaterThan(0.95);
    expect(misWound).toBe(0);
  });

  it('is closed: every edge is shared by exactly two triangles', () => {
    const key = (v: number) => [0, 1, 2].map((d) => mesh.positions[3 * v + d]!).join(',');
    const edges = new Map<string, number>();
    for (let t = 0; t < mesh.triangleCount; t++)
      for (const [a, b] of [
        [0, 1],
        [1, 2],
        [2, 0],
      ] as const) {
        const ka = key(3 * t + a),
          kb = key(3 * t + b);
        if (ka === kb) continue; // degenerate edge (a vertex exactly on a grid point)
        const k = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
        edges.set(k, (edges.get(k) ?? 0) + 1);
      }
    const open = [...edges.values()].filter((c) => c !== 2).length;
    expect(open).toBe(0);
  });
});

describe('isosurface on a periodic grid', () => {
  it('joins across the cell faces: a slab of low energy crossing the boundary gives two planes, no caps', () => {
    // Low energy where z is near 0 (wrapping): the surface is two planes parallel to ab, at z = ±1 Å.
    const n = 20;
    const m = [5, 0, 0, 0, 5, 0, 0, 0, 5];
    const e = new Float32Array(n * n * n);
    for (let k = 0; k < n; k++) {
      const z = (k / n) * 5;
      const d = Math.min(z, 5 - z);
      for (let i = 0; i < n * n; i++) e[i + n * n * k] = d;
    }
    const mesh = isosurface(e, { nx: n, ny: n, nz: n }, m, 1.1);
    const zs = new Set<number>();
    for (let v = 2; v < mesh.positions.length; v += 3) zs.add(Math.round(mesh.positions[v]! * 1000) / 1000);
    expect([...zs].sort((a, b) => a - b)).toEqual([1.1, 3.9]);
    expect(area(mesh.positions)).toBeCloseTo(2 * 25, 3);
  });

  it('handles infinite energies (a grid point on an ion) and levels outside the range', () => {
    const e = new Float32Array(27).fill(1);
    e[13] = Infinity;
    e[0] = -1;
    const grid = { nx: 3, ny: 3, nz: 3 };
    const m = [3, 0, 0, 0, 3, 0, 0, 0, 3];
    const mesh = isosurface(e, grid, m, 0);
    expect(mesh.triangleCount).toBeGreaterThan(0);
    for (const x of mesh.positions) expect(Number.isFinite(x)).toBe(true);
    expect(isosurface(e, grid, m, -5).triangleCount).toBe(0);
    // Far above every finite energy only the infinite point still sticks out: a small closed surface around it.
    const high = isosurface(e, grid, m, 1e9);
    expect(high.triangleCount).toBeGreaterThan(0);
    for (let v = 0; v < high.positions.length; v += 3)
      expect(Math.hypot(high.positions[v]! - 1, high.positions[v + 1]! - 1, high.positions[v + 2]! - 1)).toBeLessThan(1.8);
    const finite = e.map((x) => (Number.isFinite(x) ? x : 2));
    expect(isosurface(finite, grid, m, 1e9).triangleCount).toBe(0);
  });

  it('inverts 3×3 matrices', () => {
    const m = [8, 0, 0, 1.5, 7.6, 0, -1.0, 0.8, 7.9];
    const inv = invert3(m);
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += m[3 * r + k]! * inv[3 * k + c]!;
        expect(s).toBeCloseTo(r === c ? 1 : 0, 12);
      }
  });
});
