// Sites by symmetry. findBasins gives the basins of the energy grid; here they become crystallographic sites:
//  1. a basin whose depth (its lowest saddle to another basin, minus its minimum) is below what the grid and
//     the model resolve (MERGE_DEPTH_EV, or the sampling noise of its minimum when larger) joins the basin it
//     spills into: a minimum the grid splits in two, a shoulder on a hop, an ion rattling around a special
//     position. Depth, not distance, decides, so two real sites never join through a chain of pockets;
//  2. sites are grouped into orbits by the space-group operations of the structure (moyo): an operation maps
//     a site onto the site whose basin holds the image of its position;
//  3. each orbit's site symmetry is the set of operations that map one member onto itself (a group, whatever
//     the grid spacing); the member's position averaged over it is the special position the site belongs to,
//     and the operations fixing that point give the Wyckoff multiplicity (general multiplicity / order, always
//     one of the space group's) and the letter (moyo, from the symmetrised orbit added to the structure);
//  4. each crystallographic site of the mobile ion in the structure is followed downhill on the grid to the
//     basin that holds it; a site class holding none is interstitial.
import type { GridSpec } from '../grid/index.js';
import type { Structure } from '../structure/types.js';
import type { Vec3 } from '../structure/lattice.js';
import type { BasinSite, Hop, SiteNetwork } from '../percolation/types.js';
import { analyzeSymmetry, wyckoffLettersOf, type SymOp, type WyckoffPosition } from '../structure/space-group.js';
import { GridWalker, type Connectivity } from '../percolation/grid-walk.js';

export interface MergedSite {
  id: number;
  /** The basin sites (ids of SiteNetwork.sites) this site is made of; the first is the lowest. */
  basins: number[];
  /** Minimum position refined between grid points (parabola through the neighbours on each axis). */
  frac: Vec3;
  energy: number;
  relativeEnergy: number;
  siteClass: number;
}

export interface SiteClass {
  id: number;
  /** Multiplicity and letter, e.g. "4c"; null when the letter could not be assigned. */
  wyckoff: string | null;
  /** Wyckoff multiplicity in the conventional cell (general multiplicity / site-symmetry order). */
  multiplicity: number;
  /** Order of the site-symmetry group of the class's representative. */
  siteSymmetryOrder: number;
  /** Site-symmetry symbol from the Wyckoff table (when the letter is known). */
  siteSymmetry: string | null;
  /** Symmetrised representative position (fractional). */
  frac: Vec3;
  /** Lowest member energy minus E_min (eV). */
  relativeEnergy: number;
  /** Members (MergedSite ids) in this cell. */
  sites: number[];
  /** Labels of the structure's mobile-ion sites that lie in this class's basins; empty for an interstitial. */
  crystallographicSites: string[];
  kind: 'crystallographic' | 'interstitial';
  /** False when some operation maps a member to no site below the cap (e.g. a basin cut off by the cap). */
  complete: boolean;
}

export interface MergedHop {
  from: number;
  to: number;
  offset: Vec3;
  energy: number;
  barrierFrom: number;
  barrierTo: number;
  distanceA: number;
}

export interface ClassifiedSites {
  spaceGroup: { number: number; symbol: string } | null;
  /**
   * A basin shallower than this (eV: its saddle to a neighbour minus its minimum) joined the basin it spills
   * into, as did one whose depth is within the sampling noise of its minimum (see samplingNoise).
   */
  mergeDepthEv: number;
  /** Number of hops merged away. */
  mergedHops: number;
  sites: MergedSite[];
  classes: SiteClass[];
  hops: MergedHop[];
  /** Mobile-ion sites of the structure whose basin lies above the cap (not among the sites). */
  unmatchedCrystallographicSites: string[];
}

export interface ClassifyOptions {
  /** moyo's distance tolerance (Å) for the structure's own symmetry (default 0.1, as `bvscape info`). */
  symprec?: number;
  /** Depth (eV) below which a basin joins the one it spills into (default MERGE_DEPTH_EV). */
  mergeDepthEv?: number;
  /** Grid neighbours the sites were found with (default 6, as findBasins' default). */
  connectivity?: Connectivity;
}

/**
 * Basins shallower than this are one site (eV). 0.01 eV is far below kT at room temperature (0.026 eV), so an
 * ion does not stay in such a pocket; it is also the energy tolerance findBasins groups minima with.
 */
