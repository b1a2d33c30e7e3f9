// What the 3D view shows, as plain arrays that either renderer (WebGPU, Canvas 2D) draws: spheres
// (atoms, migration-path beads, sites, saddles), line segments (cell edges, a/b/c axes), translucent
// triangles (coordination polyhedra); the isosurface comes separately (isosurface.ts). Every sphere
// that stands for something (an atom, a site, a saddle) carries a description for the hover label.
import type { Structure } from '../structure/types.js';
import type { BasinSite, MigrationPath } from '../percolation/types.js';
import { atomStyle } from './element-style.js';
import { rateColor, type HopRate, type RateScale, type ShownHop } from './network-scene.js';
import { AXIS_COLORS, CELL_COLOR, HOP_COLOR, PATH_COLOR, SADDLE_COLOR, SITE_COLOR } from './palette.js';
import { coordinationPolyhedra } from './polyhedra.js';

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

export interface Triangles {
  /** x, y, z (Å) per vertex, three vertices per triangle. */
  positions: Float32Array;
  normals: Float32Array;
  /** r, g, b, a per vertex (straight alpha). */
  colors: Float32Array;
  count: number;
}

/** What a sphere stands for (hover label). */
export type Pick =
  | { kind: 'atom'; label: string; species: { element: string; occupancy: number; oxidation: number | null }[] }
  | { kind: 'site'; id: number; energyClass: number; energyClassSize: number; relativeEnergy: number; symmetry: string | null }
  | { kind: 'saddle'; dimension: string; energy: number }
  /** A saddle of the continuum network: E_saddle − E_min, the barrier from each end, its bottleneck dimensions. */
  | {
      kind: 'hop-saddle';
      id: number;
      status: string;
      energy: number;
      barriers: [number, number];
      bottleneck: string[];
      /** Rate (1/s) out of each end at temperatureK, when the hops are coloured by rate. */
      rates?: [number, number];
      temperatureK?: number;
    };

export interface Scene {
  spheres: Spheres;
  lines: Lines;
  triangles: Triangles;
  /** Per sphere: what it is, or null (path beads). */
  picks: (Pick | null)[];
  /** Centre and radius (Å) of a sphere that holds the cells: the camera frames it. */
  center: [number, number, number];
  radius: number;
  /** Elements in the structure (for the legend and the visibility toggles). */
  elements: string[];
  /** Tips of the a, b, c axes (Å) from the origin, for the axis labels. */
  axisTips: [number, number, number][];
  /** Network saddle markers and hop segments (minimum → saddle, saddle → minimum) drawn, over all cells. */
  hopSaddles: number;
  hopSegments: number;
}

export interface SceneOptions {
  /** Unit cells along a, b, c (1–3). */
  supercell?: [number, number, number];
  hiddenElements?: ReadonlySet<string>;
  showPath?: boolean;
  showSites?: boolean;
  showPolyhedra?: boolean;
  /** The continuum network's saddles and hops. */
  showHops?: boolean;
  /** The mobile element: not a framework cation, so no polyhedron. */
  mobileElement?: string;
}

export interface SceneInput extends SceneOptions {
  structure: Structure;
  paths?: MigrationPath[];
  sites?: BasinSite[];
  /** Saddles and hops of the continuum network (network-scene.ts). */
  hops?: ShownHop[];
  /** Hop rates (same order as `hops`) at a temperature: each half of a hop takes the colour of the rate out of its end. */
  hopRates?: { rates: HopRate[]; scale: RateScale; temperatureK: number };
  /** Per basin site id: its symmetry class in words ("Wyckoff 4c, Li1" or "interstitial 8f"). */
  siteSymmetry?: ReadonlyMap<number, string>;
  /** Beads along the path are spaced about this far apart (Å). */
  beadSpacing?: number;
}

type Mat = ArrayLike<number>;
type V3 = [number, number, number];
function toCart(m: Mat, a: number, b: number, c: number): V3 {
  return [a * m[0]! + b * m[3]! + c * m[6]!, a * m[1]! + b * m[4]! + c * m[7]!, a * m[2]! + b * m[5]! + c * m[8]!];
}

/** Images of a fractional position inside the n-cell box [0, n]: every cell, plus the far face for positions on a face. */
function boxImages(frac: ArrayLike<number>, n: V3, tol = 1e-3): V3[] {
  const axes = [0, 1, 2].map((d) => {
    let x = frac[d]! - Math.floor(frac[d]!);
    if (x > 1 - tol) x -= 1;
    const out: number[] = [];
    for (let t = 0; t < n[d]!; t++) out.push(x + t);
    if (Math.abs(x) < tol) out.push(x + n[d]!);
    return out;
  });
  const out: V3[] = [];
  for (const a of axes[0]!) for (const b of axes[1]!) for (const c of axes[2]!) out.push([a, b, c]);
  return out;
}

