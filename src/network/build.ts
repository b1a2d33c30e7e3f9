// The network of minima and index-1 saddles of the continuous field, seeded from a coarse grid, and its percolation
// thresholds (docs/continuum.md, "The network").
//
// 1. Seeds. The seed grid's steepest-descent basins (percolation/basins.ts) are the candidate sites; the lowest
//    crossing between two basins (per lattice offset) is the candidate saddle of that hop.
// 2. Minima. Every basin's lowest point is polished to a minimum (one per symmetry orbit; the others are its images).
// 3. Saddles. A hop can change a threshold only when its energy can lie between the thresholds' possible values: a
//    hop whose seed energy is within `window` of a seed-grid threshold is polished to an index-1 saddle and verified
//    (its two descents must end in two sites, with their lattice offset). Hops farther away keep their seed energy:
//    only on which side of each threshold they lie matters, and the grid's error is smaller than the window.
//    A network that serves the thresholds only skips the string start of a hop whose two ends are already joined below
//    its seed energy (joined.ts): its edge closes a cycle that cannot raise a winding rank.
// 4. Thresholds. Sites are nodes at their energies, each saddle a node at its energy joined to the two sites it
//    connects (with the cells of their copies); the one-sweep union-find with winding lattices (percolation/graph.ts)
//    gives E_1D, E_2D, E_3D, and the node that raised the rank is the bottleneck saddle.
import type { GridSpec } from '../grid/index.js';
import { gridPointIndices } from '../grid/index.js';
import { percolate, findBasins } from '../percolation/index.js';
import type { Connectivity, Hop, IVec3, PercolationResult, PerDimension } from '../percolation/index.js';
import type { SymOp } from '../structure/space-group.js';
import { gridSymmetry, type GridSymmetry } from '../field-symmetry/grid.js';
import { matrix3 } from '../critical/matrix3.js';
import { CellGeometry, sub, type Vec3 } from './geometry.js';
import { unstableDirection, type CriticalPointLike, type CriticalSearch, type FieldLike, type KnownSites } from './search.js';
import { joinedBelow, type JoinEdge } from './joined.js';
import { SiteRegistry } from './sites.js';
import { relaxedStringPeak } from './string.js';
import { networkThresholds } from './thresholds.js';
import type { ContinuumNetwork, EdgeEnd, NetworkSaddle, NetworkSite } from './types.js';

/**
 * Half-width (eV) of the energy window around each seed-grid threshold inside which hops are searched. On the 30 named
 * structures the 0.2 Å grid's thresholds differ from the continuum's by up to 0.23 eV (CsSnI3 P1, 1D; cubic LLZO 0.17),
 * and a hop's crossing can move as much, so a hop matters only within about twice that of a grid threshold. 0.35 and
 * 0.5 gave the same barriers on all 30 (0.5: 33 % more evaluations, 5 % more time); 0.5 keeps the margin.
 */
export const DEFAULT_WINDOW = 0.5;

export interface NetworkOptions {
  /** eV; default DEFAULT_WINDOW. */
  window?: number;
  /** Sweep window above the seed grid's E_min (eV, default 10), as the grid sweep's. */
  encut?: number;
  /** Seed grid neighbours for basins and crossings (default 6). */
  connectivity?: Connectivity;
  /** The framework's space-group operations: minima and saddles are polished once per orbit of the seed grid. */
  operations?: readonly SymOp[];
  /** The seed grid's own sweep when the caller has it (same encut and connectivity). */
  percolation?: PercolationResult;
  /**
   * Polish every hop, also those below the window (the certificate needs each edge below a threshold to be a
   * verified saddle, not a seed crossing).
   */
  polishAll?: boolean;
  /**
   * The network serves the thresholds only (a screen's barriers): a hop whose two site copies are already joined below
   * its seed energy gets no string start (joined.ts). Off by default, since other uses read every hop: the transport's
   * kinetic Monte Carlo takes each hop's rate from its saddle, and an unverified hop keeps its seed crossing.
   */
  thresholdsOnly?: boolean;
}

