// Harmonic frequencies at critical points and the harmonic attempt frequency of a hop (Vineyard, J. Phys. Chem. Solids
// 3, 121 (1957)): ν* = Π_{i=1..3} ν_i(minimum) / Π_{j=1..2} ν_j(saddle, real modes), ν = √(λ/m)/(2π).

/** 1 eV/Å² in J/m² (N/m): 1.602176634e-19 J / 1e-20 m². */
const EV_PER_A2_IN_SI = 1.602176634e-19 / 1e-20;
/** 1 atomic mass unit (dalton) in kg (CODATA 2018). */
const AMU_IN_KG = 1.6605390666e-27;

/** ν = √(λ/m)/(2π) in Hz for a curvature λ (eV/Å²) and a mass (amu); NaN for λ < 0 (an unstable mode). */
export function harmonicFrequency(eigenvalue: number, massAmu: number): number {
  if (!(massAmu > 0)) throw new RangeError(`the mobile ion's mass must be positive (got ${massAmu} amu)`);
  if (eigenvalue < 0) return NaN;
  return Math.sqrt((eigenvalue * EV_PER_A2_IN_SI) / (massAmu * AMU_IN_KG)) / (2 * Math.PI);
}

/** The three harmonic frequencies (Hz) of the mobile ion at a site: one per Hessian eigenvalue (NaN where negative). */
export function harmonicFrequencies(eigenvalues: ArrayLike<number>, massAmu: number): [number, number, number] {
  return [0, 1, 2].map((i) => harmonicFrequency(eigenvalues[i]!, massAmu)) as [number, number, number];
}

/**
 * Vineyard's harmonic attempt frequency (Hz) of the hop from a minimum over an index-1 saddle: the product of the
 * minimum's three frequencies over the saddle's two real ones. NaN unless the minimum's three eigenvalues are positive
 * and the saddle has exactly one negative eigenvalue.
 */
export function vineyardFrequency(minimumEigenvalues: ArrayLike<number>, saddleEigenvalues: ArrayLike<number>, massAmu: number): number {
  const min = Array.from({ length: 3 }, (_, i) => minimumEigenvalues[i]!);
  const sad = Array.from({ length: 3 }, (_, i) => saddleEigenvalues[i]!).sort((a, b) => a - b);
  if (!min.every((l) => l > 0) || !(sad[0]! < 0 && sad[1]! > 0)) return NaN;
  // Π ν_min / Π ν_saddle = √(Π λ_min / Π λ_saddle / m) / (2π): the unit factors of four of the five frequencies cancel.
  const ratio = (min[0]! * min[1]! * min[2]!) / (sad[1]! * sad[2]!);
  return Math.sqrt((ratio * EV_PER_A2_IN_SI) / (massAmu * AMU_IN_KG)) / (2 * Math.PI);
}
