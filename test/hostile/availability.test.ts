// Second round, availability: a lock naming our own or a recycled pid, directories that cannot be
// read, FIFOs among the inputs, and a full disk. None may block a run forever, end it with exit 1,
// or leave files where they do not belong.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { comparable, FAKE_PROCESSOR, fakeStructure, loadRows, ROOT, tempDir, writeFiles } from '../screen/helpers.js';
import { lockOutput, processStartTime } from '../../src/screen/lock.js';
import { OutputLockedError } from '../../src/errors.js';
import { cli, CLI } from './helpers.js';

const fake = ['--ion', 'Li', '--processor', FAKE_PROCESSOR, '--progress', 'none', '--workers', '1'];
const isRoot = process.getuid?.() === 0;
const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;

function corpus(dir: string, n: number, sub = 'in'): string {
  const root = join(dir, sub);
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`s${String(i).padStart(2, '0')}.cif`] = fakeStructure(`s${i}`, 0.2 + i / 50);
  writeFiles(root, files);
  return root;
}

describe('a lock naming our own pid or a recycled one (item 9)', () => {
  it("a lock with this process's pid (from an earlier process that had it) is stale and taken over", () => {
    const out = join(tempDir(), 'r.jsonl');
    writeFileSync(`${out}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), started: '2020-01-01T00:00:00Z' }) + '\n');
    const lock = lockOutput(out, 'screen');
    expect(JSON.parse(readFileSync(`${out}.lock`, 'utf8')).started).not.toBe('2020-01-01T00:00:00Z');
    // Held by this process now: a second take in the same process is refused, naming the lock file.
    expect(() => lockOutput(out, 'screen')).toThrow(OutputLockedError);
    expect(() => lockOutput(out, 'screen')).toThrow(new RegExp(`${out.replace(/[.]/g, '\\.')}\\.lock`));
    lock.release();
    expect(existsSync(`${out}.lock`)).toBe(false);
  });

  it.runIf(existsSync('/proc/self/stat'))(
    'a live pid whose start time differs from the recorded one was recycled: stale; the same start time: refused, naming the lock file',
    async () => {
      const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
      try {
        await new Promise((r) => setTimeout(r, 50));
        const pid = sleeper.pid!;
        const start = processStartTime(pid);
        expect(start).not.toBeNull();
        const out = join(tempDir(), 'r.jsonl');
        writeFileSync(`${out}.lock`, JSON.stringify({ pid, host: hostname(), started: '2020-01-01T00:00:00Z', process_start: `${start}0` }) + '\n');
        const lock = lockOutput(out, 'screen');
        lock.release();
        writeFileSync(`${out}.lock`, JSON.stringify({ pid, host: hostname(), started: '2020-01-01T00:00:00Z', process_start: start }) + '\n');
        expect(() => lockOutput(out, 'screen')).toThrow(
          new RegExp(`in use by another run \\(process ${pid} on this host.*${out.replace(/[.]/g, '\\.')}\\.lock`),
        );
      } finally {
        sleeper.kill('SIGKILL');
      }
    },
  );
});

describe.sequential('directories that cannot be read become error rows (item 10)', () => {
  it('a directory path longer than PATH_MAX: an error row, the rest is screened, exit 0', () => {
    const dir = tempDir();
    const root = corpus(dir, 2);
    // 21 levels of 200-character names: over 4096 bytes, so the walk reaches ENAMETOOLONG.
    const seg = 'd'.repeat(200);
    const made = spawnSync('bash', ['-c', `cd "$1" && for i in $(seq 21); do mkdir ${seg} && cd ${seg} || exit 1; done; echo ok > deep.cif`, 'x', root], {
      encoding: 'utf8',
    });
    expect(made.status, made.stderr).toBe(0);
    const out = join(dir, 'r.jsonl');
    const r = cli(['screen', root, ...fake, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const rows = loadRows(out);
    expect(rows.filter((x) => x.status === 'ok')).toHaveLength(2);
    const bad = rows.filter((x) => x.status !== 'ok');
    expect(bad).toHaveLength(1);
    expect(bad[0]!.error_kind).toBe('DirectoryError');
    expect(String(bad[0]!.error)).toMatch(/name too long/);
  });

  // Root reads any directory whatever its mode, so as root (as CI runs) the screen runs as the user 'nobody' via
  // runuser; where that is impossible too, the test is skipped (and says so), never counted as a pass.
  const asNobody = isRoot && spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, CLI, '--version']).status === 0;
  it.runIf(!isRoot || asNobody)('an unreadable subdirectory (EACCES): an error row naming it, the rest is screened (needs a non-root user)', () => {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const root = corpus(dir, 2);
    mkdirSync(join(root, 'locked'));
    writeFileSync(join(root, 'locked', 'x.cif'), fakeStructure('x', 0.5));
    chmodSync(join(root, 'locked'), 0o000);
    try {
      const out = join(dir, 'r.jsonl');
      const args = [CLI, 'screen', root, ...fake, '--out', out];
      const r = asNobody
        ? spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, ...args], { encoding: 'utf8', timeout: 60_000 })
        : spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      const bad = loadRows(out).filter((x) => x.status !== 'ok');
      expect(bad).toHaveLength(1);
      expect(bad[0]!.id).toMatch(/locked$/);
      expect(bad[0]!.error_kind).toBe('DirectoryError');
      expect(String(bad[0]!.error)).toMatch(/permission denied/);
    } finally {
      chmodSync(join(root, 'locked'), 0o755);
    }
  });
});

describe.runIf(hasMkfifo).sequential('FIFOs and other non-regular files do not hang anything (item 11)', () => {
  it('a FIFO in an input directory is skipped; the screen ends', () => {
    const dir = tempDir();
    const root = corpus(dir, 2);
    expect(spawnSync('mkfifo', [join(root, 'pipe.cif')]).status).toBe(0);
    const out = join(dir, 'r.jsonl');
    const r = cli(['screen', root, ...fake, '--out', out], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(
      loadRows(out)
        .map((x) => x.id)
        .sort(),
    ).toEqual([`${root}/s00.cif#s0`, `${root}/s01.cif#s1`]);
  });

  it('a FIFO named explicitly: screen gives it an error row without opening it; info and landscape read it without blocking (no writer: empty)', () => {
    const dir = tempDir();
    const fifo = join(dir, 'pipe.cif');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const out = join(dir, 'r.jsonl');
    const s = cli(['screen', fifo, ...fake, '--out', out], { timeoutMs: 30_000 });
    expect(s.code, s.stderr).toBe(0);
    const rows = loadRows(out);
    expect(rows).toHaveLength(1);
    expect(String(rows[0]!.error)).toMatch(/not a regular file/);
    for (const args of [
      ['info', fifo],
      ['landscape', fifo, '--ion', 'Li', '--backend', 'cpu'],
    ]) {
      const r = cli(args, { timeoutMs: 30_000 });
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/empty|no data/i);
    }
  });

  it('a pipe that has a writer (as `<(zcat x.cif.gz)` gives) is read to its end', () => {
    const dir = tempDir();
    const fifo = join(dir, 'live.cif');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const cif = readFileSync(join(ROOT, 'fixtures/LiI_rocksalt.cif'), 'utf8');
    const r = spawnSync(
      'bash',
      [
        '-c',
        `(sleep 0.3; printf '%s' "$1" | head -c 100; sleep 0.3; printf '%s' "$1" | tail -c +101) > "$2" & exec "$3" "$4" info "$2"`,
        'x',
        cif,
        fifo,
        process.execPath,
        CLI,
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/per cell: Li4 I4; 8 sites/);
  });
});

describe.sequential('a full disk (item 12)', () => {
  it('a write that fails for space ends with exit 2 and the rows kept; the lock is removed; --resume completes it', () => {
    const dir = tempDir();
    const root = corpus(dir, 40);
    const ref = join(dir, 'ref.jsonl');
    expect(cli(['screen', root, ...fake, '--out', ref]).code).toBe(0);
    const out = join(dir, 'r.jsonl');
    // A 24 KiB file-size limit (RLIMIT_FSIZE): writes past it fail with EFBIG, as a full disk fails with ENOSPC.
    const r = spawnSync('bash', ['-c', 'ulimit -f 24 && exec "$@"', 'x', process.execPath, CLI, 'screen', root, ...fake, '--out', out], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`disk full: \\d+ rows written to ${out.replace(/[.]/g, '\\.')}; free space and rerun with --resume`));
    expect(r.stderr).not.toMatch(/internal error|    at /);
    expect(existsSync(`${out}.lock`)).toBe(false);
    const written = Number(/disk full: (\d+) rows/.exec(r.stderr)![1]);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(40);
    const resumed = cli(['screen', root, ...fake, '--out', out, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(comparable(loadRows(out))).toEqual(comparable(loadRows(ref)));
  });

  it('--out /dev/full is refused before anything is written; no lock or metadata appears in /dev', () => {
    const dir = tempDir();
    const root = corpus(dir, 2);
    for (const cmd of [
      ['screen', root, ...fake, '--out', '/dev/full'],
      ['screen', root, ...fake, '--out', '/dev/full', '--overwrite'],
    ]) {
      const r = cli(cmd);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/\/dev\/full.*not a regular file/);
    }
    expect(existsSync('/dev/full.lock')).toBe(false);
    expect(existsSync('/dev/full.meta.json')).toBe(false);
  });
});