interface Found {
  point: CriticalPointLike;
  /** Unwrapped fractional positions of the saddle and the two minima its descents reach. */
  frac: Vec3;
  ends: [Vec3, Vec3];
}

/** Builds the network and its thresholds from the seed grid `energies` on `grid` (see the file comment). */
export function buildNetwork<F extends FieldLike>(
  field: F,
  search: CriticalSearch<F>,
  grid: GridSpec,
  energies: Float32Array,
  opts: NetworkOptions = {},
): ContinuumNetwork {
  const t0 = performance.now();
  const evaluations0 = field.evaluations;
  const geo = new CellGeometry(field.lattice);
  const window = opts.window ?? DEFAULT_WINDOW;
  const encut = opts.percolation?.encut ?? opts.encut ?? 10;
  const perc = opts.percolation ?? percolate(energies, grid, { encut, ...(opts.connectivity ? { connectivity: opts.connectivity } : {}) });
  const gridThresholds = [perc.thresholds['1D'], perc.thresholds['2D'], perc.thresholds['3D']].filter((t): t is number => t !== null);
  // Without any grid threshold nothing percolates within encut: only the lowest basins are needed (for E_min).
  const cap = gridThresholds.length > 0 ? Math.min(perc.eMin + encut, Math.max(...gridThresholds) + window) : Math.min(perc.eMin + encut, perc.eMin + window);
  const seeds = findBasins(energies, grid, geo.m, perc, { cap });
  const gsym = opts.operations && opts.operations.length > 1 ? gridSymmetry(opts.operations, grid) : null;
  const t1 = performance.now();

  // Minima: one search per orbit of basin minima; images by the operations.
  const registry = new SiteRegistry(geo);
  // A minimum search (a basin's polish, a saddle's descent) that enters the quadratic basin of a converged site ends
  // there: its end only names a site. On the peer corpus 6,250 of 7,040 minimum searches ended so (docs/continuum.md).
  const known: KnownSites = (cart) => {
    const e = registry.find(geo.frac(cart));
    const s = e ? registry.sites[e.site]! : null;
    if (!e || !s?.converged) return null;
    return { cart: geo.cart([s.frac[0] + e.cell[0], s.frac[1] + e.cell[1], s.frac[2] + e.cell[2]]), energy: s.energy, eigenvalues: s.eigenvalues };
  };
  const basinOfPoint = new Map<number, number>(seeds.sites.map((s) => [s.index, s.id]));
  const mappedMin = new Map<number, { frac: Vec3; point: CriticalPointLike }>();
  const basinEnd: EdgeEnd[] = [];
  for (const b of seeds.sites) {
    let frac: Vec3, point: CriticalPointLike;
    const mapped = mappedMin.get(b.id);
    if (mapped) ({ frac, point } = mapped);
    else {
      point = search.findMinimum(field, geo.cart(b.frac), known);
      frac = geo.frac(point.cart);
      if (gsym) {
        const u = gridCoords(grid, b.index);
        for (let o = 1; o < gsym.operations.length; o++) {
          const img = imageCoords(gsym, o, u);
          const home = homeIndex(grid, img);
          const other = basinOfPoint.get(home.index);
          if (other === undefined || other === b.id || mappedMin.has(other)) continue;
          const op = gsym.operations[o]!;
          const f = geo.applyToFrac(op, frac);
          mappedMin.set(other, { frac: [f[0] - home.cell[0], f[1] - home.cell[1], f[2] - home.cell[2]], point });
        }
      }
    }
    // The grid's value is float32: allow its rounding.
    const good = point.converged && point.index === 0 && point.energy <= b.energy + 1e-5 + 1e-6 * Math.abs(b.energy);
    // A search that failed keeps the grid's lowest point (its energy bounds the basin's minimum from above).
    const at: Vec3 = good ? frac : [...b.frac];
    basinEnd.push(
      registry.findOrAdd(at, {
        energy: good ? point.energy : b.energy,
        eigenvalues: good ? point.eigenvalues : [NaN, NaN, NaN],
        converged: good,
        gridEnergy: b.energy,
      }),
    );
  }
  const t2 = performance.now();

  // Saddles.
  const near = (e: number) => opts.polishAll === true || gridThresholds.some((t) => Math.abs(e - t) <= window);
  const saddles: NetworkSaddle[] = [];
  const saddleKeys = new Set<string>();
  const spare = opts.thresholdsOnly === true && opts.polishAll !== true;
  const hopOutcome = new Map<string, Found[]>();
  let polished = 0,
    mapped = 0;
  const addSaddle = (s: Omit<NetworkSaddle, 'id'>, dedupe: boolean): void => {
    if (s.ends[0].site === s.ends[1].site && s.ends[0].cell.every((c, i) => c === s.ends[1].cell[i])) return; // no hop
    if (dedupe) {
      const key = positionKey(s.frac);
      if (saddleKeys.has(key)) return;
      saddleKeys.add(key);
    }
    saddles.push({ id: saddles.length, ...s });
  };
  const seedEnds = (h: Hop): [EdgeEnd, EdgeEnd] => {
    const a = basinEnd[h.from]!,
      b = basinEnd[h.to]!;
    const cell0 = h.frac.map(Math.floor) as IVec3;
    return [
      { site: a.site, cell: [a.cell[0] - cell0[0], a.cell[1] - cell0[1], a.cell[2] - cell0[2]] },
      { site: b.site, cell: [b.cell[0] + h.offset[0] - cell0[0], b.cell[1] + h.offset[1] - cell0[1], b.cell[2] + h.offset[2] - cell0[2]] },
    ];
  };
  const seedSaddle = (h: Hop, status: 'seed' | 'unverified'): Omit<NetworkSaddle, 'id'> => ({
    status,
    frac: [...h.frac],
    cart: geo.cart(h.frac),
    energy: h.energy,
    eigenvalues: null,
    unstable: null,
    ends: seedEnds(h),
    seedEnergy: h.energy,
  });

  // Several grid basins can drain into one minimum: a crossing between them is no hop. The seed of each hop between
  // two sites (and lattice offset) is the lowest crossing among the basin pairs that map to them.
  const siteHops = new Map<string, Hop>();
  for (const h of seeds.hops) {
    const [a, b] = seedEnds(h);
    const d = b.cell.map((c, i) => c - a.cell[i]!);
    if (a.site === b.site && d.every((c) => c === 0)) continue;
    const flip = a.site > b.site || (a.site === b.site && (d[0]! < 0 || (d[0] === 0 && (d[1]! < 0 || (d[1] === 0 && d[2]! < 0)))));
    const key = flip ? `${b.site},${a.site},${d.map((c) => -c).join(',')}` : `${a.site},${b.site},${d.join(',')}`;
    const seen = siteHops.get(key);
    if (!seen || h.energy < seen.energy) siteHops.set(key, h);
  }
  const hops = [...siteHops.values()].sort((x, y) => x.energy - y.energy);

  // An end of a verified saddle that is no known site is a minimum the seed grid missed: polished and added.
  const resolveEnd = (frac: Vec3): EdgeEnd | null => {
    const site = registry.find(frac);
    if (site) return site;
    const p = search.findMinimum(field, geo.cart(frac), known);
    if (!p.converged || p.index !== 0) return null;
    return registry.findOrAdd(geo.frac(p.cart), { energy: p.energy, eigenvalues: p.eigenvalues, converged: true, gridEnergy: NaN });
  };
  const unresolved: Hop[] = [];
  for (const h of hops) {
    if (!near(h.energy)) {
      addSaddle(seedSaddle(h, 'seed'), false);
      continue;
    }
    const key = hopKey(grid, seeds.sites[h.from]!.index, seeds.sites[h.to]!.index, h);
    let outcome = hopOutcome.get(key);
    if (outcome) mapped++;
    else {
      // The string start is spared where the hop's edge could not change the thresholds (joined.ts); never for the
      // certificate, which needs every hop below a threshold verified where a search can.
      const redundant = (found: readonly FoundEdge[]) => spare && joinedBefore(registry.sites, saddles, saddleKeys, h, seedEnds(h), found);
      outcome = polishHop(field, search, geo, h, seedEnds(h), registry, resolveEnd, known, redundant);
      polished++;
      hopOutcome.set(key, outcome);
      if (gsym) registerImages(gsym, grid, geo, key, h, seeds.sites[h.from]!.index, seeds.sites[h.to]!.index, outcome, hopOutcome);
    }
    let matched = false;
    for (const found of outcome) {
      const ends = bothEnds(found, resolveEnd);
      if (!ends) continue;
      const cell0 = found.frac.map(Math.floor) as IVec3;
      const rel = ends.map((e) => ({ site: e.site, cell: [e.cell[0] - cell0[0], e.cell[1] - cell0[1], e.cell[2] - cell0[2]] as IVec3 })) as [EdgeEnd, EdgeEnd];
      addSaddle(
        {
          status: 'verified',
          frac: found.frac,
          cart: geo.cart(found.frac),
          energy: found.point.energy,
          eigenvalues: found.point.eigenvalues,
          unstable: unstableDirection(found.point),
          ends: rel,
          seedEnergy: h.energy,
        },
        true,
      );
      if (sameHop(rel, seedEnds(h))) matched = true;
    }
    if (!matched) unresolved.push(h);
  }
  // Hops whose every search found another hop or none keep their seed crossing, flagged: the thresholds are swept
  // without them (every edge then is a path of the field) and with them (to see whether one could lower a threshold).
  for (const h of unresolved) addSaddle(seedSaddle(h, 'unverified'), false);
  const t3 = performance.now();

  // Thresholds of the periodic graph: sites, then saddles, as nodes.
  const { eMin, minSite, barriers } = networkThresholds(registry.sites, saddles);
  const t4 = performance.now();
  return {
    eMin,
    minSite,
    sites: registry.sites,
    saddles,
    barriers,
    seed: {
      eMin: perc.eMin,
      thresholds: { ...perc.thresholds } as PerDimension<number | null>,
      window,
      hops: hops.length,
      polished,
      mapped,
    },
    evaluations: field.evaluations - evaluations0,
    timingsMs: { seeds: t1 - t0, minima: t2 - t1, saddles: t3 - t2, network: t4 - t3, certification: 0 },
  };
}

