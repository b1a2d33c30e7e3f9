// `bvscape landscape` (the built CLI): the files it writes, says it wrote, and the path per dimension.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readGrd } from '../../src/io/grid-files.js';
import { cli as runCli } from '../helpers/cli.js';

const cli = (args: string[]) => runCli(args, { entry: 'bin', timeoutMs: 120_000 });

interface PathJson {
  dimension: string;
  winding: number[];
  length_a: number;
  grid_path_length_a: number;
  barrier: number;
  points: { frac: number[]; energy: number; s: number }[];
}

describe('bvscape landscape', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bvscape-landscape-'));
  const base = ['landscape', 'fixtures/LiI_rocksalt.cif', '--ion', 'Li', '--resolution', '0.2', '--backend', 'cpu', '--threads', '1'];

  it('writes paths per dimension, the profile of the chosen dimension, and says which files it wrote', () => {
    const files = { path: path.join(dir, 'paths.json'), profile: path.join(dir, 'profile.svg'), grd: path.join(dir, 'e.grd') };
    // Grid barriers: the paths' maxima are the grid's thresholds (continuum barriers lie below a 0.2 Å grid's paths).
    const r = cli([...base, '--grid-barriers', '--path', files.path, '--profile', files.profile, '--profile-dimension', '1', '--grd', files.grd]);
    expect(r.stderr).not.toContain('error');
    // A CIF with only the H-M symbol is normal: how its operators were built is no warning.
    expect(r.stderr).not.toContain('warning');
    expect(r.code).toBe(0);
    for (const f of Object.values(files)) {
      expect(existsSync(f)).toBe(true);
      expect(r.stdout).toContain(`wrote ${f}`);
    }
    const json = JSON.parse(readFileSync(files.path, 'utf8')) as Record<string, number> & { paths: PathJson[] };
    expect(json.paths.map((p) => p.dimension)).toEqual(['1D', '2D', '3D']);
    for (const p of json.paths) {
      // Rock salt, a = 6 Å: the path advances by a lattice vector and is no shorter than it.
      const period = 6 * Math.hypot(...p.winding);
      expect(p.length_a).toBeGreaterThanOrEqual(period - 1e-3);
      expect(p.length_a).toBeLessThanOrEqual(p.grid_path_length_a + 1e-3);
      const first = p.points[0]!,
        last = p.points[p.points.length - 1]!;
      for (let m = 0; m < 3; m++) expect(last.frac[m]! - first.frac[m]!).toBeCloseTo(p.winding[m]!, 4);
      expect(last.s).toBeCloseTo(p.length_a, 3);
      expect(p.barrier).toBeCloseTo(json[`barrier_${p.dimension.toLowerCase()}`]!, 3);
    }
    expect(readFileSync(files.profile, 'utf8')).toContain('Li+ 1D path');
  }, 120_000);

  it('draws the 3D path by default (the dimension screens rank by)', () => {
    const profile = path.join(dir, 'default.svg');
    const r = cli([...base, '--profile', profile, '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    for (const k of ['barrier_1d', 'barrier_2d', 'barrier_3d']) expect(json[k]).toBeTypeOf('number');
    // No certificate unless asked for: the bracket columns are null.
    for (const k of ['certified', 'barrier_1d_lower', 'barrier_2d_lower', 'barrier_3d_lower']) expect(json[k]).toBeNull();
    // The oxidation states used, and where they came from (the CIF's type symbols).
    expect(json.oxidation_states).toEqual({ Li: 1, I: -1 });
    expect(json.oxidation_source).toBe('file');
    expect(r.stderr).toContain(`wrote ${profile}`);
    expect(readFileSync(profile, 'utf8')).toContain('Li+ 3D path');
  }, 120_000);

  it('--certify brackets each barrier in the JSON', () => {
    const r = cli(['landscape', 'fixtures/Li3N_alpha.cif', '--ion', 'Li', '--backend', 'cpu', '--threads', '1', '--certify', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as Record<string, number | boolean | null> & {
      continuum: {
        barriers: Record<string, { threshold: number; lower_bound: number | null; certified: boolean }>;
        certificate: { exhausted: boolean; rounds: number; blocks: number } | null;
      };
    };
    for (const d of ['1D', '2D', '3D']) {
      const b = json.continuum.barriers[d]!;
      expect(b.lower_bound).not.toBeNull();
      expect(b.lower_bound!).toBeLessThanOrEqual(b.threshold);
      expect(b.certified).toBe(true);
      // The same bracket as scalar columns: [barrier_Xd_lower, barrier_Xd], at most 0.002 eV wide (rounding aside).
      const lower = json[`barrier_${d.toLowerCase()}_lower`] as number,
        upper = json[`barrier_${d.toLowerCase()}`] as number;
      expect(lower).toBeLessThanOrEqual(upper);
      expect(upper - lower).toBeLessThanOrEqual(0.0021);
    }
    expect(json.certified).toBe(true);
    expect(json.continuum.certificate!.exhausted).toBe(false);
    expect(json.continuum.certificate!.rounds).toBe(0);
    expect(json.continuum.certificate!.blocks).toBeGreaterThan(0);
  }, 120_000);

  it('refuses a dimension other than 1, 2 or 3 (exit 2)', () => {
    const r = cli([...base, '--profile', path.join(dir, 'x.svg'), '--profile-dimension', '4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--profile-dimension');
  });

  it('screen rows carry the oxidation states used and their source', () => {
    const out = path.join(dir, 'rows.jsonl');
    const r = cli(['screen', 'fixtures/LiCl_rocksalt_primitive.vasp', '--ion', 'Li', '--out', out, '--backend', 'cpu', '--workers', '1']);
    expect(r.code).toBe(0);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((row) => 'status' in row);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('ok');
    expect(rows[0]!.oxidation_states).toEqual({ Li: 1, Cl: -1 });
    expect(rows[0]!.oxidation_source).toBe('bvs');
    expect(rows[0]!.certified).toBeNull();
  }, 120_000);

  it('screen --certify fills the bracket columns', () => {
    const out = path.join(dir, 'certified.jsonl');
    const r = cli(['screen', 'fixtures/LiCl_rocksalt_primitive.vasp', '--ion', 'Li', '--certify', '--out', out, '--backend', 'cpu', '--workers', '1']);
    expect(r.code).toBe(0);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((row) => 'status' in row);
    expect(rows[0]!.status).toBe('ok');
    expect(rows[0]!.certified).toBe(true);
    const lower = rows[0]!.barrier_3d_lower as number,
      upper = rows[0]!.barrier_3d as number;
    expect(lower).toBeLessThanOrEqual(upper);
    expect(upper - lower).toBeLessThanOrEqual(0.0021);
  }, 120_000);

  it('writes grid files at 0.1 Å by default from a finer grid, warns about big files, and the total counts every step', () => {
    const grd = path.join(dir, 'fine.grd');
    const json = path.join(dir, 'fine.json');
    const fine = ['landscape', 'fixtures/LiI_rocksalt.cif', '--ion', 'Li', '--resolution', '0.05', '--backend', 'cpu', '--threads', '1'];
    const r = cli([...fine, '--grd', grd, '--path', json]);
    expect(r.code, r.stderr).toBe(0);
    const g = readGrd(readFileSync(grd, 'utf8'));
    expect(g.grid).toEqual({ nx: 60, ny: 60, nz: 60 }); // 6 Å at 0.1 Å, from the 120³ grid computed
    expect(r.stdout).toMatch(/wrote .*fine\.grd \(energy grid, VESTA \.grd, 60 x 60 x 60 points at 0\.1 Å \(--grid-file-spacing\), [\d.]+ MB\)/);
    const t = /time: grid (\d+) ms, percolation (\d+) ms, paths and sites (\d+) ms, grid files (\d+) ms, total (\d+) ms/.exec(r.stdout);
    expect(t, r.stdout).not.toBeNull();
    const [grid, perc, paths, files, total] = t!.slice(1).map(Number) as [number, number, number, number, number];
    expect(total).toBeGreaterThanOrEqual(grid + perc + paths + files);
    expect(r.stderr).not.toContain('MB; viewers');
    // The computed grid itself: 120³ values, over 20 MB as text, so a warning names the option.
    const full = cli([...fine, '--grd', grd, '--grid-file-spacing', '0.05', '--overwrite']);
    expect(full.code, full.stderr).toBe(0);
    expect(readGrd(readFileSync(grd, 'utf8')).grid).toEqual({ nx: 120, ny: 120, nz: 120 });
    expect(full.stderr).toMatch(/warning: .*fine\.grd is \d+ MB; viewers load it slowly: a coarser --grid-file-spacing/);
  }, 120_000);
});
