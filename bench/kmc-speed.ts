// Cost of the transport calculation per structure (issue 24's target: a median of at most 1 s per structure for five
// temperatures on 2 cores): the kinetic Monte Carlo at the library defaults (five temperatures, runs stop once D_σ and
// D* reach their targets, or on the step budget) on the continuum network of a few Li conductors, the temperatures on
// --threads worker threads (simulateTransportParallel). The landscape and network are built first and not timed (their
// cost is bench/continuum.ts's). For each structure: wall and CPU time (process.cpuUsage counts every thread, so CPU
// time is what a shared machine cannot inflate), hops, CPU µs per hop, each temperature's status; then the medians.
//
// Run from the project root: `node build.mjs && node dist/bench/kmc-speed.js [--threads 2] [--max-steps N]
// [--temperatures 300,…] [--min-supercell A] [FILE ...]` (the last two for the cost studies of docs/transport.md, Limits)
// (default files: fixtures/Li3N_alpha.cif, fixtures/Li2S_antifluorite.cif and, when ../shared is present, γ-Li3PS4,
// Li7P3S11, Li10GeP2S12 and Li6PS5Cl). --threads 1 runs simulateTransport (serial). Writes bench/results/kmc-speed.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { continuumTransportNetwork } from '../src/pipeline/landscape-products.js';
import { computeLandscape, DEFAULT_SEED_RESOLUTION } from '../src/pipeline/landscape.js';
import { readStructureTextSync } from '../src/structure/read.js';
import { simulateTransportParallel } from '../src/transport/parallel.js';
import { findCages } from '../src/transport/cages.js';
import { BOLTZMANN_EV } from '../src/transport/rates.js';
import { prepareTransport, simulateTransport, TRANSPORT_DEFAULTS } from '../src/transport/simulate.js';
import type { HopNetwork } from '../src/transport/types.js';

const { values, positionals } = parseArgs({
  options: {
    'max-steps': { type: 'string', default: String(TRANSPORT_DEFAULTS.maxSteps) },
    threads: { type: 'string', default: '2' },
    temperatures: { type: 'string' },
    'min-supercell': { type: 'string', default: String(TRANSPORT_DEFAULTS.minSupercellA) },
    out: { type: 'string', default: 'bench/results/kmc-speed.json' },
  },
  allowPositionals: true,
});
const maxSteps = Number(values['max-steps']);
const threads = Number(values.threads);
const temperatures = values.temperatures?.split(',').map(Number);
const minSupercellA = Number(values['min-supercell']);
const options = { maxSteps, minSupercellA, ...(temperatures ? { temperatures } : {}) };
const shared = path.resolve('../shared/cif/named');
const files = positionals.length
  ? positionals
  : [
      'fixtures/Li3N_alpha.cif',
      'fixtures/Li2S_antifluorite.cif',
      ...['Li3PS4_gamma.cif', 'Li7P3S11.cif', 'Li10GeP2S12_obelix.cif', 'Li6PS5Cl_obelix.cif'].map((f) => path.join(shared, f)).filter(existsSync),
    ];

/**
 * How far apart the network's time scales are: the hops whose saddle lies below the 1D percolation threshold E_1D
 * (inside cages), the largest gap E_1D − E_saddle, how many lie below the fast-hop floor E_1D − kT·ln(ratio) at each
 * temperature, and the cages (the supercell's groups of sites joined by hops below E_1D) with their mean number of
 * ions (ions over cages). A treatment of the cages as superbasins needs their inner hops much faster than the hops
 * out (the floor's ratio) and, with several ions per cage, every arrangement of them.
 */
function timeScales(net: HopNetwork, temperatures: number[]) {
  const p = prepareTransport(net, { minSupercellA });
  const e1 = p.perc[0];
  if (e1 === null) return null;
  const below = net.hops.filter((h) => h.saddleEnergy < e1);
  const { sc } = p;
  const cages = findCages(sc, e1)
    .groups.map((g) => g.length)
    .filter((n) => n > 1);
  const caged = cages.reduce((a, b) => a + b, 0);
  return {
    hopsBelowE1D: below.length,
    largestGapEv: below.length ? Number(Math.max(...below.map((h) => e1 - h.saddleEnergy)).toFixed(3)) : 0,
    hopsBelowFloor: temperatures.map((T) => net.hops.filter((h) => h.saddleEnergy < e1 - BOLTZMANN_EV * T * Math.log(TRANSPORT_DEFAULTS.fastHopRatio)).length),
    cageSites: [...new Set(cages)].sort((a, b) => a - b),
    sitesInCages: `${caged}/${sc.nSites}`,
    // Ions over cages: their mean number per cage when (nearly) every site lies in one.
    ionsPerCage: cages.length ? Number((p.ions / cages.length).toFixed(2)) : 0,
  };
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const load0 = loadavg();
const rows = [];
for (const file of files) {
  const s = readStructureTextSync(readFileSync(file, 'utf8'), file)[0]!.structure!;
  const landscape = await computeLandscape(s, { ion: 'Li+', method: 'continuum', resolution: DEFAULT_SEED_RESOLUTION });
  const net = landscape.barriers['1D'] !== null ? continuumTransportNetwork(landscape) : null;
  if (!net) {
    console.log(`${path.basename(file)}: no network`);
    continue;
  }
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  const r = threads > 1 ? await simulateTransportParallel(net, options, threads) : simulateTransport(net, options);
  const wallMs = performance.now() - w0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const steps = r.temperatures.reduce((a, t) => a + t.steps, 0);
  const row = {
    file: path.basename(file),
    sites: net.sites.length,
    hops: net.hops.length,
    supercell: r.supercell.join('×'),
    ions: r.ions,
    steps,
    stepsPerTemperature: r.temperatures.map((t) => t.steps),
    statuses: r.temperatures.map((t) => t.status),
    tracerD: r.temperatures.map((t) => Number(t.tracerD.toPrecision(4))),
    collectiveD: r.temperatures.map((t) => Number(t.collectiveD.toPrecision(4))),
    collectiveRelError: r.temperatures.map((t) => (t.collectiveD > 0 ? Number((t.collectiveDError / t.collectiveD).toFixed(3)) : null)),
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    cpuUsPerHop: steps > 0 ? Number(((cpuMs * 1000) / steps).toFixed(2)) : null,
    timeScales: timeScales(net, r.options.temperatures),
    ea: r.arrhenius ? Number(r.arrhenius.ea.toFixed(4)) : null,
    eaError: r.arrhenius ? Number(r.arrhenius.eaError.toFixed(4)) : null,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
const summary = {
  date: new Date().toISOString(),
  command: `node dist/bench/kmc-speed.js --threads ${threads} --max-steps ${maxSteps}${temperatures ? ` --temperatures ${temperatures.join(',')}` : ''}${minSupercellA !== TRANSPORT_DEFAULTS.minSupercellA ? ` --min-supercell ${minSupercellA}` : ''}`,
  loadavg: { start: load0.map((x) => Number(x.toFixed(2))), end: loadavg().map((x) => Number(x.toFixed(2))) },
  medianWallMs: Math.round(median(rows.map((r) => r.wallMs))),
  medianCpuMs: Math.round(median(rows.map((r) => r.cpuMs))),
  rows,
};
console.log(JSON.stringify({ ...summary, rows: undefined }));
mkdirSync(path.dirname(values.out!), { recursive: true });
writeFileSync(values.out!, JSON.stringify(summary, null, 2) + '\n');