export const MERGE_DEPTH_EV = 0.01;

/** An operation fixes a symmetrised position when its image lies this close (Å): rounding only. */
const FIXED_POINT_A = 1e-3;

/** Cartesian length of a fractional displacement. */
function cart(m: ArrayLike<number>, d: ArrayLike<number>): number {
  return Math.hypot(
    d[0]! * m[0]! + d[1]! * m[3]! + d[2]! * m[6]!,
    d[0]! * m[1]! + d[1]! * m[4]! + d[2]! * m[7]!,
    d[0]! * m[2]! + d[1]! * m[5]! + d[2]! * m[8]!,
  );
}

/** Shortest periodic distance (Å) between two fractional points (nearest image by rounding, fine at short range). */
function periodicDistance(m: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = [0, 1, 2].map((k) => {
    const x = b[k]! - a[k]!;
    return x - Math.round(x);
  });
  return cart(m, d);
}

function apply(op: SymOp, f: ArrayLike<number>): Vec3 {
  const r = op.rot;
  return [
    r[0]! * f[0]! + r[1]! * f[1]! + r[2]! * f[2]! + op.trans[0],
    r[3]! * f[0]! + r[4]! * f[1]! + r[5]! * f[2]! + op.trans[1],
    r[6]! * f[0]! + r[7]! * f[1]! + r[8]! * f[2]! + op.trans[2],
  ];
}

const wrap01 = (x: number) => {
  const w = x - Math.floor(x);
  return w >= 1 - 1e-12 ? 0 : w;
};

class UnionFind {
  parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]!]!;
      i = this.parent[i]!;
    }
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a),
      rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** The minimum's position between grid points: per axis, the vertex of the parabola through p and its two neighbours. */
function refinedMinimum(energies: Float32Array, grid: GridSpec, p: number): Vec3 {
  const { nx, ny, nz } = grid;
  const i = p % nx,
    j = Math.floor(p / nx) % ny,
    k = Math.floor(p / (nx * ny));
  const at = (a: number, b: number, c: number) => energies[((a + nx) % nx) + nx * (((b + ny) % ny) + ny * ((c + nz) % nz))]!;
  const e0 = energies[p]!;
  const shift = (minus: number, plus: number) => {
    const curv = minus - 2 * e0 + plus;
    if (!(curv > 0) || !Number.isFinite(curv)) return 0;
    return Math.max(-0.5, Math.min(0.5, (minus - plus) / (2 * curv)));
  };
  return [
    (i + shift(at(i - 1, j, k), at(i + 1, j, k))) / nx,
    (j + shift(at(i, j - 1, k), at(i, j + 1, k))) / ny,
    (k + shift(at(i, j, k - 1), at(i, j, k + 1))) / nz,
  ];
}

/**
 * The basin minimum findBasins assigns grid point p to: points are taken in (energy, index) order and each joins
 * the basin of its lowest earlier neighbour, so following that neighbour from p ends at p's basin minimum.
 */
function descend(energies: Float32Array, walker: GridWalker, p: number): number {
  for (;;) {
    let best = -1;
    for (let d = 0; d < walker.directions; d++) {
      const q = walker.step(p, d);
      const earlier = energies[q]! < energies[p]! || (energies[q] === energies[p] && q < p);
      if (earlier && (best < 0 || energies[q]! < energies[best]!)) best = q;
    }
    if (best < 0) return p;
    p = best;
  }
}

/**
 * How far a sampled minimum may sit above the true one: the true minimum can lie up to half a grid step
 * away on each axis, where a parabola through the neighbours is lower by (E₋ + E₊ − 2E₀)/8.
 */
function samplingNoise(energies: Float32Array, walker: GridWalker, p: number): number {
  let noise = 0;
  for (let axis = 0; axis < 3; axis++) {
    const curv = energies[walker.step(p, 2 * axis)]! + energies[walker.step(p, 2 * axis + 1)]! - 2 * energies[p]!;
    if (curv > 0 && Number.isFinite(curv)) noise += curv / 8;
  }
  return noise;
}

