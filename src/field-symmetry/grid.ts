// Symmetry on a sampling grid: which space-group operations map the grid's points onto grid points, their images
// in integer arithmetic, and a plan that evaluates one point per orbit, brick by brick, and fills the rest.
import type { GridSpec } from '../grid/index.js';
import type { SymOp } from '../structure/space-group.js';

/** Integers per operation in GridSymmetry.maps: the 3×3 index matrix (row-major), then the shift. */
const MAP_STRIDE = 12;

/**
 * The operations that map `grid` onto itself. Operation o sends point (i, j, k) to
 * (M·(i, j, k) + s) mod (nx, ny, nz), with M = maps[12o .. 12o+8] (row-major) and s = maps[12o+9 .. 12o+11] in [0, n).
 */
export interface GridSymmetry {
  grid: GridSpec;
  /** The commensurate operations, identity first: a subgroup of the operations given. */
  operations: SymOp[];
  maps: Int32Array;
}

/**
 * Keeps the operations under which the grid is invariant. Point i/n goes to R·(i/n) + t, whose index along axis r is
 * Σ_c R[r][c]·(n_r/n_c)·i_c + t_r·n_r: a grid map iff each R[r][c]·n_r/n_c and each t_r·n_r is an integer (to 1e-6).
 * Products of grid maps are grid maps, so the kept operations are a subgroup; the identity is always kept.
 */
export function gridSymmetry(ops: readonly SymOp[], grid: GridSpec): GridSymmetry {
  const n = [grid.nx, grid.ny, grid.nz];
  const kept: SymOp[] = [];
  const maps: number[] = [];
  const isInt = (x: number) => Math.abs(x - Math.round(x)) <= 1e-6;
  let haveIdentity = false;
  for (const op of ops) {
    const map = new Array<number>(MAP_STRIDE);
    let ok = true;
    for (let r = 0; r < 3 && ok; r++) {
      for (let c = 0; c < 3; c++) {
        const v = (op.rot[3 * r + c]! * n[r]!) / n[c]!;
        if (!isInt(v)) ok = false;
        map[3 * r + c] = Math.round(v);
      }
      const t = op.trans[r]! * n[r]!;
      if (!isInt(t)) ok = false;
      map[9 + r] = mod(Math.round(t), n[r]!);
    }
    if (!ok) continue;
    const identity = map.every((v, i) => v === (i < 9 ? (i % 4 === 0 ? 1 : 0) : 0));
    if (identity) {
      if (haveIdentity) continue;
      haveIdentity = true;
      kept.unshift(op);
      maps.unshift(...map);
    } else {
      kept.push(op);
      maps.push(...map);
    }
  }
  if (!haveIdentity) {
    kept.unshift({ rot: Int8Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), trans: [0, 0, 0] });
    maps.unshift(1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0);
  }
  return { grid: { nx: grid.nx, ny: grid.ny, nz: grid.nz }, operations: kept, maps: Int32Array.from(maps) };
}

function mod(x: number, n: number): number {
  // Images of in-grid points land within one period of the grid for the usual ±1 rotation entries: skip the division.
  if (x >= 0) return x < n ? x : x < 2 * n ? x - n : x % n;
  if (x >= -n) return x + n;
  const r = x % n;
  return r < 0 ? r + n : r;
}

/** The flat index (i + nx·(j + ny·k)) of the image of point (i, j, k) under operation `op` of `sym`. */
export function gridImage(sym: GridSymmetry, op: number, i: number, j: number, k: number): number {
  const m = sym.maps,
    o = MAP_STRIDE * op;
  const { nx, ny, nz } = sym.grid;
  const a = mod(m[o]! * i + m[o + 1]! * j + m[o + 2]! * k + m[o + 9]!, nx);
  const b = mod(m[o + 3]! * i + m[o + 4]! * j + m[o + 5]! * k + m[o + 10]!, ny);
  const c = mod(m[o + 6]! * i + m[o + 7]! * j + m[o + 8]! * k + m[o + 11]!, nz);
  return a + nx * (b + ny * c);
}

/** The image (i', j', k') of point (i, j, k) under operation `op` of `sym`, written to out[0..2]. Returns out. */
export function gridImageOf(sym: GridSymmetry, op: number, i: number, j: number, k: number, out: Int32Array): Int32Array {
  const m = sym.maps,
    o = MAP_STRIDE * op;
  const { nx, ny, nz } = sym.grid;
  out[0] = mod(m[o]! * i + m[o + 1]! * j + m[o + 2]! * k + m[o + 9]!, nx);
  out[1] = mod(m[o + 3]! * i + m[o + 4]! * j + m[o + 5]! * k + m[o + 10]!, ny);
  out[2] = mod(m[o + 6]! * i + m[o + 7]! * j + m[o + 8]! * k + m[o + 11]!, nz);
  return out;
}

/**
 * The images of point (i, j, k) under every operation, as (i', j', k') triples: out[3o], out[3o+1], out[3o+2] for
 * operation o (out needs 3·operations.length entries). Returns out.
 */
export function gridImageCoords(sym: GridSymmetry, i: number, j: number, k: number, out: Int32Array): Int32Array {
  const m = sym.maps;
  const { nx, ny, nz } = sym.grid;
  for (let op = 0, o = 0; op < sym.operations.length; op++, o += MAP_STRIDE) {
    out[3 * op] = mod(m[o]! * i + m[o + 1]! * j + m[o + 2]! * k + m[o + 9]!, nx);
    out[3 * op + 1] = mod(m[o + 3]! * i + m[o + 4]! * j + m[o + 5]! * k + m[o + 10]!, ny);
    out[3 * op + 2] = mod(m[o + 6]! * i + m[o + 7]! * j + m[o + 8]! * k + m[o + 11]!, nz);
  }
  return out;
}