/**
 * Saddle searches for one hop, until one finds the hop itself: from the seed crossing, then from the highest point of
 * the straight segment between the two polished minima (both with the direction between the minima as the guess),
 * then from the top of a string relaxed between them through the crossing (with its tangent as the guess).
 * Returns every verified saddle found on the way (those of other hops are real saddles too).
 */
function polishHop<F extends FieldLike>(
  field: F,
  search: CriticalSearch<F>,
  geo: CellGeometry,
  h: Hop,
  expected: [EdgeEnd, EdgeEnd],
  registry: SiteRegistry,
  resolveEnd: (frac: Vec3) => EdgeEnd | null,
  known: KnownSites,
  redundant: (found: readonly FoundEdge[]) => boolean,
): Found[] {
  const cell0 = h.frac.map(Math.floor);
  const minFrac = (e: EdgeEnd): Vec3 => {
    const s = registry.sites[e.site]!;
    return [s.frac[0] + e.cell[0] + cell0[0]!, s.frac[1] + e.cell[1] + cell0[1]!, s.frac[2] + e.cell[2] + cell0[2]!];
  };
  const a = geo.cart(minFrac(expected[0])),
    b = geo.cart(minFrac(expected[1]));
  const guess = sub(b, a);
  const out: Found[] = [];
  // The verified saddles found on the way, as edges: the network gets them (or their copies) too.
  const joins: FoundEdge[] = [];
  const starts: (() => { start: Vec3; guess: Vec3 } | null)[] = [
    () => ({ start: geo.cart(h.frac), guess }),
    () => {
      // The highest of 24 points along the segment, the ends excluded.
      let best: Vec3 = a,
        bestE = -Infinity;
      for (let i = 1; i < 24; i++) {
        const t = i / 24;
        const p: Vec3 = [a[0] + t * guess[0], a[1] + t * guess[1], a[2] + t * guess[2]];
        const e = field.energy(p);
        if (e > bestE && e < Infinity) [best, bestE] = [p, e];
      }
      return { start: best, guess };
    },
    () => {
      // The top of a string relaxed from the two minima through the seed crossing, with its tangent as the guess;
      // none where the hop's two copies are already joined below its seed energy (joined.ts: its edge closes a cycle
      // that cannot raise a winding rank; the hop stays unverified, and neither sweep can change).
      if (redundant(joins)) {
        return null;
      }
      const peak = relaxedStringPeak(field, a, geo.cart(h.frac), b);
      return peak ? { start: peak.start, guess: peak.tangent } : null;
    },
  ];
  for (const make of starts) {
    const from = make();
    if (!from) continue;
    const point = search.findSaddle(field, from.start, { guessDirection: from.guess });
    if (!point.converged || point.index !== 1) continue;
    const v = search.verifySaddle(field, point, known);
    if (!v) continue;
    const found: Found = { point, frac: geo.frac(point.cart), ends: [geo.frac(v.ends[0]), geo.frac(v.ends[1])] };
    out.push(found);
    const ends = bothEnds(found, resolveEnd);
    if (ends) {
      const c = found.frac.map(Math.floor);
      const rel = ends.map((e) => ({ site: e.site, cell: e.cell.map((x, i) => x - c[i]! + cell0[i]!) as IVec3 })) as [EdgeEnd, EdgeEnd];
      joins.push({ energy: point.energy, ends: rel, frac: found.frac });
      if (sameHop(rel, expected)) break;
    }
  }
  return out;
}

