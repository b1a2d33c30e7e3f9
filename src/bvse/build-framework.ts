// Structure + mobile ion + model -> Framework (the plain-data input of every energy backend).
import type { Structure } from '../structure/types.js';
import type { CoulombPair, Framework, MorsePair, PairType } from './framework.js';
import { InputError, MissingBvParamError, MobileIonError, OxidationStateError } from '../errors.js';
import { formatIon, parseIon, type IonSpec } from './ion.js';
import { DEFAULT_MODEL, getModel, type BvseModel } from './model.js';
import { derivePair, type ParamSource } from './derive-params.js';
import { elementData, findPair, findSoftbvPair, softbvIon, softbvIonsOf, tabulatedCharges, type Ion, type MorseParams } from './params.js';

export interface BuildFrameworkOptions {
  /** "Li" (the charge Li has in the structure), "Li+", "I-", "S2-", or { element, oxidation }. */
  ion: string | IonSpec;
  /** Model name or object; default 'bvlain'. */
  model?: string | BvseModel;
  /** Overrides the model's cutoff (Å). */
  cutoff?: number;
}

/**
 * Builds the framework seen by one mobile ion. The structure must carry an oxidation state on every
 * species (assignOxidationStates). Every atom of the mobile element is removed; species with charge 0
 * are skipped; counter-ions become Morse types, like-charged ions Coulomb types, one type per distinct
 * (element, oxidation state); each atom keeps its site occupancy as its weight.
 */
export function buildFramework(s: Structure, opts: BuildFrameworkOptions): Framework {
  const model = typeof opts.model === 'object' ? opts.model : getModel(opts.model ?? DEFAULT_MODEL);
  const cutoff = opts.cutoff ?? model.cutoff;
  if (!(cutoff > 0) || !Number.isFinite(cutoff)) throw new InputError(`the cutoff must be a positive number of Å (got ${cutoff})`);
  const mobile = resolveMobileIon(s, typeof opts.ion === 'string' ? parseIon(opts.ion) : opts.ion);
  const charge = chargeModel(s, model, mobile);

  const types: PairType[] = [];
  const typeIndex = new Map<string, number>();
  const frac: number[] = [];
  const type: number[] = [];
  const weight: number[] = [];

  for (const site of s.sites) {
    for (const sp of site.species) {
      if (sp.element === mobile.element) continue;
      if (sp.oxidation === null || !Number.isFinite(sp.oxidation)) {
        throw new OxidationStateError(
          `${s.file}: site ${site.label} (${sp.element}) has no oxidation state (assign the states before building the framework)`,
          [sp.element],
          { hint: { kind: 'give-oxidation-states', elements: [sp.element] } },
        );
      }
      if (sp.oxidation === 0 || sp.occupancy <= 0) continue;
      const partner: Ion = { element: sp.element, oxidation: sp.oxidation };
      const counter = Math.sign(partner.oxidation) !== Math.sign(mobile.oxidation);
      if (counter ? !model.terms.morse : !model.terms.coulomb) continue;
      const k = `${counter ? 'morse' : 'coulomb'}|${sp.element}|${sp.oxidation}`;
      let t = typeIndex.get(k);
      if (t === undefined) {
        t = types.length;
        types.push(counter ? morseType(model, mobile, partner) : coulombType(model, mobile, partner, charge));
        typeIndex.set(k, t);
      }
      frac.push(wrap(site.frac[0]), wrap(site.frac[1]), wrap(site.frac[2]));
      type.push(t);
      weight.push(sp.occupancy);
    }
  }

  return {
    lattice: Float64Array.from(s.lattice.matrix),
    cutoff,
    mobile,
    model: model.name,
    types,
    atoms: { frac: Float64Array.from(frac), type: Uint32Array.from(type), weight: Float64Array.from(weight) },
  };
}

/**
 * The mobile ion's charge: the one given, else the one its element has in the structure, else (element
 * absent, e.g. an insertion study) the only charge the parameter table knows for that element.
 */
export function resolveMobileIon(s: Structure, spec: IonSpec): Ion {
  if (spec.oxidation !== null) {
    if (spec.oxidation === 0) throw new MobileIonError(spec.element, `the mobile ion ${spec.element} must be charged`);
    return { element: spec.element, oxidation: spec.oxidation };
  }
  const present = new Set<number>();
  let unassigned = false;
  for (const site of s.sites)
    for (const sp of site.species)
      if (sp.element === spec.element) {
        if (sp.oxidation === null) unassigned = true;
        else present.add(sp.oxidation);
      }
  const charged = [...present].filter((q) => q !== 0).sort((a, b) => a - b);
  if (charged.length === 1) return { element: spec.element, oxidation: charged[0]! };
  if (charged.length > 1) {
    const names = charged.map((q) => formatIon(spec.element, q));
    throw new MobileIonError(spec.element, `${spec.element} appears as ${names.join(' and ')} in ${s.file}`, {
      hint: { kind: 'name-ion-charge', element: spec.element, example: names[0]! },
    });
  }
  if (present.size > 0 || unassigned) {
    throw new MobileIonError(spec.element, `${spec.element} has no ${unassigned ? 'oxidation state' : 'charge (it is neutral)'} in ${s.file}`, {
      hint: { kind: 'name-ion-charge', element: spec.element, example: `${spec.element}+` },
    });
  }
  const tabulated = tabulatedCharges(spec.element);
  if (tabulated.length === 1) return { element: spec.element, oxidation: tabulated[0]! };
  throw new MobileIonError(
    spec.element,
    `${spec.element} is not in ${s.file} and its charge cannot be inferred` +
      (tabulated.length > 1 ? ` (tabulated: ${tabulated.map((q) => formatIon(spec.element, q)).join(', ')})` : ''),
    { hint: { kind: 'name-ion-charge', element: spec.element, example: formatIon(spec.element, tabulated[0] ?? 1) } },
  );
}

