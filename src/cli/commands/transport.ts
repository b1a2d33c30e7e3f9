// `bvscape transport FILE`: σ(T), diffusion coefficients, Haven ratio and the activation energy of one mobile ion by
// kinetic Monte Carlo on the structure's site–hop network (docs/transport.md).
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Command } from '../command.js';
import { backendOption, flag, optionalPositiveNumber, positiveNumber, str } from '../command.js';
import { TransportError, UsageError } from '../../errors.js';
import { readOneStructure } from '../read-one.js';
import { checkOutputPaths, checkOutputSet, OVERWRITE_OPTION } from '../output-paths.js';
import { parseIon } from '../../bvse/ion.js';
import { parseOxiOverride } from '../../bvse/oxidation/override.js';
import { DEFAULT_MODEL, getModel, models } from '../../bvse/model.js';
import { selectBackend } from '../../backends/select.js';
import { structureTransport, TRANSPORT_RESOLUTION } from '../../pipeline/landscape-products.js';
import { DEFAULT_SEED_RESOLUTION } from '../../pipeline/landscape.js';
import { DEFAULT_TEMPERATURES, TRANSPORT_DEFAULTS } from '../../transport/simulate.js';
import { simulateTransportParallel } from '../../transport/parallel.js';
import { log10SigmaAt, transportJson } from '../../transport/json.js';
import { arrheniusSvg } from '../../report/arrhenius-svg.js';

/** "300,400,500" -> [300, 400, 500]; UsageError naming the option for anything but positive kelvin values. */
export function temperatureList(text: string, option = '--temperatures'): number[] {
  const list = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map(Number);
  if (list.length === 0 || list.some((t) => !(t > 0) || !Number.isFinite(t))) {
    throw new UsageError(`${option} expects positive kelvin values separated by commas, e.g. 300,400,500 (got '${text}')`);
  }
  return list;
}

