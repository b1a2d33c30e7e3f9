// `bvscape percolate GRID`: percolation barriers, migration paths, sites and the energy profile of a
// landscape made elsewhere (.cube, VESTA .grd, VASP CHGCAR/LOCPOT), with landscape's own code.
import { writeFile } from 'node:fs/promises';
import type { Command } from '../command.js';
import { PATH_OUTPUT_OPTIONS, profileDimensionOption } from '../path-options.js';
import { CONNECTIVITY_OPTION, connectivityOption, flag, positiveNumber, str, MAX_FILE_SIZE_OPTION } from '../command.js';
import { InputError, UsageError } from '../../errors.js';
import { percolateVolumetricGrid, type GridPercolationResult } from '../../pipeline/percolate-grid.js';
import { maxGridFileBytes, readVolumetricGridFile } from '../../io/grid-file.js';
import { percolateJson, percolateWithPathsJson } from '../../io/percolate-json.js';
import { migrationPaths, siteNetwork } from '../../pipeline/landscape-products.js';
import { profileSvg } from '../../report/profile-svg.js';
import type { GrdOrder } from '../../io/grid-readers.js';
import { checkOutputPaths, checkOutputSet, OVERWRITE_OPTION } from '../output-paths.js';

export const percolateCommand: Command = {
  name: 'percolate',
  summary: 'percolation barriers, paths, sites and profile of a grid file (.cube, .grd, CHGCAR/LOCPOT)',
  usage: 'bvscape percolate <grid-file> [options]',
  options: {
    connectivity: CONNECTIVITY_OPTION,
    encut: { type: 'string', arg: 'eV', default: '10', description: 'percolation window above E_min (after --scale); barriers above it are null' },
    scale: {
      type: 'string',
      arg: 'F',
      default: '1',
      description: 'multiply the file values by F to get eV (e.g. 27.211386 for Hartree, 0.0103643 for kJ/mol)',
    },
    invert: { type: 'boolean', description: 'the file is a density (high = open): use −F·value as the energy' },
    'grd-order': {
      type: 'string',
      arg: 'auto|x|z',
      default: 'auto',
      description: ".grd data order: x fastest (VESTA's documented order, bvscape), z fastest (bvlain), or auto (from the data)",
    },
    format: { type: 'string', arg: 'cube|grd|chgcar', description: 'file format (default: from the name, then the content)' },
    json: { type: 'boolean', description: 'print the result as JSON' },
    'max-file-size': {
      ...MAX_FILE_SIZE_OPTION,
      description: 'most bytes of the grid file read (a CHGCAR only up to the end of its first block), e.g. 256M, 4G (default 1 GiB, or BVSCAPE_MAX_FILE_SIZE)',
    },
    ...PATH_OUTPUT_OPTIONS,
    overwrite: OVERWRITE_OPTION,
  },
  async run({ positionals, values }) {
    if (positionals.length !== 1) throw new UsageError(`percolate takes one grid file (got ${positionals.length})`);
    const file = positionals[0]!;
    const encut = positiveNumber(values, 'encut');
    const scaleText = str(values, 'scale') ?? '1';
    const scale = Number(scaleText);
    if (scaleText.trim() === '' || !Number.isFinite(scale) || scale === 0) throw new UsageError(`--scale expects a non-zero number, got '${scaleText}'`);
    const order = str(values, 'grd-order') ?? 'auto';
    if (order !== 'auto' && order !== 'x' && order !== 'z') throw new UsageError(`--grd-order expects auto, x or z, got '${order}'`);
    const format = str(values, 'format');
    if (format !== undefined && format !== 'cube' && format !== 'grd' && format !== 'chgcar')
      throw new UsageError(`--format expects cube, grd or chgcar, got '${format}'`);
    const profileDim = profileDimensionOption(values);
    const outputs = [
      ['--path', str(values, 'path')],
      ['--profile', str(values, 'profile')],
    ] as const;
    checkOutputPaths(outputs);
    checkOutputSet({ inputs: [file], outputs, overwrite: flag(values, 'overwrite') });

    const t0 = performance.now();
    let grid;
    try {
      // Read in chunks: a CHGCAR's later blocks are never read, an endless device stops at --max-file-size.
      grid = readVolumetricGridFile(file, maxGridFileBytes(), { grdOrder: order as GrdOrder, ...(format ? { format } : {}) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') throw new InputError(`${file}: cannot read the grid file (${code})`);
      throw e;
    }
    const t1 = performance.now();
    const r: GridPercolationResult = percolateVolumetricGrid(grid, file, {
      encut,
      scale,
      invert: flag(values, 'invert'),
      connectivity: connectivityOption(values),
    });
    r.timingsMs = { read: t1 - t0, ...r.timingsMs, total: performance.now() - t0 };

    const written: string[] = [];
    const pathFile = str(values, 'path');
    const profileFile = str(values, 'profile');
    if (pathFile || profileFile) {
      const paths = migrationPaths(r, pathFile ? undefined : [profileDim]);
      if (pathFile) {
        await writeFile(pathFile, JSON.stringify(percolateWithPathsJson(r, paths, siteNetwork(r)), null, 1) + '\n');
        written.push(`${pathFile} (migration paths ${paths.map((p) => p.dimension).join(', ') || 'none'}, sites, hops)`);
      }
      if (profileFile) {
        const p = paths.find((x) => x.dimension === profileDim);
        if (!p) process.stderr.write(`warning: no ${profileDim} path below E_min + ${encut} eV; ${profileFile} not written\n`);
        else {
          const title = `${r.title || file}: ${p.dimension} path, ${p.lengthsA[p.lengthsA.length - 1]!.toFixed(2)} Å`;
          await writeFile(profileFile, profileSvg(p, { title }));
          written.push(`${profileFile} (${profileDim} energy profile, SVG)`);
        }
      }
    }

    if (flag(values, 'json')) {
      process.stdout.write(JSON.stringify(percolateJson(r)) + '\n');
      for (const w of written) process.stderr.write(`wrote ${w}\n`);
    } else {
      const b = (x: number | null) => (x === null ? `none below E_min + ${encut} eV` : `${x.toFixed(3)} eV`);
      const p = r.structure.lattice.parameters;
      process.stdout.write(
        [
          `${file}: ${r.format}, grid ${r.grid.nx} x ${r.grid.ny} x ${r.grid.nz}, cell ${[p.a, p.b, p.c].map((v) => v.toFixed(3)).join(' ')} Å ${[p.alpha, p.beta, p.gamma].map((v) => v.toFixed(2)).join(' ')}°`,
          ...r.notes.map((n) => `read: ${n}`),
          `energies: ${r.invert ? '−' : ''}${r.scale === 1 ? '' : `${r.scale}·`}value (eV)`,
          `E_min ${r.eMin.toFixed(4)} eV, E_max ${r.eMax.toFixed(4)} eV`,
          `barrier 1D ${b(r.barriers['1D'])}, 2D ${b(r.barriers['2D'])}, 3D ${b(r.barriers['3D'])}`,
          ...written.map((w) => `wrote ${w}`),
        ].join('\n') + '\n',
      );
    }
    return 0;
  },
};