/** Basins merged into sites (step 1): each basin's site, and the lattice shift from its home copy to the site's. */
interface MergedBasins {
  sites: MergedSite[];
  /** Per basin id: the merged site it belongs to. */
  mergedOf: Int32Array;
  /** Per basin id: the lattice vector between the basin's home copy and the lowest member's neighbourhood. */
  shiftOf: Vec3[];
  /** Number of hops merged away. */
  mergedHops: number;
}

/**
 * Step 1: merge basins the grid cannot tell apart. A basin whose depth (the saddle to the component it meets,
 * minus its own lowest minimum) is below mergeDepth or its sampling noise joins that component. Hops are taken by
 * increasing saddle energy, so a shallow pocket joins the basin it first spills into, and two components that
 * are each deeper than the tolerance never join.
 */
function mergeBasins(net: SiteNetwork, energies: Float32Array, grid: GridSpec, walker: GridWalker, mergeDepth: number): MergedBasins {
  const eMin = net.sites.length > 0 ? net.sites[0]!.energy - net.sites[0]!.relativeEnergy : 0;
  const n = net.sites.length;
  const uf = new UnionFind(n);
  const lowestOf = Int32Array.from({ length: n }, (_, i) => i); // per component root: its lowest basin
  let mergedHops = 0;
  for (const h of [...net.hops].sort((a, b) => a.energy - b.energy)) {
    const ra = uf.find(h.from),
      rb = uf.find(h.to);
    if (ra === rb) continue;
    const la = lowestOf[ra]!,
      lb = lowestOf[rb]!;
    const [deep, shallow] = net.sites[la]!.energy <= net.sites[lb]!.energy ? [la, lb] : [lb, la];
    const depth = h.energy - net.sites[shallow]!.energy;
    // Both ends of the depth are samples: the minimum may lie lower than its grid point, the saddle lower than
    // the grid's crossing point (along the axes where the field curves up there).
    const noise = samplingNoise(energies, walker, net.sites[shallow]!.index) + samplingNoise(energies, walker, h.index);
    if (depth <= Math.max(mergeDepth, noise)) {
      uf.union(ra, rb);
      lowestOf[uf.find(ra)] = deep;
      mergedHops++;
    }
  }
  const groups = new Map<number, BasinSite[]>();
  for (const s of net.sites) {
    const r = uf.find(s.id);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r)!.push(s);
  }
  const mergedOf = new Int32Array(n);
  const shiftOf: Vec3[] = net.sites.map(() => [0, 0, 0]);
  const sites: MergedSite[] = [];
  for (const members of [...groups.values()].sort((a, b) => Math.min(...a.map((s) => s.energy)) - Math.min(...b.map((s) => s.energy)))) {
    members.sort((a, b) => a.energy - b.energy || a.id - b.id);
    const lowest = members[0]!;
    // Position: the mean of the members' refined minima (a minimum the grid split in two lies between them).
    const anchor = refinedMinimum(energies, grid, lowest.index);
    const mean: Vec3 = [0, 0, 0];
    const id = sites.length;
    for (const s of members) {
      mergedOf[s.id] = id;
      const f = refinedMinimum(energies, grid, s.index);
      // The member's home copy sits the lattice vector `shift` away from the lowest member's neighbourhood.
      shiftOf[s.id] = [0, 1, 2].map((k) => Math.round(f[k]! - anchor[k]!)) as Vec3;
      for (let k = 0; k < 3; k++) mean[k] = mean[k]! + (f[k]! - shiftOf[s.id]![k]!) / members.length;
    }
    const frac = mean.map(wrap01) as Vec3;
    sites.push({ id, basins: members.map((s) => s.id), frac, energy: lowest.energy, relativeEnergy: lowest.energy - eMin, siteClass: -1 });
  }
  return { sites, mergedOf, shiftOf, mergedHops };
}

