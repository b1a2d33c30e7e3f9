// `bvscape screen` over the database-format fixtures: every entry of a multi-entry file gets its
// own rows (id = file#entry), broken entries get error rows naming file and entry, the rest goes on.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../helpers/cli.js';
import { tempDir } from './helpers.js';

describe('screen over OPTIMADE, pymatgen JSON and extxyz inputs', () => {
  it('one row per entry, error rows for broken entries, same barriers as the CIF', () => {
    const out = path.join(tempDir(), 'r.jsonl');
    const r = cli(
      [
        'screen',
        'fixtures/db',
        'fixtures/broken/truncated.optimade.json',
        'fixtures/broken/optimade_no_positions.json',
        'fixtures/broken/wrong_atom_count.extxyz',
        '--ion',
        'Li',
        '--backend',
        'cpu',
        '--resolution',
        '0.4',
        '--out',
        out,
        '--progress',
        'none',
        '-j',
        '2',
      ],
      { entry: 'bin', timeoutMs: 120_000 },
    );
    expect(r.stderr).not.toMatch(/internal error/i);
    expect(r.code).toBe(0);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((o) => 'id' in o);
    const byId = new Map(rows.map((x) => [x.id as string, x]));
    expect([...byId.keys()].sort()).toEqual([
      'fixtures/broken/optimade_no_positions.json#no-positions',
      'fixtures/broken/truncated.optimade.json',
      'fixtures/broken/wrong_atom_count.extxyz#0',
      'fixtures/broken/wrong_atom_count.extxyz#1',
      'fixtures/db/Li3PS4_beta.cif#beta_Li3PS4',
      'fixtures/db/Li3PS4_beta.optimade.json#homma2011-beta-Li3PS4',
      'fixtures/db/Li3PS4_beta.pymatgen.json.gz',
      'fixtures/db/LiCl_Li2S.extxyz#0',
      'fixtures/db/LiCl_Li2S.extxyz#1',
      'fixtures/db/rocksalt.optimade.jsonl#wyckoff-LiCl',
      'fixtures/db/rocksalt.optimade.jsonl#wyckoff-LiI',
    ]);
    const err = (id: string) => byId.get(id)!;
    expect(err('fixtures/broken/optimade_no_positions.json#no-positions')).toMatchObject({ status: 'error', error_kind: 'StructureError' });
    expect(err('fixtures/broken/optimade_no_positions.json#no-positions').error).toMatch(/entry 'no-positions'.*no cartesian_site_positions/);
    expect(err('fixtures/broken/wrong_atom_count.extxyz#0').error).toMatch(/wrong_atom_count\.extxyz:11: frame 0:/);
    expect(err('fixtures/broken/truncated.optimade.json').error).toMatch(/truncated/);
    expect(err('fixtures/broken/wrong_atom_count.extxyz#1').status).toBe('ok');
    const cif = byId.get('fixtures/db/Li3PS4_beta.cif#beta_Li3PS4')!;
    expect(cif.status).toBe('ok');
    for (const id of ['fixtures/db/Li3PS4_beta.optimade.json#homma2011-beta-Li3PS4', 'fixtures/db/Li3PS4_beta.pymatgen.json.gz']) {
      const x = byId.get(id)!;
      expect(x.space_group_number).toBe(62);
      expect(x.barrier_3d as number).toBeCloseTo(cif.barrier_3d as number, 4);
    }
  }, 120_000);

  it('single-file commands exit 2 with the file and entry named', () => {
    const cases: Array<[string[], RegExp]> = [
      [['landscape', 'fixtures/broken/optimade_no_positions.json', '--ion', 'Li', '--backend', 'cpu'], /optimade_no_positions\.json: entry 'no-positions'/],
      [['info', 'fixtures/broken/truncated.optimade.json'], /truncated\.optimade\.json:\d+: the JSON ends/],
      [['energy', 'fixtures/broken/wrong_atom_count.extxyz', '--ion', 'Li', '--at', '0,0,0', '--block', '0'], /wrong_atom_count\.extxyz:11: frame 0/],
      [['landscape', 'fixtures/db/LiCl_Li2S.extxyz', '--ion', 'Li', '--backend', 'cpu'], /holds 2 structures .*--block NAME/],
    ];
    for (const [args, re] of cases) {
      const r = cli(args, { entry: 'bin' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    const ok = cli(['landscape', 'fixtures/db/LiCl_Li2S.extxyz', '--block', '1', '--ion', 'Li', '--backend', 'cpu', '--resolution', '0.3', '--json'], {
      entry: 'bin',
    });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).barrier_3d).toBeGreaterThan(0);
  }, 120_000);
});
