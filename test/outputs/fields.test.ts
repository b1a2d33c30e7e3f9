// One field table (src/outputs/fields.ts) makes every output: landscape --json, the screen's JSONL rows, its CSV
// and docs/outputs.md. These tests hold the outputs to the table, so a column added to the table reaches all of
// them, and one missing from the table reaches none.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computeLandscape, type LandscapeResult } from '../../src/pipeline/landscape.js';
import { readStructureFile } from '../../src/structure/read.js';
import { landscapeJson } from '../../src/outputs/landscape-json.js';
import {
  CSV_COLUMNS,
  CSV_DUAL_COLUMNS,
  CSV_TRANSPORT_COLUMNS,
  JSONL_FIELDS,
  LANDSCAPE_FIELDS,
  OUTPUT_FIELDS,
  csvValue,
  resultColumns,
} from '../../src/outputs/fields.js';
import { outputsMarkdown } from '../../src/outputs/markdown.js';
import { baseRow } from '../../src/screen/run-entry.js';
import { runScreen } from '../../src/screen/screen.js';
import { parseCsv } from '../../src/io/tables.js';
import { DEFAULT_DUAL_ION, screenConfig } from '../../src/screen/types.js';
import { fixture, REPO_ROOT } from '../helpers/fixtures.js';
import { fakeScreenOptions, fakeStructure, loadRows, tempDir, writeFiles } from '../screen/helpers.js';

async function landscapeOf(file: string, ion: string): Promise<LandscapeResult> {
  const [read] = await readStructureFile(file);
  return computeLandscape(read!.structure!, { ion, resolution: 0.3, mode: 'uniform' });
}

/** A screen of two fake structures (fixtures/fake-processor.mjs), with or without --dual-ion. */
async function fakeScreen(dualIon: boolean): Promise<{ out: string; csv: string }> {
  const dir = tempDir();
  writeFiles(join(dir, 'in'), { 'a.cif': fakeStructure('A', 0.4, 'I-', 0.3), 'broken.cif': 'syntax\n' });
  const out = join(dir, 'r.jsonl');
  const csv = join(dir, 'r.csv');
  await runScreen(
    fakeScreenOptions([join(dir, 'in')], out, { csv, config: screenConfig({ anions: true, dualIon: dualIon ? { ...DEFAULT_DUAL_ION } : null }), workers: 1 }),
  );
  return { out, csv };
}

describe('the field table', () => {
  it('names each field once, in snake_case', () => {
    const keys = OUTPUT_FIELDS.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) expect(k).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it('an empty screen row has exactly the JSONL fields, in table order (the transport ones with --transport)', () => {
    const start = { id: 'x', block: null, formula: null, space_group: null, space_group_number: null, ions: [] };
    expect(Object.keys(baseRow('x', start, 'Li+'))).toEqual(JSONL_FIELDS.filter((f) => f.source !== 'dual-ion' && f.source !== 'transport').map((f) => f.key));
    const transport = { temperatures: [300], seed: 1, maxSteps: 10 };
    expect(Object.keys(baseRow('x', start, 'Li+', { transport }))).toEqual(JSONL_FIELDS.filter((f) => f.source !== 'dual-ion').map((f) => f.key));
  });

  it('screen rows (ok and error, with and without --dual-ion) carry the JSONL fields; the CSV is the documented projection', async () => {
    for (const dual of [false, true]) {
      const { out, csv } = await fakeScreen(dual);
      const rows = loadRows(out);
      expect(rows.map((r) => r.status).sort()).toEqual(['error', 'ok', 'ok']);
      const want = JSONL_FIELDS.filter((f) => (dual || f.source !== 'dual-ion') && f.source !== 'transport').map((f) => f.key);
      for (const r of rows) expect(Object.keys(r).sort()).toEqual([...want].sort());
      const table = parseCsv(readFileSync(csv, 'utf8'));
      expect(table[0]).toEqual(dual ? [...CSV_COLUMNS, ...CSV_DUAL_COLUMNS] : [...CSV_COLUMNS]);
      expect(table.length).toBe(rows.length + 1);
    }
  });

  it('the CSV drops only the --resume bookkeeping', () => {
    const jsonl = JSONL_FIELDS.map((f) => f.key);
    expect(jsonl.filter((k) => !CSV_COLUMNS.includes(k) && !CSV_TRANSPORT_COLUMNS.includes(k) && !CSV_DUAL_COLUMNS.includes(k))).toEqual([
      'rows_in_structure',
      'structures_in_file',
    ]);
    expect(csvValue('grid', [48, 40, 32])).toBe('48x40x32');
    expect(csvValue('oxidation_states', { Li: 1, I: -1 })).toBe('{"Li":1,"I":-1}');
    expect(csvValue('barrier_3d', 0.25)).toBe(0.25);
  });

  it('landscape --json and a screen row map one result alike (same keys, same values)', async () => {
    const r = await landscapeOf(fixture('LiI_rocksalt.cif'), 'Li');
    const json = landscapeJson(r, 'LiI_rocksalt.cif');
    expect(Object.keys(json)).toEqual(LANDSCAPE_FIELDS.map((f) => f.key));
    const columns = resultColumns(r) as Record<string, unknown>;
    const shared = Object.keys(columns);
    expect(shared.length).toBeGreaterThan(15);
    for (const k of shared) expect(json[k], k).toEqual(columns[k]);
    expect(json.barrier_3d).toBeTypeOf('number');
    expect(json.file).toBe('LiI_rocksalt.cif');
    expect(json.grid).toEqual([r.grid.nx, r.grid.ny, r.grid.nz]);
    // Energies to 1e-4 eV, not float32 noise: the result's own numbers carry more digits than the outputs keep.
    const decimals = (x: number) => (String(x).split('.')[1] ?? '').length;
    expect(decimals(r.eMin)).toBeGreaterThan(4);
    for (const k of ['e_min', 'e_max', 'barrier_1d', 'barrier_3d', 'resolution']) expect(decimals(json[k] as number), k).toBeLessThanOrEqual(4);
    expect(json.e_min).toBe(Math.round(r.eMin * 1e4) / 1e4);
  });

  it('docs/outputs.md is the table', async () => {
    await expect(outputsMarkdown()).toMatchFileSnapshot(join(REPO_ROOT, 'docs/outputs.md'));
  });
});