/**
 * The model's screened Coulomb pair of the mobile ion with itself (k = 14.4·q², screening f·2r with the model's charge
 * and radius): the mobile–mobile repulsion a many-ion simulation adds to the single-ion landscape.
 */
export function mobilePairType(s: Structure, opts: BuildFrameworkOptions): CoulombPair {
  const model = typeof opts.model === 'object' ? opts.model : getModel(opts.model ?? DEFAULT_MODEL);
  const mobile = resolveMobileIon(s, typeof opts.ion === 'string' ? parseIon(opts.ion) : opts.ion);
  return coulombType(model, mobile, mobile, chargeModel(s, model, mobile));
}

function morseType(model: BvseModel, mobile: Ion, partner: Ion): MorsePair {
  let p: MorseParams | undefined;
  let source: ParamSource = 'table';
  let note: string | undefined;
  for (const table of model.morseTables) {
    p = table === 'softbv-bvseparam' ? findSoftbvPair(mobile, partner) : findPair(mobile, partner);
    if (p) break;
  }
  // Not tabulated: softBV's relations from bond-valence R0/b, softness and periods (derive-params.ts);
  // MissingBvParamError naming the missing input when even those are absent.
  if (!p) {
    const d = derivePair(mobile, partner);
    p = d;
    note = d.note;
    source = 'derived';
  }
  // 34 rows of the source table (e.g. Mg2+-I-, Be2+-S2-, Mo6+-Cl-) have alpha < 0 and an Rmin far too
  // short: failed fits. With alpha < 0 the "attraction" grows as exp(2|alpha|R), ~1e10 eV at 10 Å (what
  // bvlain then reports). Refuse them with a clear error rather than return such a landscape.
  if (!(p.alpha > 0)) {
    throw new MissingBvParamError(
      formatIon(mobile.element, mobile.oxidation),
      formatIon(partner.element, partner.oxidation),
      `the tabulated entry is unusable (alpha = ${p.alpha} < 0, Rmin = ${p.rmin} Å: a failed fit in the source table)`,
    );
  }
  return { kind: 'morse', species: formatIon(partner.element, partner.oxidation), d0: p.d0, rmin: p.rmin, alpha: p.alpha, source, ...(note ? { note } : {}) };
}

interface ChargeModel {
  /** Charge of an ion as it enters 14.4·qA·qB. */
  q(ion: Ion): number;
  /** Radius of an ion in the screening length. */
  r(ion: Ion): number;
}

function coulombType(model: BvseModel, mobile: Ion, partner: Ion, charge: ChargeModel): CoulombPair {
  return {
    kind: 'coulomb',
    species: formatIon(partner.element, partner.oxidation),
    k: model.coulombConstant * charge.q(mobile) * charge.q(partner),
    screen: model.screeningFactor * (charge.r(mobile) + charge.r(partner)),
  };
}

function chargeModel(s: Structure, model: BvseModel, mobile: Ion): ChargeModel {
  const mobileName = formatIon(mobile.element, mobile.oxidation);
  const noData = (ion: Ion, what: string) =>
    new MissingBvParamError(mobileName, formatIon(ion.element, ion.oxidation), `no ${what} for ${ion.element} in the ${model.name} model's element table`);

  const bvlainN = (ion: Ion) => {
    const n = elementData(ion.element)?.n;
    if (n == null) throw noData(ion, 'principal quantum number');
    return n;
  };
  const covalent = (ion: Ion) => {
    const r = elementData(ion.element)?.rcov;
    if (r === undefined) throw noData(ion, 'covalent radius');
    return r;
  };
  // softBV data for an ion: the exact (element, charge) entry, else the same element and sign with the nearest charge.
  const softbv = (ion: Ion) => {
    const exact = softbvIon(ion.element, ion.oxidation);
    if (exact) return exact;
    const near = softbvIonsOf(ion.element)
      .filter((d) => Math.sign(d.oxidation) === Math.sign(ion.oxidation))
      .sort((a, b) => Math.abs(a.oxidation - ion.oxidation) - Math.abs(b.oxidation - ion.oxidation))[0];
    if (!near) throw noData(ion, 'softBV ion data');
    return near;
  };

  const radius = model.radii === 'softbv' ? (ion: Ion) => softbv(ion).radius : covalent;
  if (model.charges === 'formal') return { q: (ion) => ion.oxidation / Math.sqrt(bvlainN(ion)), r: radius };

  // softBV effective charges: V/√n, scaled so that the cations' and the anions' sums balance.
  let cationSum = 0;
  let anionSum = 0;
  for (const site of s.sites)
    for (const sp of site.species) {
      if (sp.oxidation === null || sp.oxidation === 0) continue;
      const q = (sp.occupancy * sp.oxidation) / Math.sqrt(softbv({ element: sp.element, oxidation: sp.oxidation }).n);
      if (q > 0) cationSum += q;
      else anionSum -= q;
    }
  // With only one sign present (or an empty structure) there is nothing to balance.
  const ratio = cationSum > 0 && anionSum > 0 ? anionSum / cationSum : 1;
  const cationScale = Math.sqrt(ratio);
  const anionScale = 1 / Math.sqrt(ratio);
  return {
    q: (ion) => (ion.oxidation / Math.sqrt(softbv(ion).n)) * (ion.oxidation > 0 ? cationScale : anionScale),
    r: radius,
  };
}

function wrap(f: number): number {
  const w = f - Math.floor(f);
  return w >= 1 ? 0 : w;
}
