// Wrong numbers and unclear messages: an absent mobile ion, impossible occupancies, coordinates and
// cells, output paths that fail only after the work, and option-parsing messages.
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRows, ROOT, tempDir } from '../screen/helpers.js';
import { cli } from './helpers.js';
import { closestOption, joinNegativeValues } from '../../src/cli/arg-repair.js';
import { readStructureText } from '../../src/structure/read.js';

const LII = join(ROOT, 'fixtures/LiI_rocksalt.cif');

function cif(opts: { a?: number; occ?: string; x?: string } = {}): string {
  const a = opts.a ?? 4.2;
  return (
    `data_t\n_cell_length_a ${a}\n_cell_length_b ${a}\n_cell_length_c ${a}\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n` +
    `loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n` +
    `Na1 Na+ ${opts.x ?? '0'} 0 0 ${opts.occ ?? '1'}\nCl1 Cl- 0.5 0.5 0.5 1\n`
  );
}

describe('the mobile ion must be in the structure', () => {
  it('landscape --ion Na on LiI: exit 2 naming the ion; --allow-absent-ion computes and marks the probe', () => {
    const r = cli(['landscape', LII, '--ion', 'Na', '--backend', 'cpu', '--resolution', '0.3']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/the mobile ion Na is not in the structure \(LiI\).*--allow-absent-ion/);
    const p = cli(['landscape', LII, '--ion', 'Na', '--backend', 'cpu', '--resolution', '0.3', '--allow-absent-ion', '--json']);
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout).warnings.join(' ')).toMatch(/probe: Na is not in LiI/);
  });

  it('screen: a NoMobileIon error row, never ranked; the flag computes a marked row', () => {
    const dir = tempDir();
    const out = join(dir, 'r.jsonl');
    const r = cli([
      'screen',
      LII,
      '--ion',
      'Na',
      '--ion',
      'Li',
      '--out',
      out,
      '--progress',
      'none',
      '--workers',
      '1',
      '--backend',
      'cpu',
      '--resolution',
      '0.3',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rows = loadRows(out);
    const na = rows.find((x) => x.ion === 'Na' || x.ion === 'Na+')!;
    expect(na.status).toBe('error');
    expect(na.error_kind).toBe('NoMobileIon');
    expect(na.barrier_3d).toBeNull();
    expect(rows.find((x) => x.ion === 'Li+')?.status).toBe('ok');
    const out2 = join(dir, 'probe.jsonl');
    const p = cli([
      'screen',
      LII,
      '--ion',
      'Na',
      '--allow-absent-ion',
      '--out',
      out2,
      '--progress',
      'none',
      '--workers',
      '1',
      '--backend',
      'cpu',
      '--resolution',
      '0.3',
    ]);
    expect(p.code, p.stderr).toBe(0);
    const probe = loadRows(out2)[0]!;
    expect(probe.status).toBe('ok');
    expect(String(probe.note)).toMatch(/probe: Na is not in LiI/);
  });
});

