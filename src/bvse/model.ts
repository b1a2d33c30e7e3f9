/**
 * # BVSE energy models
 *
 * A model is a plain object: its name, the cutoff, which terms it sums, and how it chooses the
 * Morse parameters, the charges and the radii. `buildFramework` (build-framework.ts) reads it and
 * turns a structure into pair types; a new model is a new object, not new code paths elsewhere.
 *
 * For a test ion A (the mobile ion) at r, with counter-ions X (opposite charge) and like-charged
 * ions B within the cutoff rc, every framework atom weighted by its site occupancy:
 *
 *     E(r) = Σ_X ½·D0·[(exp(α·(Rmin − R)) − 1)² − 1]  +  Σ_B 14.4·qA·qB / R · erfc(R / (0.74·(rA + rB)))
 *
 * | choice                  | `bvlain` (default)                                   | `softbv`                                                        |
 * |-------------------------|------------------------------------------------------|-----------------------------------------------------------------|
 * | Morse D0, Rmin, α       | softBV set as bvlain ships it (bvse-pairs.json)      | softBV BVSEParam.dat (α = 1/b) where listed, else bvse-pairs.json |
 * | charges qA, qB          | formal V/√n (n: principal quantum number)            | V/√n, cations ×√(A/C), anions ×√(C/A): charge-neutral           |
 * | radii rA, rB            | covalent radii (Cordero et al. 2008)                 | softBV's radii per (element, oxidation state) (elements.dat)    |
 * | cutoff rc               | 10 Å, both terms, every neighbour within rc          | 10 Å, both terms, every neighbour within rc                     |
 * | mobile element          | every atom of it removed, whatever its charge        | same                                                            |
 * | occupancy               | weights each species on a site                       | same                                                            |
 *
 * (C, A: occupancy-weighted sums of V/√n over all cations and over all anions of the structure,
 * the mobile element included, so the scaled sums are both √(A·C).)
 *
 * Differences from bvlain itself (https://github.com/dembart/BVlain, v0.24.8), which `bvlain`
 * otherwise reproduces term by term:
 * - bvlain keeps only the k = 100 nearest framework atoms (any species, through a k-d tree query
 *   with distance_upper_bound = rc); bvscape sums every atom within rc. Where the 100th neighbour
 *   lies inside rc, bvlain drops the attractive Morse tail of the farther counter-ions (the
 *   screened Coulomb term is negligible there): bvscape's energies are then lower by a smooth,
 *   nearly constant offset. Measured on the 147 comparable bvlain runs in ../shared/reference: below
 *   0.004 eV for most, about 0.01 eV for four, and 0.03–0.07 eV for dense nitrides (Li–N3− has the longest
 *   Morse tail: D0 = 2.05 eV, alpha = 1.57/Å; bvlain's 100th neighbour there sits at ~6.5 Å). Barriers,
 *   being differences, are almost unaffected. `energyAtFrac(fw, pts, { nearest: 100 })` reproduces the
 *   truncation for comparisons (test/reference/bvlain-energies.test.ts).
 * - bvlain reads partially occupied structures as if every site were full (and keeps one species
 *   per mixed site); bvscape weights each species by its occupancy.
 * - bvlain needs whole-number oxidation states from pymatgen's BVAnalyzer; bvscape takes the states
 *   it is given (file, bond-valence-sum assignment or given overrides).
 * - 34 rows of the parameter table (e.g. Mg2+–I−, Be2+–S2−, Ca2+–Br−, Mo6+–Cl−) have alpha < 0 with an
 *   implausibly short Rmin: failed fits. bvlain uses them and reports energies of ~1e10 eV (its
 *   MgI2 run with I− mobile); bvscape refuses them with a MissingBvParamError that says why.
 *
 * A like-charged ion exactly at the evaluated point (R = 0) makes the Coulomb term +Infinity; bvlain
 * turns that into 1.8e308 (numpy's nan_to_num). bvscape keeps Infinity and the CLI warns.
 *
 * Mobile anions (F−, Cl−, Br−, I−, O2−, S2−, ...) use the same formula with the roles swapped: the
 * counter-ions are the cations (the same (cation, anion) parameter row), and the repulsion comes
 * from the other anions.
 */