/** Hops between merged sites: the lowest per (from, to, offset), lowest first. */
function mergeHops(net: SiteNetwork, m: ArrayLike<number>, { sites, mergedOf, shiftOf }: MergedBasins): MergedHop[] {
  const hopMap = new Map<string, MergedHop>();
  for (const h of net.hops as Hop[]) {
    let from = mergedOf[h.from]!,
      to = mergedOf[h.to]!;
    let offset: Vec3 = [0, 1, 2].map((k) => h.offset[k]! + shiftOf[h.to]![k]! - shiftOf[h.from]![k]!) as Vec3;
    if (from === to && offset.every((x) => x === 0)) continue;
    if (from > to || (from === to && (offset[0] < 0 || (offset[0] === 0 && (offset[1] < 0 || (offset[1] === 0 && offset[2] < 0)))))) {
      [from, to] = [to, from];
      offset = offset.map((x) => -x + 0) as Vec3;
    }
    const key = `${from},${to},${offset.join(',')}`;
    const prev = hopMap.get(key);
    if (prev && prev.energy <= h.energy) continue;
    const a = sites[from]!.frac,
      b = sites[to]!.frac;
    hopMap.set(key, {
      from,
      to,
      offset,
      energy: h.energy,
      barrierFrom: h.energy - sites[from]!.energy,
      barrierTo: h.energy - sites[to]!.energy,
      distanceA: cart(m, [b[0] + offset[0] - a[0], b[1] + offset[1] - a[1], b[2] + offset[2] - a[2]]),
    });
  }
  return [...hopMap.values()].sort((a, b) => a.energy - b.energy || a.from - b.from || a.to - b.to);
}

/**
 * The Wyckoff letter of each class (and its site-symmetry symbol): unique by multiplicity, else moyo's
 * assignment for the symmetrised orbit (first with the structure as it is, then without the mobile ions,
 * whose atoms may sit on the points).
 */
function assignWyckoffLetters(
  classes: SiteClass[],
  orbitPoints: Vec3[][],
  wyckoffTable: WyckoffPosition[],
  structure: Structure,
  mobileElement: string,
  symprec: number,
): void {
  const need = classes.filter((c) => wyckoffTable.filter((w) => w.multiplicity === c.multiplicity).length !== 1).map((c) => c.id);
  let letters = wyckoffLettersOf(
    structure,
    need.map((id) => orbitPoints[id]!),
    symprec,
  );
  if (letters.some((l) => l === null)) {
    const without = wyckoffLettersOf(
      structure,
      need.map((id) => orbitPoints[id]!),
      symprec,
      (site) => site.species.some((sp) => sp.element === mobileElement),
    );
    letters = letters.map((l, i) => l ?? without[i] ?? null);
  }
  for (const c of classes) {
    const unique = wyckoffTable.filter((w) => w.multiplicity === c.multiplicity);
    const letter = unique.length === 1 ? unique[0]!.letter : (letters[need.indexOf(c.id)] ?? null);
    const entry = wyckoffTable.find((w) => w.letter === letter && w.multiplicity === c.multiplicity);
    if (entry) {
      c.wyckoff = `${entry.multiplicity}${entry.letter}`;
      c.siteSymmetry = entry.siteSymmetry;
    }
  }
}

