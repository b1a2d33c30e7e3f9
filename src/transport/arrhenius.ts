// Arrhenius fit of σT: ln(σT) = ln A − Ea/(k_B·T), weighted least squares with weights 1/(relative error)² (the
// standard error of ln σ is the relative standard error of σ). R² is the weighted coefficient of determination;
// the error of Ea is the fit's standard error scaled by the residuals (reduced χ²) when that exceeds one.
import { BOLTZMANN_EV } from './rates.js';
import type { ArrheniusFit } from './types.js';

export interface ArrheniusPoint {
  temperatureK: number;
  sigma: number;
  sigmaError: number;
}

export function fitArrhenius(points: ArrheniusPoint[]): ArrheniusFit | null {
  const use = points.filter((p) => p.sigma > 0 && Number.isFinite(p.sigma) && p.temperatureK > 0);
  if (use.length < 2) return null;
  const x = use.map((p) => 1 / (BOLTZMANN_EV * p.temperatureK));
  const y = use.map((p) => Math.log(p.sigma * p.temperatureK));
  // A point whose error is unknown or zero gets the weight of the best-determined finite one.
  const rel = use.map((p) => (p.sigmaError > 0 && Number.isFinite(p.sigmaError) ? p.sigmaError / p.sigma : NaN));
  const finite = rel.filter((r) => Number.isFinite(r));
  const floor = finite.length ? Math.min(...finite) : 1;
  const w = rel.map((r) => 1 / Math.max(Number.isFinite(r) ? r : floor, 1e-6) ** 2);
  const sw = w.reduce((s, v) => s + v, 0);
  const mx = w.reduce((s, v, i) => s + v * x[i]!, 0) / sw;
  const my = w.reduce((s, v, i) => s + v * y[i]!, 0) / sw;
  let sxx = 0,
    sxy = 0,
    syy = 0;
  for (let i = 0; i < use.length; i++) {
    sxx += w[i]! * (x[i]! - mx) ** 2;
    sxy += w[i]! * (x[i]! - mx) * (y[i]! - my);
    syy += w[i]! * (y[i]! - my) ** 2;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let chi2 = 0;
  for (let i = 0; i < use.length; i++) chi2 += w[i]! * (y[i]! - intercept - slope * x[i]!) ** 2;
  const r2 = syy > 0 ? 1 - chi2 / syy : 1;
  const dof = use.length - 2;
  const scale = dof > 0 ? Math.max(1, chi2 / dof) : 1;
  return {
    ea: -slope,
    eaError: Math.sqrt(scale / sxx),
    prefactor: Math.exp(intercept),
    r2,
    temperaturesK: use.map((p) => p.temperatureK),
  };
}
