// `bvscape screen`, `merge` and `plot` through the bundled CLI in child processes, with the fake
// processor. The resume test SIGKILLs a real screen mid-run (twice) and checks the final table.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { comparable, FAKE_PROCESSOR, fakeStructure, loadRows, tempDir, writeFiles } from '../screen/helpers.js';
import { cli as runCli, CLI_DIST as CLI, type CliOptions } from '../helpers/cli.js';

const cli = (args: string[], opts: CliOptions = {}) => runCli(args, { entry: 'dist', timeoutMs: 60_000, ...opts });

function makeCorpus(dir: string, n: number): string {
  const root = join(dir, 'corpus');
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const name = `s${String(i).padStart(3, '0')}`;
    const em = 0.2 + ((i * 37) % 100) / 100;
    const anion = ['I-', 'Br-', 'S2-'][i % 3]!;
    files[`${i % 4}/${name}.cif`] =
      i % 5 === 0
        ? `${fakeStructure(`${name}a`, em, anion, em * 0.9)}\n${fakeStructure(`${name}b`, em + 0.1, anion, em * 1.7)}`
        : i % 11 === 0
          ? 'syntax\n'
          : fakeStructure(name, em, anion, em * (0.4 + (i % 7) * 0.2));
  }
  writeFiles(root, files);
  return root;
}

function lineCount(path: string): number {
  if (!existsSync(path)) return 0;
  return readFileSync(path, 'utf8').split('\n').length - 1;
}

/** Starts a screen and SIGKILLs it once the output has at least `minLines` complete lines. */
async function killMidRun(args: string[], out: string, minLines: number): Promise<void> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, FAKE_SLOW_MS: '30' }, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (lineCount(out) < minLines) {
    if (Date.now() > deadline) throw new Error('the screen produced no rows in time');
    if (child.exitCode !== null) throw new Error(`the screen finished before it could be killed (${lineCount(out)} lines)`);
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  await exited;
}

describe.sequential('bvscape screen (CLI, fake processor)', () => {
  it('SIGKILL at any moment, then --resume: nothing lost, nothing duplicated, same table', async () => {
    const dir = tempDir();
    const root = makeCorpus(dir, 40);
    const common = [root, '--ion', 'Li', '--dual-ion', '--processor', FAKE_PROCESSOR, '--progress', 'none', '--workers', '2'];
    const ref = join(dir, 'ref.jsonl');
    const r0 = cli(['screen', ...common, '--out', ref]);
    expect(r0.stderr).toBe('');
    expect(r0.code).toBe(0);
    const reference = comparable(loadRows(ref));
    expect(reference.length).toBeGreaterThan(70);

    const out = join(dir, 'killed.jsonl');
    await killMidRun(['screen', ...common, '--out', out], out, 12);
    const afterFirstKill = loadRowsLenient(out);
    expect(afterFirstKill.length).toBeLessThan(reference.length);
    // Resume, and kill the resumed run too.
    await killMidRun(['screen', ...common, '--out', out, '--resume'], out, afterFirstKill.length + 12);
    // A kill in the middle of a write leaves a torn line: simulate one on top.
    appendFileSync(out, '{"id":"corpus/1/s001.cif#s001","file":"corp');
    const r = cli(['screen', ...common, '--out', out, '--resume']);
    expect(r.code).toBe(0);
    const rows = loadRows(out);
    expect(comparable(rows)).toEqual(reference);
    expect(new Set(rows.map((x) => `${x.id}|${x.ion}`)).size).toBe(rows.length);
    expect(r.stdout).toMatch(/files were already done/);
  });

  it('reads paths on stdin, writes CSV and a plot, prints a summary; shards merge with checks', () => {
    const dir = tempDir();
    const root = makeCorpus(dir, 12);
    const list = Array.from({ length: 12 }, (_, i) => join(root, `${i % 4}`, `s${String(i).padStart(3, '0')}.cif`)).join('\n');
    const base = ['--ion', 'Li', '--dual-ion', '--processor', FAKE_PROCESSOR, '--progress', 'log'];
    const whole = join(dir, 'whole.jsonl');
    const r = cli(['screen', '-', ...base, '--out', whole, '--csv', join(dir, 'w.csv'), '--plot', join(dir, 'w.svg')], { input: list });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/summary: 15 structures from 12 files/);
    expect(r.stdout).toMatch(/errors by kind \(rows\): CifSyntaxError 1/);
    expect(r.stdout).toMatch(/dual-ion \(3D; Em\(Li\+\) < 1 eV, 0.5 <= Em\(X\)\/Em\(Li\+\) <= 1.5\): \d+ of \d+/);
    expect(r.stderr).toMatch(/screen: 12 files/);
    expect(readFileSync(join(dir, 'w.csv'), 'utf8').split('\n')[0]).toMatch(/^id,file,block,formula/);
    expect(readFileSync(join(dir, 'w.svg'), 'utf8')).toMatch(/<svg[\s\S]*dual-ion-region[\s\S]*<\/svg>/);

    const shards = [1, 2].map((i) => join(dir, `s${i}.jsonl`));
    for (const [i, s] of shards.entries()) expect(cli(['screen', '-', ...base, '--out', s, '--shard', `${i + 1}/2`], { input: list }).code).toBe(0);
    const missing = cli(['merge', shards[0]!, '--out', join(dir, 'm.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing shard 2\/2/);
    const ok = cli(['merge', ...shards, '--out', join(dir, 'all.jsonl'), '--csv', join(dir, 'all.csv')]);
    expect(ok.code).toBe(0);
    expect(comparable(loadRows(join(dir, 'all.jsonl')))).toEqual(comparable(loadRows(whole)));

    const p = cli(['plot', join(dir, 'all.jsonl'), '--out', join(dir, 'fig.svg'), '--ratio-max', '2']);
    expect(p.code).toBe(0);
    expect(p.stdout).toMatch(/pairs plotted/);
    expect(statSync(join(dir, 'fig.svg')).size).toBeGreaterThan(500);
  });

  it('usage errors exit 2 with a message', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.cif'), fakeStructure('A', 0.3));
    const bad = (args: string[], re: RegExp) => {
      const r = cli(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(re);
    };
    bad(['screen', join(dir, 'a.cif'), '--ion', 'Li', '--shard', '3/2', '--out', join(dir, 'o.jsonl')], /--shard/);
    bad(['screen', join(dir, 'nothere.cif'), '--ion', 'Li', '--out', join(dir, 'o.jsonl')], /input not found/);
    bad(['screen', join(dir, 'a.cif'), '--out', join(dir, 'o.jsonl')], /mobile ion/);
    bad(['screen', join(dir, 'a.cif'), '--ion', 'Li', '--dimension', '4', '--out', join(dir, 'o.jsonl')], /--dimension/);
    bad(['plot', join(dir, 'a.cif')], /--out/);
    bad(['screen', join(dir, 'a.cif'), '--ion', 'Li', '--processor', join(dir, 'nope.mjs'), '--out', join(dir, 'p.jsonl')], /--processor .*failed to start/);
    bad(['merge', join(dir, 'none.jsonl'), '--out', join(dir, 'm.jsonl')], /no such file/);
  });
});

/** Rows of a killed run's output, ignoring a torn last line. */
function loadRowsLenient(path: string) {
  const text = readFileSync(path, 'utf8');
  return text
    .slice(0, text.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type?: string });
}
