// --no-symmetry and the symmetry record in `bvscape landscape --json` and `bvscape screen` rows (the built CLI).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli as runCli } from '../helpers/cli.js';

const cli = (args: string[]) => runCli(args, { entry: 'bin', timeoutMs: 120_000 });

describe('symmetry on the command line', () => {
  // β-Li3PS4 on a 0.25 Å grid: 52 × 33 × 25, so the even axis keeps some operations.
  const base = ['fixtures/db/Li3PS4_beta.cif', '--ion', 'Li', '--uniform', '--resolution', '0.25', '--backend', 'cpu', '--threads', '1'];

  it('landscape --json records the symmetry used; --no-symmetry records none and gives the same barriers to 1e-3 eV', () => {
    const on = cli(['landscape', ...base, '--json']);
    expect(on.code, on.stderr).toBe(0);
    const a = JSON.parse(on.stdout) as {
      grid: number[];
      symmetry: Record<string, number | string | null>;
      barrier_1d: number;
      barrier_2d: number;
      barrier_3d: number;
    };
    const n = a.grid[0]! * a.grid[1]! * a.grid[2]!;
    expect(a.symmetry.space_group).toBe('P n m a');
    expect(a.symmetry.space_group_number).toBe(62);
    expect(a.symmetry.operations as number).toBeGreaterThan(1);
    expect(a.symmetry.points_evaluated as number).toBeLessThan(n);
    expect(a.symmetry.max_shift_a as number).toBeLessThanOrEqual(2e-3);
    const off = cli(['landscape', ...base, '--json', '--no-symmetry']);
    expect(off.code, off.stderr).toBe(0);
    const b = JSON.parse(off.stdout) as typeof a;
    expect(b.symmetry).toBeNull();
    // Different atoms (symmetrized or as read, < 2e-3 Å apart): barriers close, not bit-equal.
    for (const d of ['barrier_1d', 'barrier_2d', 'barrier_3d'] as const) expect(Math.abs(a[d] - b[d])).toBeLessThan(1e-3);
  });

  it('landscape and screen list --no-symmetry in --help', () => {
    for (const cmd of ['landscape', 'screen']) {
      const r = cli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('--no-symmetry');
    }
  });

  it('screen rows carry the symmetry record; --no-symmetry rows carry null', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bvscape-symmetry-'));
    const rows = (flags: string[], name: string) => {
      const out = path.join(dir, name);
      const r = cli(['screen', base[0]!, '--ion', 'Li', '--uniform', '--resolution', '0.25', '--backend', 'cpu', '--workers', '1', '--out', out, ...flags]);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((o) => 'status' in o);
    };
    const on = rows([], 'on.jsonl');
    expect(on).toHaveLength(1);
    expect(on[0]!.status).toBe('ok');
    const s = on[0]!.symmetry as Record<string, number>;
    expect(s.space_group_number).toBe(62);
    expect(s.points_evaluated).toBeLessThan((on[0]!.grid as number[]).reduce((x, y) => x * y, 1));
    const off = rows(['--no-symmetry'], 'off.jsonl');
    expect(off[0]!.status).toBe('ok');
    expect(off[0]!.symmetry).toBeNull();
  });

  it('converged screen rows name the strategy: the filled finest grid with symmetry, the octree without', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bvscape-strategy-'));
    const row = (flags: string[], name: string) => {
      const out = path.join(dir, name);
      const r = cli([
        'screen',
        base[0]!,
        '--ion',
        'Li',
        '--resolution',
        '0.1',
        '--grid-barriers',
        '--backend',
        'cpu',
        '--workers',
        '1',
        '--out',
        out,
        ...flags,
      ]);
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((o) => 'status' in o)!;
    };
    const on = row([], 'on.jsonl'),
      off = row(['--no-symmetry'], 'off.jsonl');
    expect(on.mode).toBe('converged');
    expect(on.strategy).toBe('symmetric-grid');
    expect(off.strategy).toBe('octree');
    expect(off.levels).toBe(2);
    // Same finest grid, same barriers (the symmetrized atoms moved by ~1e-15 Å here).
    expect(on.grid).toEqual(off.grid);
    expect(Math.abs((on.barrier_3d as number) - (off.barrier_3d as number))).toBeLessThan(1e-4);
  });
});
