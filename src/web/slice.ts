// A 2D slice through the energy grid along a lattice plane (h k l) at an offset, sampled by periodic
// trilinear interpolation, its colour map and the percolation thresholds as contour lines
// (marching squares). Pure: the page draws it (slice-view.ts), tests check it against the CLI's grid.
import type { GridSpec } from '../grid/index.js';

export type Vec3 = [number, number, number];

export interface SlicePlane {
  hkl: Vec3;
  /** Position of the plane along its normal as a fraction of the interplanar spacing d(hkl), 0..1. */
  offset: number;
}

export interface SliceGeometry {
  /** Fractional coordinates of pixel (0, 0), and the in-plane lattice vectors spanned by the image's width and height. */
  origin: Vec3;
  u: Vec3;
  v: Vec3;
  width: number;
  height: number;
}

export interface Slice extends SliceGeometry {
  /** Energies (eV, absolute) at the pixel centres, row-major, x fastest; pixel (i, j) sits at origin + (i/width)·u + (j/height)·v. */
  values: Float32Array;
}

const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));

function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

function cartLength(m: ArrayLike<number>, f: Vec3): number {
  const x = f[0] * m[0]! + f[1] * m[3]! + f[2] * m[6]!;
  const y = f[0] * m[1]! + f[1] * m[4]! + f[2] * m[7]!;
  const z = f[0] * m[2]! + f[1] * m[5]! + f[2] * m[8]!;
  return Math.hypot(x, y, z);
}

/** Reduces (h k l) by the common divisor; throws a RangeError for (0 0 0) or non-integers. */
export function reduceHkl(hkl: readonly number[]): Vec3 {
  if (hkl.length !== 3 || hkl.some((x) => !Number.isInteger(x))) throw new RangeError(`Miller indices must be three integers, got ${hkl.join(' ')}`);
  const g = gcd(gcd(hkl[0]!, hkl[1]!), hkl[2]!);
  if (g === 0) throw new RangeError('Miller indices (0 0 0) do not name a plane');
  return [hkl[0]! / g, hkl[1]! / g, hkl[2]! / g];
}

/**
 * Two integer vectors u, v that span the lattice plane h·x = 0 as a primitive 2D cell (u × v = (h k l)),
 * the shortest such u (Cartesian), then the shortest v; the first non-zero component of u is positive,
 * and ties go to vectors along earlier axes (so (0 0 1) gives u = a, v = b).
 */
export function planeVectors(hkl: Vec3, lattice: ArrayLike<number>): { u: Vec3; v: Vec3 } {
  const R = 4;
  const inPlane: Vec3[] = [];
  for (let a = -R; a <= R; a++)
    for (let b = -R; b <= R; b++)
      for (let c = -R; c <= R; c++) {
        if ((a || b || c) && hkl[0] * a + hkl[1] * b + hkl[2] * c === 0) inPlane.push([a, b, c]);
      }
  // Shortest first; among equal lengths, vectors along earlier axes and with positive components.
  const rank = (p: Vec3) => -(100 * p[0] + 10 * p[1] + p[2]);
  inPlane.sort((p, q) => cartLength(lattice, p) - cartLength(lattice, q) || rank(p) - rank(q));
  for (const u of inPlane) {
    if ((u.find((x) => x !== 0) ?? 0) < 0) continue;
    for (const v of inPlane) {
      const n = cross(u, v);
      if (n[0] === hkl[0] && n[1] === hkl[1] && n[2] === hkl[2]) return { u: u.map((x) => x + 0) as Vec3, v: v.map((x) => x + 0) as Vec3 };
    }
  }
  throw new RangeError(`Miller indices (${hkl.join(' ')}) too large for the slice view (use indices up to 4)`);
}

/** Image size: about one pixel per grid step along u and v (so (0 0 1) at offset 0 samples grid points exactly). */
export function sliceGeometry(plane: SlicePlane, lattice: ArrayLike<number>, grid: GridSpec, maxPixels = 400): SliceGeometry {
  const hkl = reduceHkl(plane.hkl);
  const { u, v } = planeVectors(hkl, lattice);
  const n = [grid.nx, grid.ny, grid.nz];
  const steps = (w: Vec3) => Math.max(...w.map((x, d) => Math.abs(x) * n[d]!));
  const width = Math.max(2, Math.min(maxPixels, steps(u)));
  const height = Math.max(2, Math.min(maxPixels, steps(v)));
  // h·x = t for x = t·hkl/|hkl|²: the plane at `offset` of the way to the next one.
  const t = plane.offset - Math.floor(plane.offset);
  const h2 = hkl[0] ** 2 + hkl[1] ** 2 + hkl[2] ** 2;
  const origin: Vec3 = [(t * hkl[0]) / h2, (t * hkl[1]) / h2, (t * hkl[2]) / h2];
  return { origin, u, v, width, height };
}

/** Periodic trilinear interpolation of the grid at fractional coordinates. */
export function sampleGrid(energies: ArrayLike<number>, grid: GridSpec, f: Vec3): number {
  const { nx, ny, nz } = grid;
  const x = (f[0] - Math.floor(f[0])) * nx;
  const y = (f[1] - Math.floor(f[1])) * ny;
  const z = (f[2] - Math.floor(f[2])) * nz;
  const i0 = Math.floor(x),
    j0 = Math.floor(y),
    k0 = Math.floor(z);
  const tx = x - i0,
    ty = y - j0,
    tz = z - k0;
  const idx = (i: number, j: number, k: number) => (i % nx) + nx * ((j % ny) + ny * (k % nz));
  let sum = 0;
  // Corners with zero weight are skipped, so an exact grid point returns its value even next to +Infinity.
  for (let c = 0; c < 8; c++) {
    const wx = c & 1 ? tx : 1 - tx;
    const wy = c & 2 ? ty : 1 - ty;
    const wz = c & 4 ? tz : 1 - tz;
    const w = wx * wy * wz;
    if (w === 0) continue;
    sum += w * energies[idx(i0 + (c & 1), j0 + ((c >> 1) & 1), k0 + ((c >> 2) & 1))]!;
  }
  return sum;
}

