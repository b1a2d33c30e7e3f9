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
  const ops = exactOperations(found.operations, lengths, tol).filter((op) => preservesMetric(op.rot, m));
  if (ops.length <= 1) return null;

  // Average, for each site a, the displacement g⁻¹(x_{π_g(a)}) − x_a over the group (spglib's and moyo's recipe):
  // a linear projection onto the symmetric configurations, so the result is symmetric to float64 rounding.
  const inv = invert3(m);
  // Distance between lattice planes (Å): 1/|a_r*|, |a_r*| the norm of column r of M⁻¹.
  const heights = [0, 1, 2].map((r) => 1 / Math.hypot(inv[r]!, inv[3 + r]!, inv[6 + r]!));
  const index = new SiteIndex(sites.positions, heights, 3 * tol);
  const cart = (d: readonly number[]) => [0, 1, 2].map((c) => d[0]! * m[c]! + d[1]! * m[3 + c]! + d[2]! * m[6 + c]!);
  const sum = new Float64Array(3 * n);
  const y = [0, 0, 0],
    d = [0, 0, 0];
  for (const op of ops) {
    const R = op.rot,
      rinv = inverseRotation(R);
    for (let a = 0; a < n; a++) {
      const x = sites.positions[a]!;
      for (let r = 0; r < 3; r++) y[r] = R[3 * r]! * x[0] + R[3 * r + 1]! * x[1] + R[3 * r + 2]! * x[2] + op.trans[r]!;
      const b = index.nearest(y, sites.labels[a]!, sites.labels, m);
      if (b < 0) return null; // moyo's operation does not hold at this tolerance for this site
      const xb = sites.positions[b]!;
      for (let r = 0; r < 3; r++) {
        const diff = xb[r]! - y[r]!;
        d[r] = diff - Math.round(diff);
      }
      for (let r = 0; r < 3; r++) sum[3 * a + r]! += rinv[3 * r]! * d[0]! + rinv[3 * r + 1]! * d[1]! + rinv[3 * r + 2]! * d[2]!;
    }
  }
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
 * Whether x → R·x (fractional) keeps every distance of the cell with lattice rows `m`: Rᵀ·G·R = G for the metric
 * G = M·Mᵀ, to 1e-9 of G's largest entry.
 */
