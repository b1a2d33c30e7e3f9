// The screen pipeline end to end with the fake processor (fixtures/fake-processor.mjs) in real
// worker threads (dist/workers/screen.js, built by the global setup).
import { describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScreen, type ScreenOptions } from '../../src/screen/screen.js';
import { mergeShards } from '../../src/screen/merge.js';
import { parseCsv } from '../../src/io/tables.js';
import { DEFAULT_DUAL_ION, screenConfig, type ScreenConfig } from '../../src/screen/types.js';
import { comparable, fakeScreenOptions, fakeStructure, loadRows, makeTarGz, makeZip, tempDir, writeFiles, type Row } from './helpers.js';

function config(over: Partial<ScreenConfig> = {}): ScreenConfig {
  return screenConfig({ anions: true, dualIon: { ...DEFAULT_DUAL_ION }, ...over });
}

const options = (inputs: string[], out: string, over: Partial<ScreenOptions> = {}) => fakeScreenOptions(inputs, out, { config: config(), ...over });

/** A small corpus: ordinary files, a multi-block file, a syntax error, a missing parameter, archives. */
function corpus(dir: string): string {
  const root = join(dir, 'corpus');
  writeFiles(root, {
    'a.cif': fakeStructure('A', 0.4, 'I-', 0.3),
    'b.cif': fakeStructure('B', 0.8, 'S2-', 2.0),
    'multi.cif': `${fakeStructure('M1', 0.5, 'Br-', 0.5)}\n${fakeStructure('M2', 1.5, 'Cl-', 1.2)}\n${fakeStructure('M3', 0.2, 'I-', 0.25)}`,
    'broken.cif': 'syntax\n',
    'noparam.cif': 'data_N\nformula LiX\nem Li+ 0.6\nanion Te2-\n',
    'nested/c.cif': fakeStructure('C', 0.9, 'I-', 0.5),
  });
  writeFileSync(
    join(root, 'pack.tar.gz'),
    makeTarGz([
      { name: 'p1.cif', content: fakeStructure('P1', 0.3, 'I-', 0.4) },
      { name: 'p2.cif', content: fakeStructure('P2', 0.7, 'F-', 0.9) },
    ]),
  );
  writeFileSync(join(root, 'pack.zip'), makeZip([{ name: 'z/z1.cif', content: fakeStructure('Z1', 0.45, 'Cl-', 0.5) }]));
  return root;
}

/** A results table with its metadata sidecar. */
function copyTable(from: string, to: string): void {
  copyFileSync(from, to);
  copyFileSync(`${from}.meta.json`, `${to}.meta.json`);
}

const byKey = (rows: Row[]) => new Map(rows.map((r) => [`${String(r.id).split('/').pop()}|${r.ion}`, r]));