export const transport: Command = {
  name: 'transport',
  summary: 'conductivity σ(T), diffusion coefficients, Haven ratio and Ea by kinetic Monte Carlo on the site network',
  usage: 'bvscape transport <file> [--ion Li] [options]',
  options: {
    ion: { type: 'string', arg: 'ION', default: 'Li', description: 'mobile ion: Li (its charge in the structure), Li+, Na+, Mg2+, F-' },
    temperatures: { type: 'string', arg: 'K,K,...', default: DEFAULT_TEMPERATURES.join(','), description: 'temperatures of the kinetic Monte Carlo runs (K)' },
    seed: { type: 'string', arg: 'N', default: String(TRANSPORT_DEFAULTS.seed), description: 'random seed: the same seed gives the same numbers' },
    'max-steps': {
      type: 'string',
      arg: 'N',
      default: String(TRANSPORT_DEFAULTS.maxSteps),
      description: 'kMC hops allowed per temperature (a run stops earlier once D is converged)',
    },
    'target-error': {
      type: 'string',
      arg: 'T,C',
      default: `${TRANSPORT_DEFAULTS.targetTracer},${TRANSPORT_DEFAULTS.targetCollective}`,
      description: 'convergence: relative standard errors of the tracer and collective D to reach',
    },
    interaction: {
      type: 'string',
      arg: 'model|exclusion',
      default: TRANSPORT_DEFAULTS.interaction,
      description: "mobile-mobile interaction: the model's screened Coulomb, or site exclusion only",
    },
    'grid-sites': {
      type: 'boolean',
      description:
        "sites and hops from the grid's basins (merged into crystallographic sites, assumed 1e13 Hz) instead of the continuum network's minima and saddles (Vineyard frequencies)",
    },
    resolution: {
      type: 'string',
      arg: 'Å',
      description: `uniform grid spacing: the continuum network's seed grid (default ${DEFAULT_SEED_RESOLUTION}) or, with --grid-sites, the grid the sites come from (default ${TRANSPORT_RESOLUTION})`,
    },
    model: { type: 'string', arg: 'NAME', default: DEFAULT_MODEL, description: `energy model: ${Object.keys(models).join(' or ')}` },
    oxi: { type: 'string', arg: 'EL=Q,...', description: 'oxidation states to use, e.g. Li=1,P=5,S=-2' },
    block: { type: 'string', arg: 'NAME', description: 'CIF data block to read (needed when the file has several)' },
    backend: { type: 'string', arg: 'NAME', default: 'auto', description: 'auto (WebGPU when an adapter exists, else CPU), webgpu or cpu' },
    threads: { type: 'string', arg: 'N', description: 'threads of the CPU backend and of the kMC, one temperature each (default: all cores)' },
    plot: { type: 'string', arg: 'FILE', description: 'write the Arrhenius plot (log10 σT against 1000/T) as SVG' },
    overwrite: OVERWRITE_OPTION,
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  async run({ positionals, values }) {
    if (positionals.length !== 1) throw new UsageError(`transport takes one structure file (got ${positionals.length})`);
    const ionText = str(values, 'ion') ?? 'Li';
    parseIon(ionText);
    const temperatures = temperatureList(str(values, 'temperatures') ?? DEFAULT_TEMPERATURES.join(','));
    const seedText = str(values, 'seed') ?? '1';
    const seed = Number(seedText);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed expects an integer, got '${seedText}'`);
    const maxSteps = positiveNumber(values, 'max-steps', true);
    const targets = (str(values, 'target-error') ?? '').split(',').map(Number);
    if (targets.length !== 2 || targets.some((t) => !(t > 0))) throw new UsageError(`--target-error expects two positive fractions, e.g. 0.05,0.25`);
    const interaction = str(values, 'interaction') ?? 'model';
    if (interaction !== 'model' && interaction !== 'exclusion') throw new UsageError(`--interaction expects model or exclusion, got '${interaction}'`);
    const method = flag(values, 'grid-sites') ? 'grid' : 'continuum';
    const resolution = optionalPositiveNumber(values, 'resolution') ?? (method === 'grid' ? TRANSPORT_RESOLUTION : DEFAULT_SEED_RESOLUTION);
    const model = str(values, 'model') ?? DEFAULT_MODEL;
    getModel(model);
    const oxiText = str(values, 'oxi');
    const oxi = oxiText !== undefined ? parseOxiOverride(oxiText, '--oxi') : undefined;
    const threads = optionalPositiveNumber(values, 'threads', true);
    const file = positionals[0]!;
    const plot = str(values, 'plot');
    checkOutputPaths([['--plot', plot]]);
    checkOutputSet({ inputs: [file], outputs: [['--plot', plot]], overwrite: flag(values, 'overwrite') });

    const structure = await readOneStructure(file, str(values, 'block'), 'transport');
    const element = parseIon(ionText).element;
    if (!structure.sites.some((site) => site.species.some((sp) => sp.element === element))) {
      throw new TransportError(`${file}: holds no ${element}, so there are no ${element} carriers to move`);
    }
    const backend = await selectBackend(backendOption(values), {
      ...(threads ? { threads } : {}),
      log: (m: string) => process.stderr.write(`${m}\n`),
    });
    let out;
    try {
      out = await structureTransport(structure, {
        ion: ionText,
        method,
        resolution,
        model,
        backend,
        ...(oxi ? { oxi } : {}),
        temperatures,
        seed,
        maxSteps,
        targetTracer: targets[0]!,
        targetCollective: targets[1]!,
        interaction,
        // The temperatures on worker threads (the same numbers as one thread, to the last bit).
        simulate: (net, o) => simulateTransportParallel(net, o, threads ?? availableParallelism()),
      });
    } finally {
      await backend.dispose();
    }
    const r = out.transport;
    const title = `${out.landscape.formula}: ${out.landscape.ion} Arrhenius plot (kMC)`;
    if (plot && r) {
      await writeFile(
        plot,
        arrheniusSvg({
          title,
          points: r.temperatures.map((t) => ({ temperatureK: t.temperatureK, sigma: t.sigma, sigmaError: t.sigmaError, converged: t.status === 'converged' })),
          fit: r.arrhenius,
        }),
      );
    }
    const static3d = out.landscape.barriers['3D'];
    if (flag(values, 'json')) {
      process.stdout.write(
        JSON.stringify({
          file,
          formula: out.landscape.formula,
          ion: out.landscape.ion,
          model: out.landscape.model,
          method,
          resolution,
          static_barriers: out.landscape.barriers,
          ...(r ? transportJson(r) : { status: 'immobile', note: 'the landscape does not percolate: no long-range transport' }),
          log10_sigma_300k: r ? log10SigmaAt(r, 300) : null,
          timings_ms: Object.fromEntries(Object.entries(out.timingsMs).map(([k, v]) => [k, Math.round(v)])),
        }) + '\n',
      );
      if (plot && r) process.stderr.write(`wrote ${plot} (Arrhenius plot, SVG)\n`);
      return 0;
    }
    const e = (x: number) => x.toExponential(2);
    const lines = [
      `${out.landscape.formula} (${file}): ${out.landscape.ion}, model ${out.landscape.model}, grid ${resolution} Å`,
      `static barriers: 1D ${fmt(out.landscape.barriers['1D'])}, 2D ${fmt(out.landscape.barriers['2D'])}, 3D ${fmt(static3d)}`,
    ];
    if (!r) lines.push('no percolating network: no long-range transport (σ = 0)');
    else {
      lines.push(
        `sites from: ${r.source}`,
        `network: ${r.sitesPerCell} sites, ${r.hopsPerCell} hops per cell; supercell ${r.supercell.join(' x ')}, ${r.ions} ions (${e(r.carrierDensity)} /cm³)`,
        `rates: ${r.rates}`,
        `interaction: ${r.interaction}`,
        '',
        '   T (K)  status        D* (cm²/s)          D_σ (cm²/s)         Haven   σ (S/cm)            steps',
        ...r.temperatures.map(
          (t) =>
            `${String(t.temperatureK).padStart(8)}  ${t.status.padEnd(12)}  ${`${e(t.tracerD)} ± ${e(t.tracerDError)}`.padEnd(18)}  ${`${e(t.collectiveD)} ± ${e(t.collectiveDError)}`.padEnd(18)}  ${(t.havenRatio === null ? '-' : t.havenRatio.toFixed(2)).padStart(5)}   ${`${e(t.sigma)} ± ${e(t.sigmaError)}`.padEnd(18)}  ${t.steps}`,
        ),
        '',
        r.arrhenius
          ? `Arrhenius (σT): Ea = ${r.arrhenius.ea.toFixed(3)} ± ${r.arrhenius.eaError.toFixed(3)} eV, prefactor ${e(r.arrhenius.prefactor)} S·K/cm, R² = ${r.arrhenius.r2.toFixed(3)}; log10 σ(300 K) = ${log10SigmaAt(r, 300)!.toFixed(2)}`
          : 'Arrhenius: fewer than two temperatures with σ > 0',
        `status: ${r.status}`,
      );
    }
    lines.push(
      `time: landscape ${out.timingsMs.landscape.toFixed(0)} ms, network ${out.timingsMs.network.toFixed(0)} ms, kMC ${out.timingsMs.transport.toFixed(0)} ms`,
    );
    if (plot && r) lines.push(`wrote ${plot} (Arrhenius plot, SVG)`);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  },
};

function fmt(x: number | null): string {
  return x === null ? 'none' : `${x.toFixed(3)} eV`;
}
