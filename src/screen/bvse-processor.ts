// The built-in per-structure processor: read -> oxidation states -> BVSE grid -> percolation,
// through computeLandscape. Grids go to the main thread's backend (the GPU, or the CPU pool) when
// the screen runs it there; percolation stays in this worker. Also the size guard for huge cells.
import { SizeGuardError } from '../errors.js';
import type { EnergyBackend } from '../backends/types.js';
import { spacingWithin } from '../grid/index.js';
import { createCpuBackend, type CpuBackend } from '../backends/cpu/index.js';
import { assignOxidationStates } from '../bvse/oxidation/assign.js';
import { checkMobileIonPresent } from '../bvse/oxidation/mobile-ion.js';
import { anionsOf } from '../bvse/oxidation/summary.js';
import { computeLandscape, type LandscapeResult } from '../pipeline/landscape.js';
import { structureTransport } from '../pipeline/landscape-products.js';
import { resultColumns, transportColumns, type TransportColumns, type TransportOutcome } from '../outputs/fields.js';
import { roundTo, TIME_DIGITS } from '../io/rounding.js';
import { composition, displayFormula } from '../structure/composition.js';
import { readStructureFile, readStructureText } from '../structure/read.js';
import type { SpaceGroupInfo, Structure } from '../structure/types.js';
import { errorInfo } from './run-entry.js';
import { mainThreadBackend } from './worker-main.js';
import type { IonOutcome, ParsedStructure, ScreenConfig, StructureDescription, StructureProcessor } from './types.js';

const SYMPREC = 0.1;

interface Payload {
  structure: Structure;
  spacegroup: SpaceGroupInfo | null;
}

/**
 * The grid spacing to use: the requested one, or the smallest coarser one whose grid has at most
 * maxGridPoints points; SizeGuardError when that would exceed maxResolution.
 */
export function guardedResolution(lengths: [number, number, number], config: ScreenConfig): { resolution: number; note: string | null } {
  // The same rule as `bvscape landscape`'s: the points of the grid at the spacing, which is the grid evaluated
  // (uniform) or the finest grid held and filled (converged), whatever the mode.
  const wanted = config.resolution;
  const { points, spacing: res } = spacingWithin(lengths, wanted, config.maxGridPoints);
  if (points <= config.maxGridPoints) return { resolution: wanted, note: null };
  const cell = lengths.map((l) => l.toFixed(1)).join(' x ');
  if (res > config.maxResolution) {
    throw new SizeGuardError(
      `cell ${cell} Å needs ${points} grid points at ${wanted} Å; fitting --max-grid-points ${config.maxGridPoints} needs ${res} Å, coarser than --max-resolution ${config.maxResolution} Å`,
    );
  }
  return { resolution: res, note: `grid coarsened from ${wanted} to ${res} Å (${points} points at ${wanted} Å > --max-grid-points ${config.maxGridPoints})` };
}

function payload(item: ParsedStructure): Payload {
  return item.structure as Payload;
}

