// The symmetry of a framework's atom set, and the framework made exactly symmetric.
//
// Why symmetrize: a CIF's coordinates are rounded (0.3333 for 1/3), so the energy field of the atoms as read is
// symmetric only to ~1e-4 Å. Filling a grid from its asymmetric unit assumes exact symmetry; on the symmetrized atom
// set it holds to float64 rounding, so a filled grid equals a directly evaluated one (to the kernel's float32
// contract). The atoms move by less than the tolerance (2e-3 Å by default), far below what the BVSE model resolves.
import type { Framework } from '../bvse/framework.js';
import { invert3 } from '../structure/lattice.js';
import { cellSymmetry, MAX_SYMMETRY_SITES, type SymOp } from '../structure/space-group.js';

/** Default tolerance (Å): CIF rounding, not the 0.1 Å a space-group report uses. */
export const FRAMEWORK_SYMPREC = 2e-3;
/** Largest denominator a translation is snapped to (1/2 … 1/24 and supercell fractions up to 1/24). */
const MAX_TRANSLATION_DENOMINATOR = 24;

export interface FrameworkSymmetry {
  /** A copy of the framework with symmetrized fractional coordinates (in [0,1)). */
  framework: Framework;
  /** Operations of the atom set in the framework's cell: row-major rotations, translations in [0,1), identity first. */
  operations: SymOp[];
  /** Largest distance an atom moved (Å). */
  maxShift: number;
  spaceGroup: { number: number; symbol: string };
}

/**
 * The space-group operations of the framework's atoms (each labelled by its pair type and weight; atoms on one site
 * are labelled together), found by moyo at `tolerance` (Å, default 2e-3), and the framework with every atom moved to
 * the average of its symmetric images. Null when the atom set has only the identity, when moyo fails, when the cell
 * has more than MAX_SYMMETRY_SITES sites, or when symmetrizing would move an atom by more than 2·tolerance.
 */
export function frameworkSymmetry(fw: Framework, opts: { tolerance?: number } = {}): FrameworkSymmetry | null {
  const tol = opts.tolerance ?? FRAMEWORK_SYMPREC;
  const sites = groupSites(fw);
  const n = sites.positions.length;
  if (n === 0 || n > MAX_SYMMETRY_SITES) return null;
  const found = cellSymmetry(fw.lattice, sites.positions, sites.labels, tol);
  if (!found) return null;
  const m = fw.lattice;
  const lengths = [0, 1, 2].map((r) => Math.hypot(m[3 * r]!, m[3 * r + 1]!, m[3 * r + 2]!));
  // An operation must also be an isometry of the cell itself: symmetrizing the atoms cannot fix a cell whose shape is
  // off by a rounding (a P1 file's lattice with b·c ≈ 1e-4 Å²), and the field of such a cell is not invariant under
  // it (LiFePO4_VESTA_P1 in ../shared/cif/named: 9e-4 eV). The isometries among a group form a subgroup.
  const metric = cellMetric(m);
  const ops = exactOperations(found.operations, lengths, tol).filter((op) => isIsometry(op.rot, metric));
  if (ops.length <= 1) return null;

  // Average, for each site a, the displacement g⁻¹(x_{π_g(a)}) − x_a over the group (spglib's and moyo's recipe):
  // a linear projection onto the symmetric configurations, so the result is symmetric to float64 rounding.
  const inv = invert3(m);
  // Distance between lattice planes (Å): 1/|a_r*|, |a_r*| the norm of column r of M⁻¹.
  const heights = [0, 1, 2].map((r) => 1 / Math.hypot(inv[r]!, inv[3 + r]!, inv[6 + r]!));
  const pos = new Float64Array(3 * n);
  sites.positions.forEach((x, a) => pos.set(x, 3 * a));
  const labels = Int32Array.from(sites.labels);
  const index = new SiteIndex(pos, heights, 3 * tol);
  const cart = (d: readonly number[]) => [0, 1, 2].map((c) => d[0]! * m[c]! + d[1]! * m[3 + c]! + d[2]! * m[6 + c]!);
  const sum = new Float64Array(3 * n);
  // One call per operation: the loop over the sites is optimised on its own, by call count, instead of this function
  // (run once per structure) being compiled on stack again whenever a collection has freed its last compile.
  for (const op of ops) if (!addDisplacements(op, inverseRotation(op.rot), pos, labels, index, m, sum)) return null;
  let maxShift = 0;
  const moved: [number, number, number][] = [];
  for (let a = 0; a < n; a++) {
    const shift = [sum[3 * a]! / ops.length, sum[3 * a + 1]! / ops.length, sum[3 * a + 2]! / ops.length];
    maxShift = Math.max(maxShift, Math.hypot(...cart(shift)));
    const x = sites.positions[a]!;
    moved.push([wrap01(x[0] + shift[0]!), wrap01(x[1] + shift[1]!), wrap01(x[2] + shift[2]!)]);
  }
  if (maxShift > 2 * tol) return null;
  const frac = new Float64Array(fw.atoms.frac.length);
  for (let atom = 0; atom < sites.siteOf.length; atom++) frac.set(moved[sites.siteOf[atom]!]!, 3 * atom);
  return {
    framework: { ...fw, atoms: { frac, type: fw.atoms.type.slice(), weight: fw.atoms.weight.slice() } },
    operations: ops,
    maxShift,
    spaceGroup: { number: found.number, symbol: found.symbol },
  };
}

