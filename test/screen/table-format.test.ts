// The results table is rows only (metadata in <out>.meta.json): pandas reads it in one call with
// no row to drop; without the sidecar a file is not a table, and --resume and merge refuse it.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScreen } from '../../src/screen/screen.js';
import { mergeShards } from '../../src/screen/merge.js';
import { readMeta } from '../../src/screen/output.js';
import { DEFAULT_DUAL_ION, screenConfig } from '../../src/screen/types.js';
import { CSV_COLUMNS, CSV_DUAL_COLUMNS } from '../../src/outputs/fields.js';
import { fakeScreenOptions, fakeStructure, loadRows, tempDir, writeFiles } from './helpers.js';

const options = fakeScreenOptions;

function corpus(dir: string): string {
  const root = join(dir, 'in');
  writeFiles(root, {
    'a.cif': fakeStructure('A', 0.4, 'I-', 0.3),
    'b.cif': fakeStructure('B', 0.8, 'S2-', 2.0),
    'multi.cif': `${fakeStructure('M1', 0.5, 'Br-', 0.5)}\n${fakeStructure('M2', 1.5, 'Cl-', 1.2)}`,
    'broken.cif': 'syntax\n',
    'c.cif': fakeStructure('C', 0.9, 'I-', 0.5),
  });
  return root;
}

/** A python3 that imports pandas (Debian's python3-pandas), or null. */
function pythonWithPandas(): string | null {
  for (const py of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(py, ['-c', 'import pandas'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

describe('results table layout', () => {
  it('every line is a row object with the same keys; the metadata is in the sidecar', async () => {
    const dir = tempDir();
    const out = join(dir, 'r.jsonl');
    await runScreen(options([corpus(dir)], out));
    const lines = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    const objs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs.length).toBe(11); // 5 structures x 2 ions, the broken file 1 row
    expect(new Set(objs.map((o) => Object.keys(o).join(','))).size).toBe(1);
    expect(objs.every((o) => typeof o.id === 'string' && o.type === undefined)).toBe(true);
    expect(readMeta(out)).toMatchObject({ type: 'bvscape-screen', entries_total: 5, shard: null });
  });

  const py = pythonWithPandas();
  const why = 'no python3 with pandas here (Debian: apt-get install python3-pandas)';
  it.skipIf(!py && process.env.CI !== 'true')(`pandas.read_json(path, lines=True) reads the table in one call${py ? '' : ` [skipped: ${why}]`}`, async () => {
    expect(py, why).not.toBeNull();
    const dir = tempDir();
    const out = join(dir, 'r.jsonl');
    await runScreen(options([corpus(dir)], out));
    const script = [
      'import json, sys, pandas as pd',
      'df = pd.read_json(sys.argv[1], lines=True)',
      'print(json.dumps({"rows": len(df), "columns": list(df.columns), "ids_null": int(df["id"].isna().sum()),',
      '  "ok": int((df["status"] == "ok").sum()), "b3": sorted(float(x) for x in df["barrier_3d"].dropna())}))',
    ].join('\n');
    const r = spawnSync(py!, ['-c', script, out], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout);
    const rows = loadRows(out);
    expect(got.rows).toBe(rows.length);
    expect(got.ids_null).toBe(0);
    expect(got.columns).toContain('barrier_3d');
    expect(got.columns).not.toContain('type');
    expect(got.ok).toBe(rows.filter((x) => x.status === 'ok').length);
    // pandas' default float parser may differ in the last digit (precise_float=False).
    const want = rows
      .map((x) => x.barrier_3d)
      .filter((x): x is number => typeof x === 'number')
      .sort((a, b) => a - b);
    expect(got.b3.length).toBe(want.length);
    got.b3.forEach((v: number, i: number) => expect(v).toBeCloseTo(want[i]!, 12));
  });

  it.skipIf(!py && process.env.CI !== 'true')(`pandas reads dual_ion as booleans from the JSONL and the CSV${py ? '' : ` [skipped: ${why}]`}`, async () => {
    expect(py, why).not.toBeNull();
    const dir = tempDir();
    const out = join(dir, 'r.jsonl');
    const csv = join(dir, 'r.csv');
    await runScreen(options([corpus(dir)], out, { csv, config: screenConfig({ anions: true, dualIon: { ...DEFAULT_DUAL_ION } }) }));
    const script = [
      'import json, sys, pandas as pd',
      'j = pd.read_json(sys.argv[1], lines=True)',
      'c = pd.read_csv(sys.argv[2])',
      'print(json.dumps({"jsonl": str(j["dual_ion"].dtype), "csv": str(c["dual_ion"].dtype), "passing": int(c["dual_ion"].sum()),',
      '  "columns": list(c.columns)}))',
    ].join('\n');
    const r = spawnSync(py!, ['-c', script, out, csv], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    const got = JSON.parse(r.stdout) as { jsonl: string; csv: string; passing: number; columns: string[] };
    expect(got).toMatchObject({ jsonl: 'bool', csv: 'bool' });
    expect(got.passing).toBe(loadRows(out).filter((x) => x.dual_ion === true).length);
    expect(got.passing).toBeGreaterThan(0);
    expect(got.columns).toEqual([...CSV_COLUMNS, ...CSV_DUAL_COLUMNS]);
  });

  it('a table in an input directory is not screened as input (its sidecar neither)', async () => {
    const dir = tempDir();
    const root = corpus(dir);
    const out = join(root, 'results.jsonl');
    const first = await runScreen(options([root], out));
    expect(first.entriesTotal).toBe(5);
    const again = await runScreen(options([root], out, { resume: true }));
    expect(again.entriesTotal).toBe(5);
    expect(again.entriesRun).toBe(0);
  });

  it('--resume and merge refuse a sidecar that is not screen metadata and a table without one', async () => {
    const dir = tempDir();
    const root = corpus(dir);
    const out = join(dir, 'r.jsonl');
    await runScreen(options([root], out));
    writeFileSync(`${out}.meta.json`, '{"hello": 1}');
    await expect(runScreen(options([root], out, { resume: true }))).rejects.toThrow(/not a bvscape screen metadata file/);
    rmSync(`${out}.meta.json`);
    await expect(runScreen(options([root], out, { resume: true }))).rejects.toThrow(/no .*meta\.json beside it/);
    await expect(mergeShards([out], join(dir, 'm.jsonl'))).rejects.toThrow(/r\.jsonl is not a bvscape screen table \(no .*meta\.json beside it\)/);
  });
});
