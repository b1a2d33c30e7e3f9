// Transport on a site–hop network: rates, kinetic Monte Carlo, D*, D_σ, Haven ratio, σ(T) and the Arrhenius fit.
export { simulateTransport, DEFAULT_TEMPERATURES, TRANSPORT_DEFAULTS } from './simulate.js';
export { fitArrhenius, type ArrheniusPoint } from './arrhenius.js';
export { hopPercolation } from './percolation.js';
export { ASSUMED_ATTEMPT_FREQUENCY_HZ, BOLTZMANN_EV, kraBarrier, tstRate } from './rates.js';
export type * from './types.js';
