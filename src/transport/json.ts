// A TransportResult as JSON: snake_case keys, numbers rounded to what the statistics support.
import { BOLTZMANN_EV } from './rates.js';
import type { TransportResult } from './types.js';

const sig = (x: number, digits = 4) => (Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(digits)) : x);

export function transportJson(r: TransportResult): Record<string, unknown> {
  return {
    ion: r.ion,
    status: r.status,
    network_source: r.source,
    rates: r.rates,
    interaction: r.interaction,
    attempt_frequency_hz: r.attemptFrequency.hz,
    attempt_frequency_source: r.attemptFrequency.source,
    supercell: r.supercell,
    sites_per_cell: r.sitesPerCell,
    hops_per_cell: r.hopsPerCell,
    ions: r.ions,
    carrier_density_per_cm3: sig(r.carrierDensity),
    hop_percolation_ev: r.percolation,
    ea_kmc: r.arrhenius ? sig(r.arrhenius.ea) : null,
    ea_kmc_error: r.arrhenius ? sig(r.arrhenius.eaError, 2) : null,
    sigma_t_prefactor_s_k_per_cm: r.arrhenius ? sig(r.arrhenius.prefactor) : null,
    arrhenius_r2: r.arrhenius ? sig(r.arrhenius.r2) : null,
    arrhenius_temperatures_k: r.arrhenius?.temperaturesK ?? [],
    ea_tracer: r.arrheniusTracer ? sig(r.arrheniusTracer.ea) : null,
    ea_tracer_error: r.arrheniusTracer ? sig(r.arrheniusTracer.eaError, 2) : null,
    temperatures: r.temperatures.map((t) => ({
      temperature_k: t.temperatureK,
      status: t.status,
      tracer_d_cm2_s: sig(t.tracerD),
      tracer_d_error: sig(t.tracerDError, 2),
      collective_d_cm2_s: sig(t.collectiveD),
      collective_d_error: sig(t.collectiveDError, 2),
      haven_ratio: t.havenRatio === null ? null : sig(t.havenRatio, 3),
      sigma_s_cm: sig(t.sigma),
      sigma_error: sig(t.sigmaError, 2),
      log10_sigma: t.sigma > 0 ? sig(Math.log10(t.sigma)) : null,
      steps: t.steps,
      blocks: t.blocks,
      simulated_time_s: sig(t.timeS),
      mean_energy_per_ion_ev: sig(t.meanEnergyPerIon),
      slowed_hops: t.slowedHops,
    })),
    options: r.options,
    elapsed_ms: Math.round(r.elapsedMs),
  };
}

/** log10 σ (S/cm) at a temperature from the Arrhenius fit of σT (or of the tracer's σ*T). */
export function log10SigmaAt(r: TransportResult, temperatureK: number, fit: 'collective' | 'tracer' = 'collective'): number | null {
  const f = fit === 'collective' ? r.arrhenius : r.arrheniusTracer;
  if (!f) return null;
  return (Math.log(f.prefactor) - f.ea / (BOLTZMANN_EV * temperatureK) - Math.log(temperatureK)) / Math.LN10;
}
