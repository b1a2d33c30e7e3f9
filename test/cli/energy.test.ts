// `bvscape energy` end to end through the built CLI (dist/, built by the global setup).
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SHARED } from '../helpers/fixtures.js';
import { erfc } from '../../src/bvse/pair.js';
import { cli as runCli } from '../helpers/cli.js';

const cli = (args: string[]) => runCli(args, { entry: 'dist', timeoutMs: 60_000 });

const A = 30;
function cif(block: string, sites: string[]): string {
  return [
    `data_${block}`,
    `_cell_length_a ${A}`,
    `_cell_length_b ${A}`,
    `_cell_length_c ${A}`,
    '_cell_angle_alpha 90',
    '_cell_angle_beta 90',
    '_cell_angle_gamma 90',
    "_symmetry_space_group_name_H-M 'P 1'",
    'loop_',
    '_symmetry_equiv_pos_as_xyz',
    "'x, y, z'",
    'loop_',
    '_atom_site_label',
    '_atom_site_type_symbol',
    '_atom_site_fract_x',
    '_atom_site_fract_y',
    '_atom_site_fract_z',
    '_atom_site_occupancy',
    ...sites,
    '',
  ].join('\n');
}

const dir = mkdtempSync(path.join(tmpdir(), 'bvscape-energy-'));
// One Li (removed as the mobile ion), one S2- at the centre, one P5+ 3 Å above it.
const toySites = ['Li1 Li 0.1 0.1 0.1 1', 'S1 S 0.5 0.5 0.5 1', 'P1 P 0.5 0.5 0.6 1'];
const toy = path.join(dir, 'toy.cif');
writeFileSync(toy, cif('toy', toySites));
const twoBlocks = path.join(dir, 'two.cif');
writeFileSync(twoBlocks, cif('first', toySites) + cif('second', ['Li1 Li 0.1 0.1 0.1 1', 'S1 S 0.5 0.5 0.5 0.5']));
const OXI = ['--oxi', 'Li=1,P=5,S=-2'];

// Li+ with S2- (bvse_pairs_bvlain.csv) and the Li+/P5+ Coulomb constants (n_Li 2, n_P 3, rcov 1.28, 1.07).
const morseLiS = (r: number) => 0.5 * 1.04027 * ((Math.exp(1.531394 * (2.40971 - r)) - 1) ** 2 - 1);
const coulombLiP = (r: number) => ((14.4 * 5) / Math.sqrt(6) / r) * erfc(r / (0.74 * (1.28 + 1.07)));

describe('bvscape energy', () => {
  it('--json: energies at the points, with the Morse and Coulomb sums', () => {
    const r = cli(['energy', toy, '--ion', 'Li', '--at', `${0.5 + 2.2 / A},0.5,0.5`, '--at', '0.5 0.5 0.35', ...OXI, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ ion: 'Li+', model: 'bvlain', cutoff: 10, oxidation_source: 'override', n_framework_atoms: 2, block: 'toy' });
    expect(out.species).toEqual(['Li+', 'P5+', 'S2-']);
    expect(out.points).toHaveLength(2);
    const [p0, p1] = out.points;
    expect(p0.frac).toEqual([0.5 + 2.2 / A, 0.5, 0.5]);
    expect(p0.morse).toBeCloseTo(morseLiS(2.2), 10);
    expect(p0.coulomb).toBeCloseTo(coulombLiP(Math.hypot(2.2, 3)), 10);
    expect(p0.energy).toBeCloseTo(p0.morse + p0.coulomb, 12);
    // 4.5 Å below S, 7.5 Å below P
    expect(p1.energy).toBeCloseTo(morseLiS(4.5) + coulombLiP(7.5), 10);
  });

  it('prints a table by default', () => {
    const r = cli(['energy', toy, '--ion', 'Li+', '--at', '0.5,0.5,0.42', ...OXI]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/Li\+ in Li\+ P5\+ S2-, model bvlain, rc 10 Å/);
    expect(lines[1]).toMatch(/E \(eV\)\s+Morse\s+Coulomb/);
    const cols = lines[2]!.trim().split(/\s+/).map(Number);
    expect(cols.slice(0, 3)).toEqual([0.5, 0.5, 0.42]);
    expect(cols[3]).toBeCloseTo(morseLiS(2.4) + coulombLiP(5.4), 5);
  });

  it('--model softbv changes the numbers', () => {
    const at = ['--at', `${0.5 + 2.2 / A},0.5,0.5`];
    const b = JSON.parse(cli(['energy', toy, '--ion', 'Li', ...at, ...OXI, '--json']).stdout);
    const s = JSON.parse(cli(['energy', toy, '--ion', 'Li', ...at, ...OXI, '--json', '--model', 'softbv']).stdout);
    expect(s.model).toBe('softbv');
    expect(s.points[0].energy).not.toBeCloseTo(b.points[0].energy, 3);
  });

  it('input errors exit 2 with one clear line', () => {
    const cases: Array<[string[], RegExp]> = [
      [['energy', toy, '--ion', 'Li', ...OXI], /at least one point/],
      [['energy', toy, '--ion', 'Li', '--at', '0.1,0.2', ...OXI], /--at '0.1,0.2': expected three fractional coordinates/],
      [['energy', toy, '--at', '0.1,0.2,0.3'], /needs --ion/],
      [['energy', toy, '--ion', 'Qq+', '--at', '0,0,0'], /'Qq' is not an element/],
      [['energy', toy, '--ion', 'Li', '--at', '0,0,0', '--model', 'nope'], /unknown model 'nope'/],
      [['energy', toy, '--ion', 'Li', '--at', '0,0,0', '--oxi', 'Li=1,P=-1,S=-2'], /no BVSE parameters for Li\+ with P-; .*no softness for P-/],
      [['energy', twoBlocks, '--ion', 'Li', '--at', '0,0,0', ...OXI], /2 structures .*first, second.*--block/],
      [['energy', path.join(dir, 'missing.cif'), '--ion', 'Li', '--at', '0,0,0'], /missing\.cif/],
      [['energy', toy, '--ion', 'Li', '--at', '0,0,0', '--oxi', 'Li=1,Li=2'], /^error: --oxi: Li is given twice$/m],
    ];
    for (const [args, msg] of cases) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^error: /);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.stderr.trim().split('\n').length, args.join(' ')).toBe(1);
    }
  });

  it('--block picks one structure of a multi-block file', () => {
    const r = cli(['energy', twoBlocks, '--ion', 'Li', '--at', `${0.5 + 2.2 / A},0.5,0.5`, '--block', 'second', '--oxi', 'Li=1,S=-2', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.block).toBe('second');
    // Half-occupied S only: 0.5 · Morse
    expect(out.points[0].energy).toBeCloseTo(0.5 * morseLiS(2.2), 10);
  });

  const lfp = path.join(SHARED, 'cif/named/LiFePO4_VESTA_P1.cif');
  it.skipIf(!existsSync(lfp))("LiFePO4: bvlain's lowest point within 0.02 eV (../shared/reference)", () => {
    const rec = readFileSync(path.join(SHARED, 'reference/bvlain_named_li.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((x) => x.file === 'named/LiFePO4_VESTA_P1.cif');
    const r = cli(['energy', lfp, '--ion', 'Li', '--at', rec.points[0].frac.join(','), '--oxi', 'Fe=2,Li=1,O=-2,P=5', '--json']);
    expect(r.code).toBe(0);
    expect(Math.abs(JSON.parse(r.stdout).points[0].energy - rec.points[0].energy)).toBeLessThan(0.02);
  });
});