describe('screen pipeline (fake processor)', () => {
  it('writes one row per (structure, ion), error rows, dual-ion fields, CSV, plot and summary', async () => {
    const dir = tempDir();
    const root = corpus(dir);
    const out = join(dir, 'out.jsonl');
    const r = await runScreen(options([root], out, { csv: join(dir, 'out.csv'), plot: join(dir, 'out.svg') }));
    // The metadata is in the sidecar; every line of the table is a row with the same keys (pandas/polars read it as is).
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const header = JSON.parse(readFileSync(`${out}.meta.json`, 'utf8'));
    const keys = new Set(lines.map((l) => Object.keys(JSON.parse(l)).sort().join(',')));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/(^|,)id,/);
    expect(header.type).toBe('bvscape-screen');
    expect(header.config.dualIon).toEqual(DEFAULT_DUAL_ION);
    expect(header.entries_total).toBe(9);
    const rows = loadRows(out);
    const k = byKey(rows);
    // 9 good structures x 2 ions, the syntax error (1 row for Li+), noparam (Li+ ok, Te2- error).
    expect(rows.length).toBe(2 * 9 + 1 + 2);
    expect(new Set(rows.map((x) => `${x.id}|${x.ion}`)).size).toBe(rows.length);
    expect(k.get('broken.cif|Li+')).toMatchObject({ status: 'error', error_kind: 'CifSyntaxError', block: null });
    expect(k.get('noparam.cif#N|Te2-')).toMatchObject({ status: 'error', error_kind: 'MissingBvParamError' });
    expect(k.get('noparam.cif#N|Li+')).toMatchObject({ status: 'ok', barrier_3d: 0.6, dual_ion: false, em_x: null });
    // Dual-ion: A: 0.3/0.4 = 0.75 passes; B: ratio 2.5 fails; M2: Em(Li) 1.5 fails; P2 ratio 9/7 passes.
    expect(k.get('a.cif#A|I-')).toMatchObject({ em_li: 0.4, em_x: 0.3, dual_ion: true });
    expect(k.get('a.cif#A|I-')!.em_ratio).toBeCloseTo(0.75, 12);
    expect(k.get('a.cif#A|Li+')).toMatchObject({ dual_ion: true, em_li: 0.4, em_x: null });
    expect(k.get('b.cif#B|S2-')).toMatchObject({ dual_ion: false });
    expect(k.get('b.cif#B|Li+')).toMatchObject({ dual_ion: false });
    expect(k.get('multi.cif#M2|Cl-')).toMatchObject({ dual_ion: false });
    expect(k.get('p2.cif#P2|F-')).toMatchObject({ dual_ion: true, formula: 'LiP2' });
    expect(k.get('z1.cif#Z1|Cl-')).toMatchObject({ status: 'ok', barrier_1d: 0.25, barrier_2d: 0.4, space_group: 'P1', space_group_number: 1 });
    // Bookkeeping.
    expect(k.get('multi.cif#M2|Li+')).toMatchObject({ rows_in_structure: 2, structures_in_file: 3 });

    const s = r.summary;
    expect(s.structures).toBe(11);
    expect(s.byStatus).toEqual({ ok: rows.filter((x) => x.status === 'ok').length, error: 2 });
    expect(s.errorKinds).toEqual({ CifSyntaxError: 1, MissingBvParamError: 1 });
    const passing = rows.filter((x) => x.dual_ion === true && x.ion !== 'Li+');
    expect(s.dualPass).toBe(passing.length);
    expect(s.dualCandidates.map((c) => c.emLi)).toEqual([...s.dualCandidates.map((c) => c.emLi)].sort((a, b) => a - b));
    expect(s.top['Li+']![0]!.value).toBe(0.2);

    const csv = parseCsv(readFileSync(join(dir, 'out.csv'), 'utf8'));
    expect(csv.length).toBe(rows.length + 1);
    const cols = csv[0]!;
    expect(cols).toContain('dual_ion');
    const errIdx = cols.indexOf('error');
    const te = csv.find((c) => c[cols.indexOf('ion')] === 'Te2-')!;
    expect(te[errIdx]).toBe('no BVSE parameters for Te2- with X');
    expect(te[cols.indexOf('grid')]).toBe('');
    const svg = readFileSync(join(dir, 'out.svg'), 'utf8');
    expect((svg.match(/<circle [^>]*><title>/g) ?? []).length).toBe(rows.filter((x) => x.em_ratio !== null && x.em_ratio !== undefined).length);
  });

  it('a structure over the timeout, or one that crashes its worker, gets an error row and the file goes on', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'three.cif': `${fakeStructure('A', 0.4)}\n${fakeStructure('H', 0.4, 'I-', 0.4, 'hang')}\n${fakeStructure('C', 0.5)}\n${fakeStructure('X', 0.4, 'I-', 0.4, 'crash')}\n${fakeStructure('D', 0.6)}`,
      'other.cif': fakeStructure('O', 0.3),
    });
    const out = join(dir, 'out.jsonl');
    const t0 = performance.now();
    await runScreen(options([dir], out, { timeoutMs: 1500 }));
    expect(performance.now() - t0).toBeLessThan(15_000);
    const rows = loadRows(out);
    const k = byKey(rows);
    expect(k.get('three.cif#H|Li+')).toMatchObject({ status: 'error', error_kind: 'Timeout', formula: 'LiH' });
    expect(String(k.get('three.cif#H|I-')!.error)).toMatch(/timeout of 1.5 s/);
    expect(k.get('three.cif#H|Li+')!.time_ms).toBeGreaterThanOrEqual(1500);
    expect(k.get('three.cif#X|Li+')).toMatchObject({ status: 'error', error_kind: 'WorkerCrash' });
    expect(String(k.get('three.cif#X|Li+')!.error)).toMatch(/fake native crash/);
    for (const b of ['A', 'C', 'D']) expect(k.get(`three.cif#${b}|Li+`)).toMatchObject({ status: 'ok' });
    expect(k.get('other.cif#O|I-')).toMatchObject({ status: 'ok' });
    expect(rows.length).toBe(12);
    expect(new Set(rows.map((x) => `${x.id}|${x.ion}`)).size).toBe(12);
  });

  it('resumes from any cut of the output (torn line, half a structure) to the same table', async () => {
    const dir = tempDir();
    const root = corpus(dir);
    const full = join(dir, 'full.jsonl');
    await runScreen(options([root], full));
    const reference = comparable(loadRows(full));
    const size = statSync(full).size;
    // Cuts: no row yet, mid-first row, and points all through the rows (the sidecar is written before any row).
    const cuts = [0, 10, ...[0.13, 0.37, 0.5, 0.81, 0.999].map((f) => Math.floor(f * size))];
    for (const cut of cuts) {
      const part = join(dir, `cut-${cut}.jsonl`);
      copyTable(full, part);
      truncateSync(part, cut);
      const r = await runScreen(options([root], part, { resume: true }));
      expect(comparable(loadRows(part)), `cut at ${cut}`).toEqual(reference);
      expect(r.entriesAlreadyDone).toBeLessThanOrEqual(9);
    }
    // Resuming a finished table does nothing.
    const again = await runScreen(options([root], full, { resume: true }));
    expect(again.entriesRun).toBe(0);
    expect(comparable(loadRows(full))).toEqual(reference);
  });

  it('refuses to overwrite without --overwrite, and to resume a table made with other options', async () => {
    const dir = tempDir();
    const root = corpus(dir);
    const out = join(dir, 'o.jsonl');
    await runScreen(options([root], out));
    await expect(runScreen(options([root], out))).rejects.toThrow(/--resume/);
    await expect(runScreen(options([root], out, { resume: true, config: config({ resolution: 0.1 }) }))).rejects.toThrow(/different options/);
    await expect(runScreen(options([root], out, { resume: true, shard: { index: 1, count: 2 } }))).rejects.toThrow(/shard/);
    writeFileSync(join(root, 'new.cif'), fakeStructure('NEW', 0.1));
    await expect(runScreen(options([root], out, { resume: true }))).rejects.toThrow(/inputs changed/);
  });

  it('shards cover the screen exactly once; merge checks missing, duplicate and unfinished shards', async () => {
    const dir = tempDir();
    const root = corpus(dir);
    const whole = join(dir, 'whole.jsonl');
    await runScreen(options([root], whole));
    const shards = [1, 2, 3].map((i) => join(dir, `s${i}.jsonl`));
    for (let i = 0; i < 3; i++) await runScreen(options([root], shards[i]!, { shard: { index: i + 1, count: 3 }, workers: 1 }));
    const files = shards.map((s) => new Set(loadRows(s).map((r) => r.file)));
    expect(files.map((f) => f.size).reduce((a, b) => a + b)).toBe(9);
    const merged = join(dir, 'all.jsonl');
    const rep = await mergeShards(shards, merged);
    expect(rep).toMatchObject({ shards: 3, entries: 9, problems: [] });
    expect(comparable(loadRows(merged))).toEqual(comparable(loadRows(whole)));
    expect(JSON.parse(readFileSync(`${merged}.meta.json`, 'utf8'))).toMatchObject({ shard: null, entries_total: 9 });
    expect(
      readFileSync(merged, 'utf8')
        .trim()
        .split('\n')
        .every((l) => 'id' in JSON.parse(l)),
    ).toBe(true);

    await expect(mergeShards([shards[0]!, shards[2]!], join(dir, 'm1.jsonl'))).rejects.toThrow(/missing shard 2\/3/);
    await expect(mergeShards([shards[0]!, shards[1]!, shards[2]!, shards[1]!], join(dir, 'm2.jsonl'))).rejects.toThrow(/given twice/);
    const cut = join(dir, 'cut.jsonl');
    copyTable(shards[1]!, cut);
    truncateSync(cut, statSync(cut).size - 30);
    await expect(mergeShards([shards[0]!, cut, shards[2]!], join(dir, 'm3.jsonl'))).rejects.toThrow(/interrupted|torn|incomplete|unfinished/);
    // A row duplicated into another shard.
    const dup = join(dir, 'dup.jsonl');
    const extra = readFileSync(shards[0]!, 'utf8').split('\n')[0]!;
    copyTable(shards[1]!, dup);
    writeFileSync(dup, readFileSync(shards[1]!, 'utf8') + extra + '\n');
    await expect(mergeShards([shards[0]!, dup, shards[2]!], join(dir, 'm4.jsonl'))).rejects.toThrow(/appears in both/);
    const other = join(dir, 'other.jsonl');
    await runScreen(options([root], other, { shard: { index: 2, count: 3 }, config: config({ resolution: 0.3 }) }));
    await expect(mergeShards([shards[0]!, other, shards[2]!], join(dir, 'm5.jsonl'))).rejects.toThrow(/different options/);
    // Allowed incomplete: written, problems returned.
    const partial = await mergeShards([shards[0]!, shards[2]!], join(dir, 'm6.jsonl'), { allowIncomplete: true });
    expect(partial.problems.join('\n')).toMatch(/missing shard 2\/3/);
  });

  it('one missing path in a stdin list costs one error row', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.cif': fakeStructure('A', 0.4) });
    const { Readable } = await import('node:stream');
    const out = join(dir, 'o.jsonl');
    await runScreen(options(['-'], out, { stdin: Readable.from([`${join(dir, 'a.cif')}\n${join(dir, 'missing.cif')}\n`]) }));
    const k = byKey(loadRows(out));
    expect(k.get('a.cif#A|Li+')).toMatchObject({ status: 'ok' });
    expect(k.get('missing.cif|Li+')).toMatchObject({ status: 'error' });
    expect(String(k.get('missing.cif|Li+')!.error)).toMatch(/ENOENT|no such file/i);
  });
});
