// Hop rates. Harmonic transition-state theory (Vineyard 1957): a hop out of site i over saddle s happens at
//     Γ = ν* · exp(−(E_s − E_i)/(k_B·T)),
// with ν* the attempt frequency. With other mobile ions present the barrier is taken from the kinetically resolved
// activation (KRA) barrier of Van der Ven, Ceder, Asta & Tepesch (Phys. Rev. B 64, 184307, 2001):
//     E_a = E_KRA + ΔE/2,   E_KRA = E_s − (E_i + E_j)/2,
// where ΔE is the change of the total energy (site energies plus mobile–mobile repulsion) when the ion moves from
// i to j. For one ion alone ΔE = E_j − E_i and E_a = E_s − E_i: the single-ion TST barrier from each end.
// E_a is kept at or above max(0, ΔE) on both sides, which keeps detailed balance (the two directions' barriers
// still differ by exactly ΔE).

/** Boltzmann constant (eV/K), CODATA 2018 exact. */
export const BOLTZMANN_EV = 8.617333262e-5;
/** Elementary charge (C), SI exact. */
export const ELEMENTARY_CHARGE = 1.602176634e-19;
/** Boltzmann constant (J/K), SI exact. */
export const BOLTZMANN_J = 1.380649e-23;

/**
 * The attempt frequency when a network gives none: 10^13 Hz, the order of an optical phonon frequency and the value
 * customarily assumed for ion hops in solids (e.g. Van der Ven et al. 2001; Vineyard 1957 gives ν* as the ratio of
 * the normal-mode frequencies at the minimum and at the saddle, typically 10^12–10^13 Hz).
 */
export const ASSUMED_ATTEMPT_FREQUENCY_HZ = 1e13;

export const RATE_EXPRESSION = 'harmonic transition-state theory: rate = nu* exp(-(E_saddle - E_site)/kT) from each end';
export const INTERACTION_EXPRESSION =
  'KRA barrier: E_a = E_KRA + dE/2 with E_KRA = E_saddle - (E_from + E_to)/2 and dE the change in total energy (site energies + mobile-mobile screened Coulomb), E_a >= max(0, dE)';

/** The barrier (eV) of a hop with KRA barrier `kra` that changes the total energy by `dE`. */
export function kraBarrier(kra: number, dE: number): number {
  const ea = kra + 0.5 * dE;
  return ea > dE ? (ea > 0 ? ea : 0) : dE > 0 ? dE : 0;
}

/** Harmonic TST rate (1/s) over a barrier `ea` (eV) at temperature T (K). */
export function tstRate(nu: number, ea: number, temperatureK: number): number {
  return nu * Math.exp(-ea / (BOLTZMANN_EV * temperatureK));
}