/** A verified saddle a hop's searches found, as the edge it gives (joined.ts) and its position. */
interface FoundEdge extends JoinEdge {
  frac: Vec3;
}

/**
 * Whether the copies `ends` of hop `h` are joined below its seed energy (joined.ts) by the network's saddles and the
 * hop's own finds, these counted as the network will add them: one at the position of a saddle it has (or of an
 * earlier find) is dropped.
 */
function joinedBefore(
  sites: readonly NetworkSite[],
  saddles: readonly NetworkSaddle[],
  keys: ReadonlySet<string>,
  h: Hop,
  ends: [EdgeEnd, EdgeEnd],
  found: readonly FoundEdge[],
): boolean {
  const fresh = found.filter((f, i) => !keys.has(positionKey(f.frac)) && found.findIndex((g) => positionKey(g.frac) === positionKey(f.frac)) === i);
  return joinedBelow(sites, saddles, h.energy, ...ends, fresh);
}

/** The key that makes two saddles one: the position in the home cell to 1e-4 of each cell edge. */
function positionKey(frac: Vec3): string {
  return frac.map((f) => Math.round((f - Math.floor(f)) * 1e4) % 1e4).join(',');
}

/** The sites (and cells) a saddle's descents reach; null when either is no minimum or both are the same copy. */
function bothEnds(f: Found, resolveEnd: (frac: Vec3) => EdgeEnd | null): [EdgeEnd, EdgeEnd] | null {
  const a = resolveEnd(f.ends[0]);
  const b = resolveEnd(f.ends[1]);
  if (!a || !b) return null;
  if (a.site === b.site && a.cell.every((c, i) => c === b.cell[i])) return null;
  return [a, b];
}

