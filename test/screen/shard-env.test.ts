// --shard auto: the shard from a fake scheduler environment (Slurm arrays from 0 or 1, with steps,
// Kubernetes Indexed Jobs), and clear usage errors outside a scheduler.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { shardFromEnvironment } from '../../src/screen/shard-env.js';
import { shardOption } from '../../src/cli/commands/screen.js';
import { cli } from '../helpers/cli.js';
import { ROOT, tempDir } from './helpers.js';

/** Removes the scheduler variables the test machine may have (`drop` says which) from the CLI's environment. */
const withoutScheduler = (drop: (name: string) => boolean): Record<string, undefined> =>
  Object.fromEntries(
    Object.keys(process.env)
      .filter(drop)
      .map((k) => [k, undefined]),
  );

const slurm = (id: number, min: number, max: number, extra: Record<string, string> = {}) => ({
  SLURM_ARRAY_TASK_ID: String(id),
  SLURM_ARRAY_TASK_MIN: String(min),
  SLURM_ARRAY_TASK_MAX: String(max),
  SLURM_ARRAY_TASK_COUNT: String(max - min + 1),
  ...extra,
});

describe('--shard auto', () => {
  it('maps a Slurm array starting at 0 or at 1 onto shards 1..N, every task exactly once', () => {
    for (const min of [0, 1]) {
      const got = [];
      for (let id = min; id < min + 8; id++) got.push(shardFromEnvironment(slurm(id, min, min + 7)));
      expect(got.map((s) => s.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(got.every((s) => s.count === 8)).toBe(true);
    }
    expect(shardFromEnvironment(slurm(3, 0, 7)).source).toBe('Slurm array task 3 (0-7) -> shard 4/8');
  });

  it('handles steps, a missing COUNT, and refuses a list array that is not a range', () => {
    const step = { SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '6', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '4' };
    expect(shardFromEnvironment(step)).toMatchObject({ index: 3, count: 4 });
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '5' })).toMatchObject({ index: 2, count: 5 });
    const list = { SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '9', SLURM_ARRAY_TASK_COUNT: '3' };
    expect(() => shardFromEnvironment(list)).toThrow(/has 3 tasks but spans 1-9/);
    // --shard-count overrides the array size (an array resubmitted for one failed task).
    expect(
      shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '5', SLURM_ARRAY_TASK_MAX: '5', SLURM_ARRAY_TASK_COUNT: '1' }, 8),
    ).toMatchObject({ index: 1, count: 8 });
    expect(() => shardFromEnvironment(slurm(9, 0, 9), 8)).toThrow(/shard 10, beyond the 8 shards/);
    expect(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: 'x' })).toThrow(/not a whole number/);
  });

  it('Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX with --shard-count or BVSCAPE_SHARD_COUNT', () => {
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 4)).toMatchObject({ index: 1, count: 4 });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '3', BVSCAPE_SHARD_COUNT: '4' })).toMatchObject({ index: 4, count: 4 });
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '3' })).toThrow(/gives no shard count; pass --shard-count N or set BVSCAPE_SHARD_COUNT/);
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '4' }, 4)).toThrow(/outside 0\.\.3/);
  });

  it('outside a scheduler it is a usage error; --shard-count alone is too', () => {
    expect(() => shardFromEnvironment({})).toThrow(UsageError);
    expect(() => shardFromEnvironment({ PATH: '/bin' })).toThrow(/found no scheduler.*--shard i\/N/);
    expect(() => shardOption('2/4', '4', {})).toThrow(/--shard-count goes with --shard auto/);
    expect(shardOption('2/4', undefined, {})).toEqual({ index: 2, count: 4 });
    expect(shardOption('auto', '3', { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 3, count: 3 });
  });

  it('the CLI exits 2 with the message outside a scheduler', () => {
    const r = cli(['screen', 'fixtures', '--ion', 'Li', '--shard', 'auto', '--out', '/dev/null'], {
      entry: 'bin',
      env: withoutScheduler((k) => k.startsWith('SLURM_') || k === 'JOB_COMPLETION_INDEX' || k === 'BVSCAPE_SHARD_COUNT'),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shard auto found no scheduler/);
  });

  it('a Kubernetes Indexed Job (as examples/k8s runs it): every index screens its shard, the shards merge', () => {
    const manifest = readFileSync(join(ROOT, 'examples/k8s/screen-indexed-job.yaml'), 'utf8');
    const completions = /^\s*completions:\s*(\d+)/m.exec(manifest)![1];
    expect(/BVSCAPE_SHARD_COUNT\s*\n\s*value:\s*"(\d+)"/.exec(manifest)![1]).toBe(completions);
    expect(manifest).toMatch(/--shard auto/);
    const dir = tempDir();
    const env = { ...withoutScheduler((k) => k.startsWith('SLURM_')), BVSCAPE_SHARD_COUNT: '3' };
    const run = (args: string[], extra: Record<string, string> = {}) => cli(args, { entry: 'bin', env: { ...env, ...extra }, timeoutMs: 120_000 });
    for (let i = 0; i < 3; i++) {
      const r = run(
        [
          'screen',
          'fixtures/db',
          '--ion',
          'Li',
          '--backend',
          'cpu',
          '--resolution',
          '0.5',
          '--shard',
          'auto',
          '--resume',
          '--progress',
          'none',
          '-j',
          '1',
          '--out',
          join(dir, `shard-${i}.jsonl`),
        ],
        { JOB_COMPLETION_INDEX: String(i) },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`Kubernetes completion index ${i} -> shard ${i + 1}/3`);
    }
    const m = run(['merge', ...[0, 1, 2].map((i) => join(dir, `shard-${i}.jsonl`)), '--out', join(dir, 'all.jsonl')]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/merged 3 shards: 5 files, 7 structures/);
  }, 120_000);
});
