// Certifies the network's barriers and closes the bracket where it can (docs/continuum.md, "Certification"): a
// block cover (certify.ts) gives the lower bound; where the bracket stays open, a minimum or index-1 saddle may be
// missing from the network, and it can only lie in the blocks the cover could not exclude. Searches start there; every
// new verified critical point joins the network, the thresholds are swept again and the cover is run again, until
// the brackets close, a round finds nothing new or the rounds run out.
import { eigenSym3 } from '../critical/eigen.js';
import { certifyThresholds, type Certificate, type CertifiableField, type CertifyOptions, type KnownPoint, type LeafPoint } from './certify.js';
import { CellGeometry, sub, type Vec3 } from './geometry.js';
import { unstableDirection, type CriticalSearch, type FieldLike } from './search.js';
import { SiteRegistry } from './sites.js';
import { networkThresholds, restsOnUnverifiedHop } from './thresholds.js';
import type { ContinuumNetwork, EdgeEnd, NetworkSaddle } from './types.js';
import type { IVec3, PerDimension } from '../percolation/types.js';

export interface CertifyNetworkOptions extends CertifyOptions {
  /** Search rounds after the first cover (each: searches from open blocks, a new sweep, a new cover). Default 3. */
  maxRounds?: number;
  /** Searches started per round, from the lowest open blocks at least `startSpacing` apart. Default 16. */
  startsPerRound?: number;
  /** Å between two starts of one round. Default 0.1. */
  startSpacing?: number;
}

export const DEFAULT_CERTIFY_ROUNDS = 3;

/** Two saddles closer than this (Å, any lattice image) are one (searches converge to ~1e-4 Å). */
const SADDLE_TOLERANCE = 0.01;

/**
 * Brackets every barrier of `net` in [lowerBound, threshold] and sets `certified` (within the tolerance, bottleneck
 * verified, no unverified hop below), searching for missing critical points between covers (see the file comment).
 * Changes `net` in place: sites, saddles, E_min and barriers when a search found something, and `certificate`.
 */
export function certifyNetwork<F extends FieldLike>(
  field: F & CertifiableField,
  search: CriticalSearch<F>,
  net: ContinuumNetwork,
  opts: CertifyNetworkOptions = {},
): void {
  const t0 = performance.now();
  const evaluations0 = field.evaluations;
  const maxRounds = opts.maxRounds ?? DEFAULT_CERTIFY_ROUNDS;
  const geo = new CellGeometry(field.lattice);
  const registry = new SiteRegistry(geo);
  registry.sites.push(...net.sites);
  const found = { minima: 0, saddles: 0 };
  let blocks = 0;
  let rounds = 0;
  let cert = cover(field, net, opts);
  blocks += cert.blocks;
  while (rounds < maxRounds && open(net, cert, opts)) {
    rounds++;
    const added = searchLeaves(field, search, geo, registry, net, cert.leafPoints, opts);
    if (added.minima + added.saddles === 0) break;
    found.minima += added.minima;
    found.saddles += added.saddles;
    net.sites = registry.sites;
    const t = networkThresholds(net.sites, net.saddles);
    net.eMin = t.eMin;
    net.minSite = t.minSite;
    net.barriers = t.barriers;
    cert = cover(field, net, opts);
    blocks += cert.blocks;
  }
  for (const d of ['1D', '2D', '3D'] as const) {
    const b = net.barriers[d];
    if (!b) continue;
    b.lowerBound = cert.lowerBounds[d];
    b.certified = cert.certified[d] && !restsOnUnverifiedHop(b) && net.saddles[b.saddle]!.status === 'verified';
  }
  net.certificate = {
    c: cert.c,
    blocks: cert.blocks,
    leaves: cert.leaves,
    exhausted: cert.exhausted,
    lowest: cert.lowest,
    excluded: cert.excluded,
    rounds,
    found,
    totalBlocks: blocks,
  };
  net.evaluations += field.evaluations - evaluations0;
  net.timingsMs.certification = performance.now() - t0;
}

function thresholdsOf(net: ContinuumNetwork): PerDimension<number | null> {
  return { '1D': net.barriers['1D']?.threshold ?? null, '2D': net.barriers['2D']?.threshold ?? null, '3D': net.barriers['3D']?.threshold ?? null };
}