/**
 * Adds, for each site a, g⁻¹(x_{π_g(a)}) − x_a of the operation g = `op` (rotation inverse `rinv`) to sum[3a …]; false
 * when some site's image has no site of its label within the index's radius (moyo's operation does not hold at this
 * tolerance).
 */
function addDisplacements(
  op: SymOp,
  rinv: ArrayLike<number>,
  pos: Float64Array,
  labels: Int32Array,
  index: SiteIndex,
  m: ArrayLike<number>,
  sum: Float64Array,
): boolean {
  const R = op.rot;
  const n = labels.length;
  const y = [0, 0, 0],
    d = [0, 0, 0];
  for (let a = 0; a < n; a++) {
    const x0 = pos[3 * a]!,
      x1 = pos[3 * a + 1]!,
      x2 = pos[3 * a + 2]!;
    for (let r = 0; r < 3; r++) y[r] = R[3 * r]! * x0 + R[3 * r + 1]! * x1 + R[3 * r + 2]! * x2 + op.trans[r]!;
    const b = index.nearest(y, labels[a]!, labels, m);
    if (b < 0) return false;
    for (let r = 0; r < 3; r++) {
      const diff = pos[3 * b + r]! - y[r]!;
      d[r] = diff - Math.round(diff);
    }
    for (let r = 0; r < 3; r++) sum[3 * a + r]! += rinv[3 * r]! * d[0]! + rinv[3 * r + 1]! * d[1]! + rinv[3 * r + 2]! * d[2]!;
  }
  return true;
}

/**
 * Whether x → R·x (fractional) keeps every distance of the cell with lattice rows `m`: Rᵀ·G·R = G for the metric
 * G = M·Mᵀ, to 1e-9 of G's largest entry.
 */
export function preservesMetric(R: ArrayLike<number>, m: ArrayLike<number>): boolean {
  return isIsometry(R, cellMetric(m));
}

/** The metric G = M·Mᵀ of lattice rows `m` (row-major) and its largest entry in magnitude. */
function cellMetric(m: ArrayLike<number>): { G: number[][]; scale: number } {
  const G = [0, 1, 2].map((i) => [0, 1, 2].map((j) => m[3 * i]! * m[3 * j]! + m[3 * i + 1]! * m[3 * j + 1]! + m[3 * i + 2]! * m[3 * j + 2]!));
  return { G, scale: Math.max(...G.flat().map(Math.abs)) };
}

function isIsometry(R: ArrayLike<number>, { G, scale }: { G: number[][]; scale: number }): boolean {
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let v = 0;
      for (let k = 0; k < 3; k++) for (let l = 0; l < 3; l++) v += R[3 * k + i]! * G[k]![l]! * R[3 * l + j]!;
      if (Math.abs(v - G[i]![j]!) > 1e-9 * scale) return false;
    }
  return true;
}