describe('impossible structures get their own message', () => {
  it('negative occupancy, a coordinate of 1e20 and a 0.01 Å cell (CIF), with the line', async () => {
    const neg = await readStructureText(cif({ occ: '-1' }), 'neg.cif');
    expect(neg[0]!.error?.message).toMatch(/^neg\.cif:\d+: .*site 'Na1': occupancy -1 is negative/);
    const far = await readStructureText(cif({ x: '1e20' }), 'far.cif');
    expect(far[0]!.error?.message).toMatch(/^far\.cif:\d+: .*site 'Na1': fractional coordinate 1e\+20 is far outside the cell/);
    const tiny = await readStructureText(cif({ a: 0.01 }), 'tiny.cif');
    expect(tiny[0]!.error?.message).toMatch(/the cell is too small \(a=0\.0100, b=0\.0100, c=0\.0100 Å/);
    expect(tiny[0]!.error?.message).not.toMatch(/share a position/);
    // Ordinary values still read.
    expect((await readStructureText(cif({ x: '-0.25' }), 'ok.cif'))[0]!.structure?.sites).toHaveLength(2);
  });

  it('the same limits for POSCAR', async () => {
    const poscar = (scale: string, x: string) => `NaCl\n${scale}\n4.2 0 0\n0 4.2 0\n0 0 4.2\nNa Cl\n1 1\nDirect\n${x} 0 0\n0.5 0.5 0.5\n`;
    expect((await readStructureText(poscar('1.0', '1e20'), 'far.vasp'))[0]!.error?.message).toMatch(
      /far\.vasp:9: atom 1 \(Na\): fractional coordinate 1e\+20 is far outside/,
    );
    expect((await readStructureText(poscar('0.001', '0'), 'tiny.vasp'))[0]!.error?.message).toMatch(/the cell is too small/);
  });
});

describe('output paths are checked before computing', () => {
  it('landscape --cube/--grd/--path/--profile in a missing directory: exit 2 at once, no stack trace', () => {
    const dir = tempDir();
    for (const opt of ['--cube', '--grd', '--path', '--profile']) {
      const target = join(dir, 'missing', `x${opt.slice(2)}`);
      const r = cli(['landscape', LII, '--ion', 'Li', '--backend', 'cpu', '--resolution', '0.05', opt, target]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^error: ${opt} .*: the directory .*missing does not exist`));
      expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    }
    const isDir = cli(['landscape', LII, '--ion', 'Li', '--backend', 'cpu', '--cube', dir]);
    expect(isDir.code).toBe(2);
    expect(isDir.stderr).toMatch(/is a directory/);
  });

  it('screen --csv/--plot/--out and merge/plot --out in a missing directory: exit 2 before screening', () => {
    const dir = tempDir();
    const miss = join(dir, 'nope', 'f');
    for (const opt of ['--csv', '--plot', '--out']) {
      const args = [
        'screen',
        LII,
        '--ion',
        'Li',
        '--progress',
        'none',
        '--backend',
        'cpu',
        ...(opt === '--out' ? [] : ['--out', join(dir, 'o.jsonl')]),
        opt,
        miss,
      ];
      const r = cli(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${opt} .*does not exist`));
      expect(existsSync(join(dir, 'o.jsonl'))).toBe(false);
    }
    writeFileSync(join(dir, 't.jsonl'), '{"type":"bvscape-screen"}\n');
    expect(cli(['merge', join(dir, 't.jsonl'), '--out', miss]).stderr).toMatch(/--out .*does not exist/);
    expect(cli(['plot', join(dir, 't.jsonl'), '--out', miss]).stderr).toMatch(/--out .*does not exist/);
  });
});

describe('option parsing', () => {
  it('negative numbers get the range error, not "ambiguous"', () => {
    for (const args of [['--resolution', '-1'], ['--resolution=-1'], ['--encut', '-.5']]) {
      const r = cli(['landscape', LII, '--ion', 'Li', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/expects a positive number, got '-/);
      expect(r.stderr).not.toMatch(/ambiguous/);
    }
    const s = cli(['screen', LII, '--ion', 'Li', '-r', '-0.2', '--out', join(tempDir(), 'x.jsonl')]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/--resolution expects a positive number, got '-0\.2'/);
  });

  it('unknown options get a "did you mean" suggestion', () => {
    const r = cli(['landscape', LII, '--ion', 'Li', '--resoltion', '0.2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--resoltion'.*did you mean --resolution\?/);
    expect(cli(['screen', LII, '--ions', 'Li']).stderr).toMatch(/did you mean --ion\?/);
    expect(closestOption('--zzzzzzz', ['resolution', 'ion'])).toBeNull();
    expect(joinNegativeValues(['--resolution', '-1', 'a.cif', '--', '--x', '-2'], { resolution: { type: 'string', description: '' } })).toEqual([
      '--resolution=-1',
      'a.cif',
      '--',
      '--x',
      '-2',
    ]);
  });
});

describe('oxidation-state messages do not contradict themselves', () => {
  it('when the usual states balance but a structural rule excludes them, the message says which rule', async () => {
    const { assignOxidationStates } = await import('../../src/bvse/oxidation/assign.js');
    const text =
      `data_m\n_cell_length_a 5\n_cell_length_b 5\n_cell_length_c 5\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n` +
      `loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n` +
      `Li1 Li 0 0 0 0.5\nCl1 Cl 0 0 0 0.5\nNa1 Na 0.5 0.5 0.5 1\nCl2 Cl 0.5 0 0 1\n`;
    const s = (await readStructureText(text, 'mixed.cif'))[0]!.structure!;
    let message = '';
    try {
      assignOxidationStates(s);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/the usual states, .*balance the charge, but Cl and Li share positions/);
    expect(message).not.toMatch(/net charge is 0 e/);
  });
});