export function buildScene(input: SceneInput): Scene {
  const m = input.structure.lattice.matrix;
  const n: V3 = input.supercell ?? [1, 1, 1];
  const hidden = input.hiddenElements ?? new Set<string>();
  const centers: number[] = [];
  const colors: number[] = [];
  const picks: (Pick | null)[] = [];
  const elements = new Set<string>();
  const sphere = (p: V3, r: number, c: readonly number[], pick: Pick | null) => {
    centers.push(p[0], p[1], p[2], r);
    colors.push(c[0]!, c[1]!, c[2]!, c[3] ?? 1);
    picks.push(pick);
  };
  const cells: V3[] = [];
  for (let i = 0; i < n[0]; i++) for (let j = 0; j < n[1]; j++) for (let k = 0; k < n[2]; k++) cells.push([i, j, k]);

  const polyCenters: { element: string; frac: V3 }[] = [];
  for (const site of input.structure.sites) {
    // The majority species colours a (partially occupied) site.
    const main = site.species.reduce((best, s) => (s.occupancy > best.occupancy ? s : best), site.species[0]!);
    for (const sp of site.species) elements.add(sp.element);
    if (hidden.has(main.element)) continue;
    const style = atomStyle(main.element);
    const pick: Pick = {
      kind: 'atom',
      label: site.label,
      species: site.species.map((s) => ({ element: s.element, occupancy: s.occupancy, oxidation: s.oxidation })),
    };
    const isCation = (main.oxidation ?? 0) > 0 && main.element !== input.mobileElement;
    for (const f of boxImages(site.frac, n)) {
      sphere(toCart(m, f[0], f[1], f[2]), style.radius, [...style.color, 1], pick);
      if (input.showPolyhedra && isCation && f.every((x, d) => x < n[d]! - 1e-3)) polyCenters.push({ element: main.element, frac: f });
    }
  }

  const spacing = input.beadSpacing ?? 0.18;
  const wrap = (x: number) => {
    const w = x - Math.floor(x);
    return w > 1 - 1e-9 ? 0 : w;
  };
  if (input.showPath ?? true)
    for (const path of input.paths ?? []) {
      // The path is drawn folded into each cell; where it crosses a face it restarts on the other side.
      const count = path.energies.length;
      for (const cell of cells) {
        let last: V3 | null = null;
        let lastFrac: V3 | null = null;
        for (let i = 0; i < count; i++) {
          const f: V3 = [wrap(path.frac[3 * i]!), wrap(path.frac[3 * i + 1]!), wrap(path.frac[3 * i + 2]!)];
          const p = toCart(m, f[0] + cell[0], f[1] + cell[1], f[2] + cell[2]);
          const jumped = lastFrac !== null && f.some((x, d) => Math.abs(x - lastFrac![d]!) > 0.5);
          if (last && !jumped) {
            const d = Math.hypot(p[0] - last[0], p[1] - last[1], p[2] - last[2]);
            const steps = Math.max(1, Math.ceil(d / spacing));
            for (let s = 1; s <= steps; s++) {
              const t = s / steps;
              sphere([last[0] + t * (p[0] - last[0]), last[1] + t * (p[1] - last[1]), last[2] + t * (p[2] - last[2])], 0.07, PATH_COLOR, null);
            }
          } else sphere(p, 0.07, PATH_COLOR, null);
          last = p;
          lastFrac = f;
        }
        const s = path.saddle.frac;
        sphere(toCart(m, wrap(s[0]) + cell[0], wrap(s[1]) + cell[1], wrap(s[2]) + cell[2]), 0.15, SADDLE_COLOR, {
          kind: 'saddle',
          dimension: path.dimension,
          energy: path.barrier,
        });
      }
    }
  if (input.showSites ?? true)
    for (const site of input.sites ?? [])
      for (const cell of cells)
        sphere(toCart(m, site.frac[0] + cell[0], site.frac[1] + cell[1], site.frac[2] + cell[2]), 0.17, SITE_COLOR, {
          kind: 'site',
          id: site.id,
          energyClass: site.energyClass,
          energyClassSize: site.energyClassSize,
          relativeEnergy: site.relativeEnergy,
          symmetry: input.siteSymmetry?.get(site.id) ?? null,
        });

  const lp: number[] = [];
  const lc: number[] = [];
  let hopSaddles = 0;
  let hopSegments = 0;
  if (input.showHops ?? true)
    (input.hops ?? []).forEach((hop, h) => {
      const pick: Pick = { kind: 'hop-saddle', id: hop.saddle, status: hop.status, energy: hop.energy, barriers: hop.barriers, bottleneck: hop.bottleneck };
      const rated = input.hopRates;
      const rate = rated?.rates[h];
      if (rated && rate) Object.assign(pick, { rates: rate.rates, temperatureK: rated.temperatureK });
      const colors: readonly (readonly number[])[] = rated && rate ? rate.rates.map((x) => rateColor(x, rated.scale)) : [HOP_COLOR, HOP_COLOR];
      for (const cell of cells) {
        const at = (f: V3) => toCart(m, f[0] + cell[0], f[1] + cell[1], f[2] + cell[2]);
        const s = at(hop.frac);
        // Bottlenecks drawn larger than the other saddles.
        sphere(s, hop.bottleneck.length ? 0.22 : 0.11, SADDLE_COLOR, pick);
        hopSaddles++;
        for (const k of [0, 1] as const) {
          const c = colors[k]!;
          lp.push(...at(hop.ends[k]), ...s);
          lc.push(c[0]!, c[1]!, c[2]!, c[3] ?? 1, c[0]!, c[1]!, c[2]!, c[3] ?? 1);
          hopSegments++;
        }
      }
    });

  // Cell edges of every unit cell shown.
  for (const cell of cells) {
    const corners: V3[] = [];
    for (let c = 0; c < 8; c++) corners.push(toCart(m, cell[0] + (c & 1), cell[1] + ((c >> 1) & 1), cell[2] + ((c >> 2) & 1)));
    for (let a = 0; a < 8; a++)
      for (const bit of [1, 2, 4]) {
        if (a & bit) continue;
        lp.push(...corners[a]!, ...corners[a | bit]!);
        lc.push(...CELL_COLOR, ...CELL_COLOR);
      }
  }
  // The a, b, c axes: coloured edges from the origin, labelled by the view.
  const axisTips: V3[] = [toCart(m, 1, 0, 0), toCart(m, 0, 1, 0), toCart(m, 0, 0, 1)];
  for (let d = 0; d < 3; d++) {
    lp.push(0, 0, 0, ...axisTips[d]!);
    lc.push(...AXIS_COLORS[d]!, ...AXIS_COLORS[d]!);
  }

  // Polyhedra: faces in the centre atom's colour, translucent; edges as dark lines.
  const tp: number[] = [];
  const tn: number[] = [];
  const tc: number[] = [];
  if (polyCenters.length) {
    for (const poly of coordinationPolyhedra(input.structure, polyCenters)) {
      const col = [...atomStyle(poly.element).color, 0.55];
      const edges = new Set<string>();
      for (const [a, b, c] of poly.faces) {
        const A = poly.vertices[a]!,
          B = poly.vertices[b]!,
          C = poly.vertices[c]!;
        const u: V3 = [B[0] - A[0], B[1] - A[1], B[2] - A[2]];
        const w: V3 = [C[0] - A[0], C[1] - A[1], C[2] - A[2]];
        const nrm: V3 = [u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]];
        for (const P of [A, B, C]) {
          tp.push(...P);
          tn.push(...nrm);
          tc.push(...col);
        }
        for (const [x, y] of [
          [a, b],
          [b, c],
          [c, a],
        ] as const)
          edges.add(x < y ? `${x},${y}` : `${y},${x}`);
      }
      for (const e of edges) {
        const [x, y] = e.split(',').map(Number) as [number, number];
        lp.push(...poly.vertices[x]!, ...poly.vertices[y]!);
        lc.push(0.3, 0.3, 0.35, 1, 0.3, 0.3, 0.35, 1);
      }
    }
  }

  const center = toCart(m, n[0] / 2, n[1] / 2, n[2] / 2);
  let radius = 0;
  for (let c = 0; c < 8; c++) {
    const p = toCart(m, n[0] * (c & 1), n[1] * ((c >> 1) & 1), n[2] * ((c >> 2) & 1));
    radius = Math.max(radius, Math.hypot(p[0] - center[0], p[1] - center[1], p[2] - center[2]));
  }
  return {
    spheres: { centers: Float32Array.from(centers), colors: Float32Array.from(colors), count: centers.length / 4 },
    lines: { positions: Float32Array.from(lp), colors: Float32Array.from(lc), count: lp.length / 6 },
    triangles: { positions: Float32Array.from(tp), normals: Float32Array.from(tn), colors: Float32Array.from(tc), count: tp.length / 9 },
    picks,
    center,
    radius: radius + 0.5,
    elements: [...elements].sort(),
    axisTips,
    hopSaddles,
    hopSegments,
  };
}

/** The isosurface mesh of one cell repeated over the supercell. */
export function tileMesh(positions: Float32Array, normals: Float32Array, m: Mat, n: V3): { positions: Float32Array; normals: Float32Array } {
  const count = n[0] * n[1] * n[2];
  if (count === 1) return { positions, normals };
  const p = new Float32Array(positions.length * count);
  const q = new Float32Array(normals.length * count);
  let o = 0;
  for (let i = 0; i < n[0]; i++)
    for (let j = 0; j < n[1]; j++)
      for (let k = 0; k < n[2]; k++) {
        const t = toCart(m, i, j, k);
        for (let v = 0; v < positions.length; v += 3) {
          p[o + v] = positions[v]! + t[0];
          p[o + v + 1] = positions[v + 1]! + t[1];
          p[o + v + 2] = positions[v + 2]! + t[2];
        }
        q.set(normals, o);
        o += positions.length;
      }
  return { positions: p, normals: q };
}