/** Fractional coordinates of pixel (i, j). */
export function pixelFrac(g: SliceGeometry, i: number, j: number): Vec3 {
  const s = i / g.width;
  const t = j / g.height;
  return [0, 1, 2].map((d) => g.origin[d]! + s * g.u[d]! + t * g.v[d]!) as Vec3;
}

export function computeSlice(energies: ArrayLike<number>, grid: GridSpec, lattice: ArrayLike<number>, plane: SlicePlane, maxPixels = 400): Slice {
  const g = sliceGeometry(plane, lattice, grid, maxPixels);
  const values = new Float32Array(g.width * g.height);
  for (let j = 0; j < g.height; j++) for (let i = 0; i < g.width; i++) values[i + g.width * j] = sampleGrid(energies, grid, pixelFrac(g, i, j));
  return { ...g, values };
}

// ---- colour map ---------------------------------------------------------------------------------

/** Anchors of matplotlib's viridis (perceptually uniform, colour-blind safe), interpolated linearly. */
const VIRIDIS: [number, number, number][] = [
  [0x44, 0x01, 0x54],
  [0x48, 0x28, 0x78],
  [0x3e, 0x4a, 0x89],
  [0x31, 0x68, 0x8e],
  [0x26, 0x82, 0x8e],
  [0x1f, 0x9e, 0x89],
  [0x35, 0xb7, 0x79],
  [0x6e, 0xce, 0x58],
  [0xb5, 0xde, 0x2b],
  [0xfd, 0xe7, 0x25],
];

/** RGB (0..255) for t in [0, 1] (clamped); NaN maps to grey. */
export function colormap(t: number): [number, number, number] {
  if (Number.isNaN(t)) return [128, 128, 128];
  const x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i]!,
    b = VIRIDIS[i + 1]!;
  return [0, 1, 2].map((d) => Math.round(a[d]! + f * (b[d]! - a[d]!))) as [number, number, number];
}

/** Energy range shown by the colour map: E_min up to 1.5× the highest threshold (at least 0.5 eV above E_min). */
export function colorRange(eMin: number, barriers: (number | null)[]): [number, number] {
  const finite = barriers.filter((b): b is number => b !== null && Number.isFinite(b));
  const span = finite.length ? Math.max(0.5, 1.5 * Math.max(...finite)) : 2;
  return [eMin, eMin + span];
}

/** RGBA bytes of the slice image under the colour map. */
export function sliceRgba(slice: Slice, range: [number, number]): Uint8ClampedArray {
  const out = new Uint8ClampedArray(4 * slice.values.length);
  const span = range[1] - range[0];
  for (let p = 0; p < slice.values.length; p++) {
    const c = colormap((slice.values[p]! - range[0]) / span);
    out[4 * p] = c[0];
    out[4 * p + 1] = c[1];
    out[4 * p + 2] = c[2];
    out[4 * p + 3] = 255;
  }
  return out;
}

// ---- contours -----------------------------------------------------------------------------------

/**
 * Marching squares at `level` over the pixel centres (pixel (i, j)'s centre at (i + 0.5, j + 0.5)):
 * line segments x1 y1 x2 y2 in image coordinates. Saddle cells are split by the cell-centre average.
 */
export function contourSegments(values: ArrayLike<number>, width: number, height: number, level: number): number[] {
  const seg: number[] = [];
  const v = (i: number, j: number) => values[i + width * j]!;
  for (let j = 0; j + 1 < height; j++)
    for (let i = 0; i + 1 < width; i++) {
      const c = [v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1)];
      const corners: [number, number][] = [
        [i, j],
        [i + 1, j],
        [i + 1, j + 1],
        [i, j + 1],
      ];
      let mask = 0;
      for (let q = 0; q < 4; q++) if (c[q]! > level) mask |= 1 << q;
      if (mask === 0 || mask === 15) continue;
      // Crossing point on edge q (corner q to corner q+1).
      const edge = (q: number): [number, number] => {
        const a = c[q]!,
          b = c[(q + 1) % 4]!;
        const t = a === b || !Number.isFinite(a - b) ? 0.5 : (level - a) / (b - a);
        const pa = corners[q]!,
          pb = corners[(q + 1) % 4]!;
        return [pa[0] + t * (pb[0] - pa[0]) + 0.5, pa[1] + t * (pb[1] - pa[1]) + 0.5];
      };
      const crossing = [0, 1, 2, 3].filter((q) => ((mask >> q) & 1) !== ((mask >> ((q + 1) % 4)) & 1));
      if (crossing.length === 2) {
        seg.push(...edge(crossing[0]!), ...edge(crossing[1]!));
      } else {
        // Four crossings (diagonal corners above): pair the edges by the centre value.
        const centre = (c[0]! + c[1]! + c[2]! + c[3]!) / 4;
        const centreAbove = centre > level;
        const firstAbove = ((mask >> 0) & 1) === 1;
        if (centreAbove === firstAbove) seg.push(...edge(3), ...edge(2), ...edge(0), ...edge(1));
        else seg.push(...edge(0), ...edge(3), ...edge(1), ...edge(2));
      }
    }
  return seg;
}
