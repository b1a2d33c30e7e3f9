// `bvscape percolate` on a .cube written by `bvscape landscape`: the same barriers, E_min, paths and
// sites as landscape reports for its own grid, exactly (the cube carries float32 energies bit for bit).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli as runCli } from '../helpers/cli.js';

const cli = (args: string[]) => runCli(args, { entry: 'bin', timeoutMs: 120_000 });

interface PathFile {
  barriers: Record<string, number | null>;
  e_min: number;
  paths: { dimension: string; barrier: number; winding: number[]; points: { frac: number[]; energy: number; s: number }[] }[];
  sites: { energy: number }[];
  hops: unknown[];
}

type Barriers = { barrier_1d: number | null; barrier_2d: number | null; barrier_3d: number | null };
const barriersOf = (j: Barriers) => [j.barrier_1d, j.barrier_2d, j.barrier_3d];

describe('bvscape percolate', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'bvscape-percolate-'));
  const cube = path.join(dir, 'LiI.cube');
  const grd = path.join(dir, 'LiI.grd');
  const landscapePaths = path.join(dir, 'landscape-paths.json');

  it("returns the numbers landscape reports, exactly, from landscape's .cube (and its .grd)", () => {
    for (const connectivity of ['6', '26']) {
      const l = cli([
        'landscape',
        'fixtures/LiI_rocksalt.cif',
        '--ion',
        'Li',
        '--resolution',
        '0.25',
        '--grid-barriers',
        '--backend',
        'cpu',
        '--threads',
        '1',
        '--connectivity',
        connectivity,
        '--cube',
        cube,
        '--grd',
        grd,
        '--path',
        landscapePaths,
        '--json',
        '--overwrite',
      ]);
      expect(l.code).toBe(0);
      const lj = JSON.parse(l.stdout) as Barriers & { e_min: number; e_max: number };
      const lp = JSON.parse(readFileSync(landscapePaths, 'utf8')) as PathFile;

      const pathsOut = path.join(dir, `percolate-paths-${connectivity}.json`);
      const profile = path.join(dir, `profile-${connectivity}.svg`);
      const p = cli(['percolate', cube, '--connectivity', connectivity, '--json', '--path', pathsOut, '--profile', profile]);
      expect(p.stderr).not.toMatch(/error/);
      expect(p.code).toBe(0);
      const pj = JSON.parse(p.stdout) as Barriers & { e_min: number; e_max: number; format: string; connectivity: number };
      expect(pj.format).toBe('cube');
      expect(pj.connectivity).toBe(Number(connectivity));
      expect(barriersOf(pj)).toEqual(barriersOf(lj));
      expect(barriersOf(lj).every((b) => typeof b === 'number')).toBe(true);
      expect(pj.e_min).toBe(lj.e_min);
      expect(pj.e_max).toBe(lj.e_max);
      const pp = JSON.parse(readFileSync(pathsOut, 'utf8')) as PathFile;
      expect(pp.paths.map((x) => [x.dimension, x.barrier, x.winding])).toEqual(lp.paths.map((x) => [x.dimension, x.barrier, x.winding]));
      // The relaxed real-space paths start at the same saddle and keep their barrier and winding; their
      // points can move by a little, because the cube's cell is rounded to 1e-6 Bohr and the relaxation
      // responds to the cell's last bits (test/io/percolate-grid.test.ts: identical with the same cell).
      for (let i = 0; i < lp.paths.length; i++) {
        expect(pp.paths[i]!.points[0]).toEqual(lp.paths[i]!.points[0]);
        const len = lp.paths[i]!.points.at(-1)!.s;
        expect(Math.abs(pp.paths[i]!.points.at(-1)!.s - len)).toBeLessThan(0.02 * len);
        expect(Math.max(...pp.paths[i]!.points.map((q) => q.energy))).toBeLessThanOrEqual(Math.max(...lp.paths[i]!.points.map((q) => q.energy)) + 0.01);
      }
      expect(pp.sites).toEqual(lp.sites);
      expect(pp.hops.length).toBe(lp.hops.length);
      expect(existsSync(profile)).toBe(true);
      expect(readFileSync(profile, 'utf8')).toMatch(/^<svg/);

      // The .grd carries 9 significant digits too: the same barriers.
      const g = cli(['percolate', grd, '--connectivity', connectivity, '--json']);
      expect(g.code).toBe(0);
      expect(barriersOf(JSON.parse(g.stdout) as Barriers)).toEqual(barriersOf(lj));
    }
  }, 120_000);

  it('human output names the format, the units and the barriers', () => {
    const r = cli(['percolate', cube]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cube, grid \d+ x \d+ x \d+/);
    expect(r.stdout).toMatch(/read: cube lengths in Bohr/);
    expect(r.stdout).toMatch(/barrier 1D \d+\.\d{3} eV/);
  });

  it('bad input exits 2 with file and line; bad options exit 2', () => {
    const bad = path.join(dir, 'bad.grd');
    writeFileSync(bad, 'title\n5 5 5 90 90 90\n2 2 2\n1 2 3 NaN 5 6 7 8\n');
    const r = cli(['percolate', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:4: 'NaN' is not a finite number`);
    expect(cli(['percolate', path.join(dir, 'missing.cube')]).code).toBe(2);
    expect(cli(['percolate', cube, '--scale', '0']).code).toBe(2);
    expect(cli(['percolate', cube, '--grd-order', 'y']).code).toBe(2);
    const help = cli(['percolate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--grd-order/);
    expect(help.stdout).toMatch(/--invert/);
  });
});