export async function createBvseProcessor(): Promise<StructureProcessor> {
  let backend: EnergyBackend | null = null;
  // The converged mode's curvature bounds run in this worker, one thread (the pool runs a worker per core).
  let boundsCpu: CpuBackend | null = null;
  return {
    async init() {
      // In-worker fallback: one thread, since the pool already runs one worker per core.
      boundsCpu = createCpuBackend({ threads: 1 });
      backend = mainThreadBackend() ?? boundsCpu;
    },

    async parse(input, config) {
      // --max-sites reaches the JSON reader, which refuses a long site list from its count alone.
      const opts = { symprec: SYMPREC, maxSites: config.maxSites };
      const results =
        input.text !== undefined ? await readStructureText(input.text, input.file, opts) : await readStructureFile(input.path ?? input.file, opts);
      return results.map((r): ParsedStructure => {
        if (r.error || !r.structure) return { block: r.block, error: r.error ? errorInfo(r.error) : { kind: 'StructureError', message: 'no structure' } };
        return { block: r.block, structure: { structure: r.structure, spacegroup: r.spacegroup ?? null } satisfies Payload };
      });
    },

    async describe(item, config): Promise<StructureDescription> {
      const { structure, spacegroup } = payload(item);
      const ions = [...config.ions];
      let note: string | undefined;
      if (config.anions) {
        try {
          ions.push(...anionsOf(assignOxidationStates(structure, config.oxi ? { override: config.oxi } : {}).structure));
        } catch (e) {
          note = `anions not listed: ${(e as Error).message}`;
        }
      }
      return {
        formula: displayFormula(composition(structure)),
        spaceGroup: spacegroup ? { symbol: spacegroup.symbol, number: spacegroup.number } : null,
        ions,
        ...(note ? { note } : {}),
      };
    },

    async compute(item, ion, config): Promise<IonOutcome> {
      const { structure } = payload(item);
      // An ion that is not in the structure gets a NoMobileIon error row (or, when allowed, a marked probe).
      const probe = checkMobileIonPresent(structure, ion, config.allowAbsentIon === true);
      if (structure.sites.length > config.maxSites) {
        throw new SizeGuardError(`the cell has ${structure.sites.length} sites, more than --max-sites ${config.maxSites}`);
      }
      const p = structure.lattice.parameters;
      const guard = guardedResolution([p.a, p.b, p.c], config);
      const r = await computeLandscape(structure, {
        ion,
        resolution: guard.resolution,
        method: config.method ?? 'grid',
        mode: config.mode ?? 'converged',
        gridOutput: 'none',
        ...(boundsCpu ? { cpu: boundsCpu } : {}),
        model: config.model,
        ...(config.connectivity ? { connectivity: config.connectivity } : {}),
        ...(config.oxi ? { oxi: config.oxi } : {}),
        ...(backend ? { backend } : {}),
        ...(config.symmetry === false ? { symmetry: false } : {}),
        ...(config.certify === true ? { certify: true } : {}),
        // Barriers only, unless the kMC runs on this network (it reads every hop's saddle).
        ...(config.transport ? {} : { thresholdsOnly: true }),
      });
      const warnings = [...new Set(r.warnings)];
      const note = [probe, guard.note, ...warnings].filter((x): x is string => !!x).join('; ');
      const columns = resultColumns(r);
      let transport: TransportColumns | null = null;
      if (config.transport) {
        const t0 = performance.now();
        transport = transportColumns(await screenTransport(structure, ion, r, config, backend));
        columns.timings_ms = { ...(columns.timings_ms ?? {}), transport: roundTo(performance.now() - t0, TIME_DIGITS) };
      }
      return {
        ...columns,
        ...transport,
        ion: r.ion,
        ...(note ? { note: note.length > 500 ? `${note.slice(0, 497)}...` : note } : {}),
      };
    },

    async dispose() {
      if (backend && backend !== mainThreadBackend()) await backend.dispose();
    },
  };
}

/**
 * --transport for one ion: the kinetic Monte Carlo on the network of the landscape just computed (the continuum
 * method's; a grid-method screen keeps no network, so structureTransport computes the continuum landscape itself).
 * A failure is the outcome's error, never the row's: the barriers stay.
 */
async function screenTransport(
  structure: Structure,
  ion: string,
  r: LandscapeResult,
  config: ScreenConfig,
  backend: EnergyBackend | null,
): Promise<TransportOutcome> {
  const t = config.transport!;
  try {
    const out = await structureTransport(structure, {
      ion,
      landscape: r,
      model: config.model,
      ...(config.oxi ? { oxi: config.oxi } : {}),
      ...(backend ? { backend } : {}),
      temperatures: t.temperatures,
      seed: t.seed,
      maxSteps: t.maxSteps,
    });
    return { result: out.transport, error: null };
  } catch (e) {
    return { result: null, error: errorInfo(e) };
  }
}
