// The erfc approximation used by shaders/bvse-grid.wgsl, in float64, so tests can measure its error
// against the float64 reference (src/bvse/pair.ts) and the tolerance can include it.
// Source: W. H. Press et al., Numerical Recipes in C, 2nd ed. (1992), §6.2, function erfcc:
// a Chebyshev fit of erfc(x) = t·exp(−x² + P(t)), t = 1/(1 + x/2), with fractional error < 1.2e-7 for all x ≥ 0.
// Measured against src/bvse/pair.ts on [0, 12] in steps of 1e-5: largest relative error 1.04e-7, at x ≈ 4.74.
// In float32 on the GPU the evaluation adds rounding (see the bound in test/backends/gpu-helpers.ts).

/** Bound on |erfcApprox(x)/erfc(x) − 1| for x ≥ 0 in exact arithmetic (Numerical Recipes; checked in tests). */
export const ERFC_APPROX_MAX_REL_ERROR = 1.2e-7;

/** The shader's erfcApprox, evaluated in float64 (no float32 rounding). */
export function erfcApprox(x: number): number {
  const t = 1 / (1 + 0.5 * x);
  const p =
    -1.26551223 +
    t *
      (1.00002368 +
        t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * Math.exp(-x * x + p);
}
