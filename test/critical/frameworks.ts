// Frameworks for the critical-point tests: real fixtures read as the CLI reads them, and seeded random ones.
import type { Framework, PairType } from '../../src/bvse/framework.js';
import { Lattice } from '../../src/structure/lattice.js';
import { rng } from '../helpers/random.js';

export { frameworkOf } from '../helpers/structures.js';

// Pair types with the magnitudes of real ones (Li–S Morse, Li–Cl Morse, Li–P and Li–Li screened Coulomb).
const TYPES: PairType[] = [
  { kind: 'morse', species: 'S2-', d0: 1.04027, rmin: 2.40971, alpha: 1.531394 },
  { kind: 'morse', species: 'Cl-', d0: 0.49302, rmin: 2.39647, alpha: 1.577287 },
  { kind: 'coulomb', species: 'P5+', k: (14.4 * 5) / Math.sqrt(6), screen: 0.74 * (1.28 + 1.07) },
  { kind: 'coulomb', species: 'Li+', k: 14.4 / 2, screen: 0.74 * 2 * 1.28 },
];

/** A random framework: `atoms` atoms of random types and weights in a cell of the given parameters (Å, degrees). */
export function randomFramework(
  seed: number,
  cell: { a: number; b: number; c: number; alpha: number; beta: number; gamma: number },
  atoms: number,
  cutoff = 10,
): Framework {
  const rand = rng(seed);
  const lattice = Lattice.fromParameters(cell);
  const frac = new Float64Array(3 * atoms).map(() => rand());
  const type = new Uint32Array(atoms).map(() => Math.floor(rand() * TYPES.length));
  const weight = new Float64Array(atoms).map(() => (rand() < 0.3 ? 0.5 : 1));
  return { lattice: lattice.matrix, cutoff, mobile: { element: 'Li', oxidation: 1 }, model: 'test', types: TYPES, atoms: { frac, type, weight } };
}
