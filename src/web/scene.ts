// What the 3D view shows, as plain arrays that either renderer (WebGPU, Canvas 2D) draws:
// spheres (atoms, migration-path beads, sites, saddles), line segments (the unit cell) and the isosurface.
import type { Structure } from '../structure/types.js';
import type { BasinSite, MigrationPath } from '../percolation/types.js';
import { atomStyle } from './element-style.js';

export interface Spheres {
  /** x, y, z (Å), radius, per sphere. */
  centers: Float32Array;
  /** r, g, b, a (0..1) per sphere. */
  colors: Float32Array;
  count: number;
}

export interface Lines {
  /** Segment endpoints, x, y, z (Å), two vertices per segment. */
  positions: Float32Array;
  /** r, g, b, a per vertex. */
  colors: Float32Array;
  count: number;
}

export interface Scene {
  spheres: Spheres;
  lines: Lines;
  /** Centre and radius (Å) of a sphere that holds the cell: the camera frames it. */
  center: [number, number, number];
  radius: number;
  /** Elements shown, for the legend. */
  elements: string[];
}

export const PATH_COLOR: [number, number, number, number] = [1.0, 0.55, 0.0, 1];
export const SITE_COLOR: [number, number, number, number] = [0.1, 0.8, 0.3, 1];
export const SADDLE_COLOR: [number, number, number, number] = [0.9, 0.1, 0.1, 1];
const CELL_COLOR: [number, number, number, number] = [0.15, 0.15, 0.2, 1];

type Mat = ArrayLike<number>;
function toCart(m: Mat, a: number, b: number, c: number): [number, number, number] {
  return [a * m[0]! + b * m[3]! + c * m[6]!, a * m[1]! + b * m[4]! + c * m[7]!, a * m[2]! + b * m[5]! + c * m[8]!];
}

/** Fractional images of a position in [0,1)³ that also lie on the cell's faces (0 → 0 and 1), so a face-centred atom shows on both faces. */
function faceImages(frac: ArrayLike<number>, tol = 1e-3): [number, number, number][] {
  const axes = [0, 1, 2].map((d) => {
    let x = frac[d]! - Math.floor(frac[d]!);
    if (x > 1 - tol) x -= 1;
    return Math.abs(x) < tol ? [x, x + 1] : [x];
  });
  const out: [number, number, number][] = [];
  for (const a of axes[0]!) for (const b of axes[1]!) for (const c of axes[2]!) out.push([a, b, c]);
  return out;
}

export interface SceneInput {
  structure: Structure;
  paths?: MigrationPath[];
  sites?: BasinSite[];
  /** Beads along the path are spaced about this far apart (Å). */
  beadSpacing?: number;
}

export function buildScene(input: SceneInput): Scene {
  const m = input.structure.lattice.matrix;
  const centers: number[] = [];
  const colors: number[] = [];
  const elements = new Set<string>();
  const sphere = (p: [number, number, number], r: number, c: readonly number[]) => {
    centers.push(p[0], p[1], p[2], r);
    colors.push(c[0]!, c[1]!, c[2]!, c[3] ?? 1);
  };

  for (const site of input.structure.sites) {
    // The majority species colours a (partially occupied) site.
    const main = site.species.reduce((best, s) => (s.occupancy > best.occupancy ? s : best), site.species[0]!);
    elements.add(main.element);
    const style = atomStyle(main.element);
    for (const f of faceImages(site.frac)) sphere(toCart(m, f[0], f[1], f[2]), style.radius, [...style.color, 1]);
  }

  const spacing = input.beadSpacing ?? 0.18;
  const wrap = (x: number) => {
    const w = x - Math.floor(x);
    return w > 1 - 1e-9 ? 0 : w;
  };
  for (const path of input.paths ?? []) {
    // The path is drawn folded into the home cell; where it crosses a face it restarts on the other side.
    const n = path.energies.length;
    let last: [number, number, number] | null = null;
    let lastFrac: [number, number, number] | null = null;
    for (let i = 0; i < n; i++) {
      const f: [number, number, number] = [wrap(path.frac[3 * i]!), wrap(path.frac[3 * i + 1]!), wrap(path.frac[3 * i + 2]!)];
      const p = toCart(m, f[0], f[1], f[2]);
      const jumped = lastFrac !== null && f.some((x, d) => Math.abs(x - lastFrac![d]!) > 0.5);
      if (last && !jumped) {
        const d = Math.hypot(p[0] - last[0], p[1] - last[1], p[2] - last[2]);
        const steps = Math.max(1, Math.ceil(d / spacing));
        for (let s = 1; s <= steps; s++) {
          const t = s / steps;
          sphere([last[0] + t * (p[0] - last[0]), last[1] + t * (p[1] - last[1]), last[2] + t * (p[2] - last[2])], 0.07, PATH_COLOR);
        }
      } else sphere(p, 0.07, PATH_COLOR);
      last = p;
      lastFrac = f;
    }
    const s = path.saddle.frac;
    sphere(toCart(m, wrap(s[0]), wrap(s[1]), wrap(s[2])), 0.14, SADDLE_COLOR);
  }
  for (const site of input.sites ?? []) sphere(toCart(m, site.frac[0], site.frac[1], site.frac[2]), 0.16, SITE_COLOR);

  // The 12 cell edges.
  const lp: number[] = [];
  const lc: number[] = [];
  const corners: [number, number, number][] = [];
  for (let c = 0; c < 8; c++) corners.push(toCart(m, c & 1, (c >> 1) & 1, (c >> 2) & 1));
  for (let a = 0; a < 8; a++)
    for (const bit of [1, 2, 4]) {
      if (a & bit) continue;
      const b = a | bit;
      lp.push(...corners[a]!, ...corners[b]!);
      lc.push(...CELL_COLOR, ...CELL_COLOR);
    }
  // Axis colours on the three edges from the origin: a red, b green, c blue.
  const axis: [number, number, number, number][] = [[0.85, 0.1, 0.1, 1], [0.1, 0.65, 0.1, 1], [0.1, 0.2, 0.9, 1]];
  for (let d = 0; d < 3; d++) {
    const e = corners[1 << d]!;
    lp.push(0, 0, 0, ...e);
    lc.push(...axis[d]!, ...axis[d]!);
  }

  const center = toCart(m, 0.5, 0.5, 0.5);
  let radius = 0;
  for (const c of corners) radius = Math.max(radius, Math.hypot(c[0] - center[0], c[1] - center[1], c[2] - center[2]));
  return {
    spheres: { centers: Float32Array.from(centers), colors: Float32Array.from(colors), count: centers.length / 4 },
    lines: { positions: Float32Array.from(lp), colors: Float32Array.from(lc), count: lp.length / 6 },
    center,
    radius: radius + 0.5,
    elements: [...elements].sort(),
  };
}