/** Atoms on one position form a site; its label stands for the sorted (type, weight) list of its atoms. */
function groupSites(fw: Framework): { positions: [number, number, number][]; labels: number[]; siteOf: Int32Array } {
  const count = fw.atoms.type.length;
  const byPosition = new Map<string, number>();
  const positions: [number, number, number][] = [];
  const members: string[][] = [];
  const siteOf = new Int32Array(count);
  for (let a = 0; a < count; a++) {
    const x: [number, number, number] = [wrap01(fw.atoms.frac[3 * a]!), wrap01(fw.atoms.frac[3 * a + 1]!), wrap01(fw.atoms.frac[3 * a + 2]!)];
    // round(v·1e9) mod 1e9 per axis (v in [0, 1), so the modulo only maps 1e9 to 0).
    const key = x
      .map((v) => {
        const k = Math.round(v * 1e9);
        return k === 1e9 ? 0 : k;
      })
      .join(',');
    let s = byPosition.get(key);
    if (s === undefined) {
      s = positions.length;
      byPosition.set(key, s);
      positions.push(x);
      members.push([]);
    }
    siteOf[a] = s;
    members[s]!.push(`${fw.atoms.type[a]}:${fw.atoms.weight[a]!.toPrecision(9)}`);
  }
  const labelIds = new Map<string, number>();
  const labels = members.map((list) => {
    const key = list.sort().join('|');
    let id = labelIds.get(key);
    if (id === undefined) {
      id = labelIds.size + 1;
      labelIds.set(key, id);
    }
    return id;
  });
  return { positions, labels, siteOf };
}

/**
 * moyo fits translations to the atoms, so they carry the coordinates' rounding. Snapped to the nearest fraction with a
 * denominator ≤ 24 (within `tol` Å along each axis), the operations close exactly as a group; those that do not snap
 * (an origin off every special point) are dropped, and what remains is kept only if it is closed under products.
 */
function exactOperations(raw: readonly SymOp[], lengths: readonly number[], tol: number): SymOp[] {
  const ops: SymOp[] = [];
  for (const op of raw) {
    const trans: [number, number, number] = [0, 0, 0];
    let ok = true;
    for (let r = 0; r < 3 && ok; r++) {
      const t = wrap01(op.trans[r]!);
      const snapped = snapFraction(t, tol / lengths[r]!);
      if (snapped === null) ok = false;
      else trans[r] = snapped >= 1 ? snapped - 1 : snapped;
    }
    if (ok) ops.push({ rot: Int8Array.from(op.rot), trans });
  }
  const isIdentity = (o: SymOp) => o.rot.every((v, i) => v === (i % 4 === 0 ? 1 : 0)) && o.trans.every((t) => t === 0);
  const id = ops.findIndex(isIdentity);
  if (id < 0) return [];
  ops.unshift(...ops.splice(id, 1));
  return isClosed(ops) ? ops : [ops[0]!];
}

function snapFraction(t: number, tolFrac: number): number | null {
  for (let den = 1; den <= MAX_TRANSLATION_DENOMINATOR; den++) {
    const num = Math.round(t * den);
    if (Math.abs(t - num / den) <= tolFrac) return num / den;
  }
  return null;
}

