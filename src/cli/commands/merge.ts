// `bvscape merge`: join the outputs of `bvscape screen --shard i/N` after checking that no shard,
// file or structure is missing or duplicated.
import { existsSync } from 'node:fs';
import type { Command } from '../command.js';
import { flag, str } from '../command.js';
import { UsageError } from '../../errors.js';
import { checkOutputPaths, checkOutputSet, tableSidecars } from '../output-paths.js';
import { mergeShards } from '../../screen/merge.js';
import { deriveOutputs, formatSummary } from '../../screen/derive.js';

export const merge: Command = {
  name: 'merge',
  summary: 'join shard outputs of `screen --shard i/N`, checking none is missing or duplicated',
  usage: 'bvscape merge <shard.jsonl...> --out all.jsonl [--overwrite] [--csv all.csv] [--plot all.svg]',
  options: {
    out: { type: 'string', short: 'o', arg: 'FILE', description: 'merged table (JSON Lines)' },
    csv: { type: 'string', arg: 'FILE', description: 'also write the merged table as CSV' },
    plot: { type: 'string', arg: 'FILE', description: 'also write the dual-ion scatter (SVG)' },
    overwrite: { type: 'boolean', description: 'replace an existing --out instead of refusing' },
    'allow-incomplete': { type: 'boolean', description: 'write the merge even when shards are missing or unfinished (the problems are listed)' },
  },
  async run({ positionals, values }) {
    const out = str(values, 'out');
    if (!out) throw new UsageError('--out FILE is required');
    const outputs = [
      ['--out', out],
      ['--csv', str(values, 'csv')],
      ['--plot', str(values, 'plot')],
    ] as const;
    checkOutputPaths(outputs);
    if (positionals.length === 0) throw new UsageError('give the shard outputs to merge');
    for (const p of positionals) if (!existsSync(p)) throw new UsageError(`no such file: ${p}`);
    // The same rule as screen: an existing non-empty file is only replaced when asked to; never an input.
    checkOutputSet({
      inputs: positionals,
      inputSidecars: tableSidecars,
      outputs,
      sidecars: (option, path) => (option === '--out' ? tableSidecars(path) : []),
      overwrite: flag(values, 'overwrite'),
      regularFile: ['--out', '--csv', '--plot'],
    });
    const r = await mergeShards(positionals, out, { allowIncomplete: flag(values, 'allow-incomplete'), overwrite: flag(values, 'overwrite') });
    for (const p of r.problems) process.stderr.write(`warning: ${p}\n`);
    const summary = await deriveOutputs(out, { csv: str(values, 'csv') ?? null, plot: str(values, 'plot') ?? null });
    process.stdout.write(`merged ${r.shards} shards: ${r.entries} files, ${r.structures} structures, ${r.rows} rows -> ${out}\n${formatSummary(summary)}\n`);
    return 0;
  },
};
