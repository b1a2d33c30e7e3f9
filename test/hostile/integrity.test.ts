// Second round, data loss and integrity: merges share the output lock and never a temporary file,
// no output lands on an input, another output or a sidecar (paths compared resolved), shard tables
// in an input directory are not inputs, and --allow-incomplete does not mix configurations.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAKE_PROCESSOR, fakeStructure, loadRows, tempDir, writeFiles } from '../screen/helpers.js';
import { discoverEntries } from '../../src/screen/inputs.js';
import { cli, cliAsync, waitFor } from './helpers.js';

const fake = ['--ion', 'Li', '--processor', FAKE_PROCESSOR, '--progress', 'none', '--workers', '1'];

function corpus(dir: string, n: number, sub = 'in'): string {
  const root = join(dir, sub);
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`s${String(i).padStart(2, '0')}.cif`] = fakeStructure(`s${i}`, 0.2 + i / 50);
  writeFiles(root, files);
  return root;
}

function shards(dir: string, root: string, n: number, extra: string[] = []): string[] {
  const out = Array.from({ length: n }, (_, i) => join(dir, `s${i + 1}.jsonl`));
  for (const [i, s] of out.entries()) {
    const r = cli(['screen', root, ...fake, ...extra, '--out', s, '--shard', `${i + 1}/${n}`]);
    expect(r.code, r.stderr).toBe(0);
  }
  return out;
}

describe.sequential('merge takes the output lock and a temporary file of its own (item 1)', () => {
  it('merge --overwrite onto the table of a running screen is refused; the screen finishes intact', async () => {
    const dir = tempDir();
    const root = corpus(dir, 10);
    const parts = shards(dir, corpus(dir, 4, 'other'), 2);
    const out = join(dir, 'live.jsonl');
    // Slow enough that the merge below starts while the screen still runs, even on a loaded machine.
    const running = cliAsync(['screen', root, ...fake, '--out', out], { FAKE_SLOW_MS: '600' });
    await waitFor(() => existsSync(`${out}.lock`) && existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 2, 'the screen to write rows');
    const m = cli(['merge', ...parts, '--out', out, '--overwrite']);
    expect(m.code, m.stderr).toBe(2);
    expect(m.stderr).toMatch(new RegExp(`in use by another run \\(process ${running.child.pid} on this host`));
    const r = await running.done;
    expect(r.code, r.stderr).toBe(0);
    expect(loadRows(out)).toHaveLength(10);
    expect(JSON.parse(readFileSync(`${out}.meta.json`, 'utf8')).merged_from).toBeUndefined();
  });

  it("another run's `<out>.tmp` is left alone, and no temporary file stays behind", () => {
    const dir = tempDir();
    const parts = shards(dir, corpus(dir, 4), 2);
    const out = join(dir, 'all.jsonl');
    writeFileSync(`${out}.tmp`, 'someone else is writing this\n');
    const m = cli(['merge', ...parts, '--out', out]);
    expect(m.code, m.stderr).toBe(0);
    expect(readFileSync(`${out}.tmp`, 'utf8')).toBe('someone else is writing this\n');
    expect(loadRows(out)).toHaveLength(4);
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith('all.jsonl'))
        .sort(),
    ).toEqual(['all.jsonl', 'all.jsonl.meta.json', 'all.jsonl.tmp']);
  });

  it('two merges started together onto one --out: one table of one screen, its metadata naming its inputs', async () => {
    const dir = tempDir();
    const a = shards(join(dir), corpus(dir, 40, 'a'), 2);
    const bDir = join(dir, 'b');
    mkdirSync(bDir);
    const b = shards(bDir, corpus(dir, 30, 'bin'), 3);
    const out = join(dir, 'm.jsonl');
    const runs = [cliAsync(['merge', ...a, '--out', out, '--overwrite']), cliAsync(['merge', ...b, '--out', out, '--overwrite'])];
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) {
      if (r.code === 2) expect(r.stderr).toMatch(/in use by another run/);
      else expect(r.code, r.stderr).toBe(0);
    }
    expect(results.some((r) => r.code === 0)).toBe(true);
    const meta = JSON.parse(readFileSync(`${out}.meta.json`, 'utf8')) as { merged_from: string[] };
    const rows = loadRows(out);
    expect(rows).toHaveLength(meta.merged_from.length === 2 ? 40 : 30);
    expect(readFileSync(out).includes(0)).toBe(false);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });
});

