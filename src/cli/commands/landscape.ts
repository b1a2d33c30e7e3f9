// `bvscape landscape`: the energy grid of one mobile ion in one structure, its percolation
// barriers, and optionally grid files (.grd/.cube), the migration paths and an energy profile.
import { writeFile } from 'node:fs/promises';
import type { Command } from '../command.js';
import { PATH_OUTPUT_OPTIONS, profileDimensionOption } from '../path-options.js';
import {
  backendOption,
  CONNECTIVITY_OPTION,
  connectivityOption,
  GRID_BARRIERS_OPTION,
  flag,
  optionalPositiveNumber,
  positiveNumber,
  str,
  MAX_FILE_SIZE_OPTION,
} from '../command.js';
import { landscapeJson } from '../../outputs/landscape-json.js';
import { UsageError } from '../../errors.js';
import { readOneStructure } from '../read-one.js';
import { checkOutputPaths, checkOutputSet, OVERWRITE_OPTION } from '../output-paths.js';
import { checkLandscapeSize } from '../landscape-guard.js';
import { checkMobileIonPresent } from '../../bvse/oxidation/mobile-ion.js';
import { parseIon } from '../../bvse/ion.js';
import { parseOxiOverride } from '../../bvse/oxidation/override.js';
import { DEFAULT_MODEL, getModel, models } from '../../bvse/model.js';
import { selectBackend } from '../../backends/select.js';
import { computeLandscape, DEFAULT_RESOLUTION, DEFAULT_SEED_RESOLUTION, type LandscapeResult } from '../../pipeline/landscape.js';
import {
  cubeText,
  DEFAULT_GRID_FILE_SPACING,
  grdText,
  gridFileGrid,
  LARGE_GRID_FILE_BYTES,
  migrationPaths,
  profileSvgFor,
  siteClasses,
  siteNetwork,
} from '../../pipeline/landscape-products.js';
import { pathsFileJson } from '../../outputs/landscape-json.js';
import { DEFAULT_SCREEN_CONFIG, GRID_GUARD_HELP } from '../../screen/types.js';

