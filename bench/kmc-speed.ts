// Speed of the kinetic Monte Carlo alone (src/transport/kmc.ts): microseconds per hop on the grid networks of a few
// Li conductors, the landscape and network built once and not timed. Five temperatures, a fixed step budget.
//
// Run from the project root: `node build.mjs && node dist/bench/kmc-speed.js [--max-steps N] [FILE ...]`
// (default files: fixtures/Li3N_alpha.cif, fixtures/Li2S_antifluorite.cif and, when ../shared is present,
// γ-Li3PS4 and Li7P3S11). Prints a table and writes bench/results/kmc-speed.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { computeLandscape } from '../src/pipeline/landscape.js';
import { TRANSPORT_RESOLUTION, transportNetwork } from '../src/pipeline/landscape-products.js';
import { readStructureTextSync } from '../src/structure/read.js';
import { simulateTransport } from '../src/transport/simulate.js';

const { values, positionals } = parseArgs({
  options: { 'max-steps': { type: 'string', default: '50000' }, out: { type: 'string', default: 'bench/results/kmc-speed.json' } },
  allowPositionals: true,
});
const maxSteps = Number(values['max-steps']);
const shared = path.resolve('../shared/cif/named');
const files = positionals.length
  ? positionals
  : ['fixtures/Li3N_alpha.cif', 'fixtures/Li2S_antifluorite.cif', ...['Li3PS4_gamma.cif', 'Li7P3S11.cif'].map((f) => path.join(shared, f)).filter(existsSync)];

const rows = [];
for (const file of files) {
  const s = readStructureTextSync(readFileSync(file, 'utf8'), file)[0]!.structure!;
  const landscape = await computeLandscape(s, { ion: 'Li+', mode: 'uniform', resolution: TRANSPORT_RESOLUTION });
  const net = landscape.percolation && landscape.barriers['1D'] !== null ? transportNetwork(landscape) : null;
  if (!net) {
    console.log(`${path.basename(file)}: no network`);
    continue;
  }
  // Tight targets so every temperature spends its whole budget: the time per hop is then the steady-state cost.
  const cpu0 = process.cpuUsage();
  const r = simulateTransport(net, { maxSteps, targetTracer: 1e-9, targetCollective: 1e-9 });
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const steps = r.temperatures.reduce((a, t) => a + t.steps, 0);
  const usPerHop = steps > 0 ? (r.elapsedMs * 1000) / steps : NaN;
  // CPU time as well as wall time: on a shared machine the wall clock also counts other jobs' time slices.
  const cpuUsPerHop = steps > 0 ? (cpuMs * 1000) / steps : NaN;
  const row = {
    file: path.basename(file),
    sites: net.sites.length,
    hops: net.hops.length,
    supercell: r.supercell,
    ions: r.ions,
    steps,
    ms: Math.round(r.elapsedMs),
    usPerHop: Number(usPerHop.toFixed(2)),
    cpuUsPerHop: Number(cpuUsPerHop.toFixed(2)),
    eaKmc: r.arrhenius?.ea ?? null,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
mkdirSync(path.dirname(values.out!), { recursive: true });
writeFileSync(values.out!, JSON.stringify({ maxSteps, rows }, null, 2) + '\n');
