// Symmetry on a sampling grid: which space-group operations map the grid's points onto grid points, their images
// in integer arithmetic, and a plan that evaluates one point per orbit, brick by brick, and fills the rest.
import { brickMaskWords, type GridSpec } from '../grid/index.js';
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
 * A brick-based plan for one grid: the bricks to evaluate, their representatives and, for every point, the point whose
 * value it takes. Points are met brick by brick (bricks in x-fastest order, points x-fastest inside a brick); the first
 * point met of each orbit is its representative, and a brick is evaluated iff it holds a representative. Only the
 * representatives are evaluated, so the points of one orbit get one value.
 */
export interface OrbitPlan {
  grid: GridSpec;
  /** Brick edge (points). */
  brick: number;
  /** First points (i0, j0, k0) of the bricks to evaluate, 3 per brick, multiples of `brick`. */
  bricks: Int32Array;
  /**
   * The representatives of each evaluated brick as a bit mask, brickMaskWords(brick) words per brick in `bricks`
   * order: bit a + brick·(b + brick·c) (word x >>> 5, bit x & 31) for the point (i0 + a, j0 + b, k0 + c).
   */
  points: Uint32Array;
  /** Per flat grid point: its orbit's representative (itself for a representative). */
  source: Int32Array;
  /** Representatives: the grid points evaluated (one per orbit). */
  pointsEvaluated: number;
}

/**
 * The orbit plan of `sym`'s grid with bricks of `brick`³ points (BRICK of the backends). O(N) integer work: each
 * orbit's images are computed once, from its representative. `sym.operations` must form a group (gridSymmetry of a
 * space group's operations does): then an orbit's points are all unmet when its representative is met, so its images
 * are written without a visited test and in any order, and the plan is the one such a test gives.
 *
 * The images of a row's points come from tables. A signed permutation M (one non-zero per row and column: the
 * operations of orthorhombic, tetragonal and cubic groups) sends each input axis to one output axis, so the flat index
 * of an image is a sum of one entry per input coordinate, permTable[(off_c + x)·nPerm + s] (operations innermost,
 * off = 0, nx, nx + ny) for coordinate x along axis c under permutation operation s. Any other M (hexagonal axes)
 * keeps per-axis values: the row's part M[r][1]·j + M[r][2]·k + t_r (genBase, per row) and the step part M[r][0]·i
 * (genStep), each reduced to [0, n_r), and wrap tables that map their sum (< 2·n_r) to the flat contribution. (The
 * tables are built here, not in a helper: V8 runs the loop below ~15 % slower on typed arrays filled elsewhere.)
 */