/** Whether every product of two operations is in the set (translations mod 1, to 1e-9). */
function isClosed(ops: readonly SymOp[]): boolean {
  // Without strings (a 192-operation group has 36 864 products): the distinct rotations are numbered and their
  // products tabulated once; a product's translation is compared, as round(t·1e6) mod 1e6 per axis, with those of the
  // operations that have its rotation.
  // A rotation's key: its entries in base 16 when all lie in −7…7 (always, for a space group's), else the entries as text.
  const rotKey = (rot: ArrayLike<number>): number | string => {
    let key = 0;
    for (let i = 0; i < 9; i++) {
      const v = rot[i]!;
      if (v < -7 || v > 7) return Array.from(rot).join(',');
      key = key * 16 + v + 8;
    }
    return key;
  };
  // round(wrap01(t)·1e6) mod 1e6, the modulo as a compare (the value lies in 0…1e6).
  const transKey = (t: number) => {
    const k = Math.round(wrap01(t) * 1e6);
    return k === 1e6 ? 0 : k;
  };
  const rotIndex = new Map<number | string, number>();
  const rots: ArrayLike<number>[] = [];
  const opRot = ops.map((o) => {
    const key = rotKey(o.rot);
    let r = rotIndex.get(key);
    if (r === undefined) {
      r = rots.length;
      rotIndex.set(key, r);
      rots.push(o.rot);
    }
    return r;
  });
  const nr = rots.length;
  const product = new Int32Array(nr * nr);
  const rot = new Array<number>(9);
  for (let x = 0; x < nr; x++)
    for (let y = 0; y < nr; y++) {
      const g = rots[x]!,
        h = rots[y]!;
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) rot[3 * r + c] = g[3 * r]! * h[c]! + g[3 * r + 1]! * h[3 + c]! + g[3 * r + 2]! * h[6 + c]!;
      product[x * nr + y] = rotIndex.get(rotKey(rot)) ?? -1;
    }
  // The operations' translation keys grouped by rotation: keys[3·first[r] …) for the operations with rotation r.
  const n = ops.length;
  const rotOf = Int32Array.from(opRot);
  const first = new Int32Array(nr + 1);
  for (let i = 0; i < n; i++) first[rotOf[i]! + 1]!++;
  for (let r = 0; r < nr; r++) first[r + 1]! += first[r]!;
  const keys = new Int32Array(3 * n);
  const fill = first.slice();
  const tr = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const t = ops[i]!.trans;
    const at = 3 * fill[rotOf[i]!]!++;
    for (let c = 0; c < 3; c++) {
      keys[at + c] = transKey(t[c]!);
      tr[3 * i + c] = t[c]!;
    }
  }
  for (let gi = 0; gi < n; gi++) {
    const R = ops[gi]!.rot,
      g = ops[gi]!.trans;
    const [r0, r1, r2, r3, r4, r5, r6, r7, r8] = [R[0]!, R[1]!, R[2]!, R[3]!, R[4]!, R[5]!, R[6]!, R[7]!, R[8]!];
    const [g0, g1, g2] = g;
    const row = rotOf[gi]! * nr;
    for (let hi = 0; hi < n; hi++) {
      const r = product[row + rotOf[hi]!]!;
      if (r < 0) return false;
      const h0 = tr[3 * hi]!,
        h1 = tr[3 * hi + 1]!,
        h2 = tr[3 * hi + 2]!;
      const t0 = transKey(r0 * h0 + r1 * h1 + r2 * h2 + g0);
      const t1 = transKey(r3 * h0 + r4 * h1 + r5 * h2 + g1);
      const t2 = transKey(r6 * h0 + r7 * h1 + r8 * h2 + g2);
      let found = false;
      for (let q = 3 * first[r]!, end = 3 * first[r + 1]!; q < end && !found; q += 3) found = keys[q] === t0 && keys[q + 1] === t1 && keys[q + 2] === t2;
      if (!found) return false;
    }
  }
  return true;
}

/** Inverse of an integer matrix of determinant ±1 (the adjugate over the determinant), row-major. */
export function inverseRotation(R: ArrayLike<number>): number[] {
  const [a, b, c, d, e, f, g, h, i] = Array.from(R) as [number, number, number, number, number, number, number, number, number];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [e * i - f * h, c * h - b * i, b * f - c * e, f * g - d * i, a * i - c * g, c * d - a * f, d * h - e * g, b * g - a * h, a * e - b * d].map(
    (v) => v / det,
  );
}

function wrap01(x: number): number {
  const w = x - Math.floor(x);
  return w >= 1 ? 0 : w;
}

/**
 * Sites bucketed on a periodic fractional grid whose cells are at least `radius` Å wide, so the nearest site to a point
 * within `radius` lies in the 27 cells around it: matching a site's image costs O(1), not O(sites).
 */
class SiteIndex {
  private readonly dims: number[];
  /** Bucket width per axis, as a fraction of the bucket: `radius` over the slab thickness. */
  private readonly reach: number[];
  private readonly start: Int32Array;
  private readonly order: Int32Array;

  constructor(
    /** Fractional positions, 3 per site. */
    private readonly positions: Float64Array,
    heights: readonly number[],
    private readonly radius: number,
  ) {
    const sites = positions.length / 3;
    const target = Math.max(1, Math.ceil(Math.cbrt(sites)));
    // Bucket slabs at least `radius` thick (lattice-plane spacing / buckets), so a point within `radius` of y lies
    // in y's bucket or a neighbour along every axis.
    this.dims = heights.map((h) => Math.max(1, Math.min(target, Math.floor(h / radius))));
    this.reach = this.dims.map((d, r) => (radius * d) / heights[r]!);
    const cells = this.dims[0]! * this.dims[1]! * this.dims[2]!;
    const count = new Int32Array(cells + 1);
    const cellOf = Array.from({ length: sites }, (_, a) => this.cellIndex(positions.subarray(3 * a, 3 * a + 3)));
    for (const c of cellOf) count[c + 1]!++;
    for (let c = 0; c < cells; c++) count[c + 1]! += count[c]!;
    this.start = count.slice();
    const fill = count.slice();
    this.order = new Int32Array(sites);
    cellOf.forEach((c, s) => (this.order[fill[c]!++] = s));
  }

