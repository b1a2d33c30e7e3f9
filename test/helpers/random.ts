// Seeded randomness for tests, so every random case is reproducible from its seed: the generator, and the random
// frameworks every energy-backend suite uses (test/backends/conformance.test.ts and the backends' own suites).
import type { Framework, PairType } from '../../src/bvse/framework.js';
import { Lattice } from '../../src/structure/lattice.js';

/** mulberry32: a small, fast, seedable PRNG, uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The cell: drawn (lengths uniformly from [lo, hi] Å, angles from [lo, hi] degrees, drawn again until it has volume), or given. */
export type RandomCell =
  | { lengths: readonly [number, number]; angles: readonly [number, number]; cell?: never }
  | { cell: { a: number; b: number; c: number; alpha: number; beta: number; gamma: number }; lengths?: never; angles?: never };

export type RandomFrameworkSpec = RandomCell & {
  seed: number;
  atoms: number;
  /** 'cation' (default): the mobile ion is Li+-like (Morse with anions, Coulomb with cations); 'anion': Cl−-like. */
  mobile?: 'cation' | 'anion';
  /**
   * 'realistic' (default): four fixed pair types of softBV-like magnitude (two Morse, two Coulomb); 'drawn': one to
   * three types drawn over the parameter ranges of the bond-valence tables (the first one Morse).
   */
  pairs?: 'realistic' | 'drawn';
  /** Cells with less volume than this fraction of a·b·c are drawn again (their image lists explode); default 0. */
  minVolumeFraction?: number;
  cutoff?: number;
  /** Fraction of atoms with a partial occupancy, weight in [0.05, 1) (default 0.2). */
  partial?: number;
};

/** Pair types with realistic magnitudes (softBV-like Morse parameters; Coulomb k = 14.4·qA·qB/√(nA·nB)). */
function realisticPairTypes(mobile: 'cation' | 'anion'): PairType[] {
  if (mobile === 'cation')
    return [
      { kind: 'morse', species: 'S2-', d0: 0.42, rmin: 2.5, alpha: 1.92 },
      { kind: 'morse', species: 'O2-', d0: 0.98, rmin: 1.94, alpha: 1.93 },
      { kind: 'coulomb', species: 'P5+', k: (14.4 * 1 * 5) / Math.sqrt(2 * 3), screen: 0.74 * (1.28 + 1.07) },
      { kind: 'coulomb', species: 'Ge4+', k: (14.4 * 1 * 4) / Math.sqrt(2 * 4), screen: 0.74 * (1.28 + 1.2) },
    ];
  return [
    { kind: 'morse', species: 'Na+', d0: 0.55, rmin: 2.7, alpha: 1.7 },
    { kind: 'morse', species: 'Y3+', d0: 1.1, rmin: 2.6, alpha: 1.8 },
    { kind: 'coulomb', species: 'Cl-', k: (14.4 * 1 * 1) / Math.sqrt(3 * 3), screen: 0.74 * (1.02 + 1.02) },
    { kind: 'coulomb', species: 'S2-', k: (14.4 * 1 * 2) / Math.sqrt(3 * 3), screen: 0.74 * (1.02 + 1.05) },
  ];
}

/** One to three pair types over the ranges of the tables (alpha 1.2–3.1 /Å, d0 0.1–6.8 eV, rmin 1.5–3.2 Å; screens 0.74·(rcov sums)). */
export function drawnPairTypes(r: () => number): PairType[] {
  const n = 1 + Math.floor(r() * 3);
  const types: PairType[] = [];
  for (let t = 0; t < n; t++) {
    if (t === 0 || r() < 0.5) types.push({ kind: 'morse', species: 'S2-', d0: 0.1 + 6.7 * r(), rmin: 1.5 + 1.7 * r(), alpha: 1.2 + 1.9 * r() });
    else types.push({ kind: 'coulomb', species: 'P5+', k: (14.4 * (1 + 5 * r())) / Math.sqrt(2 * (2 + 3 * r())), screen: 0.74 * (0.6 + 2.5 * r()) });
  }
  return types;
}

/**
 * A framework with random cell, positions, pair types and occupancies; the same spec gives the same framework.
 * Counter-ions (Morse partners) make up about 70% of the atoms, as in real frameworks.
 */
export function randomFramework(spec: RandomFrameworkSpec): Framework {
  const r = rng(spec.seed);
  const uni = (range: readonly [number, number]) => range[0] + (range[1] - range[0]) * r();
  let lattice: Lattice | undefined = spec.cell ? Lattice.fromParameters(spec.cell) : undefined;
  while (!lattice) {
    const { lengths, angles } = spec as { lengths: readonly [number, number]; angles: readonly [number, number] };
    const p = { a: uni(lengths), b: uni(lengths), c: uni(lengths), alpha: uni(angles), beta: uni(angles), gamma: uni(angles) };
    try {
      const l = Lattice.fromParameters(p);
      if (l.volume > (spec.minVolumeFraction ?? 0) * p.a * p.b * p.c) lattice = l;
    } catch {
      // an impossible combination of angles: draw again
    }
  }
  const mobile = spec.mobile ?? 'cation';
  const types = spec.pairs === 'drawn' ? drawnPairTypes(r) : realisticPairTypes(mobile);
  const morse = types.flatMap((t, i) => (t.kind === 'morse' ? [i] : []));
  const coulomb = types.flatMap((t, i) => (t.kind === 'coulomb' ? [i] : []));
  const pick = (from: number[]) => from[Math.floor(r() * from.length)]!;
  const n = spec.atoms;
  const frac = new Float64Array(3 * n);
  const type = new Uint32Array(n);
  const weight = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    for (let d = 0; d < 3; d++) frac[3 * a + d] = r();
    type[a] = coulomb.length === 0 || r() < 0.7 ? pick(morse) : pick(coulomb);
    weight[a] = r() < (spec.partial ?? 0.2) ? uni([0.05, 1]) : 1;
  }
  return {
    lattice: lattice.matrix,
    cutoff: spec.cutoff ?? 10,
    mobile: mobile === 'cation' ? { element: 'Li', oxidation: 1 } : { element: 'Cl', oxidation: -1 },
    model: 'test',
    types,
    atoms: { frac, type, weight },
  };
}
