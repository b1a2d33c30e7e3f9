// docs/outputs.md, written from the field table so the reference cannot drift from the code
// (test/outputs/fields.test.ts compares the file with this text; `npx vitest run test/outputs -u` rewrites it).
import { CSV_COLUMNS, CSV_DUAL_COLUMNS, CSV_TRANSPORT_COLUMNS, OUTPUT_FIELDS, type OutputField } from './fields.js';

function outputsOf(f: OutputField): string {
  const inLandscape = f.source === 'result' || (f.source !== 'transport' && f.get !== undefined);
  const inJsonl = f.source !== 'result' || f.scope === 'all';
  return [
    inLandscape ? 'json' : '',
    inJsonl ? 'jsonl' : '',
    f.csv === null ? '' : f.csv === 'value' ? 'csv' : `csv (${f.csv === 'json' ? 'JSON text' : '`NxNxN`'})`,
  ]
    .filter(Boolean)
    .join(', ');
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The whole of docs/outputs.md. */
export function outputsMarkdown(): string {
  const lines = [
    '# Output fields',
    '',
    '<!-- Generated from src/outputs/fields.ts by src/outputs/markdown.ts; test/outputs/fields.test.ts checks it.',
    '     Edit the table there, then rewrite this file with `npx vitest run test/outputs -u`. -->',
    '',
    'One table describes every number bvscape reports for a structure and a mobile ion. It is the source of',
    '',
    '- **json**: `bvscape landscape --json` (one object), and the same fields at the top of its `--path` file and of',
    "  the browser preview's JSON download;",
    '- **jsonl**: the rows of `bvscape screen --out results.jsonl`, one per (structure, mobile ion), every row with the',
    '  same keys (the transport ones only with `--transport`, the dual-ion ones only with `--dual-ion`);',
    '- **csv**: `--csv`, a projection of the JSONL: every column except the bookkeeping `--resume` and `merge` need,',
    '  objects written as JSON text and the grid as `48x48x48`.',
    '',
    'Numbers keep the digits the model resolves: energies 1e-4 eV, lengths 1e-4 Å (float32 grids make the digits',
    'beyond noise). A field is null where it does not apply (a uniform grid has no `levels`) and on error rows.',
    'Source: *structure* is known before any ion is computed, *result* comes from the landscape of one ion,',
    "*screen* is the screen's own bookkeeping, *transport* its kinetic Monte Carlo of the same ion (`--transport`,",
    '[transport.md](transport.md)) and *dual-ion* its dual-ion criterion.',
    '',
    '| field | unit | source | in | meaning |',
    '|---|---|---|---|---|',
    ...OUTPUT_FIELDS.map((f: OutputField) => `| \`${f.key}\` | ${f.unit ?? ''} | ${f.source} | ${outputsOf(f)} | ${cell(f.doc)} |`),
    '',
    `CSV columns, in order: ${CSV_COLUMNS.map((c) => `\`${c}\``).join(', ')}; with \`--transport\` also ${CSV_TRANSPORT_COLUMNS.map((c) => `\`${c}\``).join(', ')}; with \`--dual-ion\` also ${CSV_DUAL_COLUMNS.map((c) => `\`${c}\``).join(', ')}.`,
    '',
  ];
  return lines.join('\n');
}