export function orbitPlan(sym: GridSymmetry, brick: number): OrbitPlan {
  const { nx, ny, nz } = sym.grid;
  const m = sym.maps;
  const dims = [nx, ny, nz],
    scale = [1, nx, nx * ny],
    off = [0, nx, nx + ny];
  const span = nx + ny + nz;
  const { perm, general } = splitOperations(sym);
  const nPerm = perm.length,
    nGen = general.length;
  const permTable = new Int32Array(nPerm * span);
  for (let s = 0; s < nPerm; s++) {
    const o = perm[s]!;
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 3; c++) {
        const v = m[o + 3 * r + c]!;
        if (v === 0) continue;
        for (let x = 0; x < dims[c]!; x++) permTable[(off[c]! + x) * nPerm + s] = scale[r]! * mod(v * x + m[o + 9 + r]!, dims[r]!);
      }
  }
  const genStep = new Int32Array(3 * nGen * nx);
  for (let i = 0; i < nx; i++)
    for (let g = 0; g < nGen; g++) {
      const o = general[g]!;
      for (let r = 0; r < 3; r++) genStep[3 * (nGen * i + g) + r] = mod(m[o + 3 * r]! * i, dims[r]!);
    }
  const wrapA = new Int32Array(2 * nx),
    wrapB = new Int32Array(2 * ny),
    wrapC = new Int32Array(2 * nz);
  for (let x = 0; x < 2 * nx; x++) wrapA[x] = x % nx;
  for (let x = 0; x < 2 * ny; x++) wrapB[x] = nx * (x % ny);
  for (let x = 0; x < 2 * nz; x++) wrapC[x] = nx * ny * (x % nz);
  // The row (j, k)'s part of each image, set when the row's first representative is met.
  const permRow = new Int32Array(nPerm);
  const genBase = new Int32Array(3 * nGen);
  // −1 until the point is met; then its representative (itself for a representative).
  const source = new Int32Array(nx * ny * nz).fill(-1);
  const bricks: number[] = [];
  const words = brickMaskWords(brick);
  const mask = new Uint32Array(words);
  const masks: number[] = [];
  let pointsEvaluated = 0;
  for (let k0 = 0; k0 < nz; k0 += brick)
    for (let j0 = 0; j0 < ny; j0 += brick)
      for (let i0 = 0; i0 < nx; i0 += brick) {
        const i1 = Math.min(nx, i0 + brick),
          j1 = Math.min(ny, j0 + brick),
          k1 = Math.min(nz, k0 + brick);
        let holdsRepresentative = false;
        mask.fill(0);
        for (let k = k0; k < k1; k++)
          for (let j = j0; j < j1; j++) {
            // A row of four points all met already (the usual case for large groups): one test for the four.
            const p0 = i0 + nx * (j + ny * k);
            if (i1 - i0 === 4 && (source[p0]! | source[p0 + 1]! | source[p0 + 2]! | source[p0 + 3]!) >= 0) continue;
            let rowReady = false;
            for (let i = i0; i < i1; i++) {
              const p = i + nx * (j + ny * k);
              if (source[p]! >= 0) continue;
              holdsRepresentative = true;
              source[p] = p;
              pointsEvaluated++;
              const bit = i - i0 + brick * (j - j0 + brick * (k - k0));
              mask[bit >>> 5]! |= 1 << (bit & 31);
              if (!rowReady) {
                rowReady = true;
                for (let s = 0, b = (nx + j) * nPerm, c = (nx + ny + k) * nPerm; s < nPerm; s++, b++, c++) permRow[s] = permTable[b]! + permTable[c]!;
                for (let g = 0; g < nGen; g++) {
                  const o = general[g]!;
                  genBase[3 * g] = mod(m[o + 1]! * j + m[o + 2]! * k + m[o + 9]!, nx);
                  genBase[3 * g + 1] = mod(m[o + 4]! * j + m[o + 5]! * k + m[o + 10]!, ny);
                  genBase[3 * g + 2] = mod(m[o + 7]! * j + m[o + 8]! * k + m[o + 11]!, nz);
                }
              }
              for (let s = 0, a = i * nPerm; s < nPerm; s++, a++) source[permRow[s]! + permTable[a]!] = p;
              for (let r = 0, q = 3 * nGen * i, end = 3 * nGen; r < end; r += 3, q += 3)
                source[wrapA[genBase[r]! + genStep[q]!]! + wrapB[genBase[r + 1]! + genStep[q + 1]!]! + wrapC[genBase[r + 2]! + genStep[q + 2]!]!] = p;
            }
          }
        if (!holdsRepresentative) continue;
        bricks.push(i0, j0, k0);
        for (let w = 0; w < words; w++) masks.push(mask[w]!);
      }
  return { grid: { nx, ny, nz }, brick, bricks: Int32Array.from(bricks), points: Uint32Array.from(masks), source, pointsEvaluated };
}

/**
 * The non-identity operations of `sym` (as offsets into maps), split into signed permutations (one non-zero per row
 * and column of M) and the rest. The identity's image is the point itself, which orbitPlan writes anyway.
 */
function splitOperations(sym: GridSymmetry): { perm: number[]; general: number[] } {
  const m = sym.maps;
  const perm: number[] = [],
    general: number[] = [];
  for (let op = 0, o = 0; op < sym.operations.length; op++, o += MAP_STRIDE) {
    let identity = m[o + 9] === 0 && m[o + 10] === 0 && m[o + 11] === 0;
    let rowsOk = true;
    const colCount = [0, 0, 0];
    for (let r = 0; r < 3; r++) {
      let nonZero = 0;
      for (let c = 0; c < 3; c++) {
        const v = m[o + 3 * r + c]!;
        if (v !== (r === c ? 1 : 0)) identity = false;
        if (v !== 0) {
          nonZero++;
          colCount[c]!++;
        }
      }
      if (nonZero !== 1) rowsOk = false;
    }
    if (identity) continue;
    (rowsOk && colCount.every((c) => c === 1) ? perm : general).push(o);
  }
  return { perm, general };
}

/**
 * The whole grid from the evaluated bricks' energies (brick³ values per brick in plan.bricks order, x fastest inside a
 * brick, as EnergyBackend.computeBricks returns them; only the representatives' slots are read): representatives as
 * computed, every other point its representative's value.
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
    // Row by row, copied element-wise: a subarray per row (16 per brick) cost more than the copy. The slots of points
    // that are not representatives (unevaluated: NaN or anything) are overwritten below.
    for (let k = k0; k < k1; k++)
      for (let j = j0; j < j1; j++) {
        const from = base + B * (j - j0 + B * (k - k0)),
          to = i0 + nx * (j + ny * k);
        for (let i = 0; i < i1 - i0; i++) out[to + i] = brickEnergies[from + i]!;
      }
  }
  const src = plan.source;
  for (let p = 0; p < out.length; p++) {
    const s = src[p]!;
    if (s !== p) out[p] = out[s]!;
  }
  return out;
}
