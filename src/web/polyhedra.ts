// Coordination polyhedra of the framework cations for the 3D view: each cation's anion neighbours
// within 1.2× its shortest cation–anion distance (and 3.5 Å), and the faces of their convex hull.
import type { Structure } from '../structure/types.js';

export interface Polyhedron {
  element: string;
  /** Centre (Å) and ligand positions (Å). */
  center: [number, number, number];
  vertices: [number, number, number][];
  /** Triangles as vertex-index triples, outward orientation not guaranteed (drawn two-sided). */
  faces: [number, number, number][];
}

const MAX_BOND = 3.5;
const RELATIVE_SHELL = 1.2;

type P = [number, number, number];
const sub = (a: P, b: P): P => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: P, b: P) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const crossP = (a: P, b: P): P => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/** Faces of the convex hull of a few points (≤ ~16): every supporting plane, its points fan-triangulated in angular order. */
export function hullFaces(pts: P[]): [number, number, number][] {
  const n = pts.length;
  const faces: [number, number, number][] = [];
  const seen = new Set<string>();
  const scale = Math.max(1e-9, ...pts.map((p) => Math.hypot(...sub(p, pts[0]!))));
  const eps = 1e-3 * scale;
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++)
      for (let c = b + 1; c < n; c++) {
        const normal = crossP(sub(pts[b]!, pts[a]!), sub(pts[c]!, pts[a]!));
        const len = Math.hypot(...normal);
        if (len < eps * eps) continue;
        const nn: P = [normal[0] / len, normal[1] / len, normal[2] / len];
        let above = 0,
          below = 0;
        const onPlane: number[] = [];
        for (let q = 0; q < n; q++) {
          const d = dot(sub(pts[q]!, pts[a]!), nn);
          if (d > eps) above++;
          else if (d < -eps) below++;
          else onPlane.push(q);
        }
        if (above > 0 && below > 0) continue;
        const key = onPlane.join(',');
        if (seen.has(key)) continue;
        seen.add(key);
        // Order the plane's points by angle around their centroid, then fan.
        const cen = onPlane.reduce<P>(
          (s, q) => [s[0] + pts[q]![0] / onPlane.length, s[1] + pts[q]![1] / onPlane.length, s[2] + pts[q]![2] / onPlane.length],
          [0, 0, 0],
        );
        const e1 = sub(pts[onPlane[0]!]!, cen);
        const e2 = crossP(nn, e1);
        const ordered = [...onPlane].sort((p, q) => {
          const dp = sub(pts[p]!, cen),
            dq = sub(pts[q]!, cen);
          return Math.atan2(dot(dp, e2), dot(dp, e1)) - Math.atan2(dot(dq, e2), dot(dq, e1));
        });
        for (let k = 1; k + 1 < ordered.length; k++) faces.push([ordered[0]!, ordered[k]!, ordered[k + 1]!]);
      }
  return faces;
}

/**
 * Polyhedra around the cation sites whose positions (Å) are given in `centers` (already placed in the
 * displayed cells); ligands are anion images anywhere around them. The mobile element is not a framework
 * cation and gets none.
 */
export function coordinationPolyhedra(structure: Structure, centers: { element: string; frac: P }[]): Polyhedron[] {
  const m = structure.lattice.matrix;
  const toCart = (f: P): P => [
    f[0] * m[0]! + f[1] * m[3]! + f[2] * m[6]!,
    f[0] * m[1]! + f[1] * m[4]! + f[2] * m[7]!,
    f[0] * m[2]! + f[1] * m[5]! + f[2] * m[8]!,
  ];
  const anions = structure.sites.filter((s) => s.species.some((sp) => (sp.oxidation ?? 0) < 0)).map((s) => s.frac as P);
  const out: Polyhedron[] = [];
  for (const c of centers) {
    const cc = toCart(c.frac);
    const found: { p: P; d: number }[] = [];
    for (const a of anions) {
      // Images of the anion within one cell of the centre.
      const base: P = [a[0] - Math.floor(a[0] - c.frac[0] + 0.5), a[1] - Math.floor(a[1] - c.frac[1] + 0.5), a[2] - Math.floor(a[2] - c.frac[2] + 0.5)];
      for (let i = -1; i <= 1; i++)
        for (let j = -1; j <= 1; j++)
          for (let k = -1; k <= 1; k++) {
            const p = toCart([base[0] + i, base[1] + j, base[2] + k]);
            const d = Math.hypot(...sub(p, cc));
            if (d < MAX_BOND && d > 0.5) found.push({ p, d });
          }
    }
    if (found.length < 4) continue;
    const dmin = Math.min(...found.map((f) => f.d));
    const shell = found.filter((f) => f.d <= RELATIVE_SHELL * dmin).map((f) => f.p);
    if (shell.length < 4) continue;
    const faces = hullFaces(shell);
    if (faces.length < 4) continue;
    out.push({ element: c.element, center: cc, vertices: shell, faces });
  }
  return out;
}