export function classifySites(
  net: SiteNetwork,
  energies: Float32Array,
  grid: GridSpec,
  structure: Structure,
  mobileElement: string,
  opts: ClassifyOptions = {},
): ClassifiedSites {
  const m = structure.lattice.matrix;
  const walker = new GridWalker(grid, opts.connectivity ?? 6);
  const mergeDepth = opts.mergeDepthEv ?? MERGE_DEPTH_EV;
  const merged = mergeBasins(net, energies, grid, walker, mergeDepth);
  const { sites, mergedOf, mergedHops } = merged;
  const hops = mergeHops(net, m, merged);

  // 4 (first, it needs only the grid). The structure's mobile-ion sites, each followed downhill to its basin.
  const basinOfIndex = new Map<number, number>();
  for (const s of net.sites) basinOfIndex.set(s.index, s.id);
  const labelsOf: Set<string>[] = sites.map(() => new Set());
  const unmatched = new Set<string>();
  for (const site of structure.sites) {
    if (!site.species.some((sp) => sp.element === mobileElement)) continue;
    const g = [grid.nx, grid.ny, grid.nz].map((nn, k) => ((Math.round(site.frac[k]! * nn) % nn) + nn) % nn);
    const p = descend(energies, walker, g[0]! + grid.nx * (g[1]! + grid.ny * g[2]!));
    const basin = basinOfIndex.get(p);
    if (basin === undefined) unmatched.add(site.label);
    else labelsOf[mergedOf[basin]!]!.add(site.label);
  }

  // 2. Orbits under the space-group operations. An operation maps a site onto the site whose basin holds the
  //    image of its position (followed downhill on the grid): robust where the grid, which is not symmetric
  //    itself, splits a minimum in one copy and not in another.
  let sym: ReturnType<typeof analyzeSymmetry> = null;
  try {
    sym = analyzeSymmetry(structure, opts.symprec ?? 0.1);
  } catch {
    // Symmetry tables not loaded (a page that has not called initSymmetry): sites without symmetry.
  }
  const classes: SiteClass[] = [];
  const ops = sym?.operations ?? [{ rot: [1, 0, 0, 0, 1, 0, 0, 0, 1], trans: [0, 0, 0] as [number, number, number] }];
  const basinAt = (f: ArrayLike<number>): number | undefined => {
    const g = [grid.nx, grid.ny, grid.nz].map((nn, k) => ((Math.round(f[k]! * nn) % nn) + nn) % nn);
    const b = basinOfIndex.get(descend(energies, walker, g[0]! + grid.nx * (g[1]! + grid.ny * g[2]!)));
    return b === undefined ? undefined : mergedOf[b];
  };
  const orbitUf = new UnionFind(sites.length);
  const complete = new Uint8Array(sites.length).fill(1);
  const selfMaps: SymOp[][] = sites.map(() => []); // per site: the operations that map it onto itself
  for (const s of sites) {
    for (const op of ops) {
      const t = basinAt(apply(op, s.frac));
      if (t === undefined) complete[s.id] = 0;
      else {
        orbitUf.union(s.id, t);
        if (t === s.id) selfMaps[s.id]!.push(op);
      }
    }
  }
  const orbits = new Map<number, number[]>();
  for (const s of sites) {
    const r = orbitUf.find(s.id);
    if (!orbits.has(r)) orbits.set(r, []);
    orbits.get(r)!.push(s.id);
  }

  // 3. Site symmetry: the operations that map a member onto itself; the member with the most stands for the
  //    class (a copy the grid split differently may keep fewer). Its position averaged over them is the
  //    special position of the site; the operations that fix that point exactly give the order, so the
  //    multiplicity is always one of the space group's, whatever the grid spacing.
  const orbitPoints: Vec3[][] = [];
  for (const members of orbits.values()) {
    let rep = sites[members[0]!]!;
    for (const id of members) if (selfMaps[id]!.length > selfMaps[rep.id]!.length) rep = sites[id]!;
    const sum: Vec3 = [0, 0, 0];
    for (const op of selfMaps[rep.id]!) {
      const img = apply(op, rep.frac);
      for (let k = 0; k < 3; k++) sum[k] = sum[k]! + img[k]! - Math.round(img[k]! - rep.frac[k]!);
    }
    const frac = sum.map((x) => wrap01(x / Math.max(1, selfMaps[rep.id]!.length))) as Vec3;
    const stabilizer = ops.filter((op) => periodicDistance(m, apply(op, frac), frac) <= FIXED_POINT_A);
    const points: Vec3[] = [];
    for (const op of ops) {
      const img = apply(op, frac).map(wrap01) as Vec3;
      if (!points.some((q) => periodicDistance(m, q, img) < 1e-6)) points.push(img);
    }
    orbitPoints.push(points);
    const order = Math.max(1, stabilizer.length);
    const multiplicity = sym ? sym.generalMultiplicity / order : members.length;
    const labels = [...new Set(members.flatMap((id) => [...labelsOf[id]!]))].sort();
    classes.push({
      id: classes.length,
      wyckoff: null,
      multiplicity,
      siteSymmetryOrder: order,
      siteSymmetry: null,
      frac,
      relativeEnergy: Math.min(...members.map((id) => sites[id]!.relativeEnergy)),
      sites: members,
      crystallographicSites: labels,
      kind: labels.length > 0 ? 'crystallographic' : 'interstitial',
      complete: members.every((id) => complete[id] === 1),
    });
    for (const id of members) sites[id]!.siteClass = classes.length - 1;
  }
  if (sym) assignWyckoffLetters(classes, orbitPoints, sym.wyckoffTable, structure, mobileElement, opts.symprec ?? 0.1);

  return {
    spaceGroup: sym ? { number: sym.number, symbol: sym.symbol } : null,
    mergeDepthEv: mergeDepth,
    mergedHops,
    sites,
    classes,
    hops,
    unmatchedCrystallographicSites: [...unmatched].sort(),
  };
}
