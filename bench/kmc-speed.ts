// Cost of the transport calculation per structure (issue 24's target: a median of at most 1 s per structure for five
// temperatures on 2 cores): the kinetic Monte Carlo at the library defaults (five temperatures, runs stop once D_σ and
// D* reach their targets, or on the step budget) on the continuum network of a few Li conductors, the temperatures on
// --threads worker threads (simulateTransportParallel). The landscape and network are built first and not timed (their
// cost is bench/continuum.ts's). For each structure: wall and CPU time (process.cpuUsage counts every thread, so CPU
// time is what a shared machine cannot inflate), hops, CPU µs per hop, each temperature's status; then the medians.
//
// Run from the project root: `node build.mjs && node dist/bench/kmc-speed.js [--threads 2] [--max-steps N] [FILE ...]`
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
import { simulateTransport, TRANSPORT_DEFAULTS } from '../src/transport/simulate.js';

const { values, positionals } = parseArgs({
  options: {
    'max-steps': { type: 'string', default: String(TRANSPORT_DEFAULTS.maxSteps) },
    threads: { type: 'string', default: '2' },
    out: { type: 'string', default: 'bench/results/kmc-speed.json' },
  },
  allowPositionals: true,
});
const maxSteps = Number(values['max-steps']);
const threads = Number(values.threads);
const shared = path.resolve('../shared/cif/named');
const files = positionals.length
  ? positionals
  : [
      'fixtures/Li3N_alpha.cif',
      'fixtures/Li2S_antifluorite.cif',
      ...['Li3PS4_gamma.cif', 'Li7P3S11.cif', 'Li10GeP2S12_obelix.cif', 'Li6PS5Cl_obelix.cif'].map((f) => path.join(shared, f)).filter(existsSync),
    ];

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
  const r = threads > 1 ? await simulateTransportParallel(net, { maxSteps }, threads) : simulateTransport(net, { maxSteps });
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
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuMs),
    cpuUsPerHop: steps > 0 ? Number(((cpuMs * 1000) / steps).toFixed(2)) : null,
    ea: r.arrhenius ? Number(r.arrhenius.ea.toFixed(4)) : null,
    eaError: r.arrhenius ? Number(r.arrhenius.eaError.toFixed(4)) : null,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
const summary = {
  date: new Date().toISOString(),
  command: `node dist/bench/kmc-speed.js --threads ${threads} --max-steps ${maxSteps}`,
  loadavg: { start: load0.map((x) => Number(x.toFixed(2))), end: loadavg().map((x) => Number(x.toFixed(2))) },
  medianWallMs: Math.round(median(rows.map((r) => r.wallMs))),
  medianCpuMs: Math.round(median(rows.map((r) => r.cpuMs))),
  rows,
};
console.log(JSON.stringify({ ...summary, rows: undefined }));
mkdirSync(path.dirname(values.out!), { recursive: true });
writeFileSync(values.out!, JSON.stringify(summary, null, 2) + '\n');