/** Whether two edges join the same two sites with the same relative offset (in either order). */
function sameHop(x: [EdgeEnd, EdgeEnd], y: [EdgeEnd, EdgeEnd]): boolean {
  const d = (e: [EdgeEnd, EdgeEnd]) => e[1].cell.map((c, i) => c - e[0].cell[i]!);
  const dx = d(x),
    dy = d(y);
  if (x[0].site === y[0].site && x[1].site === y[1].site && dx.every((c, i) => c === dy[i])) return true;
  return x[0].site === y[1].site && x[1].site === y[0].site && dx.every((c, i) => c === -dy[i]!);
}

// Symmetry on the seed grid, in unwrapped integer grid coordinates (u = i + n·cell along each axis).

function gridCoords(grid: GridSpec, p: number): IVec3 {
  const [i, j, k] = gridPointIndices(grid, p);
  return [i, j, k];
}

function imageCoords(gsym: GridSymmetry, o: number, u: ArrayLike<number>): IVec3 {
  const m = gsym.maps,
    b = 12 * o;
  return [0, 1, 2].map((r) => m[b + 3 * r]! * u[0]! + m[b + 3 * r + 1]! * u[1]! + m[b + 3 * r + 2]! * u[2]! + m[b + 9 + r]!) as IVec3;
}