export function preservesMetric(R: ArrayLike<number>, m: ArrayLike<number>): boolean {
  const G = [0, 1, 2].map((i) => [0, 1, 2].map((j) => m[3 * i]! * m[3 * j]! + m[3 * i + 1]! * m[3 * j + 1]! + m[3 * i + 2]! * m[3 * j + 2]!));
  const scale = Math.max(...G.flat().map(Math.abs));
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
    const key = x.map((v) => Math.round(v * 1e9) % 1e9).join(',');
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
  const rotKey = (rot: ArrayLike<number>): string => Array.from(rot).join(',');
  const transKey = (t: number) => Math.round(wrap01(t) * 1e6) % 1e6;
  const rotIndex = new Map<string, number>();
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
  const trans: number[][] = rots.map(() => []);
  ops.forEach((o, i) => trans[opRot[i]!]!.push(transKey(o.trans[0]), transKey(o.trans[1]), transKey(o.trans[2])));
  for (let gi = 0; gi < ops.length; gi++) {
    const g = ops[gi]!;
    const R = g.rot;
    for (let hi = 0; hi < ops.length; hi++) {
      const r = product[opRot[gi]! * nr + opRot[hi]!]!;
      if (r < 0) return false;
      const t = ops[hi]!.trans;
      const t0 = transKey(R[0]! * t[0] + R[1]! * t[1] + R[2]! * t[2] + g.trans[0]);
      const t1 = transKey(R[3]! * t[0] + R[4]! * t[1] + R[5]! * t[2] + g.trans[1]);
      const t2 = transKey(R[6]! * t[0] + R[7]! * t[1] + R[8]! * t[2] + g.trans[2]);
      const list = trans[r]!;
      let found = false;
      for (let q = 0; q < list.length && !found; q += 3) found = list[q] === t0 && list[q + 1] === t1 && list[q + 2] === t2;
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
  private readonly da: number[] = [];
  private readonly db: number[] = [];
  private readonly dc: number[] = [];
  private readonly start: Int32Array;
  private readonly order: Int32Array;

  constructor(
    private readonly positions: readonly [number, number, number][],
    heights: readonly number[],
    private readonly radius: number,
  ) {
    const target = Math.max(1, Math.ceil(Math.cbrt(positions.length)));
    // Bucket slabs at least `radius` thick (lattice-plane spacing / buckets), so a point within `radius` of y lies
    // in y's bucket or a neighbour along every axis.
    this.dims = heights.map((h) => Math.max(1, Math.min(target, Math.floor(h / radius))));
    this.reach = this.dims.map((d, r) => (radius * d) / heights[r]!);
    const cells = this.dims[0]! * this.dims[1]! * this.dims[2]!;
    const count = new Int32Array(cells + 1);
    const cellOf = positions.map((x) => this.cellIndex(x));
    for (const c of cellOf) count[c + 1]!++;
    for (let c = 0; c < cells; c++) count[c + 1]! += count[c]!;
    this.start = count.slice();
    const fill = count.slice();
    this.order = new Int32Array(positions.length);
    cellOf.forEach((c, s) => (this.order[fill[c]!++] = s));
  }

  private cellIndex(x: readonly number[]): number {
    const [dx, dy, dz] = this.dims as [number, number, number];
    const ci = Math.min(dx - 1, Math.floor(wrap01(x[0]!) * dx));
    const cj = Math.min(dy - 1, Math.floor(wrap01(x[1]!) * dy));
    const ck = Math.min(dz - 1, Math.floor(wrap01(x[2]!) * dz));
    return ci + dx * (cj + dy * ck);
  }

  /** The site with `label` nearest to fractional point y (periodic), or −1 when none lies within the radius. */
  nearest(y: readonly number[], label: number, labels: readonly number[], m: ArrayLike<number>): number {
    const [dx, dy, dz] = this.dims as [number, number, number];
    const ci = Math.floor(wrap01(y[0]!) * dx),
      cj = Math.floor(wrap01(y[1]!) * dy),
      ck = Math.floor(wrap01(y[2]!) * dz);
    let best = -1,
      bestD2 = this.radius * this.radius;
    // Only the buckets within `radius` of y, each once, in the order of the first (a, b, c) in −1, 0, 1 that reaches it.
    const da = this.axisDeltas(this.da, wrap01(y[0]!) * dx - ci, dx, this.reach[0]!);
    const db = this.axisDeltas(this.db, wrap01(y[1]!) * dy - cj, dy, this.reach[1]!);
    const dc = this.axisDeltas(this.dc, wrap01(y[2]!) * dz - ck, dz, this.reach[2]!);
    for (const a of da)
      for (const b of db)
        for (const c of dc) {
          const cell = ((ci + a + dx) % dx) + dx * (((cj + b + dy) % dy) + dy * ((ck + c + dz) % dz));
          for (let q = this.start[cell]!; q < this.start[cell + 1]!; q++) {
            const s = this.order[q]!;
            if (labels[s] !== label) continue;
            const x = this.positions[s]!;
            const f0 = x[0] - y[0]! - Math.round(x[0] - y[0]!);
            const f1 = x[1] - y[1]! - Math.round(x[1] - y[1]!);
            const f2 = x[2] - y[2]! - Math.round(x[2] - y[2]!);
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

  /**
   * The bucket steps along one axis (out, reused) that can hold a point within `reach` (in bucket widths) of a point at
   * `u` ∈ [0, 1) inside its bucket, for an axis of `d` buckets.
   */
  private axisDeltas(out: number[], u: number, d: number, reach: number): number[] {
    out.length = 0;
    const below = u < reach,
      above = 1 - u < reach;
    if (d === 1) out.push(0);
    else if (d === 2) {
      if (below || above) out.push(-1);
      out.push(0);
    } else {
      if (below) out.push(-1);
      out.push(0);
      if (above) out.push(1);
    }
    return out;
  }
}
