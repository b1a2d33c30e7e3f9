// Data loss at the output: --resume onto a file that is not a table, two runs on one --out, and
// merge over an existing file. Each case used to destroy or interleave someone's data silently.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FAKE_PROCESSOR, fakeStructure, loadRows, tempDir, writeFiles } from '../screen/helpers.js';
import { cli, cliAsync, waitFor } from './helpers.js';

function corpus(dir: string, n: number): string {
  const root = join(dir, 'in');
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`s${String(i).padStart(2, '0')}.cif`] = fakeStructure(`s${i}`, 0.2 + i / 50);
  writeFiles(root, files);
  return root;
}

const fake = ['--ion', 'Li', '--processor', FAKE_PROCESSOR, '--progress', 'none', '--workers', '1'];

/** The pid of a process that has exited (so certainly not alive now). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe.sequential('screen output: nothing of the user is overwritten, one run per table', () => {
  it('--resume refuses a plain-text or CSV --out instead of replacing it', () => {
    const dir = tempDir();
    const root = corpus(dir, 2);
    for (const [name, content] of [
      ['notes.txt', 'my lab notes\nline two\n'],
      ['data.csv', 'id,value\na,1\n'],
      ['unterminated.txt', 'no newline at the end'],
    ] as const) {
      const out = join(dir, name);
      writeFileSync(out, content);
      const r = cli(['screen', root, ...fake, '--out', out, '--resume']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/not a bvscape screen table/);
      expect(readFileSync(out, 'utf8')).toBe(content);
    }
  });

  it('--resume still restarts a table whose first row a kill tore', () => {
    const dir = tempDir();
    const root = corpus(dir, 2);
    const out = join(dir, 'torn.jsonl');
    expect(cli(['screen', root, ...fake, '--out', out]).code).toBe(0);
    // The metadata sidecar is written before any row; the kill leaves it and 20 bytes of the first row.
    writeFileSync(out, readFileSync(out, 'utf8').slice(0, 20));
    const r = cli(['screen', root, ...fake, '--out', out, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(loadRows(out)).toHaveLength(2);
  });

  for (const mode of ['--resume', '--overwrite']) {
    it(`a second screen on the same --out (both ${mode}) refuses while the first runs; the first finishes intact`, async () => {
      const dir = tempDir();
      const root = corpus(dir, 12);
      const out = join(dir, 'r.jsonl');
      const first = cliAsync(['screen', root, ...fake, '--out', out, mode], { FAKE_SLOW_MS: '80' });
      await waitFor(() => existsSync(`${out}.lock`) && existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 2, 'the first run to write rows');
      const second = cli(['screen', root, ...fake, '--out', out, mode]);
      expect(second.code, second.stderr).toBe(2);
      expect(second.stderr).toMatch(new RegExp(`in use by another run \\(process ${first.child.pid} on this host`));
      const r = await first.done;
      expect(r.code, r.stderr).toBe(0);
      const rows = loadRows(out);
      expect(rows).toHaveLength(12);
      expect(new Set(rows.map((x) => x.id)).size).toBe(12);
      expect(existsSync(`${out}.lock`)).toBe(false);
    });
  }

  it('a stale lock (dead owner on this host) is taken over; a lock from another host is refused', () => {
    const dir = tempDir();
    const root = corpus(dir, 2);
    const out = join(dir, 'r.jsonl');
    writeFileSync(`${out}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), started: '2020-01-01T00:00:00Z' }) + '\n');
    const r = cli(['screen', root, ...fake, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(loadRows(out)).toHaveLength(2);
    expect(existsSync(`${out}.lock`)).toBe(false);

    writeFileSync(`${out}.lock`, JSON.stringify({ pid: 1234, host: 'other-node-17', started: '2020-01-01T00:00:00Z' }) + '\n');
    const r2 = cli(['screen', root, ...fake, '--out', out, '--overwrite']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/locked by process 1234 on host other-node-17.*remove .*r\.jsonl\.lock/);
    expect(loadRows(out)).toHaveLength(2);
  });

  it('merge --out EXISTING refuses like screen does, and replaces it with --overwrite', () => {
    const dir = tempDir();
    const root = corpus(dir, 4);
    const shards = [1, 2].map((i) => join(dir, `s${i}.jsonl`));
    for (const [i, s] of shards.entries()) expect(cli(['screen', root, ...fake, '--out', s, '--shard', `${i + 1}/2`]).code).toBe(0);
    const out = join(dir, 'precious.jsonl');
    writeFileSync(out, 'do not lose me\n');
    const r = cli(['merge', ...shards, '--out', out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/already exists.*--overwrite/);
    expect(readFileSync(out, 'utf8')).toBe('do not lose me\n');
    const ok = cli(['merge', ...shards, '--out', out, '--overwrite']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(loadRows(out)).toHaveLength(4);
  });
});