export const landscape: Command = {
  name: 'landscape',
  summary: 'energy landscape of a mobile ion, percolation barriers, grid files and migration paths',
  usage: 'bvscape landscape <file> --ion ION [options]',
  options: {
    ion: { type: 'string', arg: 'ION', description: 'mobile ion: Li (its charge in the structure), Li+, Na+, Mg2+, I-, S2-' },
    resolution: {
      type: 'string',
      arg: 'Å',
      description: `grid spacing in Å: the grid written, drawn and used to seed the saddle searches (default ${DEFAULT_SEED_RESOLUTION}; barriers do not depend on it). With --grid-barriers: the finest grid, whose thresholds the barriers equal (default ${DEFAULT_RESOLUTION})`,
    },
    'grid-barriers': GRID_BARRIERS_OPTION,
    certify: {
      type: 'boolean',
      description:
        'continuum method: bracket each barrier between a rigorous lower bound and the network threshold, certified when they agree within 0.002 eV (a block cover of the cell: seconds to minutes; docs/continuum.md)',
    },
    uniform: {
      type: 'boolean',
      description: 'with grid barriers: one uniform grid at --resolution instead of converged refinement (as the peers compute; implies --grid-barriers)',
    },
    'no-symmetry': {
      type: 'boolean',
      description:
        'use the atoms as read and evaluate every grid point (default: symmetrize the framework to 2e-3 Å and evaluate one point per orbit, docs/symmetry.md)',
    },
    backend: { type: 'string', arg: 'NAME', default: 'auto', description: 'auto (WebGPU when an adapter exists, else CPU), webgpu or cpu' },
    adapter: { type: 'string', arg: 'NAME', description: 'WebGPU adapter to use (a substring of its name)' },
    threads: { type: 'string', arg: 'N', description: 'CPU backend threads (default: all cores)' },
    model: { type: 'string', arg: 'NAME', default: DEFAULT_MODEL, description: `energy model: ${Object.keys(models).join(' or ')}` },
    oxi: { type: 'string', arg: 'EL=Q,...', description: 'oxidation states to use, e.g. Li=1,P=5,S=-2' },
    block: { type: 'string', arg: 'NAME', description: 'CIF data block to read (needed when the file has several)' },
    connectivity: CONNECTIVITY_OPTION,
    encut: { type: 'string', arg: 'eV', default: '10', description: 'percolation window above E_min; barriers above it are null' },
    grd: { type: 'string', arg: 'FILE', description: 'write the grid as a VESTA .grd file' },
    cube: { type: 'string', arg: 'FILE', description: 'write the grid as a Gaussian .cube file' },
    'grid-file-spacing': {
      type: 'string',
      arg: 'Å',
      default: String(DEFAULT_GRID_FILE_SPACING),
      description:
        "--grd/--cube are written at this spacing (values interpolated from the computed grid), or at --resolution when coarser: viewers load 0.05 Å files slowly (85 MB for a 10 Å cell); give --resolution's value for the computed grid itself",
    },
    ...PATH_OUTPUT_OPTIONS,
    overwrite: OVERWRITE_OPTION,
    json: { type: 'boolean', description: 'print the result as JSON' },
    'max-grid-points': { type: 'string', default: String(DEFAULT_SCREEN_CONFIG.maxGridPoints), arg: 'N', description: GRID_GUARD_HELP.landscape },
    'max-sites': { type: 'string', default: String(DEFAULT_SCREEN_CONFIG.maxSites), arg: 'N', description: 'size guard: refuse cells with more sites' },
    'allow-absent-ion': {
      type: 'boolean',
      description: 'compute even when the mobile ion is not in the structure (a probe of an inserted ion, marked as such)',
    },
    'max-file-size': MAX_FILE_SIZE_OPTION,
  },
  async run({ positionals, values }) {
    const started = performance.now();
    if (positionals.length !== 1) throw new UsageError(`landscape takes one structure file (got ${positionals.length})`);
    const ionText = str(values, 'ion');
    if (!ionText) throw new UsageError('landscape needs --ion, e.g. --ion Li');
    parseIon(ionText);
    const method = flag(values, 'grid-barriers') || flag(values, 'uniform') ? 'grid' : 'continuum';
    const resolution = optionalPositiveNumber(values, 'resolution') ?? (method === 'grid' ? DEFAULT_RESOLUTION : DEFAULT_SEED_RESOLUTION);
    const encut = positiveNumber(values, 'encut');
    const model = str(values, 'model') ?? DEFAULT_MODEL;
    getModel(model);
    const oxiText = str(values, 'oxi');
    const oxi = oxiText !== undefined ? parseOxiOverride(oxiText, '--oxi') : undefined;
    const threads = optionalPositiveNumber(values, 'threads', true);
    const kind = backendOption(values);
    const adapter = str(values, 'adapter');
    const profileDim = profileDimensionOption(values);
    const fileSpacing = positiveNumber(values, 'grid-file-spacing');

    const maxGridPoints = positiveNumber(values, 'max-grid-points', true);
    const maxSites = positiveNumber(values, 'max-sites', true);
    // Output files are checked before the computation, not after it.
    const file = positionals[0]!;
    const outputs = [
      ['--grd', str(values, 'grd')],
      ['--cube', str(values, 'cube')],
      ['--path', str(values, 'path')],
      ['--profile', str(values, 'profile')],
    ] as const;
    checkOutputPaths(outputs);
    checkOutputSet({ inputs: [file], outputs, overwrite: flag(values, 'overwrite') });

    const structure = await readOneStructure(file, str(values, 'block'), 'landscape');
    const mode = flag(values, 'uniform') ? 'uniform' : 'converged';
    // Converged mode holds the finest grid only when a file needs it (grid files, paths, profile).
    const needGrid = ['grd', 'cube', 'path', 'profile'].some((k) => str(values, k) !== undefined);
    checkLandscapeSize(structure, resolution, { maxGridPoints, maxSites });
    const probeNote = checkMobileIonPresent(structure, ionText, flag(values, 'allow-absent-ion'));
    const backend = await selectBackend(kind, {
      ...(adapter ? { adapter } : {}),
      ...(threads ? { threads } : {}),
      log: (m: string) => process.stderr.write(`${m}\n`),
    });
    let r: LandscapeResult;
    try {
      r = await computeLandscape(structure, {
        ion: ionText,
        resolution,
        method,
        ...(method === 'grid' ? { mode } : {}),
        ...(method === 'continuum' && flag(values, 'certify') ? { certify: true } : {}),
        gridOutput: needGrid ? 'full' : 'none',
        model,
        encut,
        connectivity: connectivityOption(values),
        backend,
        ...(oxi ? { oxi } : {}),
        ...(flag(values, 'no-symmetry') ? { symmetry: false } : {}),
      });
    } finally {
      await backend.dispose();
    }

    if (probeNote) r.warnings.push(probeNote);
    const computed = performance.now();
    const written: string[] = [];
    const fileGrid = gridFileGrid(r, fileSpacing);
    const gridNote = fileGrid === r.grid ? '' : `, ${fileGrid.nx} x ${fileGrid.ny} x ${fileGrid.nz} points at ${fileSpacing} Å (--grid-file-spacing)`;
    const writeGrid = async (file: string, text: string, what: string) => {
      await writeFile(file, text);
      written.push(`${file} (${what}${gridNote}, ${(text.length / 1e6).toFixed(1)} MB)`);
      if (text.length > LARGE_GRID_FILE_BYTES) {
        r.warnings.push(`${file} is ${(text.length / 1e6).toFixed(0)} MB; viewers load it slowly: a coarser --grid-file-spacing (e.g. 0.2) makes it smaller`);
      }
    };
    const grd = str(values, 'grd');
    if (grd) await writeGrid(grd, grdText(r, fileSpacing), 'energy grid, VESTA .grd');
    const cube = str(values, 'cube');
    if (cube) await writeGrid(cube, cubeText(r, fileSpacing), 'energy grid, Gaussian .cube');
    const filesDone = performance.now();
    const pathFile = str(values, 'path');
    const profileFile = str(values, 'profile');
    if ((pathFile || profileFile) && r.percolation) {
      // --path carries every dimension; --profile alone needs only its own.
      const paths = migrationPaths(r, pathFile ? undefined : [profileDim]);
      if (pathFile) {
        const net = siteNetwork(r);
        await writeFile(pathFile, JSON.stringify(pathsFileJson(r, file, paths, net, siteClasses(r, net)), null, 1) + '\n');
        written.push(`${pathFile} (migration paths ${paths.map((p) => p.dimension).join(', ') || 'none'}, sites, hops)`);
      }
      if (profileFile) {
        const path = paths.find((p) => p.dimension === profileDim);
        if (!path) process.stderr.write(`warning: no ${profileDim} path below E_min + ${encut} eV; ${profileFile} not written\n`);
        else {
          await writeFile(profileFile, profileSvgFor(r, path));
          written.push(`${profileFile} (${profileDim} energy profile, SVG)`);
        }
      }
    }
    const pathsMs = performance.now() - filesDone;
    const totalMs = performance.now() - started;

    if (flag(values, 'json')) {
      process.stdout.write(JSON.stringify(landscapeJson(r, file)) + '\n');
    } else {
      for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`);
      const b = (x: number | null) => (x === null ? `none below E_min + ${encut} eV` : `${x.toFixed(3)} eV`);
      process.stdout.write(
        [
          `${r.formula} (${file}): ${r.ion}, model ${r.model}, backend ${r.backend}`,
          r.network
            ? `continuum: ${r.network.sites.length} minima and ${r.network.saddles.filter((x) => x.status === 'verified').length} verified saddles of the continuous field, seeded from the ${r.grid.nx} x ${r.grid.ny} x ${r.grid.nz} grid (${r.resolution} Å), ${r.nFrameworkAtoms} framework atoms`
            : r.refinement?.strategy === 'symmetric-grid'
              ? `converged: the ${r.grid.nx} x ${r.grid.ny} x ${r.grid.nz} grid (${r.resolution} Å) itself, filled by symmetry (cheaper than refining here), ${r.nFrameworkAtoms} framework atoms`
              : r.refinement
                ? `converged to the ${r.grid.nx} x ${r.grid.ny} x ${r.grid.nz} grid (${r.resolution} Å) in ${r.refinement.levels} levels from ${r.refinement.coarseGrid.nx} x ${r.refinement.coarseGrid.ny} x ${r.refinement.coarseGrid.nz}: ${r.refinement.pointsEvaluated} energies evaluated (${((100 * r.refinement.pointsEvaluated) / r.refinement.pointsUniform).toFixed(1)} % of the grid), ${r.nFrameworkAtoms} framework atoms`
                : `uniform grid ${r.grid.nx} x ${r.grid.ny} x ${r.grid.nz} at ${r.resolution} Å, ${r.nFrameworkAtoms} framework atoms`,
          ...(r.symmetry
            ? [
                `symmetry ${r.symmetry.spaceGroup.symbol} (${r.symmetry.spaceGroup.number}): ${r.symmetry.operations} operations map the grid onto itself` +
                  (r.symmetry.pointsFilled !== null
                    ? `, ${r.symmetry.pointsFilled} points filled from symmetric images instead of evaluated`
                    : r.symmetry.pointsEvaluated !== null
                      ? `, ${r.symmetry.pointsEvaluated} points evaluated (${((100 * r.symmetry.pointsEvaluated) / (r.grid.nx * r.grid.ny * r.grid.nz)).toFixed(1)} % of the grid)`
                      : '') +
                  `; atoms moved ≤ ${r.symmetry.maxShift.toExponential(1)} Å`,
              ]
            : []),
          `E_min ${r.eMin.toFixed(4)} eV, E_max ${r.eMax.toFixed(4)} eV`,
          `barrier 1D ${b(r.barriers['1D'])}, 2D ${b(r.barriers['2D'])}, 3D ${b(r.barriers['3D'])}`,
          ...bottleneckLines(r),
          `time: grid ${r.timingsMs.grid!.toFixed(0)} ms, percolation ${r.timingsMs.percolation!.toFixed(0)} ms` +
            (pathFile || profileFile ? `, paths and sites ${pathsMs.toFixed(0)} ms` : '') +
            (grd || cube ? `, grid files ${(filesDone - computed).toFixed(0)} ms` : '') +
            `, total ${totalMs.toFixed(0)} ms (reading the file to the last file written)`,
          ...written.map((w) => `wrote ${w}`),
        ].join('\n') + '\n',
      );
    }
    // With --json, stdout is the JSON alone; the files written are listed on stderr.
    if (flag(values, 'json')) for (const w of written) process.stderr.write(`wrote ${w}\n`);
    return 0;
  },
};

/** The continuum method's bottleneck saddle of each dimension, in words. */
function bottleneckLines(r: LandscapeResult): string[] {
  const net = r.network;
  if (!net) return [];
  return (['1D', '2D', '3D'] as const).flatMap((d) => {
    const b = net.barriers[d];
    if (!b) return [];
    const s = net.saddles[b.saddle]!;
    const at = s.frac.map((f) => (f - Math.floor(f)).toFixed(4)).join(', ');
    const nu = b.attemptFrequency !== undefined ? `, attempt frequency ${(b.attemptFrequency / 1e12).toFixed(2)} THz` : '';
    const status = s.status === 'verified' ? '' : ` (${s.status}: a seed-grid crossing, not a polished saddle)`;
    const bracket =
      b.lowerBound !== null
        ? `; certificate: threshold in [${b.lowerBound.toFixed(4)}, ${b.threshold.toFixed(4)}] eV, ${b.certified ? 'certified' : 'not certified'}`
        : '';
    return [
      `${d} bottleneck: saddle at (${at}), E ${s.energy.toFixed(4)} eV${nu}${status}${b.unverifiedBelow !== undefined ? '; an unverified hop below it could lower this barrier' : ''}${b.viaUnverified ? '; only unverified hops (seed-grid crossings) complete this path: an estimate, not a path of the field' : ''}${bracket}`,
    ];
  });
}