/** The block cover for the network's thresholds, its converged sites and verified saddles the known points. */
function cover(field: CertifiableField, net: ContinuumNetwork, opts: CertifyOptions): Certificate {
  const sigma = (ev: readonly number[]) => Math.min(...ev.map(Math.abs));
  const known: KnownPoint[] = [
    ...net.sites.filter((s) => s.converged).map((s) => ({ cart: s.cart, sigma: sigma(s.eigenvalues) })),
    ...net.saddles.filter((s) => s.status === 'verified' && s.eigenvalues).map((s) => ({ cart: s.cart, sigma: sigma(s.eigenvalues!) })),
  ];
  return certifyThresholds(field, thresholdsOf(net), known, opts);
}

/**
 * Whether a search could still close a bracket: some barrier is open and the cover finished with blocks left to search
 * from. A cover that ran out of blocks leaves coarse blocks that locate nothing, and another cover would cost the whole
 * budget again: no rounds then.
 */
function open(net: ContinuumNetwork, cert: Certificate, opts: CertifyOptions): boolean {
  if (cert.leafPoints.length === 0 || cert.exhausted) return false;
  return (['1D', '2D', '3D'] as const).some((d) => net.barriers[d] !== null && !cert.certified[d]) && opts.tol !== Infinity;
}

/**
 * Searches from the lowest open blocks: a minimum search where the Hessian at the block has no negative eigenvalue,
 * else an index-1 saddle search, verified by its two descents. New minima and verified saddles join the network.
 */
function searchLeaves<F extends FieldLike>(
  field: F & CertifiableField,
  search: CriticalSearch<F>,
  geo: CellGeometry,
  registry: SiteRegistry,
  net: ContinuumNetwork,
  leaves: readonly LeafPoint[],
  opts: CertifyNetworkOptions,
): { minima: number; saddles: number } {
  const maxStarts = opts.startsPerRound ?? 16;
  const spacing = opts.startSpacing ?? 0.1;
  const starts: Vec3[] = [];
  for (const leaf of leaves) {
    if (starts.length >= maxStarts) break;
    const f = geo.frac(leaf.cart);
    if (starts.some((s) => geo.periodicDistance(sub(f, geo.frac(s))) < spacing)) continue;
    starts.push(leaf.cart);
  }
  const sitesBefore = registry.sites.length;
  let saddles = 0;
  const addMinimum = (frac: Vec3): EdgeEnd | null => {
    const known = registry.find(frac);
    if (known) return known;
    const p = search.findMinimum(field, geo.cart(frac));
    if (!p.converged || p.index !== 0) return null;
    return registry.findOrAdd(geo.frac(p.cart), { energy: p.energy, eigenvalues: p.eigenvalues, converged: true, gridEnergy: NaN });
  };
  for (const start of starts) {
    const s = (field as CertifiableField).evaluate(start);
    if (!Number.isFinite(s.energy)) continue;
    const negative = eigenSym3(s.hessian).values.filter((v) => v < 0).length;
    if (negative === 0) {
      addMinimum(geo.frac(start));
      continue;
    }
    const point = search.findSaddle(field, start, {});
    if (!point.converged || point.index !== 1) continue;
    const frac = geo.frac(point.cart);
    if (net.saddles.some((x) => x.status === 'verified' && geo.periodicDistance(sub(x.frac, frac)) < SADDLE_TOLERANCE)) continue;
    const v = search.verifySaddle(field, point);
    if (!v) continue;
    const a = addMinimum(geo.frac(v.ends[0]));
    const b = addMinimum(geo.frac(v.ends[1]));
    if (!a || !b || (a.site === b.site && a.cell.every((c, i) => c === b.cell[i]))) continue;
    const cell0 = frac.map(Math.floor) as IVec3;
    const rel = (e: EdgeEnd): EdgeEnd => ({ site: e.site, cell: [e.cell[0] - cell0[0], e.cell[1] - cell0[1], e.cell[2] - cell0[2]] });
    const saddle: NetworkSaddle = {
      id: net.saddles.length,
      status: 'verified',
      frac,
      cart: geo.cart(frac),
      energy: point.energy,
      eigenvalues: point.eigenvalues,
      unstable: unstableDirection(point),
      ends: [rel(a), rel(b)],
      seedEnergy: NaN,
    };
    net.saddles.push(saddle);
    saddles++;
  }
  return { minima: registry.sites.length - sitesBefore, saddles };
}