describe.sequential('outputs never land on inputs, other outputs or sidecars (item 2)', () => {
  it('screen: --csv equal to --out, --plot onto the sidecar, --csv onto an input file are refused before anything is written', () => {
    const dir = tempDir();
    const root = corpus(dir, 3);
    const input = join(root, 's01.cif');
    const before = readFileSync(input, 'utf8');
    const out = join(dir, 'r.jsonl');
    for (const [args, pattern] of [
      [['--out', out, '--csv', out], /--csv .*r\.jsonl.* is also --out/],
      [['--out', out, '--plot', `${out}.meta.json`], /--plot .* is the metadata file of --out/],
      [['--out', out, '--csv', input], /CSV output .*s01\.cif is one of the inputs/],
      [['--out', out, '--csv', `${root}/../in/./s01.cif`, '--overwrite'], /is one of the inputs/],
    ] as const) {
      const r = cli(['screen', root, ...fake, ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(existsSync(out), r.stderr).toBe(false);
      expect(readFileSync(input, 'utf8')).toBe(before);
    }
    // A symbolic link to the table is the table.
    symlinkSync(out, join(dir, 'alias.csv'));
    writeFileSync(out, '');
    const s = cli(['screen', root, ...fake, '--out', out, '--csv', join(dir, 'alias.csv'), '--overwrite']);
    expect(s.code, s.stderr).toBe(2);
    expect(s.stderr).toMatch(/is also --out/);
  });

  it('screen: an existing --csv or --plot needs --overwrite (or --resume of the run that wrote it)', () => {
    const dir = tempDir();
    const root = corpus(dir, 2);
    const out = join(dir, 'r.jsonl');
    const csv = join(dir, 'r.csv');
    writeFileSync(csv, 'my spreadsheet\n');
    const r = cli(['screen', root, ...fake, '--out', out, '--csv', csv]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--csv .*r\.csv already exists.*--overwrite/);
    expect(readFileSync(csv, 'utf8')).toBe('my spreadsheet\n');
    expect(cli(['screen', root, ...fake, '--out', out, '--csv', csv, '--overwrite']).code).toBe(0);
    expect(readFileSync(csv, 'utf8')).toMatch(/^id,/);
    const again = cli(['screen', root, ...fake, '--out', out, '--csv', csv, '--resume']);
    expect(again.code, again.stderr).toBe(0);
  });

  it('landscape --grd onto its input and percolate --path onto its grid are refused; the files stay', () => {
    const dir = tempDir();
    const cif = join(dir, 'in.cif');
    writeFileSync(cif, 'data_x\n_cell_length_a 4\n');
    const l = cli(['landscape', cif, '--ion', 'Li', '--grd', join(dir, '.', 'in.cif'), '--backend', 'cpu']);
    expect(l.code, l.stderr).toBe(2);
    expect(l.stderr).toMatch(/--grd .*in\.cif.* is the input/);
    expect(readFileSync(cif, 'utf8')).toBe('data_x\n_cell_length_a 4\n');
    const l2 = cli(['landscape', cif, '--ion', 'Li', '--grd', join(dir, 'g.grd'), '--cube', join(dir, 'g.grd'), '--backend', 'cpu']);
    expect(l2.code).toBe(2);
    expect(l2.stderr).toMatch(/--cube .*g\.grd.* is also --grd/);

    const grd = join(dir, 'g2.grd');
    writeFileSync(grd, 'not read\n');
    const p = cli(['percolate', grd, '--path', grd]);
    expect(p.code, p.stderr).toBe(2);
    expect(p.stderr).toMatch(/--path .* is the input/);
    expect(readFileSync(grd, 'utf8')).toBe('not read\n');
    const existing = join(dir, 'paths.json');
    writeFileSync(existing, '{"mine": true}\n');
    const p2 = cli(['percolate', grd, '--path', existing]);
    expect(p2.code).toBe(2);
    expect(p2.stderr).toMatch(/already exists.*--overwrite/);
    expect(readFileSync(existing, 'utf8')).toBe('{"mine": true}\n');
  });

  it('merge: ./s1.jsonl and s1.jsonl are one file; --out onto a shard is refused even with --overwrite', () => {
    const dir = tempDir();
    const parts = shards(dir, corpus(dir, 4), 2);
    const before = readFileSync(parts[0]!, 'utf8');
    const r = cli(['merge', './s1.jsonl', 's2.jsonl', '--out', 's1.jsonl', '--overwrite'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--out s1\.jsonl is one of the inputs/);
    expect(readFileSync(parts[0]!, 'utf8')).toBe(before);
    const c = cli(['merge', ...parts, '--out', join(dir, 'm.jsonl'), '--csv', `${parts[1]}.meta.json`, '--overwrite']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--csv .* is the metadata file of an input/);
  });
});

describe.sequential('bvscape tables and their files in an input directory are not inputs (item 3)', () => {
  it('shards written into the input directory merge: every shard finds the same inputs', () => {
    const dir = tempDir();
    const root = corpus(dir, 8);
    // A JSON table name (.json) is readable as a structure; the tables and sidecars must still be skipped.
    const outs = [join(root, 's1.jsonl'), join(root, 's2.json')];
    for (const [i, s] of outs.entries()) {
      const r = cli(['screen', root, ...fake, '--out', s, '--shard', `${i + 1}/2`]);
      expect(r.code, r.stderr).toBe(0);
    }
    const m = cli(['merge', ...outs, '--out', join(dir, 'all.jsonl')]);
    expect(m.code, m.stderr).toBe(0);
    expect(loadRows(join(dir, 'all.jsonl'))).toHaveLength(8);
  });

  it('discovery skips tables (with sidecar or lock), sidecars, locks and temporary files', async () => {
    const dir = tempDir();
    const root = join(dir, 'in');
    writeFiles(root, {
      'a.cif': fakeStructure('a', 0.3),
      'run.json': '',
      'run.json.lock': '{"pid":1}\n',
      'x.jsonl': '{"id":"x"}\n',
      'x.jsonl.meta.json': '{"type":"bvscape-screen"}\n',
      'y.json.lock.123.abc': '',
      'm.jsonl.4242.k3j.tmp': '',
      'm.jsonl.meta.json.4242.tmp': '',
      'structures.jsonl': '{"lattice":[]}\n',
    });
    const d = await discoverEntries([root]);
    expect(d.entries.map((e) => e.id.split('/').pop())).toEqual(['a.cif', 'structures.jsonl']);
    const g = await discoverEntries([`${root}/*`]);
    expect(g.entries.map((e) => e.id.split('/').pop())).toEqual(['a.cif', 'structures.jsonl']);
  });
});

describe('merge --allow-incomplete does not mix configurations (item 4)', () => {
  it('shards screened with different options are refused, also with --allow-incomplete', () => {
    const dir = tempDir();
    const root = corpus(dir, 4);
    const s1 = join(dir, 's1.jsonl');
    const s2 = join(dir, 's2.jsonl');
    expect(cli(['screen', root, ...fake, '--out', s1, '--shard', '1/2']).code).toBe(0);
    expect(cli(['screen', root, ...fake, '--resolution', '0.3', '--out', s2, '--shard', '2/2']).code).toBe(0);
    const out = join(dir, 'm.jsonl');
    const r = cli(['merge', s1, s2, '--out', out, '--allow-incomplete']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/screened with different options/);
    expect(r.stderr).toMatch(/resolution/);
    expect(existsSync(out)).toBe(false);
  });
});