import { UsageError } from '../errors.js';

export type MorseTable = 'bvse-pairs' | 'softbv-bvseparam';

export interface BvseModel {
  name: string;
  /** One line for --help and reports. */
  summary: string;
  /** rc (Å): both terms sum every framework atom closer than this. */
  cutoff: number;
  terms: { morse: boolean; coulomb: boolean };
  /** Tables searched, in order, for each (mobile ion, counter-ion) pair's D0, Rmin and alpha. */
  morseTables: readonly MorseTable[];
  /**
   * 'formal': q = V/√n with the formal oxidation state V and bvlain's principal quantum number n.
   * 'softbv-effective': q = V/√n with softBV's n, then scaled to charge neutrality (Chen, Wong & Adams 2019).
   */
  charges: 'formal' | 'softbv-effective';
  /** 'covalent': Cordero et al. 2008 covalent radii per element; 'softbv': softBV's radius per (element, oxidation state). */
  radii: 'covalent' | 'softbv';
  /** f in the screening length f·(rA + rB). */
  screeningFactor: number;
  /** e²/(4πε0) in eV·Å. */
  coulombConstant: number;
}

/**
 * The default: the BVSE model of Adams & Rao (2011) as the open Python code bvlain implements it,
 * matched term by term (½ on D0, formal charges over √n, covalent radii, f = 0.74, rc = 10 Å).
 */
export const bvlainModel: BvseModel = {
  name: 'bvlain',
  summary: 'BVSE as bvlain computes it: softBV Morse pairs, formal charges/√n, covalent radii, rc = 10 Å',
  cutoff: 10,
  terms: { morse: true, coulomb: true },
  morseTables: ['bvse-pairs'],
  charges: 'formal',
  radii: 'covalent',
  screeningFactor: 0.74,
  // bvlain and the BVSE papers round e²/(4πε0) = 14.3996 eV·Å to 14.4.
  coulombConstant: 14.4,
};

/**
 * softBV's choices (Chen & Adams 2017; Chen, Wong & Adams 2019), as far as the published tables carry them:
 * - Morse: softBV's BVSEParam.dat, whose D0 and Rmin come with their own bond-valence b (alpha = 1/b,
 *   Adams & Rao 2011); the pairs it lacks (most non-oxides) fall back to the bvse-pairs set.
 * - Charges: effective charges V/√n, scaled so that the cation and anion charges balance. The
 *   scaling is split symmetrically (cations ×√(A/C), anions ×√(C/A)), which multiplies every
 *   cation–cation product by A/C and every anion–anion product by C/A, as the softBV-compatible
 *   BVSE code in CAVD does.
 * - Radii: softBV's per-ion radii (elements.dat) in the screening length 0.74·(rA + rB). An ion missing
 *   from elements.dat takes the entry of the same element with the same sign of charge and the nearest
 *   oxidation state; an element missing altogether is an error.
 * - No energy shift at the cutoff and no cap at short range: the same sum over all atoms within 10 Å.
 */
export const softbvModel: BvseModel = {
  name: 'softbv',
  summary: "softBV's choices: BVSEParam.dat Morse pairs, charge-neutral effective charges V/√n, softBV radii, rc = 10 Å",
  cutoff: 10,
  terms: { morse: true, coulomb: true },
  morseTables: ['softbv-bvseparam', 'bvse-pairs'],
  charges: 'softbv-effective',
  radii: 'softbv',
  screeningFactor: 0.74,
  coulombConstant: 14.4,
};

/** The models by name: adding one here adds it to ModelName, `--model` and the screen configuration. */
export const models = { bvlain: bvlainModel, softbv: softbvModel } as const satisfies Readonly<Record<string, BvseModel>>;

export type ModelName = keyof typeof models;

export const DEFAULT_MODEL: ModelName = 'bvlain';

export function isModelName(name: string): name is ModelName {
  return Object.hasOwn(models, name);
}

/** The model of that name; UsageError listing the known names otherwise. */
export function getModel(name: string): BvseModel {
  if (!isModelName(name)) throw new UsageError(`unknown model '${name}'; known models: ${Object.keys(models).join(', ')}`);
  return models[name];
}