function homeIndex(grid: GridSpec, u: ArrayLike<number>): { index: number; cell: IVec3 } {
  const n = [grid.nx, grid.ny, grid.nz];
  const cell = [0, 1, 2].map((r) => Math.floor(u[r]! / n[r]!)) as IVec3;
  const h = [0, 1, 2].map((r) => u[r]! - cell[r]! * n[r]!);
  return { index: h[0]! + grid.nx * (h[1]! + grid.ny * h[2]!), cell };
}

/** A hop as its crossing point and two minima, translated so that the crossing point lies in the home cell. */
function tripleKey(grid: GridSpec, p: IVec3, a: IVec3, b: IVec3): string {
  const { index, cell } = homeIndex(grid, p);
  const n = [grid.nx, grid.ny, grid.nz];
  const rel = (u: IVec3) => u.map((v, r) => v - cell[r]! * n[r]!).join(',');
  const [x, y] = [rel(a), rel(b)].sort();
  return `${index}|${x}|${y}`;
}

function hopTriple(grid: GridSpec, fromIndex: number, toIndex: number, h: Hop): [IVec3, IVec3, IVec3] {
  const n = [grid.nx, grid.ny, grid.nz];
  const p = h.frac.map((f, r) => Math.round(f * n[r]!)) as IVec3;
  const a = gridCoords(grid, fromIndex);
  const b = gridCoords(grid, toIndex).map((v, r) => v + h.offset[r]! * n[r]!) as IVec3;
  return [p, a, b];
}

function hopKey(grid: GridSpec, fromIndex: number, toIndex: number, h: Hop): string {
  const [p, a, b] = hopTriple(grid, fromIndex, toIndex, h);
  return tripleKey(grid, p, a, b);
}

/** Records the images of a polished hop under every grid operation, so that hops in its orbit reuse it. */
function registerImages(
  gsym: GridSymmetry,
  grid: GridSpec,
  geo: CellGeometry,
  key: string,
  h: Hop,
  fromIndex: number,
  toIndex: number,
  found: Found[],
  out: Map<string, Found[]>,
): void {
  const [p, a, b] = hopTriple(grid, fromIndex, toIndex, h);
  for (let o = 1; o < gsym.operations.length; o++) {
    const k = tripleKey(grid, imageCoords(gsym, o, p), imageCoords(gsym, o, a), imageCoords(gsym, o, b));
    if (k === key || out.has(k)) continue;
    out.set(
      k,
      found.map((f) => mapFound(geo, gsym.operations[o]!, f)),
    );
  }
}

function mapFound(geo: CellGeometry, op: SymOp, f: Found): Found {
  const frac = geo.applyToFrac(op, f.frac);
  const cart = geo.cart(frac);
  // Rotate the eigenvectors (columns) with the operation; eigenvalues, energy and the rest are invariant.
  const v = f.point.eigenvectors;
  const rotated = matrix3();
  for (let k = 0; k < 3; k++) {
    const w = geo.rotateCart(op, [v[k]!, v[3 + k]!, v[6 + k]!]);
    rotated[k] = w[0];
    rotated[3 + k] = w[1];
    rotated[6 + k] = w[2];
  }
  return {
    point: { ...f.point, cart, frac, eigenvectors: rotated },
    frac,
    ends: [geo.applyToFrac(op, f.ends[0]), geo.applyToFrac(op, f.ends[1])],
  };
}
