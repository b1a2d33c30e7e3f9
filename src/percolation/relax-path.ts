// A migration path in real space. findPath returns a minimax path on the grid: right in its maximum (the
// barrier) but wandering through the low region in grid steps, so its length says little (β-Li3PS4: 19 Å
// for one 8.2 Å period). Two steps turn it into a path whose length means something, both driven only by
// the energy field:
//  1. shorten: the shortest route (A*, Euclidean step lengths, 26 grid neighbours) from the saddle to its
//     periodic image through points at or below the barrier, a diagonal step allowed only when the
//     interpolated field at its midpoint is too. The path still passes the saddle, so its maximum is the barrier.
//  2. relax: a string method (E, Ren & Vanden-Eijnden, J. Chem. Phys. 126, 164103 (2007)) on the trilinear
//     field: every inner point moves down the energy gradient perpendicular to the path, never above the
//     barrier, and the points are then spread evenly along the path again. The ends stay on the saddle and
//     its image, so the end is the start plus the winding lattice vector. The string settles on the
//     minimum-energy path through the channel's sites.
// Lengths are Cartesian distances between consecutive points.
import type { GridSpec } from '../grid/index.js';
import { GridWalker, type LatticeLike } from './grid-walk.js';
import { PeriodicField } from './field.js';
import { MinHeap } from './min-heap.js';
import type { MigrationPath } from './types.js';

export interface RelaxPathOptions {
  /** Maximum string iterations (default 2000); the string usually settles much earlier. */
  maxIterations?: number;
}

const CELL_RANGE = 8; // cell offsets searched per axis: −8..8 around the saddle's cell
const CELL_SPAN = 2 * CELL_RANGE + 1;

/**
 * Shortest route through the sublevel set {E ≤ E(saddle)} from the saddle to its image shifted by the
 * path's winding, as unwrapped fractional coordinates; null when the search exceeds its budget.
 */
function shortestRoute(energies: Float32Array, grid: GridSpec, field: PeriodicField, path: MigrationPath): number[] | null {
  const walker = new GridWalker(grid, 26);
  const threshold = path.saddle.energy;
  const saddle = path.saddle.index;
  const [wx, wy, wz] = path.winding;
  if (Math.max(Math.abs(wx), Math.abs(wy), Math.abs(wz)) >= CELL_RANGE) return null;
  const start = [0, 0, 0];
  field.toCart(path.frac[0]!, path.frac[1]!, path.frac[2]!, start);
  const m = field.matrix;
  const stepLength = new Float64Array(walker.directions);
  const off: number[][] = [];
  for (let d = 0; d < walker.directions; d++) {
    // Probe the offset of direction d from a grid point away from the faces.
    const p = (1 % grid.nx) + grid.nx * ((1 % grid.ny) + grid.ny * (1 % grid.nz));
    const q = walker.step(p, d);
    const a = walker.frac(p),
      b = walker.frac(q, walker.wx, walker.wy, walker.wz);
    const df = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    off.push(df);
    stepLength[d] = Math.hypot(
      df[0]! * m[0]! + df[1]! * m[3]! + df[2]! * m[6]!,
      df[0]! * m[1]! + df[1]! * m[4]! + df[2]! * m[7]!,
      df[0]! * m[2]! + df[1]! * m[5]! + df[2]! * m[8]!,
    );
  }
  const goal = [
    start[0]! + wx * m[0]! + wy * m[3]! + wz * m[6]!,
    start[1]! + wx * m[1]! + wy * m[4]! + wz * m[7]!,
    start[2]! + wx * m[2]! + wy * m[5]! + wz * m[8]!,
  ];
  const cellCode = (cx: number, cy: number, cz: number) => cx + CELL_RANGE + CELL_SPAN * (cy + CELL_RANGE + CELL_SPAN * (cz + CELL_RANGE));
  const n = walker.n;
  const goalKey = saddle + n * cellCode(wx, wy, wz);
  // Budget: a few cells' worth of points, at most 2 million states (~200 MB); beyond it the grid path is kept.
  const budget = Math.min(4 * n, 2_000_000) + 100_000;

  const idOf = new Map<number, number>();
  const keys: number[] = [];
  const cost: number[] = [];
  const parent: number[] = [];
  const closed: boolean[] = [];
  const heap = new MinHeap();
  const pos = [0, 0, 0];
  const heuristic = (p: number, cx: number, cy: number, cz: number) => {
    const f = walker.frac(p, cx, cy, cz);
    field.toCart(f[0], f[1], f[2], pos);
    return Math.hypot(goal[0]! - pos[0]!, goal[1]! - pos[1]!, goal[2]! - pos[2]!);
  };
  const open = (key: number, g: number, from: number, h: number) => {
    let id = idOf.get(key);
    if (id === undefined) {
      id = keys.length;
      idOf.set(key, id);
      keys.push(key);
      cost.push(g);
      parent.push(from);
      closed.push(false);
    } else if (closed[id] || cost[id]! <= g) return;
    else {
      cost[id] = g;
      parent[id] = from;
    }
    heap.push(g + h, id);
  };
  open(saddle + n * cellCode(0, 0, 0), 0, -1, heuristic(saddle, 0, 0, 0));
  let reached = -1;
  while (heap.size > 0) {
    const id = heap.pop();
    if (closed[id]) continue;
    closed[id] = true;
    const key = keys[id]!;
    if (key === goalKey) {
      reached = id;
      break;
    }
    if (keys.length > budget) return null;
    const p = key % n;
    let code = (key - p) / n;
    const cx = (code % CELL_SPAN) - CELL_RANGE;
    code = Math.floor(code / CELL_SPAN);
    const cy = (code % CELL_SPAN) - CELL_RANGE;
    const cz = Math.floor(code / CELL_SPAN) - CELL_RANGE;
    const fp = walker.frac(p, cx, cy, cz);
    for (let d = 0; d < walker.directions; d++) {
      const q = walker.step(p, d);
      if (!(energies[q]! <= threshold)) continue;
      const qx = cx + walker.wx,
        qy = cy + walker.wy,
        qz = cz + walker.wz;
      if (Math.abs(qx) > CELL_RANGE || Math.abs(qy) > CELL_RANGE || Math.abs(qz) > CELL_RANGE) continue;
      // A diagonal step crosses a grid cell: allowed only when the field is below the barrier half way.
      if (d >= 6) {
        const o = off[d]!;
        if (!(field.sampleFrac(fp[0] + o[0]! / 2, fp[1] + o[1]! / 2, fp[2] + o[2]! / 2) <= threshold)) continue;
      }
      open(q + n * cellCode(qx, qy, qz), cost[id]! + stepLength[d]!, id, heuristic(q, qx, qy, qz));
    }
  }
  if (reached < 0) return null;
  const out: number[] = [];
  for (let id = reached; id >= 0; id = parent[id]!) {
    const key = keys[id]!;
    const p = key % n;
    let code = (key - p) / n;
    const cx = (code % CELL_SPAN) - CELL_RANGE;
    code = Math.floor(code / CELL_SPAN);
    const cy = (code % CELL_SPAN) - CELL_RANGE;
    const cz = Math.floor(code / CELL_SPAN) - CELL_RANGE;
    const f = walker.frac(p, cx, cy, cz);
    out.push(f[2], f[1], f[0]); // reversed below
  }
  return out.reverse();
}