/**
 * The orbit's canonical point: the smallest flat index among the images of (i, j, k). Points of one orbit share it,
 * so a point set can be reduced to the canonical points it needs (|G| integer maps per query).
 */
export function canonicalPoint(sym: GridSymmetry, i: number, j: number, k: number): number {
  let best = Infinity;
  for (let op = 0; op < sym.operations.length; op++) best = Math.min(best, gridImage(sym, op, i, j, k));
  return best;
}

/**
 * An image of (i, j, k) (flat index) for which `has` is true, trying the operations in order (the identity first), or
 * −1 when none: e.g. a point already evaluated whose value a requested point can take.
 */
export function findImage(sym: GridSymmetry, i: number, j: number, k: number, has: (flat: number) => boolean): number {
  for (let op = 0; op < sym.operations.length; op++) {
    const q = gridImage(sym, op, i, j, k);
    if (has(q)) return q;
  }
  return -1;
}

/**
 * A brick-based plan for one grid: the bricks to evaluate and, for every point, the point whose value it takes.
 * Points are met brick by brick (bricks in x-fastest order, points x-fastest inside a brick); the first point met of
 * each orbit is its representative, and a brick is evaluated iff it holds a representative.
 */
export interface OrbitPlan {
  grid: GridSpec;
  /** Brick edge (points). */
  brick: number;
  /** First points (i0, j0, k0) of the bricks to evaluate, 3 per brick, multiples of `brick`. */
  bricks: Int32Array;
  /** Per flat grid point: itself when its brick is evaluated, else its orbit's representative (in an evaluated brick). */
  source: Int32Array;
  /** Grid points inside the evaluated bricks (bricks clipped at the grid's edge). */
  pointsEvaluated: number;
}

/**
 * The orbit plan of `sym`'s grid with bricks of `brick`³ points (BRICK of the backends). O(N) integer work: each
 * orbit's images are computed once, from its representative, and marked in a visited bitmap.
 */
export function orbitPlan(sym: GridSymmetry, brick: number): OrbitPlan {
  const { nx, ny, nz } = sym.grid;
  const n = nx * ny * nz;
  const visited = new Uint8Array(n);
  const source = new Int32Array(n);
  const nOps = sym.operations.length;
  const m = sym.maps;
  const bricks: number[] = [];
  let pointsEvaluated = 0;
  for (let k0 = 0; k0 < nz; k0 += brick)
    for (let j0 = 0; j0 < ny; j0 += brick)
      for (let i0 = 0; i0 < nx; i0 += brick) {
        const i1 = Math.min(nx, i0 + brick),
          j1 = Math.min(ny, j0 + brick),
          k1 = Math.min(nz, k0 + brick);
        let holdsRepresentative = false;
        for (let k = k0; k < k1; k++)
          for (let j = j0; j < j1; j++)
            for (let i = i0; i < i1; i++) {
              const p = i + nx * (j + ny * k);
              if (visited[p]) continue;
              holdsRepresentative = true;
              for (let op = 0, o = 0; op < nOps; op++, o += MAP_STRIDE) {
                const a = mod(m[o]! * i + m[o + 1]! * j + m[o + 2]! * k + m[o + 9]!, nx);
                const b = mod(m[o + 3]! * i + m[o + 4]! * j + m[o + 5]! * k + m[o + 10]!, ny);
                const c = mod(m[o + 6]! * i + m[o + 7]! * j + m[o + 8]! * k + m[o + 11]!, nz);
                const q = a + nx * (b + ny * c);
                if (!visited[q]) {
                  visited[q] = 1;
                  source[q] = p;
                }
              }
            }
        if (!holdsRepresentative) continue;
        bricks.push(i0, j0, k0);
        pointsEvaluated += (i1 - i0) * (j1 - j0) * (k1 - k0);
        // Every point of an evaluated brick keeps its own value.
        for (let k = k0; k < k1; k++)
          for (let j = j0; j < j1; j++)
            for (let i = i0; i < i1; i++) {
              const p = i + nx * (j + ny * k);
              source[p] = p;
            }
      }
  return { grid: { nx, ny, nz }, brick, bricks: Int32Array.from(bricks), source, pointsEvaluated };
}

/**
 * The whole grid from the evaluated bricks' energies (brick³ values per brick in plan.bricks order, x fastest inside a
 * brick, as EnergyBackend.computeBricks returns them): evaluated points as computed, every other point its
 * representative's value.
 */
export function fillFromBricks(plan: OrbitPlan, brickEnergies: Float32Array): Float32Array {
  const { nx, ny, nz } = plan.grid;
  const B = plan.brick;
  const nb = plan.bricks.length / 3;
  if (brickEnergies.length < nb * B * B * B) throw new RangeError(`expected ${nb * B * B * B} brick energies, got ${brickEnergies.length}`);
  const out = new Float32Array(nx * ny * nz);
  for (let b = 0; b < nb; b++) {
    const i0 = plan.bricks[3 * b]!,
      j0 = plan.bricks[3 * b + 1]!,
      k0 = plan.bricks[3 * b + 2]!;
    const i1 = Math.min(nx, i0 + B),
      j1 = Math.min(ny, j0 + B),
      k1 = Math.min(nz, k0 + B);
    const base = b * B * B * B;
    for (let k = k0; k < k1; k++)
      for (let j = j0; j < j1; j++) {
        const from = base + B * (j - j0 + B * (k - k0));
        out.set(brickEnergies.subarray(from, from + (i1 - i0)), i0 + nx * (j + ny * k));
      }
  }
  const src = plan.source;
  for (let p = 0; p < out.length; p++) {
    const s = src[p]!;
    if (s !== p) out[p] = out[s]!;
  }
  return out;
}