  private cellIndex(x: ArrayLike<number>): number {
    const dims = this.dims;
    const dx = dims[0]!,
      dy = dims[1]!,
      dz = dims[2]!;
    const ci = Math.min(dx - 1, Math.floor(wrap01(x[0]!) * dx));
    const cj = Math.min(dy - 1, Math.floor(wrap01(x[1]!) * dy));
    const ck = Math.min(dz - 1, Math.floor(wrap01(x[2]!) * dz));
    return ci + dx * (cj + dy * ck);
  }

  /** The site with `label` nearest to fractional point y (periodic), or −1 when none lies within the radius. */
  nearest(y: readonly number[], label: number, labels: Int32Array, m: ArrayLike<number>): number {
    const dims = this.dims;
    const dx = dims[0]!,
      dy = dims[1]!,
      dz = dims[2]!;
    const u = wrap01(y[0]!) * dx,
      v = wrap01(y[1]!) * dy,
      w = wrap01(y[2]!) * dz;
    const ci = Math.floor(u),
      cj = Math.floor(v),
      ck = Math.floor(w);
    let best = -1,
      bestD2 = this.radius * this.radius;
    // Only the buckets within `radius` of y, each once, in the order of the first (a, b, c) in −1, 0, 1 that reaches
    // it: along each axis the steps from lowerStep to upperStep.
    const reach = this.reach;
    const a0 = lowerStep(u - ci, dx, reach[0]!),
      b0 = lowerStep(v - cj, dy, reach[1]!),
      c0 = lowerStep(w - ck, dz, reach[2]!);
    const a1 = upperStep(u - ci, dx, reach[0]!),
      b1 = upperStep(v - cj, dy, reach[1]!),
      c1 = upperStep(w - ck, dz, reach[2]!);
    const start = this.start,
      order = this.order,
      positions = this.positions;
    for (let a = a0; a <= a1; a++)
      for (let b = b0; b <= b1; b++)
        for (let c = c0; c <= c1; c++) {
          // ci + a lies within one period of 0 … dx − 1: wrapped without a division.
          const i = ci + a < 0 ? ci + a + dx : ci + a >= dx ? ci + a - dx : ci + a;
          const j = cj + b < 0 ? cj + b + dy : cj + b >= dy ? cj + b - dy : cj + b;
          const k = ck + c < 0 ? ck + c + dz : ck + c >= dz ? ck + c - dz : ck + c;
          const cell = i + dx * (j + dy * k);
          for (let q = start[cell]!; q < start[cell + 1]!; q++) {
            const s = order[q]!;
            if (labels[s] !== label) continue;
            const x0 = positions[3 * s]!,
              x1 = positions[3 * s + 1]!,
              x2 = positions[3 * s + 2]!;
            const f0 = x0 - y[0]! - Math.round(x0 - y[0]!);
            const f1 = x1 - y[1]! - Math.round(x1 - y[1]!);
            const f2 = x2 - y[2]! - Math.round(x2 - y[2]!);
            const cx = f0 * m[0]! + f1 * m[3]! + f2 * m[6]!;
            const cy = f0 * m[1]! + f1 * m[4]! + f2 * m[7]!;
            const cz = f0 * m[2]! + f1 * m[5]! + f2 * m[8]!;
            const d2 = cx * cx + cy * cy + cz * cz;
            if (d2 <= bestD2) {
              bestD2 = d2;
              best = s;
            }
          }
        }
    return best;
  }
}

/**
 * The bucket steps along one axis that can hold a point within `reach` (in bucket widths) of a point at `u` ∈ [0, 1)
 * inside its bucket, for an axis of `d` buckets, run from lowerStep to upperStep: −1 when the point is near the lower
 * face (with two buckets, near either face: the other bucket), +1 when near the upper face with three or more.
 */
function lowerStep(u: number, d: number, reach: number): number {
  if (d === 1) return 0;
  if (d === 2) return u < reach || 1 - u < reach ? -1 : 0;
  return u < reach ? -1 : 0;
}

function upperStep(u: number, d: number, reach: number): number {
  return d >= 3 && 1 - u < reach ? 1 : 0;
}