/** Cumulative Cartesian lengths of a polyline given as flat xyz triples. */
function cumulative(xyz: Float64Array, out: Float64Array): void {
  out[0] = 0;
  for (let i = 1; i < out.length; i++) {
    out[i] = out[i - 1]! + Math.hypot(xyz[3 * i]! - xyz[3 * i - 3]!, xyz[3 * i + 1]! - xyz[3 * i - 2]!, xyz[3 * i + 2]! - xyz[3 * i - 1]!);
  }
}

/** Places `count` points evenly along a polyline (flat xyz, with cumulative lengths s). */
function resample(xyz: Float64Array, s: Float64Array, count: number): Float64Array {
  const out = new Float64Array(3 * count);
  const total = s[s.length - 1]!;
  let seg = 1;
  for (let i = 0; i < count; i++) {
    const target = (total * i) / (count - 1);
    while (seg < s.length - 1 && s[seg]! < target) seg++;
    const span = s[seg]! - s[seg - 1]!;
    const t = span > 0 ? Math.min(1, Math.max(0, (target - s[seg - 1]!) / span)) : 0;
    for (let m = 0; m < 3; m++) out[3 * i + m] = xyz[3 * seg - 3 + m]! + (xyz[3 * seg + m]! - xyz[3 * seg - 3 + m]!) * t;
  }
  // The ends exactly as given.
  for (let m = 0; m < 3; m++) {
    out[m] = xyz[m]!;
    out[3 * count - 3 + m] = xyz[xyz.length - 3 + m]!;
  }
  return out;
}

/**
 * The real-space migration path for a grid path from findPath: shortened within the region at or below the
 * barrier, then relaxed onto the minimum-energy path (see the file comment). Same saddle, winding and
 * barrier; points are off-grid (indices give the nearest grid point), energies interpolated from the grid.
 */
