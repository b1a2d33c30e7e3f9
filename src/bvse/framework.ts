// The contract between the BVSE model and the energy backends (CPU and WebGPU).
// A Framework is everything a backend needs to evaluate E(r) for one mobile ion in one
// structure: plain numbers and typed arrays, so it crosses worker threads and reaches the GPU as is.
import { formatIon } from './ion.js';
import { invert3 } from '../structure/lattice.js';

/**
 * One kind of pair interaction between the mobile ion and a framework species: a union on `kind`, so each kind
 * carries only its own parameters, and every consumer branches on the kind through a `PairBranches` table or an
 * exhaustive switch (`assertNeverPair`): a third kind does not compile until each consumer has its branch.
 *  - 'morse':   E(R) = weight · ½·d0·[(exp(alpha·(rmin − R)) − 1)² − 1]          (counter-ions)
 *  - 'coulomb': E(R) = weight · k / R · erfc(R / screen)                            (like-charged ions)
 *               with k = 14.4 eV·Å · q_A·q_B / sqrt(n_A·n_B), screen = 0.74·(rcov_A + rcov_B) in the bvlain model.
 * Adding a kind: docs/ARCHITECTURE.md, "Adding an energy term".
 */
export type PairType = MorsePair | CoulombPair;

export interface MorsePair {
  kind: 'morse';
  /** The framework species, for messages: "S2-", "P5+". */
  species: string;
  /** Well depth (eV), equilibrium distance (Å), softness (1/Å). */
  d0: number;
  rmin: number;
  alpha: number;
  /** 'table' (tabulated pair) or 'derived' (softBV's relations, derive-params.ts). */
  source?: 'table' | 'derived';
  /** Derived pairs: an input that was estimated (e.g. an anion's softness), for the warnings. */
  note?: string;
}

export interface CoulombPair {
  kind: 'coulomb';
  species: string;
  /** 14.4 eV·Å · q_A·q_B / sqrt(n_A·n_B) (eV·Å). */
  k: number;
  /** Screening length (Å). */
  screen: number;
}

export type PairKind = PairType['kind'];
/** The pair type of one kind. */
export type PairOf<K extends PairKind> = Extract<PairType, { kind: K }>;

/**
 * One function per pair kind, each taking its own kind's type. A table of this type that misses a kind does not
 * compile; `pairBranch(table, t)` picks the entry for t.
 */
export type PairBranches<A extends unknown[], R> = { readonly [K in PairKind]: (t: PairOf<K>, ...args: A) => R };

/** The entry of `table` for t's kind, callable with t (TypeScript cannot correlate the two unaided). */
export function pairBranch<A extends unknown[], R>(table: PairBranches<A, R>, t: PairType): (t: PairType, ...args: A) => R {
  const branch = table[t.kind] as ((t: PairType, ...args: A) => R) | undefined;
  // Only data from outside the type system (a framework read from JSON) can get here without a branch.
  return branch ?? assertNeverPair(t as never, 'pairBranch');
}

/** The default branch of an exhaustive switch on a pair's kind: compiles only when every kind has its case. */
export function assertNeverPair(t: never, where: string): never {
  throw new Error(`${where}: no branch for pair kind '${String((t as { kind?: unknown }).kind)}'`);
}

/**
 * Where each counter-ion pair's Morse parameters came from, keyed "Li+–S2-" (mobile–partner), and one
 * warning per derived pair. Every landscape JSON result and screen row records these.
 */
export function paramSources(fw: Framework): { sources: Record<string, 'table' | 'derived'>; warnings: string[] } {
  const mobile = formatIon(fw.mobile.element, fw.mobile.oxidation);
  const sources: Record<string, 'table' | 'derived'> = {};
  const warnings: string[] = [];
  for (const t of fw.types) {
    if (t.kind !== 'morse') continue;
    const name = `${mobile}–${t.species}`;
    sources[name] = t.source ?? 'table';
    if (t.source === 'derived') {
      warnings.push(
        `BVSE parameters for ${name} are not tabulated; derived from bond-valence R0/b and softness ` +
          `(D0 = ${t.d0.toFixed(3)} eV, Rmin = ${t.rmin.toFixed(3)} Å, alpha = ${t.alpha.toFixed(3)}/Å; on tabulated pairs this route is off by a median 0.02 Å in Rmin and 13 % in D0)` +
          (t.note ? `; ${t.note}` : ''),
      );
    }
  }
  return { sources, warnings };
}

export interface Framework {
  /** Lattice vectors as rows (Å), row-major, as Lattice.matrix. */
  lattice: Float64Array;
  /** Both terms are summed over all atoms (all periodic images) within this distance (Å). */
  cutoff: number;
  /** The mobile ion, e.g. { element: 'Li', oxidation: 1 }. */
  mobile: { element: string; oxidation: number };
  /** Model name, e.g. 'bvlain' or 'softbv'. */
  model: string;
  types: PairType[];
  /** Framework atoms in the home cell: one entry per (site, species) that interacts with the mobile ion. */
  atoms: {
    /** Fractional coordinates in [0,1), 3 per atom. */
    frac: Float64Array;
    /** Index into `types`. */
    type: Uint32Array;
    /** Occupancy weight of this species on this site. */
    weight: Float64Array;
  };
}

/** Framework atoms expanded into periodic images, Cartesian (Å). */
export interface ExpandedAtoms {
  count: number;
  cart: Float64Array;
  type: Uint32Array;
  weight: Float64Array;
}

/**
 * Every periodic image of every framework atom that can lie within `cutoff` of some point of
 * the home cell [0,1)^3. An image is kept when, along each lattice direction, its fractional
 * coordinate lies within cutoff·|a_i*| of [0,1] (a slab test: a superset of the exact set,
 * so small and triclinic cells are exact; backends still apply R < cutoff per pair).
 */
export function expandImages(fw: Framework, cutoff = fw.cutoff): ExpandedAtoms {
  const m = fw.lattice;
  const inv = invert3(m);
  // |a_i*| = norm of column i of M⁻¹.
  const pad = [0, 1, 2].map((i) => cutoff * Math.hypot(inv[i]!, inv[3 + i]!, inv[6 + i]!));
  const n = fw.atoms.type.length;
  const cart: number[] = [];
  const type: number[] = [];
  const weight: number[] = [];
  for (let a = 0; a < n; a++) {
    const f0 = fw.atoms.frac[3 * a]!,
      f1 = fw.atoms.frac[3 * a + 1]!,
      f2 = fw.atoms.frac[3 * a + 2]!;
    const range = (f: number, p: number) => [Math.ceil(-p - f - 1e-12), Math.floor(1 + p - f + 1e-12)] as const;
    const [l0, h0] = range(f0, pad[0]!);
    const [l1, h1] = range(f1, pad[1]!);
    const [l2, h2] = range(f2, pad[2]!);
    for (let i = l0; i <= h0; i++)
      for (let j = l1; j <= h1; j++)
        for (let k = l2; k <= h2; k++) {
          const x = f0 + i,
            y = f1 + j,
            z = f2 + k;
          cart.push(x * m[0]! + y * m[3]! + z * m[6]!, x * m[1]! + y * m[4]! + z * m[7]!, x * m[2]! + y * m[5]! + z * m[8]!);
          type.push(fw.atoms.type[a]!);
          weight.push(fw.atoms.weight[a]!);
        }
  }
  return { count: type.length, cart: Float64Array.from(cart), type: Uint32Array.from(type), weight: Float64Array.from(weight) };
}
