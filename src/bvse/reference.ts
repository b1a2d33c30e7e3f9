// The float64 reference evaluator: E at arbitrary fractional points by a direct sum over every
// periodic image within the cutoff. Written for clarity; O(points × images). Backends are tested against it.
import { expandImages, type ExpandedAtoms, type Framework, type PairKind } from './framework.js';
import { pairEnergy } from './pair.js';

export interface ReferenceOptions {
  /**
   * Keep only the `nearest` closest framework atoms within the cutoff, as bvlain does (k = 100).
   * For comparisons with bvlain only; bvscape's energies sum every atom within the cutoff. Counts the
   * framework atoms as built (bvlain also counts species of charge 0, which are not in a Framework).
   */
  nearest?: number;
  /** Reuse images already expanded for this framework. @internal */
  images?: ExpandedAtoms;
}

/** Per point: the total, the sum of each kind of pair term (morse: counter-ions; coulomb: like-charged ions), and the neighbours. */
export type EnergyTerms = {
  /** Total energy (eV) per point. */
  energy: Float64Array;
  /** Framework atoms (images, before occupancy weights) within the cutoff of each point. */
  neighbours: Uint32Array;
} & { [K in PairKind]: Float64Array };

/**
 * E (eV) at each point; `points` holds 3 fractional coordinates per point (any values: they are wrapped
 * into the cell). A like-charged framework atom exactly at a point gives +Infinity (Coulomb at R = 0).
 */
export function energyAtFrac(fw: Framework, points: ArrayLike<number>, opts: ReferenceOptions = {}): Float64Array {
  return energyTermsAtFrac(fw, points, opts).energy;
}

/** As energyAtFrac, with the Morse and Coulomb sums and the neighbour count reported separately. */
export function energyTermsAtFrac(fw: Framework, points: ArrayLike<number>, opts: ReferenceOptions = {}): EnergyTerms {
  if (points.length % 3 !== 0) throw new RangeError(`points must hold 3 coordinates per point (got ${points.length} numbers)`);
  const n = points.length / 3;
  const images = opts.images ?? expandImages(fw);
  const m = fw.lattice;
  const rc2 = fw.cutoff * fw.cutoff;
  const nearest = opts.nearest;
  const out: EnergyTerms = {
    energy: new Float64Array(n),
    morse: new Float64Array(n),
    coulomb: new Float64Array(n),
    neighbours: new Uint32Array(n),
  };
  // Scratch for the `nearest` mode: (distance, image) of every candidate within the cutoff.
  const candidates: { r: number; i: number }[] = [];

  for (let p = 0; p < n; p++) {
    // Periodicity: any point is equivalent to its image in [0,1)³, the region the images cover.
    const f0 = wrap(points[3 * p]!),
      f1 = wrap(points[3 * p + 1]!),
      f2 = wrap(points[3 * p + 2]!);
    const x = f0 * m[0]! + f1 * m[3]! + f2 * m[6]!;
    const y = f0 * m[1]! + f1 * m[4]! + f2 * m[7]!;
    const z = f0 * m[2]! + f1 * m[5]! + f2 * m[8]!;
    const sums: Record<PairKind, number> = { morse: 0, coulomb: 0 };
    let count = 0;
    const add = (i: number, r: number) => {
      const t = fw.types[images.type[i]!]!;
      sums[t.kind] += images.weight[i]! * pairEnergy(t, r);
      count++;
    };
    candidates.length = 0;
    for (let i = 0; i < images.count; i++) {
      const dx = images.cart[3 * i]! - x,
        dy = images.cart[3 * i + 1]! - y,
        dz = images.cart[3 * i + 2]! - z;
      const r2 = dx * dx + dy * dy + dz * dz;
      if (r2 >= rc2) continue;
      if (nearest === undefined) add(i, Math.sqrt(r2));
      else candidates.push({ r: Math.sqrt(r2), i });
    }
    if (nearest !== undefined) {
      candidates.sort((a, b) => a.r - b.r);
      for (const { r, i } of candidates.slice(0, nearest)) add(i, r);
    }
    let total = 0;
    for (const kind of Object.keys(sums) as PairKind[]) {
      out[kind][p] = sums[kind];
      total += sums[kind];
    }
    out.energy[p] = total;
    out.neighbours[p] = count;
  }
  return out;
}

function wrap(f: number): number {
  const w = f - Math.floor(f);
  return w >= 1 ? 0 : w;
}