export function relaxPath(path: MigrationPath, energies: Float32Array, grid: GridSpec, lattice: LatticeLike, opts: RelaxPathOptions = {}): MigrationPath {
  const field = new PeriodicField(energies, grid, lattice);
  const threshold = path.saddle.energy;
  const h = field.spacing;
  const gridLength = path.lengthsA[path.lengthsA.length - 1]!;

  // 1. The shortest route in the sublevel set (or the grid path itself when the search is too large).
  const route = shortestRoute(energies, grid, field, path) ?? Array.from(path.frac);
  const routeCount = route.length / 3;
  let xyz: Float64Array = new Float64Array(route.length);
  for (let i = 0; i < routeCount; i++) field.toCart(route[3 * i]!, route[3 * i + 1]!, route[3 * i + 2]!, xyz, 3 * i);
  const s = new Float64Array(routeCount);
  cumulative(xyz, s);

  // 2. The string: points about one grid spacing apart, moved by at most a fifth of one per iteration.
  const count = Math.max(3, Math.ceil(s[routeCount - 1]! / h) + 1);
  xyz = resample(xyz, s, count);
  const lengths = new Float64Array(count);
  const maxStep = 0.2 * h;
  const maxIterations = opts.maxIterations ?? 2000;
  const next = new Float64Array(3 * count);
  for (let iter = 0; iter < maxIterations; iter++) {
    next.set(xyz);
    let moved = 0;
    for (let i = 1; i < count - 1; i++) {
      const x = xyz[3 * i]!,
        y = xyz[3 * i + 1]!,
        z = xyz[3 * i + 2]!;
      field.sample(x, y, z);
      let tx = xyz[3 * i + 3]! - xyz[3 * i - 3]!,
        ty = xyz[3 * i + 4]! - xyz[3 * i - 2]!,
        tz = xyz[3 * i + 5]! - xyz[3 * i - 1]!;
      const tn = Math.hypot(tx, ty, tz);
      if (tn === 0) continue;
      tx /= tn;
      ty /= tn;
      tz /= tn;
      const along = field.gx * tx + field.gy * ty + field.gz * tz;
      const px = field.gx - along * tx,
        py = field.gy - along * ty,
        pz = field.gz - along * tz;
      const g = Math.hypot(px, py, pz);
      if (!(g > 0) || !Number.isFinite(g)) continue;
      // Steepest descent across the path, capped; halved until the new point stays at or below the barrier.
      let step = Math.min(maxStep, 0.05 * g * h) / g;
      for (let tries = 0; tries < 4; tries++, step /= 2) {
        const nx = x - step * px,
          ny = y - step * py,
          nz = z - step * pz;
        if (field.sample(nx, ny, nz) <= threshold) {
          next[3 * i] = nx;
          next[3 * i + 1] = ny;
          next[3 * i + 2] = nz;
          moved = Math.max(moved, step * g);
          break;
        }
      }
    }
    // Spread the points evenly again; keep the old string if that would lift a point above the barrier.
    cumulative(next, lengths);
    const spread = resample(next, lengths, count);
    let inside = true;
    for (let i = 1; i < count - 1 && inside; i++) inside = field.sample(spread[3 * i]!, spread[3 * i + 1]!, spread[3 * i + 2]!) <= threshold;
    xyz = inside ? spread : next;
    if (moved < 1e-4 * h) break;
  }

  // Output: unwrapped fractional coordinates, interpolated energies, Cartesian lengths.
  cumulative(xyz, lengths);
  const frac = new Float64Array(3 * count);
  const indices = new Uint32Array(count);
  const pathEnergies = new Float32Array(count);
  const { nx, ny, nz } = grid;
  for (let i = 0; i < count; i++) {
    field.toFrac(xyz[3 * i]!, xyz[3 * i + 1]!, xyz[3 * i + 2]!, frac, 3 * i);
    const wrap = (f: number, n: number) => ((Math.round(f * n) % n) + n) % n;
    indices[i] = wrap(frac[3 * i]!, nx) + nx * (wrap(frac[3 * i + 1]!, ny) + ny * wrap(frac[3 * i + 2]!, nz));
    pathEnergies[i] = field.sampleFrac(frac[3 * i]!, frac[3 * i + 1]!, frac[3 * i + 2]!);
  }
  // The ends are the saddle and its image exactly.
  for (let m = 0; m < 3; m++) {
    frac[m] = path.frac[m]!;
    frac[3 * count - 3 + m] = path.frac[m]! + path.winding[m]!;
  }
  indices[0] = indices[count - 1] = path.saddle.index;
  pathEnergies[0] = pathEnergies[count - 1] = threshold;
  return { ...path, frac, indices, energies: pathEnergies, lengthsA: lengths, gridLengthA: gridLength };
}
