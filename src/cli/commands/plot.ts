// `bvscape plot`: the dual-ion scatter (x = Em(Li+)/Em(X), y = Em(Li+)) from an existing results table.
import { existsSync } from 'node:fs';
import type { Command } from '../command.js';
import { flag, optionalPositiveNumber, str } from '../command.js';
import { UsageError } from '../../errors.js';
import { checkOutputPath, checkOutputSet, OVERWRITE_OPTION, tableSidecars } from '../output-paths.js';
import { deriveOutputs } from '../../screen/derive.js';
import { DEFAULT_DUAL_ION } from '../../screen/types.js';
import { readMeta } from '../../screen/output.js';
import type { DualIonCriterion, ScreenHeader } from '../../screen/types.js';
import { parseDimension } from './screen.js';

export const plot: Command = {
  name: 'plot',
  summary: 'draw the dual-ion scatter (SVG) from a screen results table',
  usage: 'bvscape plot results.jsonl --out fig.svg [--dimension 3] [--li-max 1] [--ratio-min 0.5] [--ratio-max 1.5] [--label-top N]',
  options: {
    out: { type: 'string', short: 'o', arg: 'FILE', description: 'SVG file to write' },
    dimension: { type: 'string', arg: '1|2|3', description: "percolation dimension (default: the table's, else 3)" },
    'li-max': { type: 'string', arg: 'EV', description: `region: Em(Li+) below this (default: the table's, else ${DEFAULT_DUAL_ION.liMax})` },
    'ratio-min': { type: 'string', arg: 'R', description: `region: lowest Em(X)/Em(Li+) (default: the table's, else ${DEFAULT_DUAL_ION.ratioMin})` },
    'ratio-max': { type: 'string', arg: 'R', description: `region: highest Em(X)/Em(Li+) (default: the table's, else ${DEFAULT_DUAL_ION.ratioMax})` },
    title: { type: 'string', arg: 'TEXT', description: 'plot title' },
    'label-top': {
      type: 'string',
      arg: 'N',
      description: 'label the N candidates with the lowest Em(Li+) inside the region with their formula (default none)',
    },
    overwrite: OVERWRITE_OPTION,
  },
  async run({ positionals, values }) {
    const out = str(values, 'out');
    if (!out) throw new UsageError('--out FILE is required');
    checkOutputPath('--out', out);
    if (positionals.length !== 1) throw new UsageError('give exactly one results table');
    const table = positionals[0]!;
    if (!existsSync(table)) throw new UsageError(`no such file: ${table}`);
    checkOutputSet({ inputs: [table], inputSidecars: tableSidecars, outputs: [['--out', out]], overwrite: flag(values, 'overwrite'), regularFile: ['--out'] });
    const header: ScreenHeader | null = readMeta(table);
    const base: DualIonCriterion = header?.config.dualIon ?? { ...DEFAULT_DUAL_ION, dimension: header?.config.dimension ?? 3 };
    const dimText = str(values, 'dimension');
    const criterion: DualIonCriterion = {
      liMax: optionalPositiveNumber(values, 'li-max') ?? base.liMax,
      ratioMin: optionalPositiveNumber(values, 'ratio-min') ?? base.ratioMin,
      ratioMax: optionalPositiveNumber(values, 'ratio-max') ?? base.ratioMax,
      dimension: dimText !== undefined ? parseDimension(dimText) : base.dimension,
    };
    const title = str(values, 'title');
    const labelTop = optionalPositiveNumber(values, 'label-top', true);
    const s = await deriveOutputs(table, {
      plot: out,
      criterion,
      dimension: criterion.dimension,
      ...(title ? { plotTitle: title } : {}),
      ...(labelTop ? { plotLabelTop: labelTop } : {}),
    });
    process.stdout.write(`${s.dualPairs} (Li+, anion) pairs plotted, ${s.dualPass} in the dual-ion region -> ${out}\n`);
    return 0;
  },
};
